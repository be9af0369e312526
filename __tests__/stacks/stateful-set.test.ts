import { DependencyGraph, expressionReferencesAt, referencesAt } from "../../analysis/dependency-graph";
import { PlanJson, PlannedResource, ResourceConfig } from "../../analysis/plan-json";
import { exampleStack } from "../support/example-app";
import { describeWithTerraform, plan } from "../support/harness";

/**
 * The acceptance of the StatefulSet example, read from its offline plan: what Terraform will create, and the
 * order and references it will create them by (the planned configuration).
 */

const stack = exampleStack("stateful-set");
const ORDINALS = [0, 1, 2];
const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

describeWithTerraform("stack stateful-set, planned", () => {
  let planned: PlanJson;
  let graph: DependencyGraph;
  beforeAll(async () => {
    planned = await plan(stack.dir);
    graph = new DependencyGraph(planned.configuration?.root_module ?? {});
  });

  const resourcesOf = (type: string): PlannedResource[] =>
    (planned.planned_values?.root_module.resources ?? []).filter((resource) => resource.type === type);
  const configsOf = (type: string): ResourceConfig[] => graph.all.filter((resource) => resource.type === type);
  /** The configuration block of ordinal `i`'s resource of `type`. */
  const ofOrdinal = (type: string, ordinal: number): ResourceConfig => {
    const [found, ...others] = configsOf(type).filter((resource) => resource.address.includes(`_ordinal-${ordinal}_`));
    if (!found || others.length > 0) throw new Error(`expected one ${type} of ordinal ${ordinal}`);
    return found;
  };

  it("creates 3 ECS services of one task each, never two at once, each waiting until steady", () => {
    const services = resourcesOf("aws_ecs_service");
    expect(services.map((service) => service.values?.name).sort()).toEqual(
      ORDINALS.map((ordinal) => `stateful-set-zk-${ordinal}`),
    );
    for (const service of services) {
      expect(service.values).toMatchObject({
        desired_count: 1,
        deployment_minimum_healthy_percent: 0,
        deployment_maximum_percent: 100,
        wait_for_steady_state: true,
        deployment_circuit_breaker: [{ enable: true, rollback: true }],
      });
    }
  });

  it("registers each service under its own Cloud Map name, all in the one private DNS namespace", () => {
    const [namespace, ...otherNamespaces] = configsOf("aws_service_discovery_private_dns_namespace");
    expect(otherNamespaces).toEqual([]);
    expect(resourcesOf("aws_service_discovery_private_dns_namespace")[0].values).toMatchObject({
      name: "stateful-set.internal",
    });
    const names = resourcesOf("aws_service_discovery_service").map((service) => service.values?.name);
    expect(names.sort()).toEqual(ORDINALS.map((ordinal) => `stateful-set-zk-${ordinal}`));
    for (const ordinal of ORDINALS) {
      const discovery = ofOrdinal("aws_service_discovery_service", ordinal);
      expect(referencesAt(discovery, ["dns_config", "namespace_id"])).toEqual([namespace.address]);
      const service = ofOrdinal("aws_ecs_service", ordinal);
      expect(referencesAt(service, ["service_registries", "registry_arn"])).toEqual([discovery.address]);
    }
    for (const discovery of resourcesOf("aws_service_discovery_service")) {
      expect(discovery.values?.dns_config).toEqual([
        expect.objectContaining({ routing_policy: "MULTIVALUE", dns_records: [{ type: "A", ttl: 10 }] }),
      ]);
    }
  });

  it("plans 3 access points, one per ordinal, with distinct paths and the zookeeper user", () => {
    const accessPoints = resourcesOf("aws_efs_access_point");
    expect(accessPoints.map((accessPoint) => accessPoint.index).sort()).toEqual(["0", "1", "2"]);
    const paths = accessPoints.map(
      (accessPoint) => (accessPoint.values?.root_directory as Array<{ path: string }>)[0].path,
    );
    expect(paths.sort()).toEqual(ORDINALS.map((ordinal) => `/stateful-set-zk/${ordinal}`));
    for (const accessPoint of accessPoints) {
      expect(accessPoint.values?.posix_user).toEqual([expect.objectContaining({ uid: 1000, gid: 1000 })]);
    }
  });

  it("chains the services 0 <- 1 <- 2: each depends on the previous one only", () => {
    const serviceOf = (ordinal: number) => ofOrdinal("aws_ecs_service", ordinal).address;
    const dependsOnServices = (ordinal: number) =>
      (ofOrdinal("aws_ecs_service", ordinal).depends_on ?? []).filter((address) =>
        address.startsWith("aws_ecs_service."),
      );
    expect(dependsOnServices(0)).toEqual([]);
    expect(dependsOnServices(1)).toEqual([serviceOf(0)]);
    expect(dependsOnServices(2)).toEqual([serviceOf(1)]);
    expect(graph.dependenciesOf(serviceOf(2))).toContain(serviceOf(0));
  });

  it("lets no ordinal mount another's access point: its volume, its role's grant and the file system policy name its own", () => {
    const [accessPointBlock] = configsOf("aws_efs_access_point");
    const instance = (ordinal: number) => `${accessPointBlock.address}["${ordinal}"]`;
    /** The access point instances an argument names: `<block>["<key>"]`, each once. */
    const instancesAt = (resource: ResourceConfig, path: string[]) =>
      expressionReferencesAt(resource, path).filter((reference) =>
        new RegExp(`^${escape(accessPointBlock.address)}\\["\\d+"\\]$`).test(reference),
      );
    const [fileSystemPolicy] = configsOf("aws_efs_file_system_policy");
    for (const ordinal of ORDINALS) {
      const [taskDefinition] = referencesAt(ofOrdinal("aws_ecs_service", ordinal), ["task_definition"]).map((address) =>
        graph.resource(address),
      );
      const volumeAccessPoints = instancesAt(taskDefinition, [
        "volume",
        "efs_volume_configuration",
        "authorization_config",
        "access_point_id",
      ]);
      expect(volumeAccessPoints).toEqual([instance(ordinal)]);
      const [taskRole] = referencesAt(taskDefinition, ["task_role_arn"]);
      const grants = configsOf("aws_iam_role_policy").filter((policy) =>
        referencesAt(policy, ["role"]).includes(taskRole),
      );
      expect(grants).toHaveLength(1);
      expect(instancesAt(grants[0], ["policy"])).toEqual([instance(ordinal)]);
    }
    expect(instancesAt(fileSystemPolicy, ["policy"]).sort()).toEqual(ORDINALS.map(instance));
  });

  it("has the file system policy allow each ordinal's task role through its own access point only", () => {
    const [policyBlock] = Object.values(stack.config.resource?.aws_efs_file_system_policy ?? {});
    // A jsonencode() expression (the access point list is a for expression): pair each Allow's role and condition.
    const allow = /"Principal" = \{"AWS" = aws_iam_role\.(\S+)\.arn\}, "Effect" = "Allow"[^}]*?\["(\d+)"\]\.arn/g;
    const policy = (policyBlock as { policy: string }).policy;
    const pairs = [...policy.matchAll(allow)].map(([, role, accessPoint]) => [
      /_ordinal-(\d+)_/.exec(role)?.[1],
      accessPoint,
    ]);
    expect(pairs).toEqual(ORDINALS.map((ordinal) => [String(ordinal), String(ordinal)]));
  });
});
