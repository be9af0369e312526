import { TerraformIterator } from "cdktf";
import { Construct } from "constructs";
import { VpcSecurityGroupIngressRule } from "@cdktf/provider-aws/lib/vpc-security-group-ingress-rule";
import { expressionOf } from "./tokens";
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
   * resource with `for_each` over the ids, so adding or removing one group never replaces another's rule.
   */
  allowEach(sourceGroupIds: string[], description: string): void {
    checkRuleDescription(this.owner, "allowFromEach description", description);
    const each = TerraformIterator.fromList(sourceGroupIds);
    new VpcSecurityGroupIngressRule(this.owner, `${this.props.idPrefix}-each-${this.eachCount++}`, {
      ...this.ruleProps(each.value, description),
      forEach: each,
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
