import * as fs from "node:fs";
import * as path from "node:path";
import { Testing } from "cdktf";
import { FargateService } from "../../modules/ecs";
import { OrdinalContext, StatefulService } from "../../modules/stateful-service";
import {
  SynthesizedConfig,
  onlyResource,
  parseInterpolatedPolicy,
  resources,
  serviceBasics,
  synthConfig,
  testStack,
} from "../support/fixtures";
import { CLIENT_PORT, PEER_PORTS, storageIn, zookeeper } from "./zookeeper";

/** The synthesized resources of a type with their keys (the Terraform resource names). */
function entries(synthesized: SynthesizedConfig, type: string): Array<[string, Record<string, any>]> {
  return Object.entries(synthesized.config.resource[type] ?? {});
}

/** The key of the one resource of a type that matches; fails unless exactly one does. */
function keyOf(
  synthesized: SynthesizedConfig,
  type: string,
  matches: (resource: Record<string, any>, key: string) => boolean,
): string {
  const found = entries(synthesized, type).filter(([key, resource]) => matches(resource, key));
  if (found.length !== 1) throw new Error(`expected one matching ${type}, found ${found.length}`);
  return found[0][0];
}

/** The one resource of a type whose `name` is `name`. */
function named(synthesized: SynthesizedConfig, type: string, name: string): Record<string, any> {
  return synthesized.config.resource[type][keyOf(synthesized, type, (resource) => resource.name === name)];
}

/** `${type.key.attribute}`, as a reference renders in the synthesized JSON. */
const reference = (type: string, key: string, attribute: string) => `\${${type}.${key}.${attribute}}`;

/** The task definition of the service family `family` (an ordinal's name, such as `zk-1`). */
function taskDefinitionOf(synthesized: SynthesizedConfig, family: string): Record<string, any> {
  const found = resources(synthesized, "aws_ecs_task_definition").find((definition) => definition.family === family);
  if (!found) throw new Error(`no task definition of family ${family}`);
  return found;
}

function environmentOf(taskDefinition: Record<string, any>): Record<string, string> {
  const [container] = JSON.parse(taskDefinition.container_definitions) as Array<{
    environment: Array<{ name: string; value: string }>;
  }>;
  return Object.fromEntries(container.environment.map(({ name, value }) => [name, value]));
}

/**
 * The statements of a file system policy rendered by `jsonencode()` (an HCL expression, not JSON), as raw
 * text chunks by Sid: enough to see which role and which access point instance each one names.
 */
function hclStatements(policy: string): Array<{ sid: string; text: string }> {
  expect(policy.startsWith("${jsonencode(")).toBe(true);
  return policy
    .split('{"Sid" = "')
    .slice(1)
    .map((chunk) => ({ sid: chunk.slice(0, chunk.indexOf('"')), text: chunk }));
}

/** The `for_each` keys of access point instances an expression refers to directly (`aws_efs_access_point.x["1"]`). */
function accessPointKeys(text: string): string[] {
  return [...text.matchAll(/aws_efs_access_point\.[\w-]+\[\\?"(\w+)\\?"\]/g)].map((match) => match[1]);
}

describe("StatefulService ordinals, names and Cloud Map", () => {
  let synthesized: SynthesizedConfig;
  let service: StatefulService;
  const contexts: OrdinalContext[] = [];

  beforeAll(() => {
    synthesized = synthConfig((scope) => {
      service = new StatefulService(
        scope,
        "zookeeper",
        zookeeper({
          ordinalEnvironment: (context) => {
            contexts.push(context);
            return { ZOO_MY_ID: String(context.ordinal + 1) };
          },
        }),
      );
    });
  });

  it("fails the apply of an ordinal whose deployment was rolled back: its service must run its own task definition", () => {
    for (const ordinal of [0, 1, 2]) {
      const ecsService = resources(synthesized, "aws_ecs_service").find((each) => each.name === `zk-${ordinal}`)!;
      const taskDefinition = keyOf(synthesized, "aws_ecs_task_definition", (each) => each.family === `zk-${ordinal}`);
      expect(ecsService.lifecycle.postcondition).toEqual([
        {
          condition: `\${self.task_definition == aws_ecs_task_definition.${taskDefinition}.arn}`,
          error_message: expect.stringContaining(`ECS service zk-${ordinal} did not reach its new task definition`),
        },
      ]);
    }
  });

  it("creates one ECS service of one task per ordinal, named <name>-<ordinal>", () => {
    const services = resources(synthesized, "aws_ecs_service");
    expect(services.map((ecsService) => ecsService.name)).toEqual(["zk-0", "zk-1", "zk-2"]);
    for (const ecsService of services) {
      expect(ecsService).toMatchObject({
        desired_count: 1,
        deployment_minimum_healthy_percent: 0,
        deployment_maximum_percent: 100,
        deployment_circuit_breaker: { enable: true, rollback: true },
        wait_for_steady_state: true,
        launch_type: "FARGATE",
      });
    }
  });

  it("gives each ordinal its own task role, zk-<i>-task", () => {
    const roleNames = resources(synthesized, "aws_iam_role").map((role) => role.name);
    expect(roleNames.filter((name: string) => name.endsWith("-task"))).toEqual(["zk-0-task", "zk-1-task", "zk-2-task"]);
    for (const ordinal of [0, 1, 2]) {
      const roleKey = keyOf(synthesized, "aws_iam_role", (role) => role.name === `zk-${ordinal}-task`);
      const taskDefinition = taskDefinitionOf(synthesized, `zk-${ordinal}`);
      expect(taskDefinition.task_role_arn).toBe(reference("aws_iam_role", roleKey, "arn"));
    }
  });

  it("creates one private DNS namespace <name>.internal in the network's VPC, protected from destroy", () => {
    const namespace = onlyResource(synthesized, "aws_service_discovery_private_dns_namespace");
    expect(namespace).toMatchObject({
      name: "zk.internal",
      vpc: "vpc-0123456789abcdef0",
      lifecycle: { prevent_destroy: true },
    });
  });

  it("registers each ordinal under its own name: an A record, TTL 10, multivalue, health from ECS", () => {
    const namespaceKey = keyOf(synthesized, "aws_service_discovery_private_dns_namespace", () => true);
    const discovery = resources(synthesized, "aws_service_discovery_service");
    expect(discovery.map((entry) => entry.name)).toEqual(["zk-0", "zk-1", "zk-2"]);
    for (const entry of discovery) {
      expect(entry.dns_config).toEqual({
        namespace_id: reference("aws_service_discovery_private_dns_namespace", namespaceKey, "id"),
        routing_policy: "MULTIVALUE",
        dns_records: [{ type: "A", ttl: 10 }],
      });
      expect(entry.health_check_custom_config).toEqual({ failure_threshold: 1 });
    }
  });

  it("points each ECS service's service registry at its own ordinal's discovery service", () => {
    for (const ordinal of [0, 1, 2]) {
      const discoveryKey = keyOf(
        synthesized,
        "aws_service_discovery_service",
        (entry) => entry.name === `zk-${ordinal}`,
      );
      expect(named(synthesized, "aws_ecs_service", `zk-${ordinal}`).service_registries).toEqual({
        registry_arn: reference("aws_service_discovery_service", discoveryKey, "arn"),
      });
    }
  });

  it("tells each ordinal's container who it is and who its peers are", () => {
    const hostnames = ["zk-0.zk.internal", "zk-1.zk.internal", "zk-2.zk.internal"];
    for (const ordinal of [0, 1, 2]) {
      const taskDefinition = taskDefinitionOf(synthesized, `zk-${ordinal}`);
      expect(environmentOf(taskDefinition)).toEqual({
        STATEFUL_ORDINAL: String(ordinal),
        STATEFUL_HOSTNAME: hostnames[ordinal],
        STATEFUL_PEERS: hostnames.join(","),
        STATEFUL_REPLICAS: "3",
        ZOO_MY_ID: String(ordinal + 1),
      });
    }
  });

  it("calls ordinalEnvironment once per ordinal, with every ordinal as its peers", () => {
    expect(contexts.map((context) => context.ordinal)).toEqual([0, 1, 2]);
    for (const context of contexts) {
      expect(context.name).toBe(`zk-${context.ordinal}`);
      expect(context.hostname).toBe(`zk-${context.ordinal}.zk.internal`);
      expect(context.peers).toEqual([
        { ordinal: 0, name: "zk-0", hostname: "zk-0.zk.internal" },
        { ordinal: 1, name: "zk-1", hostname: "zk-1.zk.internal" },
        { ordinal: 2, name: "zk-2", hostname: "zk-2.zk.internal" },
      ]);
    }
  });

  it("creates ordinal i only after ordinal i - 1, and only after the previous one", () => {
    const serviceKey = (ordinal: number) =>
      `aws_ecs_service.${keyOf(synthesized, "aws_ecs_service", (entry) => entry.name === `zk-${ordinal}`)}`;
    const dependsOn = (ordinal: number): string[] =>
      named(synthesized, "aws_ecs_service", `zk-${ordinal}`).depends_on ?? [];
    const ecsServices = (ordinal: number) =>
      dependsOn(ordinal).filter((address) => address.startsWith("aws_ecs_service."));
    expect(ecsServices(0)).toEqual([]);
    expect(ecsServices(1)).toEqual([serviceKey(0)]);
    expect(ecsServices(2)).toEqual([serviceKey(1)]);
    expect(dependsOn(2)).not.toContain(serviceKey(0));
  });

  it("returns the host names of the ordinals, in order", () => {
    expect(service.hostnames).toEqual(["zk-0.zk.internal", "zk-1.zk.internal", "zk-2.zk.internal"]);
    expect(service.name).toBe("zk");
    expect(service.ordinals.map((ordinal) => ordinal.identity.ordinal)).toEqual([0, 1, 2]);
  });

  it("creates no storage without efs", () => {
    expect(resources(synthesized, "aws_efs_access_point")).toEqual([]);
    expect(service.accessPoints).toBeUndefined();
  });
});

describe("StatefulService members security group", () => {
  let synthesized: SynthesizedConfig;

  beforeAll(() => {
    synthesized = synthConfig((scope) => {
      new StatefulService(scope, "zookeeper", zookeeper());
    });
  });

  const membersKey = () => keyOf(synthesized, "aws_security_group", (group) => group.name === "zk-members");
  const membersId = () => reference("aws_security_group", membersKey(), "id");

  it.each(["aws_vpc_security_group_ingress_rule", "aws_vpc_security_group_egress_rule"])(
    "opens the client port and every peer port with %s, from and to the group itself only",
    (type) => {
      const rules = resources(synthesized, type).filter((rule) => rule.security_group_id === membersId());
      expect(rules.map((rule) => rule.from_port).sort()).toEqual([CLIENT_PORT, ...PEER_PORTS]);
      for (const rule of rules) {
        expect(rule).toMatchObject({
          ip_protocol: "tcp",
          to_port: rule.from_port,
          security_group_id: membersId(),
          referenced_security_group_id: membersId(),
        });
        expect(rule).not.toHaveProperty("cidr_ipv4");
        expect(rule).not.toHaveProperty("cidr_ipv6");
      }
    },
  );

  it("puts every ordinal's tasks in their own group and in the members group", () => {
    for (const ordinal of [0, 1, 2]) {
      const ownKey = keyOf(synthesized, "aws_security_group", (group) => group.name === `zk-${ordinal}-tasks`);
      const groups = named(synthesized, "aws_ecs_service", `zk-${ordinal}`).network_configuration.security_groups;
      expect(groups).toEqual([reference("aws_security_group", ownKey, "id"), membersId()]);
    }
  });

  it("starts every ordinal only once the member rules exist", () => {
    const memberRules = [
      ...entries(synthesized, "aws_vpc_security_group_ingress_rule")
        .filter(([, rule]) => rule.security_group_id === membersId())
        .map(([key]) => `aws_vpc_security_group_ingress_rule.${key}`),
      ...entries(synthesized, "aws_vpc_security_group_egress_rule")
        .filter(([, rule]) => rule.security_group_id === membersId())
        .map(([key]) => `aws_vpc_security_group_egress_rule.${key}`),
    ];
    expect(memberRules).toHaveLength(6);
    for (const ordinal of [0, 1, 2]) {
      expect(named(synthesized, "aws_ecs_service", `zk-${ordinal}`).depends_on).toEqual(
        expect.arrayContaining(memberRules),
      );
    }
  });
});

describe("StatefulService with an existing namespace", () => {
  let synthesized: SynthesizedConfig;
  let service: StatefulService;

  beforeAll(() => {
    synthesized = synthConfig((scope) => {
      service = new StatefulService(
        scope,
        "zookeeper",
        zookeeper({ namespace: { id: "ns-0123456789abcdef", name: "cluster.internal" } }),
      );
    });
  });

  it("creates no namespace and registers the names in the given one", () => {
    expect(resources(synthesized, "aws_service_discovery_private_dns_namespace")).toEqual([]);
    expect(service.namespace).toBeUndefined();
    expect(service.namespaceId).toBe("ns-0123456789abcdef");
    const namespaceIds = resources(synthesized, "aws_service_discovery_service").map(
      (entry) => entry.dns_config.namespace_id,
    );
    expect(namespaceIds).toEqual(["ns-0123456789abcdef", "ns-0123456789abcdef", "ns-0123456789abcdef"]);
  });

  it("ends the host names with the namespace's name", () => {
    expect(service.hostnames).toEqual(["zk-0.cluster.internal", "zk-1.cluster.internal", "zk-2.cluster.internal"]);
    const taskDefinition = taskDefinitionOf(synthesized, "zk-2");
    expect(environmentOf(taskDefinition)).toMatchObject({
      STATEFUL_HOSTNAME: "zk-2.cluster.internal",
      STATEFUL_PEERS: "zk-0.cluster.internal,zk-1.cluster.internal,zk-2.cluster.internal",
    });
  });
});

describe("StatefulService with a namespace name", () => {
  it("creates the named namespace and uses it in the host names", () => {
    let service: StatefulService | undefined;
    const synthesized = synthConfig((scope) => {
      service = new StatefulService(scope, "zookeeper", zookeeper({ namespace: "prod.internal" }));
    });
    expect(onlyResource(synthesized, "aws_service_discovery_private_dns_namespace").name).toBe("prod.internal");
    expect(service!.hostnames).toEqual(["zk-0.prod.internal", "zk-1.prod.internal", "zk-2.prod.internal"]);
  });
});

describe("StatefulService storage per ordinal on EFS", () => {
  let synthesized: SynthesizedConfig;
  let accessPointKey: string;

  beforeAll(() => {
    synthesized = synthConfig((scope) => {
      const storage = storageIn(scope);
      new StatefulService(
        scope,
        "zookeeper",
        zookeeper({ efs: { storage, containerPath: "/data", uid: 1000, gid: 1000 } }),
      );
    });
    accessPointKey = keyOf(synthesized, "aws_efs_access_point", () => true);
  });

  const instance = (ordinal: number, attribute: string) =>
    `\${aws_efs_access_point.${accessPointKey}["${ordinal}"].${attribute}}`;
  const taskRoleKey = (ordinal: number) =>
    keyOf(synthesized, "aws_iam_role", (role) => role.name === `zk-${ordinal}-task`);

  it("creates one access point resource with an instance per ordinal at /<name>/<ordinal>", () => {
    const accessPoint = onlyResource(synthesized, "aws_efs_access_point");
    expect(Object.keys(accessPoint.for_each)).toEqual(["0", "1", "2"]);
    expect(Object.values(accessPoint.for_each).map((entry: any) => entry.path)).toEqual(["/zk/0", "/zk/1", "/zk/2"]);
    for (const entry of Object.values(accessPoint.for_each) as any[]) {
      expect(entry).toMatchObject({ uid: 1000, gid: 1000, permissions: "750" });
    }
    expect(accessPoint.posix_user).toEqual({ uid: "${each.value.uid}", gid: "${each.value.gid}" });
    expect(accessPoint.root_directory.path).toBe("${each.value.path}");
    expect(accessPoint.lifecycle).toEqual({ prevent_destroy: true });
    expect(accessPoint.tags).toEqual({ Name: "zk-${each.key}" });
  });

  it("mounts each ordinal's own access point instance at the container path", () => {
    for (const ordinal of [0, 1, 2]) {
      const taskDefinition = taskDefinitionOf(synthesized, `zk-${ordinal}`);
      expect(taskDefinition.volume).toHaveLength(1);
      expect(taskDefinition.volume[0].efs_volume_configuration).toMatchObject({
        transit_encryption: "ENABLED",
        authorization_config: { access_point_id: instance(ordinal, "id"), iam: "ENABLED" },
      });
      const [container] = JSON.parse(taskDefinition.container_definitions);
      expect(container.mountPoints).toEqual([
        { sourceVolume: taskDefinition.volume[0].name, containerPath: "/data", readOnly: false },
      ]);
    }
  });

  it("grants each ordinal's task role its own access point only, in an inline policy", () => {
    for (const ordinal of [0, 1, 2]) {
      const policies = resources(synthesized, "aws_iam_role_policy").filter(
        (policy) => policy.role === reference("aws_iam_role", taskRoleKey(ordinal), "name"),
      );
      expect(policies).toHaveLength(1);
      const statements = parseInterpolatedPolicy(policies[0].policy).Statement;
      expect(statements).toHaveLength(1);
      expect(statements[0]).toMatchObject({
        Effect: "Allow",
        Condition: { StringEquals: { "elasticfilesystem:AccessPointArn": instance(ordinal, "arn") } },
      });
      expect(accessPointKeys(policies[0].policy)).toEqual([String(ordinal)]);
    }
  });

  it("allows each ordinal's task role in the file system policy through its own access point only", () => {
    const policy = onlyResource(synthesized, "aws_efs_file_system_policy").policy as string;
    const statements = hclStatements(policy);
    for (const ordinal of [0, 1, 2]) {
      const role = `aws_iam_role.${taskRoleKey(ordinal)}.arn`;
      const own = statements.filter((statement) => statement.text.includes(role));
      expect(own).toHaveLength(1);
      expect(own[0].text).toContain('"Effect" = "Allow"');
      expect(own[0].text).toContain(
        `"elasticfilesystem:AccessPointArn" = aws_efs_access_point.${accessPointKey}["${ordinal}"].arn`,
      );
      expect(accessPointKeys(own[0].text)).toEqual([String(ordinal)]);
    }
  });

  it("never lets ordinal 1's role mount ordinal 0's access point", () => {
    const role1 = taskRoleKey(1);
    const inline = resources(synthesized, "aws_iam_role_policy").filter(
      (policy) => policy.role === reference("aws_iam_role", role1, "name"),
    );
    expect(inline.length).toBeGreaterThan(0);
    for (const policy of inline) {
      expect(policy.policy).not.toContain(`${accessPointKey}["0"]`);
      for (const statement of parseInterpolatedPolicy(policy.policy).Statement) {
        expect(statement.Condition).toEqual({
          StringEquals: { "elasticfilesystem:AccessPointArn": instance(1, "arn") },
        });
      }
    }
    const fileSystemPolicy = onlyResource(synthesized, "aws_efs_file_system_policy").policy as string;
    const allowsForRole1 = hclStatements(fileSystemPolicy).filter(
      (statement) => statement.text.includes(`aws_iam_role.${role1}.arn`) && statement.text.includes('"Allow"'),
    );
    expect(allowsForRole1).toHaveLength(1);
    expect(allowsForRole1[0].text).not.toContain(`${accessPointKey}["0"]`);
    // And the Allow through access point 0 names ordinal 0's role, nobody else.
    const through0 = hclStatements(fileSystemPolicy).filter((statement) =>
      statement.text.includes(`${accessPointKey}["0"]`),
    );
    expect(through0).toHaveLength(1);
    expect(through0[0].text).toContain(`aws_iam_role.${taskRoleKey(0)}.arn`);
    expect(through0[0].text).not.toContain(`aws_iam_role.${role1}.arn`);
  });

  it("opens NFS from each ordinal's tasks and waits for its grant before starting it", () => {
    for (const ordinal of [0, 1, 2]) {
      const ownGroupKey = keyOf(synthesized, "aws_security_group", (group) => group.name === `zk-${ordinal}-tasks`);
      const nfsRuleKey = keyOf(
        synthesized,
        "aws_vpc_security_group_ingress_rule",
        (rule) =>
          rule.from_port === 2049 &&
          rule.referenced_security_group_id === reference("aws_security_group", ownGroupKey, "id"),
      );
      const grantKey = keyOf(
        synthesized,
        "aws_iam_role_policy",
        (policy) => policy.role === reference("aws_iam_role", taskRoleKey(ordinal), "name"),
      );
      expect(named(synthesized, "aws_ecs_service", `zk-${ordinal}`).depends_on).toEqual(
        expect.arrayContaining([
          `aws_vpc_security_group_ingress_rule.${nfsRuleKey}`,
          `aws_iam_role_policy.${grantKey}`,
        ]),
      );
    }
  });
});

describe("StatefulService retained ordinals and allowDestroy", () => {
  let synthesized: SynthesizedConfig;

  beforeAll(() => {
    synthesized = synthConfig((scope) => {
      const storage = storageIn(scope);
      new StatefulService(
        scope,
        "zookeeper",
        zookeeper({
          replicas: 2,
          retainedOrdinals: 3,
          allowDestroy: true,
          efs: { storage, containerPath: "/data", uid: 1000, gid: 1000, permissions: "700" },
        }),
      );
    });
  });

  it("keeps the storage of every retained ordinal but runs only the replicas", () => {
    const accessPoint = onlyResource(synthesized, "aws_efs_access_point");
    expect(Object.keys(accessPoint.for_each)).toEqual(["0", "1", "2"]);
    expect(accessPoint.for_each["2"]).toMatchObject({ path: "/zk/2", permissions: "700" });
    expect(resources(synthesized, "aws_ecs_service").map((ecsService) => ecsService.name)).toEqual(["zk-0", "zk-1"]);
    expect(resources(synthesized, "aws_service_discovery_service")).toHaveLength(2);
  });

  it("tells the running ordinals about the running peers only", () => {
    const taskDefinition = taskDefinitionOf(synthesized, "zk-1");
    expect(environmentOf(taskDefinition)).toMatchObject({
      STATEFUL_PEERS: "zk-0.zk.internal,zk-1.zk.internal",
      STATEFUL_REPLICAS: "2",
    });
  });

  it("lets Terraform destroy the access points and the namespace with allowDestroy", () => {
    expect(onlyResource(synthesized, "aws_efs_access_point").lifecycle?.prevent_destroy ?? false).toBe(false);
    expect(
      onlyResource(synthesized, "aws_service_discovery_private_dns_namespace").lifecycle?.prevent_destroy ?? false,
    ).toBe(false);
  });
});

describe("StatefulService allowClient", () => {
  let synthesized: SynthesizedConfig;

  beforeAll(() => {
    synthesized = synthConfig((scope) => {
      const service = new StatefulService(scope, "zookeeper", zookeeper());
      const app = new FargateService(scope, "app", {
        ...serviceBasics(scope, "app"),
        name: "app",
        container: { name: "app", image: "public.ecr.aws/docker/library/busybox:1.36" },
      });
      service.allowClient(app);
      service.allowClient(app);
    });
  });

  const groupId = (name: string) =>
    reference(
      "aws_security_group",
      keyOf(synthesized, "aws_security_group", (group) => group.name === name),
      "id",
    );

  it("opens the client port only into the members group from the client's group, once", () => {
    const fromClient = entries(synthesized, "aws_vpc_security_group_ingress_rule").filter(
      ([, rule]) => rule.referenced_security_group_id === groupId("app-tasks"),
    );
    expect(fromClient).toHaveLength(1);
    expect(fromClient[0][1]).toMatchObject({
      security_group_id: groupId("zk-members"),
      ip_protocol: "tcp",
      from_port: CLIENT_PORT,
      to_port: CLIENT_PORT,
    });
  });

  it("opens the client port out of the client's group to the members group, once", () => {
    const toMembers = resources(synthesized, "aws_vpc_security_group_egress_rule").filter(
      (rule) =>
        rule.security_group_id === groupId("app-tasks") && rule.referenced_security_group_id === groupId("zk-members"),
    );
    expect(toMembers).toHaveLength(1);
    expect(toMembers[0]).toMatchObject({ from_port: CLIENT_PORT, to_port: CLIENT_PORT });
  });

  it("opens none of the peer ports to the client", () => {
    const clientRules = [
      ...resources(synthesized, "aws_vpc_security_group_ingress_rule"),
      ...resources(synthesized, "aws_vpc_security_group_egress_rule"),
    ].filter(
      (rule) =>
        rule.security_group_id === groupId("app-tasks") || rule.referenced_security_group_id === groupId("app-tasks"),
    );
    for (const port of PEER_PORTS) {
      expect(clientRules.map((rule) => rule.from_port)).not.toContain(port);
    }
  });

  it("starts the client's tasks only once the ingress rule exists", () => {
    const ruleKey = keyOf(
      synthesized,
      "aws_vpc_security_group_ingress_rule",
      (rule) => rule.referenced_security_group_id === groupId("app-tasks"),
    );
    const dependsOn: string[] = named(synthesized, "aws_ecs_service", "app").depends_on;
    expect(dependsOn.filter((address) => address === `aws_vpc_security_group_ingress_rule.${ruleKey}`)).toHaveLength(1);
    const egressKey = keyOf(
      synthesized,
      "aws_vpc_security_group_egress_rule",
      (rule) =>
        rule.security_group_id === groupId("app-tasks") && rule.referenced_security_group_id === groupId("zk-members"),
    );
    expect(dependsOn).toContain(`aws_vpc_security_group_egress_rule.${egressKey}`);
    // The ordinals do not wait for their clients.
    for (const ordinal of [0, 1, 2]) {
      expect(named(synthesized, "aws_ecs_service", `zk-${ordinal}`).depends_on).not.toContain(
        `aws_vpc_security_group_ingress_rule.${ruleKey}`,
      );
    }
  });

  it("refuses a client when the container has no port", () => {
    let error: unknown;
    synthConfig((scope) => {
      const service = new StatefulService(
        scope,
        "zookeeper",
        zookeeper({ peerPorts: [2888], container: { name: "zookeeper", image: "zookeeper:3.9.3" } }),
      );
      const app = new FargateService(scope, "app", {
        ...serviceBasics(scope, "app"),
        name: "app",
        container: { name: "app", image: "public.ecr.aws/docker/library/busybox:1.36" },
      });
      try {
        service.allowClient(app);
      } catch (caught) {
        error = caught;
      }
    });
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toBe(
      "StatefulService 'zookeeper': allowClient(app): container.port is not set, so there is no client port",
    );
  });
});

describe("StatefulService guardExceptions", () => {
  it("marks the resources it creates with the directives (in the full synth, which keeps the comments)", () => {
    const stack = testStack();
    new StatefulService(stack, "zookeeper", zookeeper({ guardExceptions: { SE007: "ensemble data is rebuilt" } }));
    const outdir = Testing.fullSynth(stack);
    const config = JSON.parse(fs.readFileSync(path.join(outdir, "stacks", stack.node.id, "cdk.tf.json"), "utf8"));
    const directive = ["stateful-ecs:ignore SE007 ensemble data is rebuilt"];
    for (const type of [
      "aws_ecs_service",
      "aws_ecs_task_definition",
      "aws_service_discovery_service",
      "aws_service_discovery_private_dns_namespace",
      "aws_security_group",
      "aws_vpc_security_group_ingress_rule",
    ]) {
      const all = Object.values(config.resource[type] ?? {}) as Array<Record<string, any>>;
      expect(all.length).toBeGreaterThan(0);
      for (const resource of all) expect(resource["//"]?.["stateful-ecs"]).toEqual(directive);
    }
    // The provider is not the construct's: it carries no directive.
    expect(JSON.stringify(config.provider)).not.toContain("stateful-ecs:ignore");
  });

  it("refuses a key that is no guard rule id", () => {
    const stack = testStack();
    expect(() => new StatefulService(stack, "zookeeper", zookeeper({ guardExceptions: { SE7: "why" } }))).toThrow(
      "StatefulService 'zookeeper': guardExceptions key 'SE7' is not a guard rule id such as 'SE007'",
    );
  });
});
