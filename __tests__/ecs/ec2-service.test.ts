import { SecretsmanagerSecretVersion } from "@cdktf/provider-aws/lib/secretsmanager-secret-version";
import { Construct } from "constructs";
import {
  ContainerLogs,
  Ec2Service,
  Ec2ServiceProps,
  GeneratedSecret,
  PlacementConstraint,
  TaskRoles,
} from "../../modules/ecs";
import { existingNetwork, onlyResource, parsePolicy, synthConfig, testStack } from "../support/fixtures";

const pinned: PlacementConstraint = { type: "memberOf", expression: "attribute:role == db-primary" };

function service(scope: Construct, props: Partial<Ec2ServiceProps> = {}): Ec2Service {
  return new Ec2Service(scope, "db", {
    clusterArn: "arn:aws:ecs:eu-west-1:123456789012:cluster/main",
    network: existingNetwork,
    roles: new TaskRoles(scope, "roles"),
    logs: new ContainerLogs(scope, "logs"),
    container: { name: "postgres", image: "public.ecr.aws/docker/library/postgres:16", port: 5432 },
    ...props,
  });
}

describe("Ec2Service", () => {
  const synthesized = synthConfig((scope) =>
    service(scope, {
      cpu: 1024,
      memory: 2048,
      placementConstraints: [pinned],
      deployment: { minimumHealthyPercent: 0, maximumPercent: 100 },
    }),
  );

  it("runs on EC2 with awsvpc networking, pinned by the task definition's constraints", () => {
    const taskDefinition = onlyResource(synthesized, "aws_ecs_task_definition");
    expect(taskDefinition).toMatchObject({
      requires_compatibilities: ["EC2"],
      network_mode: "awsvpc",
      cpu: "1024",
      memory: "2048",
      placement_constraints: [{ type: "memberOf", expression: "attribute:role == db-primary" }],
    });
    expect(JSON.parse(taskDefinition.container_definitions)[0].portMappings).toEqual([
      { containerPort: 5432, protocol: "tcp" },
    ]);
  });

  it("deploys with the given settings, in private subnets, without a Fargate-only public IP setting", () => {
    const ecsService = onlyResource(synthesized, "aws_ecs_service");
    expect(ecsService).toMatchObject({
      launch_type: "EC2",
      deployment_minimum_healthy_percent: 0,
      deployment_maximum_percent: 100,
      network_configuration: { subnets: existingNetwork.privateSubnetIds },
    });
    expect(ecsService.network_configuration).not.toHaveProperty("assign_public_ip");
    expect(ecsService).not.toHaveProperty("platform_version");
  });

  it("replaces tasks before stopping old ones by default", () => {
    const defaults = synthConfig((scope) => service(scope));
    expect(onlyResource(defaults, "aws_ecs_service")).toMatchObject({
      deployment_minimum_healthy_percent: 100,
      deployment_maximum_percent: 200,
    });
  });
});

describe("Ec2Service validation", () => {
  it.each<[string, Partial<Ec2ServiceProps>, string]>([
    [
      "11 placement constraints",
      { placementConstraints: Array(11).fill(pinned) },
      "placementConstraints has 11 constraints; ECS allows at most 10 per task",
    ],
    ["too little CPU", { cpu: 64 }, "cpu 64 is not a whole number from 128 to 196608"],
    ["too little memory", { memory: 4 }, "memory 4 is not a whole number from 6 to 1048576"],
    [
      "a minimum over 100%",
      { deployment: { minimumHealthyPercent: 101, maximumPercent: 200 } },
      "deployment.minimumHealthyPercent 101 is not a whole number from 0 to 100",
    ],
    [
      "a maximum under 100%",
      { deployment: { minimumHealthyPercent: 0, maximumPercent: 99 } },
      "deployment.maximumPercent 99 is not a whole number from 100 to 200",
    ],
  ])("rejects %s", (_case, props, message) => {
    expect(() => service(testStack(), props)).toThrow(`Ec2Service 'db': ${message}`);
  });
});

describe("GeneratedSecret", () => {
  const synthesized = synthConfig((scope) => {
    const secret = new GeneratedSecret(scope, "password", { name: "app/password" });
    secret.grantRead(new TaskRoles(scope, "roles").executionRole);
  });

  it("starts with a random value that Terraform never rewrites", () => {
    expect(synthesized.json).toHaveResourceWithProperties(SecretsmanagerSecretVersion, {
      secret_string: "${uuid()}",
      lifecycle: { ignore_changes: ["secret_string"] },
    });
    expect(onlyResource(synthesized, "aws_secretsmanager_secret")).toMatchObject({
      name: "app/password",
      recovery_window_in_days: 30,
    });
  });

  it("lets the granted role read this secret and nothing else", () => {
    const grant = onlyResource(synthesized, "aws_iam_role_policy");
    expect(grant.role).toMatch(/aws_iam_role\.roles_execution-role_\w+\.name/);
    expect(parsePolicy(grant.policy).Statement).toEqual([
      {
        Sid: "ReadSecret",
        Effect: "Allow",
        Action: "secretsmanager:GetSecretValue",
        Resource: expect.stringMatching(/^\$\{aws_secretsmanager_secret\.password_secret_\w+\.arn\}$/),
      },
    ]);
  });

  it.each([
    [{ recoveryWindowInDays: 3 }, "recoveryWindowInDays 3 is not a whole number from 7 to 30"],
    [{ name: "my secret" }, "name 'my secret' is not 1 to 512 letters, digits or /_+=.@-"],
    [{ kmsKeyArn: "key" }, "kmsKeyArn 'key' is not a KMS key ARN"],
  ])("rejects %j", (props, message) => {
    expect(() => new GeneratedSecret(testStack(), "password", props)).toThrow(`GeneratedSecret 'password': ${message}`);
  });
});
