import { Fn, TerraformCount } from "cdktf";
import { Construct } from "constructs";
import { VpcSecurityGroupIngressRule } from "@cdktf/provider-aws/lib/vpc-security-group-ingress-rule";
import { countOf, expressionOf } from "./tokens";
import { checkRuleDescription, checkSecurityGroupId } from "./validate";

export interface GroupIngressProps {
  /** The group whose port opens. */
  readonly securityGroupId: string;
  readonly port: number;
  /** Construct id prefix of the rules: `<prefix>-0`, `<prefix>-1`, ... */
  readonly idPrefix: string;
  readonly tags?: Record<string, string>;
}

/**
 * The ingress rules of one security group on one TCP port: one rule per source security group, each
 * described, never a CIDR. What the storage modules' `allowFrom()` builds on.
 */
export class GroupIngress {
  /** The rule of each source group, by the group id's Terraform expression. */
  private readonly bySource = new Map<string, VpcSecurityGroupIngressRule>();
  private eachCount = 0;

  constructor(
    private readonly owner: Construct,
    private readonly props: GroupIngressProps,
  ) {}

  /** The rule that lets `sourceGroupId` in, if any: what a client in that group waits for before connecting. */
  ruleFrom(sourceGroupId: string): VpcSecurityGroupIngressRule | undefined {
    return this.bySource.get(String(expressionOf(this.owner, sourceGroupId)));
  }

  /**
   * Opens the port to every group of a list known only at plan time (a Terraform variable): one rule
   * resource counted over the list. Not `for_each` over the ids: a caller that creates its groups in the
   * same run passes ids known only after apply, and `for_each` keys must be known at plan. The count only
   * needs the list's length, so removing a group from the middle of the list replaces the rules after it
   * (connections already open stay open: security groups track them).
   */
  allowEach(sourceGroupIds: string[], description: string): void {
    checkRuleDescription(this.owner, "allowFromEach description", description);
    const each = TerraformCount.of(countOf(sourceGroupIds));
    new VpcSecurityGroupIngressRule(this.owner, `${this.props.idPrefix}-each-${this.eachCount++}`, {
      ...this.ruleProps(Fn.element(sourceGroupIds, each.index), description),
      count: each,
    });
  }

  /** Opens the port to a source group, once: allowing the same group again changes nothing. */
  allow(sourceGroupId: string, description: string): void {
    checkSecurityGroupId(this.owner, "allowFrom securityGroupId", sourceGroupId);
    checkRuleDescription(this.owner, "allowFrom description", description);
    const source = String(expressionOf(this.owner, sourceGroupId));
    if (this.bySource.has(source)) return;
    const rule = new VpcSecurityGroupIngressRule(
      this.owner,
      `${this.props.idPrefix}-${this.bySource.size}`,
      this.ruleProps(sourceGroupId, description),
    );
    this.bySource.set(source, rule);
  }

  /** A rule of this group's port from `sourceGroupId` (a group id or a `for_each` value). */
  private ruleProps(sourceGroupId: string, description: string) {
    return {
      securityGroupId: this.props.securityGroupId,
      referencedSecurityGroupId: sourceGroupId,
      ipProtocol: "tcp",
      fromPort: this.props.port,
      toPort: this.props.port,
      description,
      tags: this.props.tags,
    };
  }
}
