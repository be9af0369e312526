import { ResourceInstance } from "../config/model";
import {
  Unknown,
  Value,
  asBoolean,
  asNumber,
  asString,
  blocks,
  firstBlock,
  firstUnknown,
  isApplyTime,
  isUnknown,
} from "../config/values";
import { SERVICE, TASK_DEFINITION, containers, taskDefinitionOf } from "./ecs";
import { groupKeys, worldOpenRules } from "./network";
import { Rule } from "./rule";

/** Pattern 3, sticky ALB with a session store: the rules SE201 to SE203. */

/** `aws_alb_target_group` is the older name of the same resource, still in many repositories. */
const TARGET_GROUPS = ["aws_lb_target_group", "aws_alb_target_group"];
const REPLICATION_GROUP = "aws_elasticache_replication_group";
const CACHE_TYPES = [REPLICATION_GROUP, "aws_elasticache_cluster", "aws_elasticache_serverless_cache"];

/** A reference to, or the endpoint of, ElastiCache, MemoryDB or DynamoDB. */
const SESSION_STORE =
  /\$\{(module\.[\w-]+\.)*(data\.)?aws_(elasticache|memorydb|dynamodb)_|\.cache\.amazonaws\.com|\.memorydb\.[\w-]+\.amazonaws\.com|dynamodb\.[\w-]+\.amazonaws\.com|SESSION_TABLE|DYNAMODB_TABLE/i;

const hasEntries = (value: Value | undefined) => Array.isArray(value) && value.length > 0;

const sessionsDieWithTask: Rule = {
  id: "SE201",
  severity: "warning",
  title: "A sticky target group serves a service whose tasks reference no external session store",
  help: "Keep session state in ElastiCache, MemoryDB or DynamoDB and pass its endpoint to the tasks: stickiness is a cache hint, and sessions held in the task die with it on every deployment, scale-in or failure.",
  reads: [...TARGET_GROUPS, SERVICE, TASK_DEFINITION],
  check(configuration, report) {
    for (const targetGroup of configuration.ofType(...TARGET_GROUPS)) {
      const stickiness = firstBlock(targetGroup.values.stickiness);
      if (!stickiness) continue;
      // `enabled` defaults to true in a stickiness block.
      const enabled = isUnknown(stickiness) ? stickiness : (stickiness.enabled ?? true);
      if (isApplyTime(enabled)) {
        report.skip(targetGroup, "whether stickiness is enabled is not known statically");
        continue;
      }
      if (asBoolean(enabled) === false) continue;
      const services = configuration.ofType(SERVICE).filter((service) => {
        const balancers = blocks(service.values.load_balancer);
        return (
          !isUnknown(balancers) &&
          balancers.some((balancer) =>
            configuration
              .resolve(balancer.target_group_arn)
              .some((each) => each.blockAddress === targetGroup.blockAddress),
          )
        );
      });
      for (const service of services) {
        const task = taskDefinitionOf(configuration, service);
        const defined = task ? containers(task) : new Unknown("its task definition is not in this configuration");
        if (isUnknown(defined)) {
          report.skip(targetGroup, `${service.address}: ${defined.reason}`);
          continue;
        }
        if (SESSION_STORE.test(JSON.stringify(defined))) continue;
        // An environment value only known at apply (a remote module's output), or one read from a secret or
        // an environment file at start, may well be the store.
        const unknown = firstUnknown(defined);
        const fromOutside = defined.find(
          (container) => hasEntries(container.secrets) || hasEntries(container.environmentFiles),
        );
        if (fromOutside)
          report.skip(
            targetGroup,
            `${service.address}: '${String(fromOutside.name)}' reads settings from secrets or files`,
          );
        else if (unknown)
          report.skip(targetGroup, `${service.address}: a container value is not known statically (${unknown.reason})`);
        else {
          report.finding(
            targetGroup,
            `is sticky and serves ${service.address}, whose containers reference no ElastiCache, MemoryDB or DynamoDB session store: sessions die with the task. Keep sessions in a shared store and pass its endpoint to the containers.`,
          );
        }
      }
    }
  },
};

const unencryptedCache: Rule = {
  id: "SE202",
  severity: "error",
  title: "An ElastiCache replication group without transit encryption",
  help: "Set transit_encryption_enabled = true (with an auth_token or IAM users): without TLS, session data and any AUTH token cross the network in plain text.",
  reads: [REPLICATION_GROUP],
  check(configuration, report) {
    for (const group of configuration.ofType(REPLICATION_GROUP)) {
      const transit = group.values.transit_encryption_enabled;
      if (isApplyTime(transit)) {
        report.skip(group, "transit_encryption_enabled is not known statically");
        continue;
      }
      if (asBoolean(transit) === true) continue;
      const token = group.values.auth_token;
      const withToken = token !== undefined && token !== null && token !== "";
      report.finding(
        group,
        withToken
          ? "sets an AUTH token without transit encryption: the token crosses the network in plain text (and ElastiCache refuses it). Set transit_encryption_enabled = true."
          : "has no transit encryption (transit_encryption_enabled is not true): session data crosses the network in plain text. Set transit_encryption_enabled = true.",
      );
    }
  },
};

const REDIS_PORT = 6379;
const MEMCACHED_PORT = 11211;

/** The ports a cache listens on: its `port`, or the engine's default; a serverless cache's reader port too. */
function cachePorts(cache: ResourceInstance): number[] {
  const memcached = asString(cache.values.engine) === "memcached";
  const port = asNumber(cache.values.port) ?? (memcached ? MEMCACHED_PORT : REDIS_PORT);
  return cache.type === "aws_elasticache_serverless_cache" ? [port, port + 1] : [port];
}

const cacheOpenToWorld: Rule = {
  id: "SE203",
  severity: "error",
  title: "The cache port is open to 0.0.0.0/0 or ::/0",
  help: "Allow the cache port only from the security groups of the tasks that use the cache.",
  reads: [...CACHE_TYPES, "aws_security_group", "aws_security_group_rule", "aws_vpc_security_group_ingress_rule"],
  check(configuration, report) {
    // The default ports are checked even with no cache here: a rule for 6379 alone is for a cache.
    const ports = new Map<number, Set<string>>([
      [REDIS_PORT, new Set()],
      [MEMCACHED_PORT, new Set()],
    ]);
    for (const cache of configuration.ofType(...CACHE_TYPES)) {
      const groups = groupKeys(configuration, cache.values.security_group_ids) ?? [];
      for (const port of cachePorts(cache)) {
        const known = ports.get(port) ?? new Set<string>();
        groups.forEach((group) => known.add(group));
        ports.set(port, known);
      }
    }
    for (const [port, groups] of ports) {
      for (const rule of worldOpenRules(configuration, port, groups)) {
        report.finding(
          rule.resource,
          `opens the cache port ${port} to ${rule.cidrs!.join(", ")}. Allow it only from the tasks' security groups.`,
        );
      }
    }
  },
};

export const SESSION_RULES: readonly Rule[] = [sessionsDieWithTask, unencryptedCache, cacheOpenToWorld];
