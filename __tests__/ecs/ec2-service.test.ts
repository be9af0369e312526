import { SecretsmanagerSecretVersion } from "@cdktf/provider-aws/lib/secretsmanager-secret-version";
import { Construct } from "constructs";
import { Testing } from "cdktf";
import {
  DeploymentSettings,
  Ec2Service,
  Ec2ServiceProps,
  FargateService,
  GeneratedSecret,
  PlacementConstraint,
  TaskRoles,
} from "../../modules/ecs";
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
  const synthesized = synthConfig((scope) => {
    const db = service(scope, { cpu: 1024, memory: 2048 });
    db.addPlacementConstraint(pinned);
    db.addPlacementConstraint(pinned);
    db.useDeployment({ minimumHealthyPercent: 0, maximumPercent: 100 });
  });

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
    ["too little CPU", { cpu: 64 }, "cpu 64 is not a whole number from 128 to 196608"],
    ["too little memory", { memory: 4 }, "memory 4 is not a whole number from 6 to 1048576"],
  ])("rejects %s", (_case, props, message) => {
    expect(() => service(testStack(), props)).toThrow(`Ec2Service 'db': ${message}`);
  });

  it("refuses an 11th placement constraint", () => {
    const db = service(testStack());
    for (let index = 0; index < 10; index++) {
      db.addPlacementConstraint({ type: "memberOf", expression: `attribute:n == ${index}` });
    }
    expect(() => db.addPlacementConstraint(pinned)).toThrow(
      "Ec2Service 'db': placement constraints: 10 already; ECS allows at most 10 per task",
    );
  });

  it.each<[DeploymentSettings, string]>([
    [
      { minimumHealthyPercent: 101, maximumPercent: 200 },
      "deployment.minimumHealthyPercent 101 is not a whole number from 0 to 100",
    ],
    [
      { minimumHealthyPercent: 0, maximumPercent: 99 },
      "deployment.maximumPercent 99 is not a whole number from 100 to 200",
    ],
  ])("refuses the deployment %j", (deployment, message) => {
    expect(() => service(testStack()).useDeployment(deployment)).toThrow(`Ec2Service 'db': ${message}`);
  });
});

describe("Ec2Service on a pinned host volume", () => {
  interface Wiring {
    readonly constraints?: PlacementConstraint[];
    readonly deployment?: DeploymentSettings;
    readonly desiredCount?: number;
  }

  /**
   * Synthesizes a service that mounts a pinned capacity's host volume the low-level way (the escape
   * hatch), placed and deployed as `wiring` says: `capacity.run()` would set all of it.
   */
  function synthPinned(wiring: Wiring): void {
    const scope = testStack();
    const capacity = new PinnedEbsCapacity(scope, "capacity", {
      network: existingNetwork,
      cluster: { name: "main" },
      attributes: { role: "db-primary", tier: "data" },
    });
    const db = service(scope, { desiredCount: wiring.desiredCount });
    db.addMount(capacity.hostVolume("pgdata", "postgres"), "/var/lib/postgresql/data");
    for (const constraint of wiring.constraints ?? [capacity.placementConstraint()])
      db.addPlacementConstraint(constraint);
    db.useDeployment(wiring.deployment ?? capacity.pinnedServiceSettings);
    Testing.synth(scope, true);
  }

  it("is accepted when pinned to the capacity, alone, and deployed old-task-first", () => {
    expect(() => synthPinned({})).not.toThrow();
    expect(() =>
      synthPinned({ constraints: [{ type: "memberOf", expression: "attribute:tier == data" }] }),
    ).not.toThrow();
    expect(() => synthPinned({ desiredCount: 0 })).not.toThrow();
  });

  it.each<[string, Wiring, string]>([
    [
      "no placement constraint for its host",
      { constraints: [] },
      "no placement constraint puts it on the host of PinnedEbsCapacity 'capacity', but it mounts host volume 'pgdata' of PinnedEbsCapacity 'capacity': its tasks could start on another instance, on its root disk; use capacity.run(service, { containerPath }), with desiredCount 1",
    ],
    [
      "a constraint for another host",
      { constraints: [{ type: "memberOf", expression: "attribute:role == db-replica" }] },
      "no placement constraint puts it on the host of PinnedEbsCapacity 'capacity'",
    ],
    [
      "two tasks",
      { desiredCount: 2 },
      "desiredCount 2 is more than 1, but it mounts host volume 'pgdata' of PinnedEbsCapacity 'capacity', which takes one task at a time",
    ],
    [
      "the default rolling deployment",
      { deployment: { minimumHealthyPercent: 100, maximumPercent: 200 } },
      "deployment 100% / 200% would run a new task beside the old one, but it mounts host volume 'pgdata' of PinnedEbsCapacity 'capacity': a deployment must stop the old task first (0% / 100%)",
    ],
    [
      "a deployment that keeps the old task until the new one runs",
      { deployment: { minimumHealthyPercent: 100, maximumPercent: 100 } },
      "deployment 100% / 100% would run a new task beside the old one",
    ],
  ])("fails synth with %s", (_case, wiring, message) => {
    expect(() => synthPinned(wiring)).toThrow(`Ec2Service 'db': ${message}`);
  });

  it("is refused on Fargate, which has no host", () => {
    const scope = testStack();
    const capacity = new PinnedEbsCapacity(scope, "capacity", {
      network: existingNetwork,
      cluster: { name: "main" },
      attributes: { role: "db-primary" },
    });
    const web = new FargateService(scope, "web", {
      ...serviceBasics(scope),
      container: { name: "web", image: "nginx:1.27" },
    });
    expect(() => web.addMount(capacity.hostVolume("data"), "/data")).toThrow(
      "FargateService 'web': volume 'data' is a host volume; Fargate tasks have no host",
    );
  });
});

describe("GeneratedSecret", () => {
  const synthesized = synthConfig((scope) => {
    const secret = new GeneratedSecret(scope, "password", { name: "app/password" });
    const db = service(scope);
    secret.injectInto(db, "DB_PASSWORD");
    secret.injectInto(db, "DB_PASSWORD");
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

  it("injects the value into the service's container, by ARN", () => {
    const [container] = JSON.parse(onlyResource(synthesized, "aws_ecs_task_definition").container_definitions);
    expect(container.secrets).toEqual([
      { name: "DB_PASSWORD", valueFrom: expect.stringMatching(/aws_secretsmanager_secret\.password_secret_\w+\.arn/) },
    ]);
    expect(onlyResource(synthesized, "aws_ecs_service").depends_on).toContainEqual(
      expect.stringMatching(/^aws_iam_role_policy\.password_grant-0_/),
    );
  });

  it("lets the service's execution role read this secret and nothing else, once", () => {
    const grant = onlyResource(synthesized, "aws_iam_role_policy");
    expect(grant.role).toMatch(/aws_iam_role\.roles_execution-role_\w+\.name/);
    expect(grant.name).toBe("read-test-password");
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

  it("refuses a grant whose policy name would be longer than IAM allows", () => {
    const id = "p".repeat(119);
    const scope = testStack();
    expect(() =>
      new GeneratedSecret(scope, id, { name: "short" }).grantRead(new TaskRoles(scope, "r").executionRole),
    ).toThrow(
      `GeneratedSecret '${id}': name makes the IAM role policy name 'read-test-${id}' 129 characters long; AWS allows at most 128`,
    );
  });

  it("refuses to give the task role what the execution role injects", () => {
    const scope = testStack();
    expect(() => new GeneratedSecret(scope, "password").grantRead(new TaskRoles(scope, "roles").taskRole)).toThrow(
      "GeneratedSecret 'password': grantRead() needs an execution role, but was given a task role: ECS reads what it injects at task start (secrets) with the execution role",
    );
  });
});
