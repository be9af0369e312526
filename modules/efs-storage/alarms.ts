import { Construct } from "constructs";
import { CloudwatchMetricAlarm } from "@cdktf/provider-aws/lib/cloudwatch-metric-alarm";
import { propError } from "../core/errors";
import { countWhen, isKnown } from "../core/tokens";
import { checkInteger, checkSnsTopics } from "../core/validate";

export interface EfsAlarmOptions {
  /**
   * Alarm when the minimum `BurstCreditBalance` over 5 minutes drops below this many bytes (bursting
   * throughput only). Below it the file system soon falls back to its baseline throughput.
   * @default 549755813888 (0.5 TiB: about 1.5 hours of bursting at 100 MiB/s)
   */
  readonly burstCreditBalanceBytes?: number;
  /**
   * Alarm when the maximum `PercentIOLimit` stays at or above this percentage for 15 minutes (General
   * Purpose performance mode only): the file system is near its I/O limit and operations queue.
   * @default 90
   */
  readonly percentIoLimit?: number;
  /**
   * SNS topic ARNs notified when an alarm fires and when it clears.
   * @default - none: the alarms show in CloudWatch only
   */
  readonly actions?: string[];
}

export const DEFAULT_BURST_CREDIT_BALANCE_BYTES = 0.5 * 2 ** 40;
export const DEFAULT_PERCENT_IO_LIMIT = 90;

export function validateAlarmOptions(owner: Construct, options: EfsAlarmOptions): void {
  const credits = options.burstCreditBalanceBytes;
  if (credits !== undefined && isKnown(credits) && !(credits > 0)) {
    throw propError(owner, `alarms.burstCreditBalanceBytes ${credits} must be more than 0 bytes`);
  }
  checkInteger(owner, "alarms.percentIoLimit", options.percentIoLimit, 1, 100);
  checkSnsTopics(owner, "alarms.actions", options.actions);
}

export interface EfsAlarmsInput {
  readonly name: string;
  readonly fileSystemId: string;
  readonly throughputMode: string;
  readonly performanceMode: string;
  readonly options: EfsAlarmOptions;
  readonly tags?: Record<string, string>;
}

/** The burst-credit and I/O-limit alarms, each only for the modes where its metric means something. */
export function createEfsAlarms(scope: Construct, input: EfsAlarmsInput): void {
  const actions = input.options.actions ?? [];
  const common = {
    namespace: "AWS/EFS",
    dimensions: { FileSystemId: input.fileSystemId },
    period: 300,
    alarmActions: actions,
    okActions: actions,
    tags: input.tags,
  };
  const burstCount = countWhen(input.throughputMode, "bursting");
  if (burstCount !== null) {
    new CloudwatchMetricAlarm(scope, "burst-credit-balance-alarm", {
      ...common,
      count: burstCount,
      alarmName: `${input.name}-efs-burst-credit-balance-low`,
      alarmDescription:
        "EFS burst credits are running out; throughput will drop to the baseline of the file system size",
      metricName: "BurstCreditBalance",
      statistic: "Minimum",
      evaluationPeriods: 1,
      comparisonOperator: "LessThanThreshold",
      threshold: input.options.burstCreditBalanceBytes ?? DEFAULT_BURST_CREDIT_BALANCE_BYTES,
      treatMissingData: "missing",
    });
  }
  const ioLimitCount = countWhen(input.performanceMode, "generalPurpose");
  if (ioLimitCount !== null) {
    new CloudwatchMetricAlarm(scope, "percent-io-limit-alarm", {
      ...common,
      count: ioLimitCount,
      alarmName: `${input.name}-efs-percent-io-limit-high`,
      alarmDescription: "EFS is near the I/O limit of General Purpose mode; file operations are queueing",
      metricName: "PercentIOLimit",
      statistic: "Maximum",
      evaluationPeriods: 3,
      comparisonOperator: "GreaterThanOrEqualToThreshold",
      threshold: input.options.percentIoLimit ?? DEFAULT_PERCENT_IO_LIMIT,
      // The metric is only reported while there is I/O: no data means no pressure.
      treatMissingData: "notBreaching",
    });
  }
}
