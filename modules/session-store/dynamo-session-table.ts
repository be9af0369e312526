import { Construct } from "constructs";
import { DynamodbTable } from "@cdktf/provider-aws/lib/dynamodb-table";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import {
  RoleRef,
  checkKmsKeyArn,
  checkLiteral,
  checkPattern,
  checkPolicyName,
  isExecutionRole,
  lazyPolicyJson,
  propError,
} from "../core";

export interface DynamoSessionTableProps {
  /** @default - the construct id */
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
   * Turns off deletion protection, so `terraform destroy` can delete the table. Must be a literal.
   * @default false
   */
  readonly allowDeletion?: boolean;
  /** @default - none */
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
  public readonly table: DynamodbTable;
  private grants = 0;

  constructor(scope: Construct, id: string, props: DynamoSessionTableProps = {}) {
    super(scope, id);
    const tableName = props.tableName ?? id;
    const partitionKey = props.partitionKey ?? "id";
    const ttlAttribute = props.ttlAttribute ?? "expires_at";
    checkPattern(this, "tableName", tableName, /^[A-Za-z0-9_.-]{3,255}$/, "3 to 255 letters, digits, '_', '-' or '.'");
    checkPattern(this, "partitionKey", partitionKey, /^\S{1,255}$/, "an attribute name");
    checkPattern(this, "ttlAttribute", ttlAttribute, /^\S{1,255}$/, "an attribute name");
    if (ttlAttribute === partitionKey)
      throw propError(this, `ttlAttribute '${ttlAttribute}' cannot be the partition key`);
    checkKmsKeyArn(this, "kmsKeyArn", props.kmsKeyArn);
    checkLiteral(this, "allowDeletion", props.allowDeletion, "a reviewer must see it in the code");
    checkPolicyName(this, "construct id", `${id}-sessions`);
    this.table = new DynamodbTable(this, "table", {
      name: tableName,
      billingMode: "PAY_PER_REQUEST",
      hashKey: partitionKey,
      attribute: [{ name: partitionKey, type: "S" }],
      ttl: { attributeName: ttlAttribute, enabled: true },
      pointInTimeRecovery: { enabled: true },
      serverSideEncryption: { enabled: true, kmsKeyArn: props.kmsKeyArn },
      deletionProtectionEnabled: props.allowDeletion !== true,
      tags: props.tags,
    });
  }

  /** Lets a task role read and write this table's items, and nothing else. */
  grantReadWrite(taskRole: RoleRef): void {
    if (isExecutionRole(taskRole)) {
      throw propError(this, "grantReadWrite() was given an execution role; the application uses the task role");
    }
    new IamRolePolicy(this, `read-write-${this.grants++}`, {
      role: taskRole.name,
      name: `${this.node.id}-sessions`,
      policy: lazyPolicyJson(() => [
        { Sid: "SessionItems", Effect: "Allow", Action: READ_WRITE_ACTIONS, Resource: this.table.arn },
      ]),
    });
  }
}
