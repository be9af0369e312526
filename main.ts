import "./cli/baseline-wasm";
import { App, TerraformStack } from "cdktf";
import { guardSynthesizedApp } from "./cli/lint/synth-guard";
import { CliResult, exitWith } from "./cli/result";
import { cloudBackendFromEnv } from "./stacks/cloud-backend";
import { EbsPinnedDbStack } from "./stacks/ebs-pinned-db";
import { EfsFargateStack } from "./stacks/efs-fargate";
import { ExampleNetworkStack } from "./stacks/example-network";
import { ExampleStackProps } from "./stacks/example-stack";
import { RunTaskStack } from "./stacks/run-task";
import { StatefulSetStack } from "./stacks/stateful-set";
import { StickySessionsStack } from "./stacks/sticky-sessions";

/** Where the example stacks deploy. Change both together: the zones must belong to the region. */
export const EXAMPLE_TARGET = { region: "eu-west-1", availabilityZones: ["eu-west-1a", "eu-west-1b"] };

/** Every example stack: its default id, and how to make it under any id and target (a dev and a prod copy). */
export const EXAMPLE_STACKS: ReadonlyArray<{
  readonly id: string;
  create(app: App, id: string, props: ExampleStackProps): TerraformStack;
}> = [
  { id: "example-network", create: (app, id, props) => new ExampleNetworkStack(app, id, props) },
  { id: "efs-fargate", create: (app, id, props) => new EfsFargateStack(app, id, props) },
  {
    id: "ebs-pinned-db",
    create: (app, id, props) => new EbsPinnedDbStack(app, id, { ...props, recovery: "self-healing" }),
  },
  {
    id: "ebs-pinned-db-instance",
    create: (app, id, props) => new EbsPinnedDbStack(app, id, { ...props, recovery: "instance" }),
  },
  { id: "sticky-sessions", create: (app, id, props) => new StickySessionsStack(app, id, props) },
  { id: "stateful-set", create: (app, id, props) => new StatefulSetStack(app, id, props) },
  { id: "run-task", create: (app, id, props) => new RunTaskStack(app, id, props) },
];

/**
 * Every example stack, added to `app`, with its state in Terraform Cloud when `env` names an organization
 * (`TFC_ORGANIZATION`; see `stacks/cloud-backend.ts`), else in the local backend. The test suite
 * synthesizes this same App and runs Terraform on each of its stacks, so a stack added here is validated,
 * planned and mock-applied without new test code.
 */
export function addExampleStacks(app: App, env: NodeJS.ProcessEnv = process.env): App {
  const cloud = cloudBackendFromEnv(env);
  for (const stack of EXAMPLE_STACKS) stack.create(app, stack.id, { ...EXAMPLE_TARGET, ...(cloud ? { cloud } : {}) });
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
