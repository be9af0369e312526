import * as fc from "fast-check";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { App, TerraformStack } from "cdktf";
import { Construct } from "constructs";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { describeWithTerraform, validate } from "../support/harness";
import { PROPERTY_CASES, PropertyCase } from "./arbitraries";

/**
 * Property-based tests of every construct's props: 200 generated prop sets per construct, mixing valid and
 * invalid values. Each is either refused with a message that names the construct and a prop, or built;
 * the built ones of a construct are synthesized into one stack, and Terraform validates every such stack
 * in one workspace. The seed is fixed so a run is repeatable; set STATEFUL_ECS_PROPERTY_SEED to explore
 * others. A counterexample found becomes a regression test beside the construct's other validation tests.
 */
const RUNS = 200;
const SEED = Number(process.env.STATEFUL_ECS_PROPERTY_SEED ?? 20261123);

interface Outcome {
  readonly refused: Array<{ props: Record<string, unknown>; message: string }>;
  readonly built: number;
}

const outdir = fs.mkdtempSync(path.join(os.tmpdir(), "stateful-ecs-properties-"));
const app = new App({ outdir });
const outcomes = new Map<string, Outcome>();

for (const propertyCase of PROPERTY_CASES) outcomes.set(propertyCase.type.name, buildAll(propertyCase));
app.synth();

/** Builds every sample into one stack of its own; a refused sample leaves nothing behind. */
function buildAll(propertyCase: PropertyCase): Outcome {
  const stack = new TerraformStack(app, propertyCase.type.name.toLowerCase());
  const build = propertyCase.build ?? ((scope, id, props) => new propertyCase.type(scope, id, props as never));
  new AwsProvider(stack, "aws", { region: "eu-west-1" });
  const refused: Outcome["refused"] = [];
  let built = 0;
  fc.sample(propertyCase.props, { numRuns: RUNS, seed: SEED }).forEach((props, index) => {
    const id = `p${index}`;
    const holder = new Construct(stack, id);
    try {
      build(holder, "subject", props);
      built++;
    } catch (error) {
      stack.node.tryRemoveChild(id);
      refused.push({ props, message: (error as Error).message });
    }
  });
  return { refused, built };
}

describe.each(PROPERTY_CASES.map((propertyCase) => [propertyCase.type.name, propertyCase] as const))(
  "%s with generated props",
  (construct, propertyCase) => {
    const outcome = outcomes.get(construct)!;

    it(`mixes refused and built prop sets among ${RUNS}`, () => {
      expect(outcome.refused.length + outcome.built).toBe(RUNS);
      expect(outcome.refused.length).toBeGreaterThanOrEqual(RUNS / 20);
      expect(outcome.built).toBeGreaterThanOrEqual(RUNS / 20);
    });

    it("refuses each bad prop set with a message naming the construct and one of its props", async () => {
      const sample = (await fc.sample(propertyCase.props, { numRuns: 1, seed: SEED }))[0];
      const props = new Set([...Object.keys(sample), ...(propertyCase.extraProps ?? [])]);
      const unnamed = outcome.refused.filter(({ message }) => {
        const match = new RegExp(`^${construct} 'subject': ([A-Za-z]+)`).exec(message);
        return !match || !props.has(match[1]);
      });
      expect(unnamed).toEqual([]);
    });
  },
);

describeWithTerraform("generated props that were built", () => {
  it.each(PROPERTY_CASES.map((propertyCase) => propertyCase.type.name))(
    "%s: synthesize Terraform that passes terraform validate",
    async (construct) => {
      const result = await validate(path.join(outdir, "stacks", construct.toLowerCase()));
      expect(result.diagnostics).toEqual([]);
      expect(result.valid).toBe(true);
    },
  );
});
