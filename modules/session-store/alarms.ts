import { Fn, Op, TerraformCount } from "cdktf";
import { Construct } from "constructs";
import { CloudwatchMetricAlarm } from "@cdktf/provider-aws/lib/cloudwatch-metric-alarm";
import { checkInteger, checkSnsTopics } from "../core/validate";

export interface CacheAlarmOptions {
  /** Alarm when a node's average engine CPU stays at or above this percentage for 15 minutes. @default 80 */
  readonly cpuPercent?: number;
  /** Alarm when a node's memory use stays at or above this percentage for 15 minutes. @default 80 */
  readonly memoryPercent?: number;
  /**
   * Alarm when a node evicts at least this many keys in 5 minutes: each evicted session is a user signed
   * out. @default 1
   */
  readonly evictions?: number;
  /** SNS topic ARNs notified on alarm and on recovery. @default - none */
  readonly actions?: string[];
}

export function validateCacheAlarmOptions(owner: Construct, options: CacheAlarmOptions): void {
  checkInteger(owner, "alarms.cpuPercent", options.cpuPercent, 1, 100);
  checkInteger(owner, "alarms.memoryPercent", options.memoryPercent, 1, 100);
  checkInteger(owner, "alarms.evictions", options.evictions, 1, Number.MAX_SAFE_INTEGER);
  checkSnsTopics(owner, "alarms.actions", options.actions);
}

export interface CacheAlarmsInput {
  readonly name: string;
  readonly replicationGroupId: string;
  readonly numCacheClusters: number;
  readonly options: CacheAlarmOptions;
  readonly tags?: Record<string, string>;
}

/** One alarm per metric and node; ElastiCache names a replication group's nodes `<group id>-001`, `-002`, ... */
export function createCacheAlarms(scope: Construct, input: CacheAlarmsInput): void {
  const actions = input.options.actions ?? [];
  const metrics = [
    {
      id: "cpu",
      metricName: "EngineCPUUtilization",
      statistic: "Average",
      threshold: input.options.cpuPercent ?? 80,
      periods: 3,
      what: "engine CPU is high",
    },
    {
      id: "memory",
      metricName: "DatabaseMemoryUsagePercentage",
      statistic: "Average",
      threshold: input.options.memoryPercent ?? 80,
      periods: 3,
      what: "memory is nearly full; evictions follow",
    },
    {
      id: "evictions",
      metricName: "Evictions",
      statistic: "Sum",
      threshold: input.options.evictions ?? 1,
      periods: 1,
      what: "keys were evicted: sessions were lost",
    },
  ];
  for (const metric of metrics) {
    const perNode = TerraformCount.of(input.numCacheClusters);
    const nodeId = Fn.format("%s-%03d", [input.replicationGroupId, Op.add(perNode.index, 1)]);
    new CloudwatchMetricAlarm(scope, `${metric.id}-alarm`, {
      count: perNode,
      alarmName: `${input.name}-cache-${metric.id}-${Fn.format("%03d", [Op.add(perNode.index, 1)])}`,
      alarmDescription: `Session store ${input.name}: ${metric.what}`,
      namespace: "AWS/ElastiCache",
      metricName: metric.metricName,
      dimensions: { CacheClusterId: nodeId },
      statistic: metric.statistic,
      period: 300,
      evaluationPeriods: metric.periods,
      comparisonOperator: "GreaterThanOrEqualToThreshold",
      threshold: metric.threshold,
      treatMissingData: "missing",
      alarmActions: actions,
      okActions: actions,
      tags: input.tags,
    });
  }
}
