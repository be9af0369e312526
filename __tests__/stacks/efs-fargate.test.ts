import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { EcsCluster } from "@cdktf/provider-aws/lib/ecs-cluster";
import { EcsService } from "@cdktf/provider-aws/lib/ecs-service";
import { EcsTaskDefinition } from "@cdktf/provider-aws/lib/ecs-task-definition";
import { EfsAccessPoint } from "@cdktf/provider-aws/lib/efs-access-point";
import { EfsFileSystem } from "@cdktf/provider-aws/lib/efs-file-system";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";
import { exampleStack } from "../support/example-app";
import { onlyResource, resources } from "../support/fixtures";
import { describeWithTerraform, plan } from "../support/harness";
import { ResourceChange } from "../../analysis/plan-json";
import { planConfiguration } from "../../analysis/config/plan-configuration";
import { runGuards } from "../../analysis/guards";

const stack = exampleStack("efs-fargate");
const all = (type: string) => resources(stack, type);
const only = (type: string) => onlyResource(stack, type);
const reference = (type: string, pathPart: string, attribute: string) =>
  expect.stringMatching(new RegExp(`^\\$\\{${type}\\.${pathPart}_\\w+\\.${attribute}\\}$`));

describe("stack efs-fargate", () => {
  const taskDefinition = only("aws_ecs_task_definition");
  const [container] = JSON.parse(taskDefinition.container_definitions);

  it("runs a cluster with Container Insights", () => {
    expect(stack.json).toHaveResourceWithProperties(EcsCluster, {
      setting: [{ name: "containerInsights", value: "enabled" }],
    });
  });

  it("keeps the data on an encrypted, destroy-protected EFS file system", () => {
    expect(stack.json).toHaveResourceWithProperties(EfsFileSystem, {
      encrypted: true,
      lifecycle: { prevent_destroy: true },
    });
  });

  it("has the processing access point at /processing as uid/gid 1000, mode 755", () => {
    expect(stack.json).toHaveResourceWithProperties(EfsAccessPoint, {
      posix_user: { uid: 1000, gid: 1000 },
      root_directory: { path: "/processing", creation_info: { owner_uid: 1000, owner_gid: 1000, permissions: "755" } },
    });
  });

  it("runs data-processor on Fargate 1.4.0 with 512 CPU and 1024 MiB in the private subnets", () => {
    expect(stack.json).toHaveResourceWithProperties(EcsService, {
      name: "efs-fargate-data-processor",
      launch_type: "FARGATE",
      platform_version: "1.4.0",
      network_configuration: {
        subnets: reference("aws_subnet", "network_private", "\\*\\.id"),
        security_groups: [reference("aws_security_group", "data-processor_security-group", "id")],
        assign_public_ip: false,
      },
    });
    expect(stack.json).toHaveResourceWithProperties(EcsTaskDefinition, {
      cpu: "512",
      memory: "1024",
      requires_compatibilities: ["FARGATE"],
    });
  });

  it("mounts the access point at /data with transit encryption and IAM authorization", () => {
    expect(taskDefinition.volume).toEqual([
      {
        name: "efs-fargate-data-processing",
        efs_volume_configuration: {
          file_system_id: reference("aws_efs_file_system", "data_file-system", "id"),
          transit_encryption: "ENABLED",
          authorization_config: {
            access_point_id: reference("aws_efs_access_point", "data_access-point-processing_resource", "id"),
            iam: "ENABLED",
          },
        },
      },
    ]);
    expect(container.mountPoints).toEqual([
      { sourceVolume: "efs-fargate-data-processing", containerPath: "/data", readOnly: false },
    ]);
  });

  it("grants the task role, not the execution role, write access through the access point", () => {
    expect(taskDefinition.task_role_arn).toEqual(reference("aws_iam_role", "roles_task-role", "arn"));
    expect(taskDefinition.execution_role_arn).toEqual(reference("aws_iam_role", "roles_execution-role", "arn"));
    const grant = only("aws_iam_role_policy");
    expect(grant.role).toEqual(reference("aws_iam_role", "roles_task-role", "name"));
    expect(JSON.parse(grant.policy).Statement[0].Action).toEqual([
      "elasticfilesystem:ClientMount",
      "elasticfilesystem:ClientWrite",
    ]);
    expect(stack.json).toHaveResourceWithProperties(IamRolePolicyAttachment, {
      role: reference("aws_iam_role", "roles_execution-role", "name"),
      policy_arn: expect.stringContaining("AmazonECSTaskExecutionRolePolicy"),
    });
  });

  it("lets only the data-processor tasks' group reach NFS, and the tasks reach only NFS and HTTPS", () => {
    const ingress = only("aws_vpc_security_group_ingress_rule");
    expect(ingress).toMatchObject({
      security_group_id: reference("aws_security_group", "data_nfs-security-group", "id"),
      referenced_security_group_id: reference("aws_security_group", "data-processor_security-group", "id"),
      from_port: 2049,
      to_port: 2049,
    });
    const egress = all("aws_vpc_security_group_egress_rule").map((rule) => [
      rule.from_port,
      rule.cidr_ipv4 ?? rule.referenced_security_group_id,
    ]);
    expect(egress).toEqual([
      [443, "0.0.0.0/0"],
      [2049, reference("aws_security_group", "data_nfs-security-group", "id")],
    ]);
  });

  it("logs through awslogs to a group with a retention period", () => {
    expect(stack.json).toHaveResourceWithProperties(CloudwatchLogGroup, {
      name: "/ecs/efs-fargate/data-processor",
      retention_in_days: 30,
    });
    expect(container.logConfiguration.logDriver).toBe("awslogs");
  });

  it("runs a public image as a non-root user with a read-only root file system", () => {
    expect(container).toMatchObject({
      image: "public.ecr.aws/docker/library/busybox:1.36",
      user: "1000:1000",
      readonlyRootFilesystem: true,
    });
  });

  it("outputs the file system and the access point for operators", () => {
    const outputs = stack.config.output ?? {};
    expect(outputs.data_file_system_id?.value).toEqual(reference("aws_efs_file_system", "data_file-system", "id"));
    expect(outputs.data_access_point_ids?.value).toEqual({
      processing: reference("aws_efs_access_point", "data_access-point-processing_resource", "id"),
    });
  });
});

describeWithTerraform("stack efs-fargate, planned offline", () => {
  let changes: ResourceChange[];
  let planJson: Awaited<ReturnType<typeof plan>>;
  beforeAll(async () => {
    planJson = await plan(stack.dir);
    changes = planJson.resource_changes ?? [];
  });
  const planned = (type: string) => changes.filter((change) => change.type === type);

  it("plans one mount target per private subnet", () => {
    expect(planned("aws_efs_mount_target").map((change) => change.index)).toEqual([0, 1]);
  });

  it("plans the I/O limit alarm and no burst credit alarm (elastic throughput)", () => {
    expect(planned("aws_cloudwatch_metric_alarm").map((change) => change.change.after?.metric_name)).toEqual([
      "PercentIOLimit",
    ]);
  });

  it("plans the service on Fargate 1.4.0 with one task", () => {
    expect(planned("aws_ecs_service").map((change) => change.change.after)).toEqual([
      expect.objectContaining({ launch_type: "FARGATE", platform_version: "1.4.0", desired_count: 1 }),
    ]);
  });

  it("reads as the guards read plans: what is known after apply comes from the configuration as a reference", () => {
    const configuration = planConfiguration(planJson);
    const [task] = configuration.ofType("aws_ecs_task_definition");
    const [volume] = task.values.volume as Array<{ efs_volume_configuration: Array<Record<string, unknown>> }>;
    expect(volume.efs_volume_configuration[0]).toMatchObject({
      file_system_id: reference("aws_efs_file_system", "data_file-system", "id"),
      transit_encryption: "ENABLED",
    });
    const report = runGuards(configuration);
    expect(report.findings).toEqual([]);
    // The mount targets' and the service's security groups are references in the plan: SE005 decided.
    expect(report.notes.filter((note) => note.startsWith("SE005"))).toEqual([]);
  });

  it("finds an SE001 error in a plan whose volume has no transit encryption", () => {
    const changed = JSON.parse(
      JSON.stringify(planJson).replace(/"transit_encryption":"ENABLED"/g, '"transit_encryption":"DISABLED"'),
    );
    expect(runGuards(planConfiguration(changed)).findings).toEqual([
      expect.objectContaining({
        ruleId: "SE001",
        severity: "error",
        address: expect.stringMatching(/^aws_ecs_task_definition\./),
      }),
    ]);
  });
});
