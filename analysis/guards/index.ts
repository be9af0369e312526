import { Configuration, ResourceInstance } from "../config/model";
import { EFS_RULES } from "./efs-rules";
import { PLACEMENT_RULES } from "./placement-rules";
import { Finding, Rule, Severity } from "./rule";
import { SESSION_RULES } from "./session-rules";

/**
 * The guards: every SEnnn rule over one configuration. Pure: reads the configuration, returns findings,
 * and knows nothing of our constructs, so it serves any Terraform configuration or plan.
 */

export type { Finding, Rule, Severity };

export const RULES: readonly Rule[] = [...EFS_RULES, ...PLACEMENT_RULES, ...SESSION_RULES];

/** The resource types some rule reads: the configuration reader evaluates only these. */
export const RULE_TYPES: ReadonlySet<string> = new Set(RULES.flatMap((rule) => rule.reads));

export interface GuardReport {
  /** Every finding, silenced ones included (they carry `silenced`), in rule then address order. */
  readonly findings: readonly Finding[];
  /** What could not be decided, and why: the reader's notes, then the rules'. */
  readonly notes: readonly string[];
}

export function runGuards(configuration: Configuration, rules: readonly Rule[] = RULES): GuardReport {
  const findings: Finding[] = [];
  const notes = [...configuration.notes];
  for (const rule of rules) {
    const seen = new Set<string>();
    rule.check(configuration, {
      finding(resource: ResourceInstance, message: string, severity: Severity = rule.severity) {
        const key = `${resource.address}\n${message}`;
        if (seen.has(key)) return;
        seen.add(key);
        const silenced = resource.ignores.get(rule.id);
        findings.push({
          ruleId: rule.id,
          severity,
          address: resource.address,
          message,
          location: resource.location,
          ...(silenced ? { silenced } : {}),
        });
      },
      skip(resource: ResourceInstance, why: string) {
        notes.push(`${rule.id} ${resource.address}: not checked, ${why}`);
      },
    });
  }
  const order = new Map(rules.map((rule, index) => [rule.id, index]));
  findings.sort((a, b) => order.get(a.ruleId)! - order.get(b.ruleId)! || a.address.localeCompare(b.address));
  return { findings, notes: [...new Set(notes)] };
}
