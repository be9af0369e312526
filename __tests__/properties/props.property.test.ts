import * as fc from "fast-check";
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";
import { describeWithTerraform, validate } from "../support/harness";
import { PROPERTY_CASES } from "./arbitraries";
import type { Outcome } from "./synthesize";

/**
 * Property-based tests of every construct's props: 200 generated prop sets per construct, mixing valid and
 * invalid values. Each is either refused with a message that names the construct and a prop, or built;
 * the built ones of a construct are synthesized into one stack, and Terraform validates every such stack
 * in one workspace (each resource configuration once: `distinct-resources.ts`). The seed is fixed so a run is repeatable; set STATEFUL_ECS_PROPERTY_SEED to explore
 * others. A counterexample found becomes a regression test beside the construct's other validation tests.
 */
const RUNS = 200;
const SEED = Number(process.env.STATEFUL_ECS_PROPERTY_SEED ?? 20261123);

// The first test waits for the synthesis, which takes seconds of CPU on a loaded machine.
jest.setTimeout(120_000);

const outdir = fs.mkdtempSync(path.join(os.tmpdir(), "stateful-ecs-properties-"));
let outcomes: Promise<Record<string, Outcome>>;

beforeAll(() => {
  outcomes = promisify(execFile)(
    process.execPath,
    ["--import", "tsx", path.join(__dirname, "synthesize.ts"), outdir, String(RUNS), String(SEED)],
    { maxBuffer: 64 * 1024 * 1024 },
  ).then(() => JSON.parse(fs.readFileSync(path.join(outdir, "outcomes.json"), "utf8")));
  outcomes.catch(() => undefined);
});

describe.each(PROPERTY_CASES.map((propertyCase) => [propertyCase.type.name, propertyCase] as const))(
  "%s with generated props",
  (construct, propertyCase) => {
    it(`mixes refused and built prop sets among ${RUNS}`, async () => {
      const outcome = (await outcomes)[construct];
      expect(outcome.refused.length + outcome.built).toBe(RUNS);
      expect(outcome.refused.length).toBeGreaterThanOrEqual(RUNS / 20);
      expect(outcome.built).toBeGreaterThanOrEqual(RUNS / 20);
    });

    it("refuses each bad prop set with a message naming the construct and one of its props", async () => {
      const outcome = (await outcomes)[construct];
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
      await outcomes;
      const result = await validate(path.join(outdir, "stacks", construct.toLowerCase()));
      expect(result.diagnostics).toEqual([]);
      expect(result.valid).toBe(true);
    },
  );
});
