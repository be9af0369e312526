import { Construct } from "constructs";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";
import { awsContext } from "../core/aws-context";
import { assumedBy, markRole } from "../core/iam";
import { scopedName } from "../core/names";
import { checkPattern } from "../core/validate";

export interface TaskRolesProps {
  /**
   * Prefix of the roles' names (`<name>-execution`, `<name>-task`).
   * @default - `<stack id>-<construct path>`, unique per stack (see `scopedName`)
   */
  readonly name?: string;
  /**
   * Tags for both roles.
   * @default - none
   */
  readonly tags?: Record<string, string>;
}

/**
 * The two roles of an ECS task, kept apart: the **execution role** is what the ECS agent uses to pull the
 * image and write logs (the managed AmazonECSTaskExecutionRolePolicy, nothing else); the **task role** is
 * what the application and data-plane authorization (EFS IAM, ElastiCache IAM) see, and starts with no
 * permissions: modules' `grant()` methods add exactly what they need.
 */
export class TaskRoles extends Construct {
  /** What the ECS agent uses to start the task: pull the image, write logs, read injected secrets. */
  public readonly executionRole: IamRole;
  /** What the application and data-plane authorization see; starts with no permissions. */
  public readonly taskRole: IamRole;

  constructor(scope: Construct, id: string, props: TaskRolesProps = {}) {
    super(scope, id);
    const name = props.name ?? scopedName(this);
    checkPattern(this, "name", name, /^[\w+=,.@-]{1,54}$/, "1 to 54 characters of letters, digits and +=,.@_-");
    const trust = assumedBy("ecs-tasks.amazonaws.com");
    this.executionRole = new IamRole(this, "execution-role", {
      name: `${name}-execution`,
      description: "ECS task execution role: pulls images and writes logs; no application permissions",
      assumeRolePolicy: trust,
      tags: props.tags,
    });
    new IamRolePolicyAttachment(this, "execution-policy", {
      role: this.executionRole.name,
      policyArn: `arn:${awsContext(this).partition}:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy`,
    });
    markRole(this.executionRole, "execution");
    this.taskRole = new IamRole(this, "task-role", {
      name: `${name}-task`,
      description: "ECS task role: what the application may do; granted by the storage modules",
      assumeRolePolicy: trust,
      tags: props.tags,
    });
    markRole(this.taskRole, "task");
  }
}
