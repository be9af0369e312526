import { DependencyGraph, referencesAt } from "../../analysis/dependency-graph";
import { ResourceConfig } from "../../analysis/plan-json";
import { exampleStacks } from "../support/example-app";
import { describeWithTerraform, plan } from "../support/harness";

/**
 * What a real first `terraform apply` needs and a plan cannot show: that Terraform creates what a service or
 * a host needs at start before it creates the service or boots the host. Read from each stack's planned
 * configuration (`terraform show -json`), following references and `depends_on` transitively, for every
 * stack of `main.ts`: any EFS-mounting service and any pinned host a stack has is checked.
 */

/** How many of each kind the stacks hold, so the checks below cannot pass by finding nothing. */
const found = { efsMountingServices: 0, pinnedHosts: 0 };

/** Resources of `type` whose argument at `path` references `target` (one of `targets`). */
function referencing(graph: DependencyGraph, type: string, path: string[], targets: string[]): ResourceConfig[] {
  return graph.all.filter(
    (resource) => resource.type === type && referencesAt(resource, path).some((address) => targets.includes(address)),
  );
}

const constant = (resource: ResourceConfig, argument: string) =>
  (resource.expressions?.[argument] as { constant_value?: unknown } | undefined)?.constant_value;

/** Everything an EFS-mounting service needs before its first task: per file system it mounts. */
function efsPrerequisites(graph: DependencyGraph, service: ResourceConfig): Record<string, string[]> {
  const [taskDefinition] = referencesAt(service, ["task_definition"]).map((address) => graph.resource(address));
  const fileSystems = referencesAt(taskDefinition, ["volume", "efs_volume_configuration", "file_system_id"]);
  const taskRoles = referencesAt(taskDefinition, ["task_role_arn"]);
  const serviceGroups = referencesAt(service, ["network_configuration", "security_groups"]);
  const needs: Record<string, string[]> = {};
  for (const fileSystem of fileSystems) {
    const mountTargets = referencing(graph, "aws_efs_mount_target", ["file_system_id"], [fileSystem]);
    const nfsGroups = mountTargets.flatMap((target) => referencesAt(target, ["security_groups"]));
    const grants = referencing(graph, "aws_iam_role_policy", ["role"], taskRoles).filter((policy) =>
      referencesAt(policy, ["policy"]).includes(fileSystem),
    );
    const ingress = referencing(graph, "aws_vpc_security_group_ingress_rule", ["security_group_id"], nfsGroups).filter(
      (rule) => referencesAt(rule, ["referenced_security_group_id"]).some((group) => serviceGroups.includes(group)),
    );
    const egress = referencing(
      graph,
      "aws_vpc_security_group_egress_rule",
      ["security_group_id"],
      serviceGroups,
    ).filter((rule) => referencesAt(rule, ["referenced_security_group_id"]).some((group) => nfsGroups.includes(group)));
    const policies = referencing(graph, "aws_efs_file_system_policy", ["file_system_id"], [fileSystem]);
    for (const [what, resources] of Object.entries({ mountTargets, policies, grants, ingress, egress })) {
      needs[`${fileSystem}: ${what}`] = resources.map((resource) => resource.address);
    }
  }
  return needs;
}

/** Everything a pinned host's bootstrap needs before it boots. */
function hostPrerequisites(graph: DependencyGraph, host: ResourceConfig): Record<string, string[]> {
  const [launchTemplate] = referencesAt(host, ["launch_template", "id"]).map((address) => graph.resource(address));
  const groups = referencesAt(launchTemplate, ["vpc_security_group_ids"]);
  const [profile] = referencesAt(launchTemplate, ["iam_instance_profile", "arn"]).map((a) => graph.resource(a));
  const roles = referencesAt(profile, ["role"]);
  const natRoutes = graph.all.filter(
    (resource) => resource.type === "aws_route" && referencesAt(resource, ["nat_gateway_id"]).length > 0,
  );
  const natTables = natRoutes.flatMap((route) => referencesAt(route, ["route_table_id"]));
  const needs: Record<string, string[]> = {
    "routes out through NAT": natRoutes.map((route) => route.address),
    "their route table associations": referencing(graph, "aws_route_table_association", ["route_table_id"], natTables)
      .filter(() => natRoutes.length > 0)
      .map((association) => association.address),
    "HTTPS egress rule": referencing(graph, "aws_vpc_security_group_egress_rule", ["security_group_id"], groups)
      .filter((rule) => constant(rule, "from_port") === 443)
      .map((rule) => rule.address),
    "instance role policy attachments": referencing(graph, "aws_iam_role_policy_attachment", ["role"], roles).map(
      (attachment) => attachment.address,
    ),
  };
  if (host.type === "aws_autoscaling_group") {
    needs["attach permission"] = referencing(graph, "aws_iam_role_policy", ["role"], roles)
      .filter((policy) => String(constant(policy, "policy")).includes("ec2:AttachVolume"))
      .map((policy) => policy.address);
  }
  return needs;
}

/** What of `needs` is missing from the resources created before `address`; every need must name something. */
function missing(graph: DependencyGraph, address: string, needs: Record<string, string[]>): string[] {
  const before = graph.dependenciesOf(address);
  return Object.entries(needs).flatMap(([what, addresses]) =>
    addresses.length === 0
      ? [`${what}: none found`]
      : addresses.filter((a) => !before.has(a)).map((a) => `${what}: ${a}`),
  );
}

describeWithTerraform("first apply order, from the planned configuration of every stack in main.ts", () => {
  describe.each(exampleStacks().map((stack) => [stack.name, stack] as const))("stack %s", (_name, stack) => {
    let graph: DependencyGraph;
    beforeAll(async () => {
      graph = new DependencyGraph((await plan(stack.dir)).configuration?.root_module ?? {});
    });

    it("starts each EFS-mounting service after its mount targets, file system policy, grant and NFS rules", () => {
      const services = graph.all.filter((resource) => resource.type === "aws_ecs_service");
      for (const service of services) {
        const needs = efsPrerequisites(graph, service);
        if (Object.keys(needs).length === 0) continue;
        found.efsMountingServices++;
        expect({ [service.address]: missing(graph, service.address, needs) }).toEqual({ [service.address]: [] });
      }
    });

    it("boots each pinned host after its route out, its HTTPS egress rule and its permissions", () => {
      const hosts = graph.all.filter((resource) => ["aws_autoscaling_group", "aws_instance"].includes(resource.type));
      for (const host of hosts) {
        found.pinnedHosts++;
        const needs = hostPrerequisites(graph, host);
        expect({ [host.address]: missing(graph, host.address, needs) }).toEqual({ [host.address]: [] });
      }
    });
  });

  it("found EFS-mounting services and pinned hosts to check (so the checks above cannot pass on nothing)", () => {
    expect(found.efsMountingServices).toBeGreaterThan(0);
    expect(found.pinnedHosts).toBeGreaterThanOrEqual(2);
  });
});
