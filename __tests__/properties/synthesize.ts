import * as fc from "fast-check";
import * as fs from "node:fs";
import * as path from "node:path";
import { App, TerraformStack } from "cdktf";
import { Construct } from "constructs";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { PROPERTY_CASES, PropertyCase } from "./arbitraries";
import { distinctResources } from "./distinct-resources";

/**
 * Builds the generated prop sets of every property case and synthesizes the built ones, one stack per
 * construct, into `outdir`. The property test runs this in a plain Node process (`node --import tsx
 * synthesize.ts <outdir> <runs> <seed>`, which writes the outcomes to `<outdir>/outcomes.json`): in Jest's
 * module sandbox the same work takes about twice the CPU. Twin resources are then left out of the stacks
 * (`distinct-resources.ts`): validate judges them alike.
 */

export interface Outcome {
  readonly refused: Array<{ props: Record<string, unknown>; message: string }>;
  readonly built: number;
}

/** Builds every sample into one stack of its own; a refused sample leaves nothing behind. */
function buildAll(app: App, propertyCase: PropertyCase, runs: number, seed: number): Outcome {
  const stack = new TerraformStack(app, propertyCase.type.name.toLowerCase());
  const build = propertyCase.build ?? ((scope, id, props) => new propertyCase.type(scope, id, props as never));
  new AwsProvider(stack, "aws", { region: "eu-west-1" });
  const refused: Outcome["refused"] = [];
  let built = 0;
  fc.sample(propertyCase.props, { numRuns: runs, seed }).forEach((props, index) => {
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

/** The outcome of each case by construct name; the stacks are in `<outdir>/stacks/<construct, lowercase>`. */
export function synthesizeCases(outdir: string, runs: number, seed: number): Record<string, Outcome> {
  const app = new App({ outdir });
  const outcomes = Object.fromEntries(
    PROPERTY_CASES.map((propertyCase) => [propertyCase.type.name, buildAll(app, propertyCase, runs, seed)]),
  );
  app.synth();
  return outcomes;
}

/** Leaves each resource configuration of the synthesized stacks once, for `terraform validate` (see `distinct-resources.ts`). */
function keepDistinctResources(outdir: string): void {
  for (const stack of fs.readdirSync(path.join(outdir, "stacks"))) {
    const file = path.join(outdir, "stacks", stack, "cdk.tf.json");
    fs.writeFileSync(file, JSON.stringify(distinctResources(JSON.parse(fs.readFileSync(file, "utf8")))));
  }
}

if (require.main === module) {
  const [outdir, runs, seed] = process.argv.slice(2);
  const outcomes = synthesizeCases(outdir, Number(runs), Number(seed));
  keepDistinctResources(outdir);
  fs.writeFileSync(`${outdir}/outcomes.json`, JSON.stringify(outcomes));
}
