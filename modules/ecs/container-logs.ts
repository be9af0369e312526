import { Construct } from "constructs";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { awsContext } from "../core/aws-context";
import { scopedName } from "../core/names";
import { LOG_RETENTION_DAYS, checkKmsKeyArn, checkOneOfNumbers, checkPattern } from "../core/validate";

const LOG_GROUP_NAME = /^[A-Za-z0-9_\-/.#]{1,512}$/;
const LOG_GROUP_NAME_WORDS = "a log group name: 1 to 512 letters, digits and _-/.#";

export interface ContainerLogsProps {
  /**
   * The log group's name.
   * @default - `/ecs/<stack id>-<construct path>`
   */
  readonly logGroupName?: string;
  /**
   * How long CloudWatch keeps the logs, one of CloudWatch's allowed periods (1, 3, 5, 7, 14, 30, ... 3653).
   * @default 30
   */
  readonly retentionInDays?: number;
  /**
   * A KMS key ARN to encrypt the logs with (the key policy must allow CloudWatch Logs).
   * @default - CloudWatch Logs' own encryption
   */
  readonly kmsKeyArn?: string;
  /**
   * Tags for the log group.
   * @default - none
   */
  readonly tags?: Record<string, string>;
}

/** Where a container's output goes: what `ContainerService` needs of its logs. */
export interface LogDestination {
  /** The container `logConfiguration` that sends its output here, under `streamPrefix`. */
  logConfiguration(streamPrefix: string): object;
}

/** The `awslogs` configuration that sends a container's output to `logGroupName` in the stack's region. */
function awsLogs(scope: Construct, logGroupName: string, streamPrefix: string) {
  return {
    logDriver: "awslogs",
    options: {
      "awslogs-group": logGroupName,
      "awslogs-region": awsContext(scope).region,
      "awslogs-stream-prefix": streamPrefix,
    },
  };
}

/** A CloudWatch log group with a retention period, and the `awslogs` configuration containers use with it. */
export class ContainerLogs extends Construct implements LogDestination {
  /**
   * A log group that exists already, or that another configuration makes (a Terraform variable's name):
   * containers log there, in the stack's region; its retention is its owner's business.
   */
  static named(scope: Construct, logGroupName: string): LogDestination {
    checkPattern(scope, "logGroupName", logGroupName, LOG_GROUP_NAME, LOG_GROUP_NAME_WORDS);
    return { logConfiguration: (streamPrefix) => awsLogs(scope, logGroupName, streamPrefix) };
  }

  /** The `aws_cloudwatch_log_group` resource. */
  public readonly logGroup: CloudwatchLogGroup;

  constructor(scope: Construct, id: string, props: ContainerLogsProps = {}) {
    super(scope, id);
    const retentionInDays = props.retentionInDays ?? 30;
    const logGroupName = props.logGroupName ?? `/ecs/${scopedName(this)}`;
    checkPattern(this, "logGroupName", logGroupName, LOG_GROUP_NAME, LOG_GROUP_NAME_WORDS);
    checkOneOfNumbers(this, "retentionInDays", retentionInDays, LOG_RETENTION_DAYS);
    checkKmsKeyArn(this, "kmsKeyArn", props.kmsKeyArn);
    this.logGroup = new CloudwatchLogGroup(this, "log-group", {
      name: logGroupName,
      retentionInDays,
      kmsKeyId: props.kmsKeyArn,
      tags: props.tags,
    });
  }

  /** The container `logConfiguration` that sends its output here, under `streamPrefix`. */
  logConfiguration(streamPrefix: string) {
    return awsLogs(this, this.logGroup.name, streamPrefix);
  }
}
