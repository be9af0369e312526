import "./cli/baseline-wasm";
import { App, TerraformStack } from "cdktf";
import { guardSynthesizedApp } from "./cli/lint/synth-guard";
import { CliResult, exitWith } from "./cli/result";
import { EbsPinnedDbStack } from "./stacks/ebs-pinned-db";
import { EfsFargateStack } from "./stacks/efs-fargate";
import { ExampleNetworkStack } from "./stacks/example-network";
import { StickySessionsStack } from "./stacks/sticky-sessions";

/** Where the example stacks deploy. Change both together: the zones must belong to the region. */
export const EXAMPLE_TARGET = { region: "eu-west-1", availabilityZones: ["eu-west-1a", "eu-west-1b"] };

/** Every example stack: its default id, and how to make it under any id (a dev and a prod copy). */
export const EXAMPLE_STACKS: ReadonlyArray<{ readonly id: string; create(app: App, id: string): TerraformStack }> = [
  { id: "example-network", create: (app, id) => new ExampleNetworkStack(app, id, EXAMPLE_TARGET) },
  { id: "efs-fargate", create: (app, id) => new EfsFargateStack(app, id, EXAMPLE_TARGET) },
  {
    id: "ebs-pinned-db",
    create: (app, id) => new EbsPinnedDbStack(app, id, { ...EXAMPLE_TARGET, recovery: "self-healing" }),
  },
  {
    id: "ebs-pinned-db-instance",
    create: (app, id) => new EbsPinnedDbStack(app, id, { ...EXAMPLE_TARGET, recovery: "instance" }),
  },
  { id: "sticky-sessions", create: (app, id) => new StickySessionsStack(app, id, EXAMPLE_TARGET) },
];

/**
 * Every example stack, added to `app`. The test suite synthesizes this same App and runs Terraform on each
 * of its stacks, so a stack added here is validated, planned and mock-applied without new test code.
 */
export function addExampleStacks(app: App): App {
  for (const stack of EXAMPLE_STACKS) stack.create(app, stack.id);
  return app;
}

/** Synthesizes every example stack, then runs the guards over them: an error finding fails synth. */
async function synthesize(): Promise<CliResult> {
  const app = addExampleStacks(new App());
  app.synth();
  const { code, lines } = await guardSynthesizedApp(app.outdir);
  const report = lines.join("\n");
  return code === 0 ? { code, stdout: report, stderr: "" } : { code, stdout: "", stderr: report };
}

if (require.main === module) {
  synthesize().then(exitWith);
}
