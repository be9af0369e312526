import { EcsService } from "@cdktf/provider-aws/lib/ecs-service";
import { TerraformConfig, exampleStack } from "../support/example-app";
import { resources } from "../support/fixtures";
import { describeWithTerraform, plan } from "../support/harness";
import { Expression, ResourceChange, ResourceConfig } from "../../analysis/plan-json";

const all = (config: TerraformConfig, type: string) => resources({ config }, type);

describe.each(["ebs-pinned-db", "ebs-pinned-db-instance"])("stack %s", (name) => {
  const stack = exampleStack(name);
  const [taskDefinition] = all(stack.config, "aws_ecs_task_definition");
  const [container] = JSON.parse(taskDefinition.container_definitions);
  const script = Object.values((stack.config as { locals?: Record<string, string> }).locals ?? {})[0] ?? "";

  it("sets role=db-primary on its container instance at boot, joining the stack's cluster", () => {
    expect(script).toContain('ECS_INSTANCE_ATTRIBUTES={"role":"db-primary"}\n');
    expect(script).toMatch(/ECS_CLUSTER=\$\{aws_ecs_cluster\.cluster_\w+\.name\}\n/);
  });

  it("runs PostgreSQL on EC2, pinned to that instance, one writer at a time", () => {
    expect(stack.json).toHaveResourceWithProperties(EcsService, {
      launch_type: "EC2",
      desired_count: 1,
      deployment_minimum_healthy_percent: 0,
      deployment_maximum_percent: 100,
    });
    expect(taskDefinition.placement_constraints).toEqual([
      { type: "memberOf", expression: "attribute:role == db-primary" },
    ]);
    expect(container.image).toBe("public.ecr.aws/docker/library/postgres:16");
  });

  it("keeps the data directory on the host volume under the EBS mount, beside the volume's lock folder", () => {
    expect(taskDefinition.volume).toEqual([
      { name: `${name}-db-data`, host_path: "/mnt/data/postgres" },
      { name: `${name}-db-lock`, host_path: "/mnt/data/.stateful-ecs" },
    ]);
    expect(container.mountPoints).toEqual([
      { sourceVolume: `${name}-db-data`, containerPath: "/var/lib/postgresql/data", readOnly: false },
    ]);
  });

  it("reads the password from Secrets Manager through the execution role, never from plain text", () => {
    expect(container.secrets).toEqual([
      {
        name: "POSTGRES_PASSWORD",
        valueFrom: expect.stringMatching(/^\$\{aws_secretsmanager_secret\.postgres-password_secret_\w+\.arn\}$/),
      },
    ]);
    expect(container.environment.map((variable: { name: string }) => variable.name)).toEqual(["PGDATA"]);
    const [read] = all(stack.config, "aws_iam_role_policy").filter(
      (policy) => policy.name === `read-${name}-postgres-password`,
    );
    expect(read.role).toMatch(/aws_iam_role\.roles_execution-role_\w+\.name/);
  });

  it("logs to a group with a retention period", () => {
    expect(all(stack.config, "aws_cloudwatch_log_group")).toEqual([
      expect.objectContaining({ name: `/ecs/${name}/postgres`, retention_in_days: 30 }),
    ]);
  });

  it("protects the data volume and snapshots it", () => {
    expect(all(stack.config, "aws_ebs_volume")).toEqual([
      expect.objectContaining({ encrypted: true, lifecycle: { prevent_destroy: true }, final_snapshot: true }),
    ]);
    expect(all(stack.config, "aws_dlm_lifecycle_policy")).toHaveLength(1);
  });
});

describe("recovery modes of the two stacks", () => {
  const types = (name: string) => Object.keys(exampleStack(name).config.resource ?? {});

  it("self-healing: an Auto Scaling group, no Terraform-managed instance", () => {
    expect(types("ebs-pinned-db")).toContain("aws_autoscaling_group");
    expect(types("ebs-pinned-db")).not.toContain("aws_instance");
  });

  it("instance: one instance, a Terraform attachment and the recover alarm", () => {
    expect(types("ebs-pinned-db-instance")).toEqual(
      expect.arrayContaining(["aws_instance", "aws_volume_attachment", "aws_cloudwatch_metric_alarm"]),
    );
    expect(types("ebs-pinned-db-instance")).not.toContain("aws_autoscaling_group");
  });
});

describeWithTerraform("stack ebs-pinned-db, planned offline", () => {
  let changes: ResourceChange[];
  let configuration: ResourceConfig[];
  beforeAll(async () => {
    const planned = await plan(exampleStack("ebs-pinned-db").dir);
    changes = planned.resource_changes ?? [];
    configuration = planned.configuration?.root_module.resources ?? [];
  });
  const after = (type: string) => changes.filter((change) => change.type === type).map((change) => change.change.after);

  it("puts the volume in the zone of the private subnet the instance group launches into", () => {
    const config = exampleStack("ebs-pinned-db").config;
    const [group] = all(config, "aws_autoscaling_group");
    expect(group.vpc_zone_identifier).toEqual([
      expect.stringMatching(/^\$\{element\(aws_subnet\.network_private_\w+\.\*\.id, 0\)\}$/),
    ]);
    const firstPrivateSubnet = changes.find(
      (change) => change.type === "aws_subnet" && /private/.test(change.name) && change.index === 0,
    );
    expect(after("aws_ebs_volume")).toEqual([
      expect.objectContaining({ availability_zone: firstPrivateSubnet?.change.after?.availability_zone, size: 50 }),
    ]);
    expect(firstPrivateSubnet?.change.after?.availability_zone).toBe("eu-west-1a");
    expect(after("aws_autoscaling_group")).toEqual([
      expect.objectContaining({ min_size: 1, max_size: 1, desired_capacity: 1 }),
    ]);
  });

  it("feeds the bootstrap script, which needs the volume's id, to the launch template's user data", () => {
    const template = configuration.find((resource) => resource.address.startsWith("aws_launch_template."));
    expect((template?.expressions?.user_data as Expression | undefined)?.references).toEqual(
      expect.arrayContaining([expect.stringMatching(/^local\.db_bootstrap-script_\w+$/)]),
    );
    const [launchTemplate] = changes.filter((change) => change.type === "aws_launch_template");
    expect(launchTemplate.change.after_unknown).toMatchObject({ user_data: true });
  });
});
