import { Configuration, ResourceInstance, oncePerConfiguration } from "../config/model";
import { Value, asNumber, asString, blocks, isUnknown, list, parseReference } from "../config/values";

/**
 * Security group ingress, however it is written: inline `ingress` blocks, `aws_security_group_rule`
 * (type ingress) and `aws_vpc_security_group_ingress_rule`, as one list of rules.
 */

export interface IngressRule {
  /** The resource that writes the rule (the group itself for an inline rule). */
  readonly resource: ResourceInstance;
  /** The group the rule opens, as a key comparable with `groupKey` of a reference to it. */
  readonly group: string | undefined;
  readonly protocol: string | undefined;
  readonly fromPort: number | undefined;
  readonly toPort: number | undefined;
  /** IPv4 and IPv6 ranges; `undefined` when not known statically. */
  readonly cidrs: string[] | undefined;
  /** Source groups as keys; `undefined` when not known statically. */
  readonly sources: string[] | undefined;
  /** Whether the rule admits managed prefix lists (address ranges kept elsewhere). */
  readonly prefixLists: boolean;
}

const WORLD = new Set(["0.0.0.0/0", "::/0"]);

/**
 * A comparable key for a security group value: a reference to a group of this configuration becomes its
 * block address (so `${aws_security_group.a.id}` and an inline rule of `aws_security_group.a` match); a
 * literal id stays itself; anything else is `undefined`.
 */
export function groupKey(configuration: Configuration, value: Value | undefined): string | undefined {
  const followed = configuration.follow(value);
  const reference = parseReference(followed);
  if (reference) {
    const [target] = configuration.resolve(followed);
    return target && target.type === "aws_security_group"
      ? target.blockAddress
      : `${reference.address}${reference.attribute}`;
  }
  return typeof followed === "string" && !followed.includes("${") ? followed : undefined;
}

/** Keys of a list of security groups; `undefined` when the list or one of its items is not known. */
export function groupKeys(configuration: Configuration, value: Value | undefined): string[] | undefined {
  const items = list(value);
  if (isUnknown(items)) return undefined;
  const keys = items.map((item) => groupKey(configuration, item));
  return keys.every((key): key is string => key !== undefined) ? keys : undefined;
}

function strings(value: Value | undefined): string[] | undefined {
  const items = list(value);
  if (isUnknown(items)) return undefined;
  const texts = items.map((item) => asString(item));
  return texts.every((text): text is string => text !== undefined && !text.includes("${")) ? texts : undefined;
}

/** A rule's prefix lists: any, or any that might be (not known statically), counts. */
function admitsPrefixLists(value: Value | undefined): boolean {
  const items = list(value);
  return isUnknown(items) || items.length > 0;
}

/** Every ingress rule, read once per configuration however many rules ask (SE005, SE008, SE203 per port). */
export const ingressRules = oncePerConfiguration(readIngressRules);

function readIngressRules(configuration: Configuration): IngressRule[] {
  const rules: IngressRule[] = [];
  for (const group of configuration.ofType("aws_security_group")) {
    const inline = blocks(group.values.ingress);
    if (isUnknown(inline)) continue;
    for (const rule of inline) {
      const sources = groupKeys(configuration, rule.security_groups);
      const cidrs = [strings(rule.cidr_blocks), strings(rule.ipv6_cidr_blocks)];
      rules.push({
        resource: group,
        group: group.blockAddress,
        protocol: asString(rule.protocol),
        fromPort: asNumber(rule.from_port),
        toPort: asNumber(rule.to_port),
        cidrs: cidrs.every((each) => each !== undefined) ? (cidrs.flat() as string[]) : undefined,
        sources: sources && (rule.self === true ? [...sources, group.blockAddress] : sources),
        prefixLists: admitsPrefixLists(rule.prefix_list_ids),
      });
    }
  }
  for (const rule of configuration.ofType("aws_security_group_rule")) {
    if (rule.values.type !== "ingress") continue;
    const group = groupKey(configuration, rule.values.security_group_id);
    const source = rule.values.source_security_group_id;
    const cidrs = [strings(rule.values.cidr_blocks), strings(rule.values.ipv6_cidr_blocks)];
    const sourceKey = source === undefined || source === null ? [] : [groupKey(configuration, source)];
    const self = rule.values.self === true && group ? [group] : [];
    rules.push({
      resource: rule,
      group,
      protocol: asString(rule.values.protocol),
      fromPort: asNumber(rule.values.from_port),
      toPort: asNumber(rule.values.to_port),
      cidrs: cidrs.every((each) => each !== undefined) ? (cidrs.flat() as string[]) : undefined,
      sources: sourceKey.every((key): key is string => key !== undefined) ? [...sourceKey, ...self] : undefined,
      prefixLists: admitsPrefixLists(rule.values.prefix_list_ids),
    });
  }
  for (const rule of configuration.ofType("aws_vpc_security_group_ingress_rule")) {
    const source = rule.values.referenced_security_group_id;
    const sourceKey = source === undefined || source === null ? [] : [groupKey(configuration, source)];
    const cidrs = [rule.values.cidr_ipv4, rule.values.cidr_ipv6].filter((each) => each !== undefined && each !== null);
    const protocol = asString(rule.values.ip_protocol);
    rules.push({
      resource: rule,
      group: groupKey(configuration, rule.values.security_group_id),
      protocol,
      fromPort: protocol === "-1" ? 0 : asNumber(rule.values.from_port),
      toPort: protocol === "-1" ? 65535 : asNumber(rule.values.to_port),
      cidrs: cidrs.every((each) => typeof each === "string" && !each.includes("${")) ? (cidrs as string[]) : undefined,
      sources: sourceKey.every((key): key is string => key !== undefined) ? sourceKey : undefined,
      prefixLists: admitsPrefixLists(rule.values.prefix_list_id),
    });
  }
  return rules;
}

/** Whether the rule lets TCP to `port` through: `true`, `false`, or `undefined` when not known. */
export function admitsTcp(rule: IngressRule, port: number): boolean | undefined {
  const protocol = rule.protocol?.toLowerCase();
  if (protocol === "-1" || protocol === "all") return true;
  if (protocol === undefined || rule.fromPort === undefined || rule.toPort === undefined) return undefined;
  if (protocol !== "tcp" && protocol !== "6") return false;
  return rule.fromPort <= port && port <= rule.toPort;
}

export function opensToWorld(rule: IngressRule): boolean {
  return (rule.cidrs ?? []).some((cidr) => WORLD.has(cidr));
}

/**
 * Rules that open TCP `port` to 0.0.0.0/0 or ::/0: a rule for that port alone anywhere, and any rule that
 * lets it through on one of `groups` (the groups of what serves that port). A wide range on some other
 * group (1024-65535 on a load balancer's) is that group's business, not this port's.
 */
export function worldOpenRules(configuration: Configuration, port: number, groups: ReadonlySet<string>): IngressRule[] {
  return ingressRules(configuration).filter(
    (rule) =>
      opensToWorld(rule) &&
      admitsTcp(rule, port) === true &&
      ((rule.fromPort === port && rule.toPort === port) || (rule.group !== undefined && groups.has(rule.group))),
  );
}
