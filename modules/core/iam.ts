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
  return Lazy.stringValue({
    produce: () => JSON.stringify({ Version: "2012-10-17", Statement: statements() } satisfies PolicyDocument),
  });
}

/** The trust policy of a role that a service (`ecs-tasks.amazonaws.com`, `ec2.amazonaws.com`) assumes. */
export function assumedBy(service: string): string {
  const document: PolicyDocument = {
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Principal: { Service: service }, Action: "sts:AssumeRole" }],
  };
  return JSON.stringify(document);
}

const executionRoles = new WeakSet<object>();

/** Marks a role as an ECS task execution role, which must never receive data-plane grants. */
export function markExecutionRole(role: RoleRef): void {
  executionRoles.add(role);
}

/** True for a role marked by `markExecutionRole`. */
export function isExecutionRole(role: RoleRef): boolean {
  return executionRoles.has(role);
}
