import { SecretsmanagerSecretVersion } from "@cdktf/provider-aws/lib/secretsmanager-secret-version";
import { Construct } from "constructs";
import { Ec2Service, Ec2ServiceProps, GeneratedSecret, PlacementConstraint, TaskRoles } from "../../modules/ecs";
import { PinnedEbsCapacity } from "../../modules/pinned-capacity";
import { existingNetwork, onlyResource, parsePolicy, serviceBasics, synthConfig, testStack } from "../support/fixtures";

const pinned: PlacementConstraint = { type: "memberOf", expression: "attribute:role == db-primary" };

function service(scope: Construct, props: Partial<Ec2ServiceProps> = {}): Ec2Service {
  return new Ec2Service(scope, "db", {
    ...serviceBasics(scope),
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

describe("Ec2Service on a pinned host volume", () => {
  /** A service mounting a pinned capacity's host volume, wired as the capacity asks unless `props` say otherwise. */
  function pinnedService(props: Partial<Ec2ServiceProps> = {}): Ec2Service {
    const scope = testStack();
    const capacity = new PinnedEbsCapacity(scope, "capacity", {
      network: existingNetwork,
      clusterName: "main",
      attributes: { role: "db-primary", tier: "data" },
    });
    return service(scope, {
      mounts: [{ volume: capacity.hostVolume("pgdata", "postgres"), containerPath: "/var/lib/postgresql/data" }],
      placementConstraints: [capacity.placementConstraint()],
      deployment: capacity.pinnedServiceSettings,
      ...props,
    });
  }

  it("is accepted when pinned to the capacity, alone, and deployed old-task-first", () => {
    expect(() => pinnedService()).not.toThrow();
    expect(() =>
      pinnedService({ placementConstraints: [{ type: "memberOf", expression: "attribute:tier == data" }] }),
    ).not.toThrow();
    expect(() => pinnedService({ desiredCount: 0 })).not.toThrow();
  });

  it.each<[string, Partial<Ec2ServiceProps>, string]>([
    [
      "no placement constraint for its host",
      { placementConstraints: [] },
      "placementConstraints has no memberOf constraint for the host of PinnedEbsCapacity 'capacity', but mounts[0] uses a host volume of PinnedEbsCapacity 'capacity': its tasks could start on another instance, on its root disk; use its placementConstraint(), desiredCount 1 and pinnedServiceSettings",
    ],
    [
      "a constraint for another host",
      { placementConstraints: [{ type: "memberOf", expression: "attribute:role == db-replica" }] },
      "placementConstraints has no memberOf constraint for the host of PinnedEbsCapacity 'capacity'",
    ],
    [
      "two tasks",
      { desiredCount: 2 },
      "desiredCount 2 is more than 1, but mounts[0] uses a host volume of PinnedEbsCapacity 'capacity', which takes one task at a time",
    ],
    [
      "the default rolling deployment",
      { deployment: undefined },
      "deployment 100% / 200% would run a new task beside the old one, but mounts[0] uses a host volume of PinnedEbsCapacity 'capacity': a deployment must stop the old task first (0% / 100%)",
    ],
    [
      "a deployment that keeps the old task until the new one runs",
      { deployment: { minimumHealthyPercent: 100, maximumPercent: 100 } },
      "deployment 100% / 100% would run a new task beside the old one",
    ],
  ])("is refused with %s", (_case, props, message) => {
    expect(() => pinnedService(props)).toThrow(`Ec2Service 'db': ${message}`);
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
    const secret = onlyResource(synthesized, "aws_secretsmanager_secret");
    // A prefix: Terraform adds a unique suffix, so a secret still recoverable after a destroy never blocks
    // creating the stack again.
    expect(secret).toMatchObject({ name_prefix: "app/password-", recovery_window_in_days: 30 });
    // A secret made before names became prefixes is kept on upgrade, value included.
    expect(secret.lifecycle).toEqual({ ignore_changes: ["name", "name_prefix"] });
    expect(secret).not.toHaveProperty("name");
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
    [{ name: "my secret" }, "name 'my secret' is not 1 to 485 letters, digits or /_+=.@-"],
    [{ name: "a".repeat(486) }, `name '${"a".repeat(486)}' is not 1 to 485 letters, digits or /_+=.@-`],
    [{ kmsKeyArn: "key" }, "kmsKeyArn 'key' is not a KMS key ARN"],
  ])("rejects %j", (props, message) => {
    expect(() => new GeneratedSecret(testStack(), "password", props)).toThrow(`GeneratedSecret 'password': ${message}`);
  });

  it("refuses a construct id that would make its read policy's name longer than IAM allows", () => {
    const id = "p".repeat(124);
    expect(() => new GeneratedSecret(testStack(), id)).toThrow(
      `GeneratedSecret '${id}': construct id makes the IAM role policy name 'read-${id}' 129 characters long; AWS allows at most 128`,
    );
  });
});
