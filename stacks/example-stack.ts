import { TerraformStack } from "cdktf";
import { Construct } from "constructs";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { propError } from "../modules/core";

/** What every example stack needs to know about where it deploys. */
export interface ExampleStackProps {
  /** The AWS region, for example `eu-west-1`. */
  readonly region: string;
  /** Availability zones of `region` for the example network: 2 to 8 zone names. */
  readonly availabilityZones: string[];
}

/**
 * The base of every example stack: an AWS provider for the region, with default tags that name the project
 * and the stack on every resource, and a check that the zones belong to the region.
 */
export class ExampleStack extends TerraformStack {
  constructor(scope: Construct, id: string, props: ExampleStackProps) {
    super(scope, id);
    const foreign = props.availabilityZones.find((zone) => !zone.startsWith(props.region));
    if (foreign !== undefined) {
      throw propError(this, `availabilityZones '${foreign}' is not a zone of region '${props.region}'`);
    }
    new AwsProvider(this, "aws", {
      region: props.region,
      defaultTags: [{ tags: { Project: "stateful-ecs", Stack: id, ManagedBy: "cdktf" } }],
    });
  }
}
