import { Construct } from "constructs";
import { DynamodbTable } from "@cdktf/provider-aws/lib/dynamodb-table";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { propError } from "../core/errors";
import { grantToRole } from "../core/grants";
import { RoleRef } from "../core/iam";
import { scopedName } from "../core/names";
import { checkKmsKeyArn, checkLiteral, checkPattern } from "../core/validate";
import { ContainerService } from "../ecs/container-service";

export interface DynamoSessionTableProps {
  /**
   * The table's name: 3 to 255 letters, digits, `_`, `-` or `.`.
   * @default - `<stack id>-<construct path>`, unique per stack (see `scopedName`)
   */
  readonly tableName?: string;
  /** The partition key (a string): the session id. @default "id" */
  readonly partitionKey?: string;
  /**
   * The attribute holding each session's expiry, in epoch seconds; DynamoDB deletes expired items.
   * @default "expires_at"
   */
  readonly ttlAttribute?: string;
  /** A customer managed KMS key. @default - the AWS managed key `aws/dynamodb` (encryption is always on) */
  readonly kmsKeyArn?: string;
  /**
   * Lets `terraform destroy` (or a change that replaces the table, such as a new `tableName` or
   * `partitionKey`) delete the table and every session in it. Without it the table carries
   * `lifecycle.prevent_destroy` and DynamoDB deletion protection. Must be a literal: Terraform reads
   * `prevent_destroy` before any variable.
   * @default false
   */
  readonly allowDestroy?: boolean;
  /**
   * Tags for the table.
   * @default - none
   */
  readonly tags?: Record<string, string>;
}

/** The item actions a session store needs; no scans, no table management. */
const READ_WRITE_ACTIONS = [
  "dynamodb:GetItem",
  "dynamodb:BatchGetItem",
  "dynamodb:Query",
  "dynamodb:PutItem",
  "dynamodb:UpdateItem",
  "dynamodb:DeleteItem",
  "dynamodb:BatchWriteItem",
  "dynamodb:ConditionCheckItem",
];

/**
 * A DynamoDB table for sessions, the serverless alternative to a cache: on-demand capacity, TTL expiry,
 * point-in-time recovery, encryption and deletion protection on. `grantReadWrite()` scopes a task role to
 * this table's items.
 */
export class DynamoSessionTable extends Construct {
  /** The `aws_dynamodb_table` resource (with `prevent_destroy` unless `allowDestroy`). */
  public readonly table: DynamodbTable;

  constructor(scope: Construct, id: string, props: DynamoSessionTableProps = {}) {
    super(scope, id);
    const tableName = props.tableName ?? scopedName(this);
    const partitionKey = props.partitionKey ?? "id";
    const ttlAttribute = props.ttlAttribute ?? "expires_at";
    checkPattern(this, "tableName", tableName, /^[A-Za-z0-9_.-]{3,255}$/, "3 to 255 letters, digits, '_', '-' or '.'");
    checkPattern(this, "partitionKey", partitionKey, /^\S{1,255}$/, "an attribute name");
    checkPattern(this, "ttlAttribute", ttlAttribute, /^\S{1,255}$/, "an attribute name");
    if (ttlAttribute === partitionKey)
      throw propError(this, `ttlAttribute '${ttlAttribute}' cannot be the partition key`);
    checkKmsKeyArn(this, "kmsKeyArn", props.kmsKeyArn);
    checkLiteral(this, "allowDestroy", props.allowDestroy, "it sets lifecycle.prevent_destroy");
    this.table = new DynamodbTable(this, "table", {
      name: tableName,
      billingMode: "PAY_PER_REQUEST",
      hashKey: partitionKey,
      attribute: [{ name: partitionKey, type: "S" }],
      ttl: { attributeName: ttlAttribute, enabled: true },
      pointInTimeRecovery: { enabled: true },
      serverSideEncryption: { enabled: true, kmsKeyArn: props.kmsKeyArn },
      deletionProtectionEnabled: props.allowDestroy !== true,
      tags: props.tags,
      lifecycle: { preventDestroy: props.allowDestroy !== true },
    });
  }

  /**
   * Connects a service to the table in one call: its task role may read and write the table's items, and
   * its container gets `SESSION_TABLE_NAME`. DynamoDB is reached over HTTPS, which every service may use.
   */
  connect(service: ContainerService): void {
    const policy = this.grantReadWrite(service.taskRole);
    service.addEnvironment({ SESSION_TABLE_NAME: this.table.name });
    service.waitFor(() => [policy]);
  }

  /** Lets a task role read and write this table's items, and nothing else. Low level: `connect()` does it. */
  grantReadWrite(taskRole: RoleRef): IamRolePolicy {
    return grantToRole(this, {
      role: taskRole,
      roleKind: "task",
      policyName: `${scopedName(this)}-sessions`,
      purpose: "grantReadWrite()",
      statements: () => [
        { Sid: "SessionItems", Effect: "Allow", Action: READ_WRITE_ACTIONS, Resource: this.table.arn },
      ],
    });
  }
}
