import { App } from "cdktf";
import { EbsPinnedDbStack } from "./stacks/ebs-pinned-db";
import { EfsFargateStack } from "./stacks/efs-fargate";
import { ExampleNetworkStack } from "./stacks/example-network";
import { StickySessionsStack } from "./stacks/sticky-sessions";

/** Where the example stacks deploy. Change both together: the zones must belong to the region. */
const target = { region: "eu-west-1", availabilityZones: ["eu-west-1a", "eu-west-1b"] };

/**
 * Every example stack, added to `app`. The test suite synthesizes this same App and runs Terraform on each
 * of its stacks, so a stack added here is validated, planned and mock-applied without new test code.
 */
export function addExampleStacks(app: App): App {
  new ExampleNetworkStack(app, "example-network", target);
  new EfsFargateStack(app, "efs-fargate", target);
  new EbsPinnedDbStack(app, "ebs-pinned-db", { ...target, recovery: "self-healing" });
  new EbsPinnedDbStack(app, "ebs-pinned-db-instance", { ...target, recovery: "instance" });
  new StickySessionsStack(app, "sticky-sessions", target);
  return app;
}

if (require.main === module) {
  addExampleStacks(new App()).synth();
}
