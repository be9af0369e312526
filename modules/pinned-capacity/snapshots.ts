import { Construct } from "constructs";
import { DlmLifecyclePolicy } from "@cdktf/provider-aws/lib/dlm-lifecycle-policy";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";
import { awsContext } from "../core/aws-context";
import { assumedBy } from "../core/iam";
import { checkInteger, checkOneOfNumbers, checkPattern } from "../core/validate";

export interface SnapshotOptions {
  /**
   * Hours between snapshots: 1, 2, 3, 4, 6, 8, 12 or 24.
   * @default 24
   */
  readonly intervalHours?: number;
  /**
   * How many snapshots to keep, 1 to 1000.
   * @default 7
   */
  readonly retainCount?: number;
  /**
   * The UTC time (hh:mm) the schedule starts from; each snapshot starts within the hour after.
   * @default "03:00"
   */
  readonly startTime?: string;
}

const INTERVAL_HOURS = [1, 2, 3, 4, 6, 8, 12, 24];

export function validateSnapshotOptions(owner: Construct, options: SnapshotOptions): void {
  checkOneOfNumbers(owner, "snapshots.intervalHours", options.intervalHours, INTERVAL_HOURS);
  checkInteger(owner, "snapshots.retainCount", options.retainCount, 1, 1000);
  checkPattern(
    owner,
    "snapshots.startTime",
    options.startTime,
    /^([01]\d|2[0-3]):[0-5]\d$/,
    "a UTC time such as '03:00'",
  );
}

export interface VolumeSnapshotsProps {
  /** The prefix of the policy's and role's names. */
  readonly name: string;
  /** The value of `TARGET_TAG` on the volumes to snapshot. */
  readonly targetTagValue: string;
  /** The schedule. */
  readonly options: SnapshotOptions;
  /**
   * Tags for the policy and its role.
   * @default - none
   */
  readonly tags?: Record<string, string>;
}

/**
 * A Data Lifecycle Manager policy that snapshots the volumes tagged `TARGET_TAG = targetTagValue` on a
 * schedule and keeps the last `retainCount`, with its own service role.
 */
export class VolumeSnapshots extends Construct {
  /** The tag the snapshot policy selects volumes by. */
  static readonly TARGET_TAG = "stateful-ecs:snapshots";
  /** The `aws_dlm_lifecycle_policy` resource. */
  public readonly policy: DlmLifecyclePolicy;

  constructor(scope: Construct, id: string, props: VolumeSnapshotsProps) {
    super(scope, id);
    const role = new IamRole(this, "role", {
      name: `${props.name}-snapshots`,
      description: "Data Lifecycle Manager: snapshots the data volume",
      assumeRolePolicy: assumedBy("dlm.amazonaws.com"),
      tags: props.tags,
    });
    new IamRolePolicyAttachment(this, "managed-policy", {
      role: role.name,
      policyArn: `arn:${awsContext(this).partition}:iam::aws:policy/service-role/AWSDataLifecycleManagerServiceRole`,
    });
    const { options } = props;
    this.policy = new DlmLifecyclePolicy(this, "policy", {
      description: `Snapshots of the ${props.name} data volume`,
      executionRoleArn: role.arn,
      state: "ENABLED",
      policyDetails: {
        resourceTypes: ["VOLUME"],
        targetTags: { [VolumeSnapshots.TARGET_TAG]: props.targetTagValue },
        schedule: [
          {
            name: `every ${options.intervalHours ?? 24} hours`,
            createRule: {
              interval: options.intervalHours ?? 24,
              intervalUnit: "HOURS",
              times: [options.startTime ?? "03:00"],
            },
            retainRule: { count: options.retainCount ?? 7 },
            copyTags: true,
          },
        ],
      },
      tags: props.tags,
    });
  }
}
