import { Construct } from "constructs";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { propError } from "./errors";
import { PolicyStatement, RoleKind, RoleRef, lazyPolicyJson, roleKindOf } from "./iam";
import { expressionOf } from "./tokens";
import { checkPolicyName } from "./validate";

export interface GrantRequest {
  /** The role that receives the permissions. */
  readonly role: RoleRef;
  /** Which kind of role the permissions are for; a role marked as the other kind is refused. */
  readonly roleKind: RoleKind;
  /**
   * The inline policy's name, unique per role: a second grant of the same name to the same role adds its
   * statements to the first policy instead of making another.
   */
  readonly policyName: string;
  /** What asked for the grant, as errors name it: `mount()`, `connect()`. */
  readonly purpose: string;
  /** The statements, read when the stack is synthesized (so they may depend on later grants). */
  readonly statements: () => PolicyStatement[];
}

const WHY: Record<RoleKind, string> = {
  task: "the application and data-plane authorization (EFS, ElastiCache, DynamoDB) use the task role",
  execution: "ECS reads what it injects at task start (secrets) with the execution role",
  instance: "a container instance's host acts with its instance role",
};

const A: Record<RoleKind, string> = { task: "a task", execution: "an execution", instance: "an instance" };

interface RecordedPolicy {
  readonly policy: IamRolePolicy;
  readonly sources: Array<() => PolicyStatement[]>;
}

/** The policies each construct granted, by role and policy name. */
const granted = new WeakMap<Construct, Map<string, RecordedPolicy>>();

/**
 * The one way modules grant a role permissions: an inline policy on the role, made in `owner`. Refuses a
 * role of the wrong kind, makes one policy per role and name (granting again adds statements, each once),
 * and returns the policy, which a consumer waits for before it starts.
 */
export function grantToRole(owner: Construct, request: GrantRequest): IamRolePolicy {
  const given = roleKindOf(request.role);
  if (given !== undefined && given !== request.roleKind) {
    throw propError(
      owner,
      `${request.purpose} needs ${A[request.roleKind]} role, but was given ${A[given]} role: ${WHY[request.roleKind]}`,
    );
  }
  checkPolicyName(owner, "name", request.policyName);
  const byKey = granted.get(owner) ?? new Map<string, RecordedPolicy>();
  granted.set(owner, byKey);
  const key = `${expressionOf(owner, request.role.name)}|${request.policyName}`;
  const existing = byKey.get(key);
  if (existing) {
    existing.sources.push(request.statements);
    return existing.policy;
  }
  const sources = [request.statements];
  const policy = new IamRolePolicy(owner, `grant-${byKey.size}`, {
    role: request.role.name,
    name: request.policyName,
    policy: lazyPolicyJson(() =>
      uniqueStatements(
        owner,
        sources.flatMap((source) => source()),
      ),
    ),
  });
  byKey.set(key, { policy, sources });
  return policy;
}

/** Each statement once (compared as Terraform renders them), and each `Sid` once, as IAM requires. */
function uniqueStatements(scope: Construct, statements: PolicyStatement[]): PolicyStatement[] {
  const seen = new Set<string>();
  const unique = statements.filter((statement) => {
    const rendered = JSON.stringify(expressionOf(scope, statement));
    if (seen.has(rendered)) return false;
    seen.add(rendered);
    return true;
  });
  const sids = new Set<string>();
  return unique.map((statement, index) => {
    if (statement.Sid === undefined || !sids.has(statement.Sid)) {
      if (statement.Sid !== undefined) sids.add(statement.Sid);
      return statement;
    }
    return { ...statement, Sid: `${statement.Sid}${index}` };
  });
}
