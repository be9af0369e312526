import { TerraformStack, Token } from "cdktf";
import { Construct } from "constructs";
import { DataAwsDefaultTags } from "@cdktf/provider-aws/lib/data-aws-default-tags";
import { DataAwsPartition } from "@cdktf/provider-aws/lib/data-aws-partition";
import { DataAwsRegion } from "@cdktf/provider-aws/lib/data-aws-region";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { isKnown } from "./tokens";

/** The region, partition and default tags of the stack's AWS provider. */
export interface AwsContext {
  readonly region: string;
  readonly partition: string;
  /**
   * The provider's `default_tags`: they reach every resource the provider tags, but not Auto Scaling groups
   * nor the instances and volumes those launch, which must be given them explicitly.
   */
  readonly defaultTags: Record<string, string>;
}

const CONTEXT_ID = "stateful-ecs-aws-context";

/**
 * The provider's region, partition and default tags, from `aws_region`, `aws_partition` and
 * `aws_default_tags`: all three read the provider's own configuration without calling AWS, so stacks still
 * plan offline. One of each per stack, shared by modules.
 */
export function awsContext(scope: Construct): AwsContext {
  const stack = TerraformStack.of(scope);
  const holder = stack.node.tryFindChild(CONTEXT_ID) ?? new Construct(stack, CONTEXT_ID);
  const child = <T>(id: string, create: () => T): T => (holder.node.tryFindChild(id) as T) ?? create();
  const region = child("region", () => new DataAwsRegion(holder, "region"));
  const partition = child("partition", () => new DataAwsPartition(holder, "partition"));
  const defaultTags = child("default-tags", () => new DataAwsDefaultTags(holder, "default-tags"));
  return {
    region: region.name,
    partition: partition.partition,
    defaultTags: Token.asStringMap(defaultTags.tags),
  };
}

/** The region of the stack's default AWS provider when it is a literal, so zones can be checked at synth. */
export function literalRegion(scope: Construct): string | undefined {
  const provider = TerraformStack.of(scope)
    .node.children.filter((child): child is AwsProvider => child instanceof AwsProvider)
    .find((candidate) => candidate.alias === undefined);
  const region = provider?.region;
  return region !== undefined && isKnown(region) ? region : undefined;
}
