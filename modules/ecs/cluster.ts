import { Construct } from "constructs";
import { EcsCluster as EcsClusterResource } from "@cdktf/provider-aws/lib/ecs-cluster";
import { scopedName } from "../core/names";
import { checkOneOf, checkPattern } from "../core/validate";

/**
 * How services and container instances find their cluster, the same everywhere: by name (ECS takes the
 * name wherever it takes the ARN). `EcsCluster` is one; `{ name: "existing" }` is an existing cluster.
 */
export interface ClusterRef {
  /** The cluster's name, as services and container instances refer to it. */
  readonly name: string;
}

/** A cluster name as ECS takes it. */
export const CLUSTER_NAME = /^[A-Za-z0-9_-]{1,255}$/;

export type ContainerInsights = "enabled" | "enhanced" | "disabled";

export interface EcsClusterProps {
  /**
   * The cluster's name, 1 to 255 letters, digits, `_` or `-`.
   * @default - `<stack id>-<construct path>`, unique per stack (see `scopedName`)
   */
  readonly name?: string;
  /**
   * CloudWatch Container Insights: per-task CPU, memory, storage and network metrics, which stateful
   * services need to see a volume filling up or a task restarting. `enhanced` adds container-level detail.
   * @default "enabled"
   */
  readonly containerInsights?: ContainerInsights;
  /**
   * Tags for the cluster.
   * @default - none
   */
  readonly tags?: Record<string, string>;
}

/** An ECS cluster with Container Insights on. */
export class EcsCluster extends Construct implements ClusterRef {
  /** The `aws_ecs_cluster` resource. */
  public readonly resource: EcsClusterResource;

  constructor(scope: Construct, id: string, props: EcsClusterProps = {}) {
    super(scope, id);
    const name = props.name ?? scopedName(this);
    const insights = props.containerInsights ?? "enabled";
    checkPattern(this, "name", name, CLUSTER_NAME, "1 to 255 letters, digits, '_' or '-'");
    checkOneOf(this, "containerInsights", insights, ["enabled", "enhanced", "disabled"]);
    this.resource = new EcsClusterResource(this, "cluster", {
      name,
      setting: [{ name: "containerInsights", value: insights }],
      tags: props.tags,
    });
  }

  /** The cluster's ARN. */
  get arn(): string {
    return this.resource.arn;
  }

  /** The cluster's name. */
  get name(): string {
    return this.resource.name;
  }
}
