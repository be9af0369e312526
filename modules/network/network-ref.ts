import { ITerraformDependable } from "cdktf";

/**
 * The network every stateful-ecs module is placed into. Modules never create a VPC of their own: they take
 * a `NetworkRef`, so they drop into any existing VPC (or one built by `ExampleNetwork`).
 *
 * Every field may be a Terraform token, lists included (for example the value of a `TerraformVariable` of
 * type `list(string)` when a module is vendored into a plain Terraform repository).
 */
export interface NetworkRef {
  /** The id of the VPC (`vpc-...`) that holds the subnets below. */
  readonly vpcId: string;

  /**
   * Private subnets, where tasks, EFS mount targets, caches and container instances go. They need a route
   * to the internet (NAT) or VPC endpoints for ECR, CloudWatch Logs and S3, so tasks can pull images.
   */
  readonly privateSubnetIds: string[];

  /** The availability zone of each private subnet, in the same order as `privateSubnetIds`. */
  readonly privateSubnetAvailabilityZones: string[];

  /** Public subnets, for internet-facing load balancers only. */
  readonly publicSubnetIds: string[];

  /** The availability zone of each public subnet, in the same order as `publicSubnetIds`. */
  readonly publicSubnetAvailabilityZones: string[];

  /**
   * What "ready" means for the private subnets: the resources that must exist before a host or a task
   * there can reach AWS APIs, image registries and package repositories (the NAT gateway routes and their
   * route table associations, VPC endpoints). Container instances and services wait for them, so a first
   * apply never boots a host or starts a task that cannot get out.
   * @default - none: the network is ready before the stack is applied (an existing VPC)
   */
  readonly dependsOn?: ITerraformDependable[];
}
