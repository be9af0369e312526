import { TerraformStack } from "cdktf";
import { Construct } from "constructs";
import { DataAwsPartition } from "@cdktf/provider-aws/lib/data-aws-partition";
import { DataAwsRegion } from "@cdktf/provider-aws/lib/data-aws-region";

/** The region and partition of the stack's AWS provider. */
export interface AwsContext {
  readonly region: string;
  readonly partition: string;
}

const CONTEXT_ID = "stateful-ecs-aws-context";

/**
 * The provider's region and partition, from `aws_region` and `aws_partition`: both read the provider's own
 * configuration without calling AWS, so stacks still plan offline. One pair per stack, shared by modules.
 */
export function awsContext(scope: Construct): AwsContext {
  const stack = TerraformStack.of(scope);
  const existing = stack.node.tryFindChild(CONTEXT_ID);
  const holder = existing ?? new Construct(stack, CONTEXT_ID);
  const region = (holder.node.tryFindChild("region") as DataAwsRegion) ?? new DataAwsRegion(holder, "region");
  const partition =
    (holder.node.tryFindChild("partition") as DataAwsPartition) ?? new DataAwsPartition(holder, "partition");
  return { region: region.name, partition: partition.partition };
}
