import { Token } from "cdktf";
import { EfsAccessPoint } from "@cdktf/provider-aws/lib/efs-access-point";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { VpcSecurityGroupIngressRule } from "@cdktf/provider-aws/lib/vpc-security-group-ingress-rule";
import { EfsStorage } from "../../modules/efs-storage";
import { existingNetwork, onlyResource, resources, synthConfig, testStack, variables } from "../support/fixtures";

/**
 * Access points from a map (`addAccessPointMap`), as the vendored efs-storage module builds them from its
 * `access_points` variable, and client groups from a list known only at plan time (`allowFromEach`).
 */

describe("EfsStorage.addAccessPointMap with options", () => {
  const synthesize = (tags: Record<string, string> | undefined) =>
    synthConfig((scope) => {
      const storage = new EfsStorage(scope, "data", { network: existingNetwork, name: "files", tags: { Team: "a" } });
      storage.addAccessPointMap(
        "ordinals",
        { "0": { path: "/zk/0", uid: 1000, gid: 1000 } },
        { tags, namePrefix: "zk", preventDestroy: true },
      );
    });

  it("names each access point <namePrefix>-<key>, tags it as told, and keeps it from being destroyed", () => {
    expect(onlyResource(synthesize({ Service: "zk" }), "aws_efs_access_point")).toMatchObject({
      tags: { Service: "zk", Name: "zk-${each.key}" },
      lifecycle: { prevent_destroy: true },
    });
  });

  it("takes the storage's tags when given none", () => {
    expect(onlyResource(synthesize(undefined), "aws_efs_access_point").tags).toEqual({
      Team: "a",
      Name: "zk-${each.key}",
    });
  });
});

describe("EfsStorage.addAccessPointMap with a literal map", () => {
  const synthesized = synthConfig((scope) => {
    const storage = new EfsStorage(scope, "data", { network: existingNetwork, name: "files" });
    storage.addAccessPointMap("tenants", {
      alpha: { path: "/tenants/alpha", uid: 2001, gid: 2001, taskRoleNames: ["alpha-task", "alpha-task"] },
      beta: { path: "/tenants/beta", uid: 2002, gid: 2002, permissions: "700", readOnly: true, taskRoleNames: ["b"] },
    });
  });

  it("makes one access point per key, every field set, keyed by the map key", () => {
    const accessPoint = onlyResource(synthesized, "aws_efs_access_point");
    expect(accessPoint.for_each).toEqual({
      alpha: {
        path: "/tenants/alpha",
        uid: 2001,
        gid: 2001,
        permissions: "750",
        task_role_names: ["alpha-task", "alpha-task"],
        read_only: false,
      },
      beta: {
        path: "/tenants/beta",
        uid: 2002,
        gid: 2002,
        permissions: "700",
        task_role_names: ["b"],
        read_only: true,
      },
    });
    expect(synthesized.json).toHaveResourceWithProperties(EfsAccessPoint, {
      posix_user: { uid: "${each.value.uid}", gid: "${each.value.gid}" },
      root_directory: {
        path: "${each.value.path}",
        creation_info: {
          owner_uid: "${each.value.uid}",
          owner_gid: "${each.value.gid}",
          permissions: "${each.value.permissions}",
        },
      },
      tags: { Name: "${each.key}" },
    });
  });

  it("keeps no lifecycle by default: removing a key destroys its access point", () => {
    expect(onlyResource(synthesized, "aws_efs_access_point").lifecycle).toBeUndefined();
  });

  it("grants each distinct role of an entry, keyed <key>/<role>, that access point only, mount alone when read-only", () => {
    const grant = onlyResource(synthesized, "aws_iam_role_policy");
    expect(grant.for_each).toContain("distinct(val.task_role_names)");
    expect(grant.for_each).toContain('format("%s/%s", val.key, val.role) => val');
    expect(synthesized.json).toHaveResourceWithProperties(IamRolePolicy, {
      role: "${each.value.role}",
      name: "files-efs-${each.value.key}",
    });
    expect(grant.policy).toContain(
      '"Action" = each.value.read_only ? ["elasticfilesystem:ClientMount"] : ["elasticfilesystem:ClientMount", "elasticfilesystem:ClientWrite"]',
    );
    expect(grant.policy).toMatch(
      /"StringEquals" = \{"elasticfilesystem:AccessPointArn" = \{ for key, val in aws_efs_access_point\.\S+: key => val\.arn \}\[each\.value\.key\]\}/,
    );
  });

  it("denies, in the file system policy, every access point but the map's (rendered by Terraform's jsonencode)", () => {
    const policy = onlyResource(synthesized, "aws_efs_file_system_policy").policy as string;
    expect(policy.startsWith("${jsonencode(")).toBe(true);
    expect(policy).toContain('"Sid" = "DenyWithoutTls"');
    expect(policy).toMatch(
      /"StringNotEquals" = \{"elasticfilesystem:AccessPointArn" = concat\(\[\], values\(\{ for key, val in aws_efs_access_point\.\S+: key => val\.arn \}\)\)\}/,
    );
  });
});

describe("EfsStorage.addAccessPointMap with a Terraform variable", () => {
  const synthesized = synthConfig((scope) => {
    const storage = new EfsStorage(scope, "data", { network: existingNetwork, name: "files" });
    const accessPoints = variables(scope).variable("access_points", "map(any)");
    const map = storage.addAccessPointMap("shared", Token.asAnyMap(accessPoints.value));
    storage.addAccessPoint("own", { path: "/own", uid: 1, gid: 1 });
    expect(Token.isUnresolved(map.volumeConfigurations)).toBe(true);
  });

  it("iterates over the variable itself", () => {
    const iterated = resources(synthesized, "aws_efs_access_point").filter((resource) => resource.for_each);
    expect(iterated.map((resource) => resource.for_each)).toEqual(["${var.access_points}"]);
  });

  it("lists the access points made one by one and the map's in the file system policy", () => {
    const policy = onlyResource(synthesized, "aws_efs_file_system_policy").policy as string;
    expect(policy).toMatch(/concat\(\[aws_efs_access_point\.\S+\.arn\], values\(/);
  });
});

describe("EfsStorage.addAccessPointMap refuses bad entries", () => {
  const build = (name = "files") => new EfsStorage(testStack(), "data", { network: existingNetwork, name });
  it.each<[string, () => unknown, string]>([
    [
      "an empty map",
      () => build().addAccessPointMap("m", {}),
      "addAccessPointMap was given an empty map; give at least one access point",
    ],
    [
      "an entry's bad path, named by its key",
      () => build().addAccessPointMap("m", { alpha: { path: "/", uid: 1, gid: 1 } }),
      "accessPoints.alpha.path '/' is the root of the file system",
    ],
    [
      "an entry's bad uid",
      () => build().addAccessPointMap("m", { alpha: { path: "/a", uid: -1, gid: 1 } }),
      "accessPoints.alpha.uid",
    ],
    [
      "two entries with one path",
      () =>
        build().addAccessPointMap("m", { a: { path: "/same", uid: 1, gid: 1 }, b: { path: "/same", uid: 2, gid: 2 } }),
      "accessPoints.b.path '/same' is already the path of access point 'a'",
    ],
    [
      "a key that makes the grant policy name too long",
      () => build("n".repeat(64)).addAccessPointMap("m", { ["k".repeat(64)]: { path: "/a", uid: 1, gid: 1 } }),
      `accessPoints.${"k".repeat(64)} (its grant policy name) makes the IAM role policy name`,
    ],
  ])("%s", (_case, make, message) => {
    expect(make).toThrow(`EfsStorage 'data': ${message}`);
  });
});

describe("EfsStorage.allowFromEach", () => {
  const synthesized = synthConfig((scope) => {
    const storage = new EfsStorage(scope, "data", { network: existingNetwork, name: "files" });
    storage.allowFromEach(variables(scope).list("clients"));
  });

  it("counts one NFS rule per group of the list: ids known only after apply still plan", () => {
    expect(synthesized.json).toHaveResourceWithProperties(VpcSecurityGroupIngressRule, {
      count: "${length(var.clients)}",
      referenced_security_group_id: "${element(var.clients, count.index)}",
      ip_protocol: "tcp",
      from_port: 2049,
      to_port: 2049,
    });
    expect(resources(synthesized, "aws_vpc_security_group_ingress_rule")[0]).not.toHaveProperty("for_each");
  });
});
