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
}
