import { Lazy } from "cdktf";

/** An IAM role as modules need it; an `IamRole` resource fits, and so do two Terraform variables. */
export interface RoleRef {
  /** The role's name, for inline policies. */
  readonly name: string;
  /** The role's ARN, for resource policies. */
  readonly arn: string;
}

export interface PolicyStatement {
  readonly Sid?: string;
  readonly Effect: "Allow" | "Deny";
  readonly Principal?: { readonly AWS?: string | string[]; readonly Service?: string | string[] };
  readonly Action: string | string[];
  readonly Resource?: string | string[];
  readonly Condition?: Record<string, Record<string, string | string[]>>;
}

export interface PolicyDocument {
  readonly Version: "2012-10-17";
  readonly Statement: PolicyStatement[];
}

/**
 * A policy document as the JSON string IAM and resource policies take, rendered when the stack is
 * synthesized, so statements added after construction (grants) are included. ARNs inside may be tokens.
 */
export function lazyPolicyJson(statements: () => PolicyStatement[]): string {
  return Lazy.stringValue({ produce: () => policyJson(statements()) });
}

/** A policy document of `statements`, as the JSON string IAM and resource policies take. */
export function policyJson(statements: PolicyStatement[]): string {
  return JSON.stringify({ Version: "2012-10-17", Statement: statements } satisfies PolicyDocument);
}

/** The trust policy of a role that a service (`ecs-tasks.amazonaws.com`, `ec2.amazonaws.com`) assumes. */
export function assumedBy(service: string): string {
  return policyJson([{ Effect: "Allow", Principal: { Service: service }, Action: "sts:AssumeRole" }]);
}

/**
 * The roles modules grant to. The **task** role is what the application, and data-plane authorization
 * (EFS IAM, ElastiCache IAM, DynamoDB), see. The **execution** role is what the ECS agent uses before the
 * task starts: pulling the image, writing logs, reading the secrets it injects. The **instance** role is a
 * container instance's: what its host and ECS agent use (registering, attaching its data volume).
 */
export type RoleKind = "task" | "execution" | "instance";

const roleKinds = new WeakMap<object, RoleKind>();

/** Records which kind of role `role` is, so a grant meant for the other kind is refused. */
export function markRole(role: RoleRef, kind: RoleKind): void {
  roleKinds.set(role, kind);
}

/** The kind `markRole` recorded, or undefined for a role made elsewhere. */
export function roleKindOf(role: RoleRef): RoleKind | undefined {
  return roleKinds.get(role);
}
