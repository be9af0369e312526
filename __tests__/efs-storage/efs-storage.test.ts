import { TerraformResource, Testing, Token } from "cdktf";
import { Construct } from "constructs";
import { CloudwatchMetricAlarm } from "@cdktf/provider-aws/lib/cloudwatch-metric-alarm";
import { EfsAccessPoint } from "@cdktf/provider-aws/lib/efs-access-point";
import { EfsBackupPolicy } from "@cdktf/provider-aws/lib/efs-backup-policy";
import { EfsFileSystem } from "@cdktf/provider-aws/lib/efs-file-system";
import { EfsMountTarget } from "@cdktf/provider-aws/lib/efs-mount-target";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { VpcSecurityGroupIngressRule } from "@cdktf/provider-aws/lib/vpc-security-group-ingress-rule";
import { expressionOf } from "../../modules/core/tokens";
import { FargateService, TaskRoles } from "../../modules/ecs";
import { EfsStorage, EfsStorageProps } from "../../modules/efs-storage";
import {
  existingNetwork,
  onlyResource,
  parsePolicy,
  resources,
  serviceBasics,
  synthConfig,
  testStack,
  variables,
} from "../support/fixtures";

function storageIn(scope: Construct, props: Partial<EfsStorageProps> = {}): EfsStorage {
  return new EfsStorage(scope, "data", { network: existingNetwork, ...props });
}

const role = (scope: Construct, name: string) =>
  new IamRole(scope, name, { name, assumeRolePolicy: '{"Version":"2012-10-17","Statement":[]}' });

describe("EfsStorage file system with defaults", () => {
  const synthesized = synthConfig((scope) => storageIn(scope));

  it("is encrypted, General Purpose, elastic, and protected from destroy", () => {
    expect(synthesized.json).toHaveResourceWithProperties(EfsFileSystem, {
      encrypted: true,
      performance_mode: "generalPurpose",
      throughput_mode: "elastic",
      lifecycle: { prevent_destroy: true },
      tags: { Name: "test-data" },
    });
    expect(onlyResource(synthesized, "aws_efs_file_system")).not.toHaveProperty("kms_key_id");
  });

  it("moves files to Infrequent Access after 30 days and back on first access", () => {
    expect(onlyResource(synthesized, "aws_efs_file_system").lifecycle_policy).toEqual([
      { transition_to_ia: "AFTER_30_DAYS" },
      { transition_to_primary_storage_class: "AFTER_1_ACCESS" },
    ]);
  });

  it("turns automatic backups on", () => {
    expect(synthesized.json).toHaveResourceWithProperties(EfsBackupPolicy, { backup_policy: { status: "ENABLED" } });
  });

  it("puts a mount target in each private subnet, behind its own NFS security group", () => {
    expect(synthesized.json).toHaveResourceWithProperties(EfsMountTarget, {
      count: 2,
      subnet_id: '${element(["subnet-0aaaaaaaaaaaaaaa1", "subnet-0bbbbbbbbbbbbbbb2"], count.index)}',
      security_groups: [expect.stringMatching(/^\$\{aws_security_group\.data_nfs-security-group_\w+\.id\}$/)],
    });
    expect(synthesized.json).toHaveResourceWithProperties(SecurityGroup, {
      vpc_id: "vpc-0123456789abcdef0",
      description: expect.stringContaining("NFS (TCP 2049)"),
    });
    const group = onlyResource(synthesized, "aws_security_group");
    expect(group).not.toHaveProperty("ingress");
    expect(group).not.toHaveProperty("egress");
  });

  it("opens NFS to nobody until allowFrom() is called", () => {
    expect(resources(synthesized, "aws_vpc_security_group_ingress_rule")).toEqual([]);
  });

  it("alarms on the I/O limit only: burst credits do not apply to elastic throughput", () => {
    expect(synthesized.json).toHaveResourceWithProperties(CloudwatchMetricAlarm, {
      namespace: "AWS/EFS",
      metric_name: "PercentIOLimit",
      statistic: "Maximum",
      threshold: 90,
      comparison_operator: "GreaterThanOrEqualToThreshold",
      dimensions: { FileSystemId: expect.stringMatching(/aws_efs_file_system\.data_file-system_\w+\.id/) },
    });
    expect(resources(synthesized, "aws_cloudwatch_metric_alarm")).toHaveLength(1);
  });
});

describe("EfsStorage file system options", () => {
  it("takes a customer KMS key, provisioned throughput and custom transitions", () => {
    const kmsKeyArn = "arn:aws:kms:eu-west-1:123456789012:key/0b1f6f3e-1111-2222-3333-444455556666";
    const synthesized = synthConfig((scope) =>
      storageIn(scope, {
        kmsKeyArn,
        throughputMode: "provisioned",
        provisionedThroughputMibps: 128,
        lifecycle: { transitionToIa: "AFTER_7_DAYS" },
      }),
    );
    expect(synthesized.json).toHaveResourceWithProperties(EfsFileSystem, {
      kms_key_id: kmsKeyArn,
      throughput_mode: "provisioned",
      provisioned_throughput_in_mibps: 128,
      lifecycle_policy: [{ transition_to_ia: "AFTER_7_DAYS" }],
    });
  });

  it("archives with elastic throughput, and keeps every file in Standard with lifecycle {}", () => {
    const archived = synthConfig((scope) =>
      storageIn(scope, { lifecycle: { transitionToIa: "AFTER_30_DAYS", transitionToArchive: "AFTER_90_DAYS" } }),
    );
    expect(onlyResource(archived, "aws_efs_file_system").lifecycle_policy).toEqual([
      { transition_to_ia: "AFTER_30_DAYS" },
      { transition_to_archive: "AFTER_90_DAYS" },
    ]);
    const standard = synthConfig((scope) => storageIn(scope, { lifecycle: {} }));
    expect(onlyResource(standard, "aws_efs_file_system").lifecycle_policy).toEqual([]);
  });

  it("gives up backups and destroy protection only when asked by name", () => {
    const synthesized = synthConfig((scope) => storageIn(scope, { disableAutomaticBackups: true, allowDestroy: true }));
    expect(synthesized.json).toHaveResourceWithProperties(EfsBackupPolicy, { backup_policy: { status: "DISABLED" } });
    expect(synthesized.json).toHaveResourceWithProperties(EfsFileSystem, { lifecycle: { prevent_destroy: false } });
  });

  it("alarms on burst credits in bursting mode, with the given thresholds and SNS actions", () => {
    const topic = "arn:aws:sns:eu-west-1:123456789012:storage-alerts";
    const synthesized = synthConfig((scope) =>
      storageIn(scope, {
        throughputMode: "bursting",
        alarms: { burstCreditBalanceBytes: 2 ** 40, percentIoLimit: 80, actions: [topic] },
      }),
    );
    expect(synthesized.json).toHaveResourceWithProperties(CloudwatchMetricAlarm, {
      metric_name: "BurstCreditBalance",
      statistic: "Minimum",
      comparison_operator: "LessThanThreshold",
      threshold: 2 ** 40,
      alarm_actions: [topic],
      ok_actions: [topic],
    });
    expect(synthesized.json).toHaveResourceWithProperties(CloudwatchMetricAlarm, {
      metric_name: "PercentIOLimit",
      threshold: 80,
      alarm_actions: [topic],
    });
  });

  it("has no I/O limit alarm in Max I/O mode", () => {
    const synthesized = synthConfig((scope) =>
      storageIn(scope, { performanceMode: "maxIO", throughputMode: "bursting" }),
    );
    const metrics = resources(synthesized, "aws_cloudwatch_metric_alarm").map((alarm) => alarm.metric_name);
    expect(metrics).toEqual(["BurstCreditBalance"]);
  });
});

describe("EfsStorage access points", () => {
  const synthesized = synthConfig((scope) => {
    const storage = storageIn(scope);
    storage.addAccessPoint("uploads", { path: "/uploads", uid: 1000, gid: 1000 });
    storage.addAccessPoint("reports", {
      path: "/shared/reports",
      uid: 2000,
      gid: 3000,
      secondaryGids: [4000],
      permissions: "0770",
      ownerUid: 0,
      ownerGid: 3000,
    });
  });

  it("enforces the POSIX user and creates the root directory owned by it, mode 750 by default", () => {
    expect(synthesized.json).toHaveResourceWithProperties(EfsAccessPoint, {
      file_system_id: expect.stringMatching(/aws_efs_file_system\.data_file-system_\w+\.id/),
      posix_user: { uid: 1000, gid: 1000 },
      root_directory: { path: "/uploads", creation_info: { owner_uid: 1000, owner_gid: 1000, permissions: "750" } },
      tags: { Name: "uploads" },
    });
  });

  it("takes secondary groups, a mode and a different owner", () => {
    expect(synthesized.json).toHaveResourceWithProperties(EfsAccessPoint, {
      posix_user: { uid: 2000, gid: 3000, secondary_gids: [4000] },
      root_directory: {
        path: "/shared/reports",
        creation_info: { owner_uid: 0, owner_gid: 3000, permissions: "0770" },
      },
    });
  });

  it("creates one access point per call", () => {
    expect(resources(synthesized, "aws_efs_access_point")).toHaveLength(2);
  });
});

describe("EfsStorage allowFrom", () => {
  const synthesized = synthConfig((scope) => {
    const storage = storageIn(scope);
    storage.allowFrom("sg-0aaaaaaaaaaaaaaa1", "NFS from the workers");
    storage.allowFrom("sg-0bbbbbbbbbbbbbbb2");
    storage.allowFrom("sg-0aaaaaaaaaaaaaaa1");
    const group = new SecurityGroup(scope, "tasks", { vpcId: "vpc-0123456789abcdef0", description: "tasks" });
    storage.allowFrom(group.id);
    storage.allowFrom(group.id);
  });

  it("adds one TCP 2049 rule per source security group (once each), each described, never a CIDR", () => {
    const rules = resources(synthesized, "aws_vpc_security_group_ingress_rule");
    expect(rules.map((rule) => rule.referenced_security_group_id)).toEqual([
      "sg-0aaaaaaaaaaaaaaa1",
      "sg-0bbbbbbbbbbbbbbb2",
      "${aws_security_group.tasks.id}",
    ]);
    for (const rule of rules) {
      expect(rule).toMatchObject({
        ip_protocol: "tcp",
        from_port: 2049,
        to_port: 2049,
        description: expect.any(String),
      });
      expect(rule).not.toHaveProperty("cidr_ipv4");
      expect(rule).not.toHaveProperty("cidr_ipv6");
    }
    expect(synthesized.json).toHaveResourceWithProperties(VpcSecurityGroupIngressRule, {
      description: "NFS from the workers",
    });
  });
});

describe("EfsStorage grants and file system policy", () => {
  const synthesized = synthConfig((scope) => {
    const storage = storageIn(scope);
    const uploads = storage.addAccessPoint("uploads", { path: "/uploads", uid: 1000, gid: 1000 });
    const reports = storage.addAccessPoint("reports", { path: "/reports", uid: 0, gid: 0 });
    storage.grant(role(scope, "writer"), uploads, { write: true });
    const reader = role(scope, "reader");
    storage.grant(reader, uploads);
    storage.grant(reader, reports, { root: true });
  });
  const fileSystemPolicy = parsePolicy(onlyResource(synthesized, "aws_efs_file_system_policy").policy);
  const statement = (sid: string) => fileSystemPolicy.Statement.find((candidate) => candidate.Sid === sid);
  const fileSystemArn = expect.stringMatching(/^\$\{aws_efs_file_system\.data_file-system_\w+\.arn\}$/);
  const accessPointArn = (name: string) =>
    expect.stringMatching(
      new RegExp(`^\\$\\{aws_efs_access_point\\.data_access-point-${name}_resource_\\w+\\.arn\\}$`),
    );
  const roleArn = (name: string) => expect.stringMatching(new RegExp(`^\\$\\{aws_iam_role\\.${name}\\.arn\\}$`));

  it("denies every action without TLS, to everyone", () => {
    expect(statement("DenyWithoutTls")).toEqual({
      Sid: "DenyWithoutTls",
      Effect: "Deny",
      Principal: { AWS: "*" },
      Action: "*",
      Resource: fileSystemArn,
      Condition: { Bool: { "aws:SecureTransport": "false" } },
    });
  });

  it("denies client access that does not come through one of its access points", () => {
    expect(statement("DenyWithoutOwnAccessPoint")).toEqual({
      Sid: "DenyWithoutOwnAccessPoint",
      Effect: "Deny",
      Principal: { AWS: "*" },
      Action: ["elasticfilesystem:ClientMount", "elasticfilesystem:ClientWrite", "elasticfilesystem:ClientRootAccess"],
      Resource: fileSystemArn,
      Condition: {
        StringNotEquals: { "elasticfilesystem:AccessPointArn": [accessPointArn("uploads"), accessPointArn("reports")] },
      },
    });
  });

  it("allows each granted role exactly its actions, on the file system, through its access point", () => {
    const allows = fileSystemPolicy.Statement.filter((candidate) => candidate.Effect === "Allow");
    expect(allows).toEqual([
      {
        Sid: "Grant0",
        Effect: "Allow",
        Principal: { AWS: roleArn("writer") },
        Action: ["elasticfilesystem:ClientMount", "elasticfilesystem:ClientWrite"],
        Resource: fileSystemArn,
        Condition: { StringEquals: { "elasticfilesystem:AccessPointArn": accessPointArn("uploads") } },
      },
      {
        Sid: "Grant1",
        Effect: "Allow",
        Principal: { AWS: roleArn("reader") },
        Action: ["elasticfilesystem:ClientMount"],
        Resource: fileSystemArn,
        Condition: { StringEquals: { "elasticfilesystem:AccessPointArn": accessPointArn("uploads") } },
      },
      {
        Sid: "Grant2",
        Effect: "Allow",
        Principal: { AWS: roleArn("reader") },
        Action: ["elasticfilesystem:ClientMount", "elasticfilesystem:ClientRootAccess"],
        Resource: fileSystemArn,
        Condition: { StringEquals: { "elasticfilesystem:AccessPointArn": accessPointArn("reports") } },
      },
    ]);
  });

  it("allows nothing to everyone or to anonymous clients", () => {
    for (const allow of fileSystemPolicy.Statement.filter((candidate) => candidate.Effect === "Allow")) {
      expect(JSON.stringify(allow.Principal)).not.toContain('"*"');
      expect(allow.Condition).toBeDefined();
    }
  });

  it("gives each task role an inline policy for the file system ARN, conditioned on the access point", () => {
    const policies = resources(synthesized, "aws_iam_role_policy");
    expect(policies.map((policy) => [policy.role, policy.name])).toEqual([
      ["${aws_iam_role.writer.name}", "test-data-efs-uploads"],
      ["${aws_iam_role.reader.name}", "test-data-efs-uploads"],
      ["${aws_iam_role.reader.name}", "test-data-efs-reports"],
    ]);
    expect(parsePolicy(policies[0].policy).Statement).toEqual([
      {
        Sid: "EfsThroughAccessPoint",
        Effect: "Allow",
        Action: ["elasticfilesystem:ClientMount", "elasticfilesystem:ClientWrite"],
        Resource: fileSystemArn,
        Condition: { StringEquals: { "elasticfilesystem:AccessPointArn": accessPointArn("uploads") } },
      },
    ]);
  });
});

describe("EfsStorage policy details", () => {
  it("widens an existing grant of the same role and access point instead of adding a second one", () => {
    const synthesized = synthConfig((scope) => {
      const storage = storageIn(scope);
      const uploads = storage.addAccessPoint("uploads", { path: "/uploads", uid: 1000, gid: 1000 });
      const writer = role(scope, "writer");
      storage.grant(writer, uploads);
      storage.grant(writer, uploads, { write: true });
    });
    const policies = resources(synthesized, "aws_iam_role_policy");
    expect(policies).toHaveLength(1);
    expect(parsePolicy(policies[0].policy).Statement[0].Action).toEqual([
      "elasticfilesystem:ClientMount",
      "elasticfilesystem:ClientWrite",
    ]);
  });

  it("really allows mounts without an access point with allowMountsWithoutAccessPoint, to granted roles only", () => {
    const synthesized = synthConfig((scope) => {
      const storage = storageIn(scope, { allowMountsWithoutAccessPoint: true });
      const uploads = storage.addAccessPoint("uploads", { path: "/uploads", uid: 1000, gid: 1000 });
      storage.grant(role(scope, "writer"), uploads, { write: true });
    });
    const statements = parsePolicy(onlyResource(synthesized, "aws_efs_file_system_policy").policy).Statement;
    expect(statements.map((statement) => statement.Sid)).toEqual(["DenyWithoutTls", "Grant0"]);
    // ...IfExists also matches a request that names no access point; another access point still does not.
    const throughUploadsOrNone = {
      StringEqualsIfExists: {
        "elasticfilesystem:AccessPointArn": expect.stringMatching(/aws_efs_access_point\.data_access-point-uploads/),
      },
    };
    expect(statements[1].Condition).toEqual(throughUploadsOrNone);
    const identity = parsePolicy(onlyResource(synthesized, "aws_iam_role_policy").policy).Statement;
    expect(identity.map((statement) => statement.Condition)).toEqual([throughUploadsOrNone]);
  });

  it("allows a grant through its access point only, by default", () => {
    const synthesized = synthConfig((scope) => {
      const storage = storageIn(scope);
      storage.grant(role(scope, "reader"), storage.addAccessPoint("uploads", { path: "/uploads", uid: 1, gid: 1 }));
    });
    const [identity] = parsePolicy(onlyResource(synthesized, "aws_iam_role_policy").policy).Statement;
    expect(Object.keys(identity.Condition ?? {})).toEqual(["StringEquals"]);
  });

  it("refuses a grant whose policy name would be longer than IAM allows", () => {
    const stack = testStack();
    const storage = storageIn(stack, { name: "n".repeat(64) });
    const point = storage.addAccessPoint("a".repeat(64), { path: "/long", uid: 1, gid: 1 });
    expect(() => storage.grant(role(stack, "reader"), point)).toThrow(
      `EfsStorage 'data': name makes the IAM role policy name '${"n".repeat(64)}-efs-${"a".repeat(64)}' 133 characters long; AWS allows at most 128`,
    );
  });

  it("denies all client access while there is no access point", () => {
    const synthesized = synthConfig((scope) => storageIn(scope));
    const deny = parsePolicy(onlyResource(synthesized, "aws_efs_file_system_policy").policy).Statement[1];
    expect(deny).toMatchObject({ Sid: "DenyWithoutOwnAccessPoint", Effect: "Deny" });
    expect(deny).not.toHaveProperty("Condition");
  });
});

describe("EfsStorage volume", () => {
  const stack = testStack();
  const storage = storageIn(stack);
  const processing = storage.addAccessPoint("processing", { path: "/processing", uid: 1000, gid: 1000 });
  const taskVolume = storage.volume(processing);

  it("uses the access point with transit encryption and IAM authorization, and no root directory", () => {
    expect(taskVolume.volume.name).toBe("test-data-processing");
    expect(expressionOf(stack, taskVolume.volume.efsVolumeConfiguration)).toEqual({
      fileSystemId: expressionOf(stack, storage.fileSystem.id),
      transitEncryption: "ENABLED",
      authorizationConfig: { accessPointId: expressionOf(stack, processing.id), iam: "ENABLED" },
    });
    expect(taskVolume.volume.efsVolumeConfiguration).not.toHaveProperty("rootDirectory");
    expect(taskVolume.fargateCompatible).toBe(true);
  });

  it("makes a service that mounts it wait for the mount targets, the policy, its role's grant and its NFS rule", () => {
    const reader = role(stack, "reader");
    const consumer = {
      description: "FargateService 'reader'",
      securityGroupId: "sg-0123456789abcdef0",
      taskRoleArn: reader.arn,
      allowsEgressTo: () => true,
    };
    expect(taskVolume.prerequisites(consumer)).toEqual([storage.mountTargets, storage.fileSystemPolicy]);
    storage.grant(reader, processing);
    storage.grant(role(stack, "other"), processing);
    storage.allowFrom("sg-0123456789abcdef0");
    storage.allowFrom("sg-0fedcba9876543210");
    const after = taskVolume.prerequisites(consumer);
    // Only the consumer's own: another role's grant and another group's rule are not its to wait for.
    expect(after.map((dependency) => (dependency as TerraformResource).terraformResourceType)).toEqual([
      "aws_efs_mount_target",
      "aws_efs_file_system_policy",
      "aws_iam_role_policy",
      "aws_vpc_security_group_ingress_rule",
    ]);
    expect(expressionOf(stack, (after[2] as IamRolePolicy).roleInput)).toBe(expressionOf(stack, reader.name));
    expect((after[3] as VpcSecurityGroupIngressRule).referencedSecurityGroupIdInput).toBe("sg-0123456789abcdef0");
  });

  it("makes the container's mount point for the same volume", () => {
    expect(taskVolume.mountPoint("/data")).toEqual({
      sourceVolume: "test-data-processing",
      containerPath: "/data",
      readOnly: false,
    });
    expect(taskVolume.mountPoint("/in", { readOnly: true })).toEqual({
      sourceVolume: "test-data-processing",
      containerPath: "/in",
      readOnly: true,
    });
  });
});

describe("EfsStorage mount", () => {
  /** A stack with the storage, its `processing` access point, and two Fargate services. */
  function setup() {
    const stack = testStack();
    const storage = storageIn(stack);
    const processing = storage.addAccessPoint("processing", { path: "/processing", uid: 1000, gid: 1000 });
    const serviceNamed = (name: string) =>
      new FargateService(stack, name, {
        ...serviceBasics(stack, name),
        container: { name, image: "public.ecr.aws/docker/library/busybox:1.36" },
      });
    return { stack, storage, processing, web: serviceNamed("web"), report: serviceNamed("report") };
  }

  describe("wires both sides in one call", () => {
    const { stack, storage, processing, web, report } = setup();
    storage.mount(web, processing, { containerPath: "/data" });
    storage.mount(web, processing, { containerPath: "/again" });
    storage.mount(report, processing, { containerPath: "/in", readOnly: true });
    const synthesized = { config: JSON.parse(Testing.synth(stack, true)) };
    const grants = resources(synthesized, "aws_iam_role_policy");
    const statementOf = (roleId: string) =>
      parsePolicy(grants.find((grant) => grant.role.includes(roleId))!.policy).Statement[0];

    it("grants each service's task role that access point only; read-only gets ClientMount alone", () => {
      expect(grants).toHaveLength(2);
      expect(statementOf("web-roles_task-role")).toMatchObject({
        Action: ["elasticfilesystem:ClientMount", "elasticfilesystem:ClientWrite"],
        Condition: {
          StringEquals: { "elasticfilesystem:AccessPointArn": expect.stringContaining("access-point-processing") },
        },
      });
      expect(statementOf("report-roles_task-role").Action).toEqual(["elasticfilesystem:ClientMount"]);
    });

    it("opens NFS into the mount targets from each service's group, and out of each group, once", () => {
      const ingress = resources(synthesized, "aws_vpc_security_group_ingress_rule");
      expect(ingress.map((rule) => [rule.from_port, rule.referenced_security_group_id])).toEqual([
        [2049, expect.stringContaining("aws_security_group.web_security-group")],
        [2049, expect.stringContaining("aws_security_group.report_security-group")],
      ]);
      const nfsOut = resources(synthesized, "aws_vpc_security_group_egress_rule").filter((r) => r.from_port === 2049);
      expect(nfsOut.map((rule) => [rule.security_group_id, rule.referenced_security_group_id])).toEqual([
        // Terraform JSON lists resources by name: report before web.
        [expect.stringContaining("report_security-group"), expect.stringContaining("data_nfs-security-group")],
        [expect.stringContaining("web_security-group"), expect.stringContaining("data_nfs-security-group")],
      ]);
      expect(storage.port).toBe(EfsStorage.NFS_PORT);
    });

    it("adds the volume and the mount points, read-only where asked", () => {
      const [reportTask] = resources(synthesized, "aws_ecs_task_definition");
      const [container] = JSON.parse(reportTask.container_definitions);
      expect(container.mountPoints).toEqual([
        { sourceVolume: "test-data-processing", containerPath: "/in", readOnly: true },
      ]);
      expect(reportTask.volume[0]).toMatchObject({
        name: "test-data-processing",
        efs_volume_configuration: { transit_encryption: "ENABLED", authorization_config: { iam: "ENABLED" } },
      });
    });

    it("makes each service wait for its own grant and rules, not the other's", () => {
      const [, webService] = resources(synthesized, "aws_ecs_service");
      const own = webService.depends_on.filter((dependency: string) => /grant|nfs-from|efs|egress/.test(dependency));
      expect(own).toEqual([
        expect.stringMatching(/^aws_vpc_security_group_egress_rule\.web_egress-0_/),
        expect.stringMatching(/^aws_vpc_security_group_egress_rule\.web_egress-1_/),
        expect.stringMatching(/^aws_efs_mount_target\.data_mount-target_/),
        expect.stringMatching(/^aws_efs_file_system_policy\.data_file-system-policy_/),
        expect.stringMatching(/^aws_iam_role_policy\.data_grant-0_/),
        expect.stringMatching(/^aws_vpc_security_group_ingress_rule\.data_nfs-from-0_/),
      ]);
    });
  });

  describe("per-service wiring checks at synth (the low-level escape hatch)", () => {
    it("fails synth for a service whose own task role was not granted, even when another's was", () => {
      const { stack, storage, processing, web, report } = setup();
      storage.mount(web, processing, { containerPath: "/data" });
      report.addMount(storage.volume(processing), "/data");
      storage.allowFrom(report.securityGroupId);
      report.allowEgressTo({ securityGroupId: storage.securityGroup.id }, EfsStorage.NFS_PORT, "NFS");
      expect(() => Testing.synth(stack, true)).toThrow(
        "FargateService 'report' mounts access point 'processing' of EfsStorage 'data', but its task role was not granted that access point (mounts fail: access denied); use storage.mount(service, accessPoint, { containerPath }), which wires both sides",
      );
    });

    it("fails synth for a service whose group is not allowed in, even when another's is", () => {
      const { stack, storage, processing, web, report } = setup();
      storage.mount(web, processing, { containerPath: "/data" });
      report.addMount(storage.volume(processing), "/data");
      storage.grant(report.taskRole, processing);
      report.allowEgressTo({ securityGroupId: storage.securityGroup.id }, EfsStorage.NFS_PORT, "NFS");
      expect(() => Testing.synth(stack, true)).toThrow(
        "FargateService 'report' mounts access point 'processing' of EfsStorage 'data', but its security group is not allowed in to the mount targets on TCP 2049 (mounts time out)",
      );
    });

    it("fails synth for a service without egress to the mount targets", () => {
      const { stack, storage, processing, report } = setup();
      report.addMount(storage.volume(processing), "/data");
      storage.grant(report.taskRole, processing);
      storage.allowFrom(report.securityGroupId);
      expect(() => Testing.synth(stack, true)).toThrow(
        "FargateService 'report' mounts access point 'processing' of EfsStorage 'data', but its security group has no egress to the mount targets on TCP 2049 (mounts time out)",
      );
    });

    it("passes when the four low-level calls are all made", () => {
      const { stack, storage, processing, report } = setup();
      report.addMount(storage.volume(processing), "/data");
      storage.grant(report.taskRole, processing);
      storage.allowFrom(report.securityGroupId);
      report.allowEgressTo({ securityGroupId: storage.securityGroup.id }, EfsStorage.NFS_PORT, "NFS");
      expect(() => Testing.synth(stack, true)).not.toThrow();
    });
  });

  it("refuses an access point of another file system", () => {
    const { stack, storage, web } = setup();
    const other = new EfsStorage(stack, "other", { network: existingNetwork });
    const foreign = other.addAccessPoint("app", { path: "/app", uid: 1, gid: 1 });
    expect(() => storage.mount(web, foreign, { containerPath: "/data" })).toThrow(
      "EfsStorage 'data': mount() was given access point 'app' of another file system",
    );
  });
});

describe("EfsStorage addOutputs", () => {
  it("outputs the ids operators need, access points by name", () => {
    const synthesized = synthConfig((scope) => {
      const storage = storageIn(scope);
      storage.addAccessPoint("uploads", { path: "/uploads", uid: 1000, gid: 1000 });
      storage.addOutputs();
    });
    const outputs = synthesized.config.output ?? {};
    expect(Object.keys(outputs).sort()).toEqual([
      "data_access_point_arns",
      "data_access_point_ids",
      "data_file_system_arn",
      "data_file_system_dns_name",
      "data_file_system_id",
      "data_security_group_id",
    ]);
    expect(outputs.data_access_point_ids.value).toEqual({
      uploads: expect.stringMatching(/aws_efs_access_point\.data_access-point-uploads_resource_\w+\.id/),
    });
  });
});

describe("EfsStorage fed by Terraform variables", () => {
  const synthesized = synthConfig((scope) => {
    const { variable, list, network } = variables(scope);
    const storage = new EfsStorage(scope, "data", {
      network: network(),
      name: variable("name", "string").stringValue,
      kmsKeyArn: variable("kms", "string").stringValue,
      throughputMode: variable("throughput", "string").stringValue as "elastic",
      performanceMode: variable("performance", "string").stringValue as "generalPurpose",
      tags: Token.asStringMap(variable("tags", "map(string)").value),
      alarms: { actions: list("alarm_topics"), percentIoLimit: variable("io", "number").numberValue },
    });
    const accessPoint = storage.addAccessPoint("app", {
      path: variable("path", "string").stringValue,
      uid: variable("uid", "number").numberValue,
      gid: variable("gid", "number").numberValue,
      secondaryGids: Token.asNumberList(variable("gids", "list(number)").value),
      permissions: variable("mode", "string").stringValue,
    });
    storage.allowFrom(variable("task_sg", "string").stringValue);
    const roles = new TaskRoles(scope, "roles");
    storage.grant(roles.taskRole, accessPoint, { write: true });
  });

  it("counts mount targets with length() of the subnet list", () => {
    expect(synthesized.json).toHaveResourceWithProperties(EfsMountTarget, {
      count: "${length(var.subnets)}",
      subnet_id: "${element(var.subnets, count.index)}",
    });
  });

  it("creates each alarm with a count conditional on the mode variables", () => {
    const counts = resources(synthesized, "aws_cloudwatch_metric_alarm").map((alarm) => alarm.count);
    expect(counts.sort()).toEqual([
      '${(var.performance == "generalPurpose") ? 1 : 0}',
      '${(var.throughput == "bursting") ? 1 : 0}',
    ]);
  });

  it("merges the tag map variable with the Name tag", () => {
    expect(synthesized.json).toHaveResourceWithProperties(EfsFileSystem, {
      tags: '${merge(var.tags, {"Name" = var.name})}',
      kms_key_id: "${var.kms}",
    });
  });

  it("passes the access point's settings through", () => {
    expect(synthesized.json).toHaveResourceWithProperties(EfsAccessPoint, {
      posix_user: { uid: "${var.uid}", gid: "${var.gid}", secondary_gids: "${var.gids}" },
      root_directory: { path: "${var.path}", creation_info: expect.objectContaining({ permissions: "${var.mode}" }) },
    });
  });
});
