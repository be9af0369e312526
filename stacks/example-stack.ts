import { TerraformStack } from "cdktf";
import { Construct } from "constructs";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { EcsCluster } from "../modules/ecs";
import { ExampleNetwork } from "../modules/network";
import { CloudBackendProps, useCloudBackend } from "./cloud-backend";

/** What every example stack needs to know about where it deploys. */
export interface ExampleStackProps {
  /** The AWS region, for example `eu-west-1`. */
  readonly region: string;
  /** Availability zones of `region` for the example network: 2 to 8 zone names. */
  readonly availabilityZones: string[];
  /**
   * Keep the state in Terraform Cloud, in the workspace `<workspacePrefix><stack id>`.
   * @default - cdktf's local backend: `terraform.<stack id>.tfstate` in the project directory
   */
  readonly cloud?: CloudBackendProps;
}

/**
 * The base of every example stack: an AWS provider for the region, with default tags that name the project
 * and the stack on every resource, and the backend. The modules check that zones belong to the region.
 */
export class ExampleStack extends TerraformStack {
  constructor(scope: Construct, id: string, props: ExampleStackProps) {
    super(scope, id);
    new AwsProvider(this, "aws", {
      region: props.region,
      defaultTags: [{ tags: { Project: "stateful-ecs", Stack: id, ManagedBy: "cdktf" } }],
    });
    if (props.cloud) useCloudBackend(this, props.cloud);
  }
}

/** A pattern stack: the example network and an ECS cluster named after the stack, on top of `ExampleStack`. */
export class ExampleClusterStack extends ExampleStack {
  public readonly network: ExampleNetwork;
  public readonly cluster: EcsCluster;

  constructor(scope: Construct, id: string, props: ExampleStackProps) {
    super(scope, id, props);
    this.network = new ExampleNetwork(this, "network", { availabilityZones: props.availabilityZones });
    this.cluster = new EcsCluster(this, "cluster", { name: id });
  }
}
