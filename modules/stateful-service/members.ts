import { Fn, ITerraformDependable, TerraformIterator, Token } from "cdktf";
import { Construct } from "constructs";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { ServiceDiscoveryPrivateDnsNamespace } from "@cdktf/provider-aws/lib/service-discovery-private-dns-namespace";
import { VpcSecurityGroupEgressRule } from "@cdktf/provider-aws/lib/vpc-security-group-egress-rule";
import { VpcSecurityGroupIngressRule } from "@cdktf/provider-aws/lib/vpc-security-group-ingress-rule";
import { withTags } from "../core/tags";
import { isKnown } from "../core/tokens";

/** What a stateful service's shared parts are made from: its name, its VPC, its tags. */
export interface MembersContext {
  /** The service's name, the prefix of its ordinals' names. */
  readonly name: string;
  readonly vpcId: string;
  readonly tags?: Record<string, string>;
}

/** The private DNS namespace the ordinals' names are registered in (`prevent_destroy` unless allowed). */
export function privateNamespace(
  scope: Construct,
  context: MembersContext,
  namespaceName: string,
  preventDestroy: boolean,
): ServiceDiscoveryPrivateDnsNamespace {
  return new ServiceDiscoveryPrivateDnsNamespace(scope, "namespace", {
    name: namespaceName,
    vpc: context.vpcId,
    description: `Stable names of the ordinals of ${context.name}`,
    tags: context.tags,
    lifecycle: { preventDestroy },
  });
}

/**
 * The group every ordinal's tasks are in, with `ports` open between its members only: in from the group
 * itself, and out to it. A literal list makes a rule pair per port (`members-in-<port>`); a list known only
 * at plan time, one `for_each` pair keyed by port.
 */
export function membersGroup(
  scope: Construct,
  context: MembersContext,
  ports: number[],
): { securityGroup: SecurityGroup; rules: ITerraformDependable[] } {
  const securityGroup = new SecurityGroup(scope, "members", {
    name: `${context.name}-members`,
    description: `Ordinals of ${context.name}: client and peer ports between members only`,
    vpcId: context.vpcId,
    tags: withTags(context.tags, { Name: `${context.name}-members` }),
  });
  const rule = (port: number, description: string) => ({
    securityGroupId: securityGroup.id,
    referencedSecurityGroupId: securityGroup.id,
    ipProtocol: "tcp",
    fromPort: port,
    toPort: port,
    description,
    tags: context.tags,
  });
  if (!isKnown(ports)) {
    // for_each takes strings: the ports as "2181", "2888"... (Terraform converts them back for the rule).
    const each = TerraformIterator.fromList(Token.asList(Fn.formatlist("%d", [ports])));
    const description = `TCP \${each.value} between the ordinals of ${context.name}`;
    const forEachPort = { ...rule(Token.asNumber(each.value), description), forEach: each };
    return {
      securityGroup,
      rules: [
        new VpcSecurityGroupIngressRule(scope, "members-in", forEachPort),
        new VpcSecurityGroupEgressRule(scope, "members-out", forEachPort),
      ],
    };
  }
  const unique = [...new Set(ports)];
  return {
    securityGroup,
    rules: unique.flatMap((port) => {
      const between = rule(port, `TCP ${port} between the ordinals of ${context.name}`);
      return [
        new VpcSecurityGroupIngressRule(scope, `members-in-${port}`, between),
        new VpcSecurityGroupEgressRule(scope, `members-out-${port}`, between),
      ];
    }),
  };
}
