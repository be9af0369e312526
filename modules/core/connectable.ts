import { ITerraformDependable } from "cdktf";

/** Where a `Connectable` may open outbound TCP connections: another security group, or a CIDR block. */
export type EgressDestination = { readonly securityGroupId: string } | { readonly cidrIpv4: string };

/**
 * Something with a security group that can open its own egress, such as an ECS service: what every
 * one-call connection (`storage.mount`, `store.connect`, `alb.route`) wires. Like AWS CDK's
 * `Connections`: the store opens its port to the group, and asks the group to open egress to it.
 */
export interface Connectable {
  /** The security group whose egress the connections open. */
  readonly securityGroupId: string;
  /**
   * Lets the group open TCP connections on `port` to `destination`; asking twice for the same destination
   * and port changes nothing.
   */
  allowEgressTo(destination: EgressDestination, port: number, description: string): void;
}

/**
 * The tasks of one service as a value they consume sees them: the security group and task role that
 * rules and grants are made for, and the egress the group already has.
 */
export interface Consumer {
  /** Names the service in errors: `FargateService 'web'`. */
  readonly description: string;
  /** The tasks' security group, which rules into a store are made from. */
  readonly securityGroupId: string;
  /** The tasks' role ARN, which grants are made to. */
  readonly taskRoleArn: string;
  /** Whether the tasks may already open TCP connections on `port` to the security group `securityGroupId`. */
  allowsEgressTo(securityGroupId: string, port: number): boolean;
}

/**
 * What must exist before a consumer can use a value, read when the stack is synthesized: grants and rules
 * added after the value was handed out still count. Values that services consume (a volume, a load
 * balancer target, a store) carry their prerequisites, so every consumer gets the right `depends_on`
 * without knowing the list, and only its own: the rules from its security group, the grants to its role.
 */
export type Prerequisites = (consumer: Consumer) => ITerraformDependable[];

/**
 * The wiring a consumer lacks to use a value, as sentences naming both sides, checked when the stack is
 * synthesized: a task role that was not granted, a group not allowed in, egress not opened.
 */
export type WiringCheck = (consumer: Consumer) => string[];
