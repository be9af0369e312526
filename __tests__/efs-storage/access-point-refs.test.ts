import { Construct } from "constructs";
import { expressionOf } from "../../modules/core/tokens";
import { FargateService } from "../../modules/ecs";
import { AccessPointMapEntry, EfsAccessPointMap, EfsStorage, ExternalAccessPoint } from "../../modules/efs-storage";
import {
  SynthesizedConfig,
  existingNetwork,
  onlyResource,
  parseInterpolatedPolicy,
  parsePolicy,
  resources,
  serviceBasics,
  synthConfig,
  testStack,
} from "../support/fixtures";

/**
 * One key of an access point map as an access point of its own (`EfsAccessPointMap.accessPoint(key)`):
 * mounted, granted and listed in the file system policy like one made with `addAccessPoint`.
 */

const tenants: Record<string, AccessPointMapEntry> = {
  a: { path: "/tenants/a", uid: 2001, gid: 2001 },
  b: { path: "/tenants/b", uid: 2002, gid: 2002 },
};

function storageIn(scope: Construct, id = "data", name = "files"): EfsStorage {
  return new EfsStorage(scope, id, { network: existingNetwork, name });
}

function webIn(scope: Construct): FargateService {
  return new FargateService(scope, "web", {
    ...serviceBasics(scope),
    container: { name: "app", image: "public.ecr.aws/docker/library/busybox:1.36" },
  });
}

/** `${aws_efs_access_point.<the map's resource>["<key>"].<attribute>}`, as a direct instance reference. */
const instanceRef = (key: string, attribute: string) =>
  new RegExp(`^\\$\\{aws_efs_access_point\\.data_tenants_access-point_\\w+\\["${key}"\\]\\.${attribute}\\}$`);

/** The `type.name` address of the one resource of `type` whose name contains `part`. */
function addressOf(synthesized: SynthesizedConfig, type: string, part: string): string {
  const names = Object.keys(synthesized.config.resource[type] ?? {}).filter((name) => name.includes(part));
  if (names.length !== 1) throw new Error(`expected one ${type} named *${part}*, found ${names.length}`);
  return `${type}.${names[0]}`;
}

describe("EfsAccessPointMap.accessPoint", () => {
  const stack = testStack();
  const storage = storageIn(stack);
  const map = storage.addAccessPointMap("tenants", tenants);

  it("is named <map id>-<key>", () => {
    expect(map.accessPoint("a").name).toBe("tenants-a");
    expect(map.accessPoint("b").name).toBe("tenants-b");
  });

  it("refers to that key's instance of the for_each resource, directly", () => {
    const accessPoint = map.accessPoint("b");
    expect(expressionOf(stack, accessPoint.id)).toMatch(instanceRef("b", "id"));
    expect(expressionOf(stack, accessPoint.arn)).toMatch(instanceRef("b", "arn"));
    const address = `${map.resource.terraformResourceType}.${map.resource.friendlyUniqueId}`;
    expect(expressionOf(stack, accessPoint.id)).toBe(`\${${address}["b"].id}`);
  });

  it("returns the same object for the same key, and the map owns it", () => {
    const first = map.accessPoint("a");
    expect(map.accessPoint("a")).toBe(first);
    expect(map.accessPoint("b")).not.toBe(first);
    expect(map.owns(first)).toBe(true);
    expect(map.owns({ ...first })).toBe(false);
  });

  it("refuses a key the map does not have, naming the map and its keys", () => {
    expect(() => map.accessPoint("c")).toThrow(
      "EfsStorage 'data': access point map 'tenants' has no key 'c'; its keys: a, b",
    );
  });
});

describe("EfsStorage.mount with a map key's access point", () => {
  let synthesized: SynthesizedConfig;
  beforeAll(() => {
    synthesized = synthConfig((scope) => {
      const storage = storageIn(scope);
      const map = storage.addAccessPointMap("tenants", tenants);
      storage.mount(webIn(scope), map.accessPoint("a"), { containerPath: "/data" });
    });
  });

  it("adds an EFS volume through that instance, IAM authorization and transit encryption on", () => {
    const taskDefinition = onlyResource(synthesized, "aws_ecs_task_definition");
    expect(taskDefinition.volume).toEqual([
      {
        name: "files-tenants-a",
        efs_volume_configuration: {
          file_system_id: expect.stringMatching(/^\$\{aws_efs_file_system\.data_file-system_\w+\.id\}$/),
          transit_encryption: "ENABLED",
          authorization_config: { access_point_id: expect.stringMatching(instanceRef("a", "id")), iam: "ENABLED" },
        },
      },
    ]);
    expect(JSON.parse(taskDefinition.container_definitions)[0].mountPoints).toEqual([
      { sourceVolume: "files-tenants-a", containerPath: "/data", readOnly: false },
    ]);
  });

  it("gives the service's task role an inline policy conditioned on that instance's ARN", () => {
    const grant = onlyResource(synthesized, "aws_iam_role_policy");
    expect(grant).not.toHaveProperty("for_each");
    expect(grant.role).toMatch(/^\$\{aws_iam_role\.roles_task-role_\w+\.name\}$/);
    expect(grant.name).toBe("files-efs-tenants-a");
    expect(parseInterpolatedPolicy(grant.policy).Statement).toEqual([
      {
        Sid: "EfsThroughAccessPoint",
        Effect: "Allow",
        Action: ["elasticfilesystem:ClientMount", "elasticfilesystem:ClientWrite"],
        Resource: expect.stringMatching(/^\$\{aws_efs_file_system\.data_file-system_\w+\.arn\}$/),
        Condition: {
          StringEquals: { "elasticfilesystem:AccessPointArn": expect.stringMatching(instanceRef("a", "arn")) },
        },
      },
    ]);
  });

  it("allows that role, through that access point's ARN, in the file system policy", () => {
    const policy = onlyResource(synthesized, "aws_efs_file_system_policy").policy as string;
    expect(policy.startsWith("${jsonencode(")).toBe(true);
    expect(policy).toMatch(
      /\{"Sid" = "Grant0", "Principal" = \{"AWS" = aws_iam_role\.roles_task-role_\w+\.arn\}, "Effect" = "Allow", "Action" = \["elasticfilesystem:ClientMount", "elasticfilesystem:ClientWrite"\], "Resource" = aws_efs_file_system\.data_file-system_\w+\.arn, "Condition" = \{"StringEquals" = \{"elasticfilesystem:AccessPointArn" = aws_efs_access_point\.data_tenants_access-point_\w+\["a"\]\.arn\}\}\}/,
    );
    expect(policy).not.toContain('"Sid" = "Grant1"');
  });

  it("opens NFS into the mount targets from the service's group", () => {
    const rule = onlyResource(synthesized, "aws_vpc_security_group_ingress_rule");
    expect(rule).toMatchObject({
      ip_protocol: "tcp",
      from_port: 2049,
      to_port: 2049,
      security_group_id: expect.stringMatching(/^\$\{aws_security_group\.data_nfs-security-group_\w+\.id\}$/),
      referenced_security_group_id: expect.stringMatching(/^\$\{aws_security_group\.web_security-group_\w+\.id\}$/),
    });
  });

  it("makes the service wait for the grant and the NFS rule", () => {
    const dependsOn: string[] = onlyResource(synthesized, "aws_ecs_service").depends_on;
    expect(dependsOn).toEqual(
      expect.arrayContaining([
        addressOf(synthesized, "aws_iam_role_policy", "data_grant-"),
        addressOf(synthesized, "aws_vpc_security_group_ingress_rule", "data_nfs-from-"),
      ]),
    );
  });
});

describe("EfsStorage refuses a map key's access point of another file system", () => {
  const stack = testStack();
  const storage = storageIn(stack);
  storage.addAccessPointMap("tenants", tenants);
  const other = storageIn(stack, "other", "other-files");
  const foreign = other.addAccessPointMap("tenants", tenants).accessPoint("a");
  const web = webIn(stack);

  it.each<[string, () => unknown]>([
    ["mount()", () => storage.mount(web, foreign, { containerPath: "/data" })],
    ["grant()", () => storage.grant(web.taskRole, foreign)],
    ["volume()", () => storage.volume(foreign)],
  ])("in %s", (method, call) => {
    expect(call).toThrow(`EfsStorage 'data': ${method} was given access point 'tenants-a' of another file system`);
  });
});

describe("EfsAccessPointMap grants of a literal map", () => {
  let withoutRoles: { map: EfsAccessPointMap; synthesized: SynthesizedConfig };
  let withRoles: { map: EfsAccessPointMap; synthesized: SynthesizedConfig };
  beforeAll(() => {
    const build = (entries: Record<string, AccessPointMapEntry>) => {
      let map: EfsAccessPointMap | undefined;
      const synthesized = synthConfig((scope) => {
        map = storageIn(scope).addAccessPointMap("tenants", entries);
      });
      return { map: map!, synthesized };
    };
    withoutRoles = build({ a: tenants.a, b: { ...tenants.b, taskRoleNames: [] } });
    withRoles = build({ a: tenants.a, b: { ...tenants.b, taskRoleNames: ["b-task"] } });
  });

  it("makes no grant resource when no entry names a task role", () => {
    expect(withoutRoles.map.grants).toBeUndefined();
    expect(resources(withoutRoles.synthesized, "aws_iam_role_policy")).toEqual([]);
    expect(onlyResource(withoutRoles.synthesized, "aws_efs_access_point").for_each).toHaveProperty("b");
  });

  it("still makes the for_each grant resource when one entry names a task role", () => {
    expect(withRoles.map.grants).toBeDefined();
    const grant = onlyResource(withRoles.synthesized, "aws_iam_role_policy");
    expect(grant.for_each).toContain("distinct(val.task_role_names)");
    expect(grant.name).toBe("files-efs-${each.value.key}");
  });
});

describe("EfsStorage keeps a map key's access point apart from an access point of the same name", () => {
  // addAccessPoint("tenants-a") and key "a" of map "tenants" are both named 'tenants-a'. Granting the same
  // role both must either be refused or grant both ARNs: silently keeping the first grant alone leaves
  // the map key's mount denied at run time, while the synth-time wiring check sees a grant and passes.
  it("refuses a map key whose access point name an addAccessPoint already has, and the reverse", () => {
    const storage = storageIn(testStack());
    storage.addAccessPoint("tenants-a", { path: "/own", uid: 1, gid: 1 });
    const map = storage.addAccessPointMap("tenants", tenants);
    expect(() => map.accessPoint("a")).toThrow(
      "EfsStorage 'data': access point name 'tenants-a' is used twice, by addAccessPoint('tenants-a') and by key 'a' of access point map 'tenants'; rename one",
    );
    const other = storageIn(testStack());
    other.addAccessPointMap("tenants", tenants).accessPoint("b");
    expect(() => other.addAccessPoint("tenants-b", { path: "/own", uid: 1, gid: 1 })).toThrow(
      "access point name 'tenants-b' is used twice, by key 'b' of access point map 'tenants' and by addAccessPoint('tenants-b')",
    );
  });
});

describe("EfsStorage.mountExternal: an access point of a file system another configuration owns", () => {
  const external: ExternalAccessPoint = {
    fileSystemId: "fs-0123456789abcdef0",
    fileSystemArn: "arn:aws:elasticfilesystem:eu-west-1:123456789012:file-system/fs-0123456789abcdef0",
    accessPointId: "fsap-0123456789abcdef0",
    accessPointArn: "arn:aws:elasticfilesystem:eu-west-1:123456789012:access-point/fsap-0123456789abcdef0",
    mountTargetSecurityGroupId: "sg-0123456789abcdef0",
  };
  let synthesized: SynthesizedConfig;
  beforeAll(() => {
    synthesized = synthConfig((scope) => {
      const web = webIn(scope);
      EfsStorage.mountExternal(web, external, { containerPath: "/data", volumeName: "shared" });
      const reader = new FargateService(scope, "reader", {
        ...serviceBasics(scope, "reader"),
        container: { name: "reader", image: "public.ecr.aws/docker/library/busybox:1.36" },
      });
      EfsStorage.mountExternal(reader, external, { containerPath: "/data", volumeName: "shared", readOnly: true });
    });
  });
  const familyOf = (service: string) =>
    resources(synthesized, "aws_ecs_task_definition").find((definition) => definition.family.endsWith(service))!;

  it("adds the volume with transit encryption and IAM authorization, and its mount point", () => {
    expect(familyOf("-web").volume).toEqual([
      {
        name: "shared",
        efs_volume_configuration: {
          file_system_id: external.fileSystemId,
          transit_encryption: "ENABLED",
          authorization_config: { access_point_id: external.accessPointId, iam: "ENABLED" },
        },
      },
    ]);
    expect(JSON.parse(familyOf("-web").container_definitions)[0].mountPoints).toEqual([
      { sourceVolume: "shared", containerPath: "/data", readOnly: false },
    ]);
  });

  it("grants each task role that access point only, read-only as asked, and the service waits for the grant", () => {
    const statementOf = (role: string) => {
      const policy = resources(synthesized, "aws_iam_role_policy").find((each) =>
        each.role.startsWith(`\${aws_iam_role.${role}_task-role_`),
      )!;
      expect(policy.name).toBe("shared-efs");
      return parsePolicy(policy.policy).Statement;
    };
    const condition = { StringEquals: { "elasticfilesystem:AccessPointArn": external.accessPointArn } };
    expect(statementOf("roles")).toEqual([
      expect.objectContaining({
        Action: ["elasticfilesystem:ClientMount", "elasticfilesystem:ClientWrite"],
        Resource: external.fileSystemArn,
        Condition: condition,
      }),
    ]);
    expect(statementOf("reader-roles")).toEqual([
      expect.objectContaining({ Action: ["elasticfilesystem:ClientMount"], Condition: condition }),
    ]);
    const web = resources(synthesized, "aws_ecs_service").find((service) => service.name.endsWith("-web"))!;
    expect(web.depends_on).toContain(addressOf(synthesized, "aws_iam_role_policy", "web_grant-"));
  });

  it("opens egress to the mount targets on NFS, and nothing into them (the owner's part)", () => {
    expect(resources(synthesized, "aws_vpc_security_group_egress_rule")).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ referenced_security_group_id: external.mountTargetSecurityGroupId, from_port: 2049 }),
      ]),
    );
    expect(resources(synthesized, "aws_vpc_security_group_ingress_rule")).toEqual([]);
  });
});
