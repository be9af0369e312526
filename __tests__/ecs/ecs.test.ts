import * as fs from "node:fs";
import * as path from "node:path";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { EcsCluster as EcsClusterResource } from "@cdktf/provider-aws/lib/ecs-cluster";
import { EcsService } from "@cdktf/provider-aws/lib/ecs-service";
import { EcsTaskDefinition } from "@cdktf/provider-aws/lib/ecs-task-definition";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";
import { Route } from "@cdktf/provider-aws/lib/route";
import { TerraformResource, TerraformStack, Testing } from "cdktf";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { ExampleNetwork } from "../../modules/network";
import { PinnedEbsCapacity } from "../../modules/pinned-capacity";
import { Construct } from "constructs";
import {
  ContainerLogs,
  Ec2Service,
  EcsCluster,
  FargateService,
  FargateServiceProps,
  TaskRoles,
  TaskVolume,
  VolumeGuard,
} from "../../modules/ecs";
import { fargateSizeProblem } from "../../modules/ecs/fargate-service";
import { expressionOf } from "../../modules/core/tokens";
import { existingNetwork, onlyResource, resources, serviceBasics, synthConfig, testStack } from "../support/fixtures";

const hostVolume: TaskVolume = {
  volume: { name: "pgdata", hostPath: "/mnt/data/pg" },
  fargateCompatible: false,
  mountPoint: (containerPath) => ({ sourceVolume: "pgdata", containerPath, readOnly: false }),
  prerequisites: () => [],
};
const efsLikeVolume: TaskVolume = {
  volume: { name: "shared", efsVolumeConfiguration: { fileSystemId: "fs-0123" } },
  fargateCompatible: true,
  mountPoint: (containerPath, options = {}) => ({
    sourceVolume: "shared",
    containerPath,
    readOnly: options.readOnly === true,
  }),
  prerequisites: () => [],
};

function service(scope: Construct, props: Partial<FargateServiceProps> = {}): FargateService {
  return new FargateService(scope, "web", {
    ...serviceBasics(scope),
    container: { name: "app", image: "public.ecr.aws/docker/library/busybox:1.36" },
    ...props,
  });
}

const app = (container: Partial<FargateServiceProps["container"]>) => ({
  container: { name: "app", image: "public.ecr.aws/docker/library/busybox:1.36", ...container },
});

describe("TaskRoles", () => {
  const synthesized = synthConfig((scope) => new TaskRoles(scope, "roles", { name: "worker" }));

  it("makes two roles that ECS tasks assume", () => {
    const roles = resources(synthesized, "aws_iam_role");
    expect(roles.map((role) => role.name)).toEqual(["worker-execution", "worker-task"]);
    for (const role of roles) {
      expect(JSON.parse(role.assume_role_policy).Statement).toEqual([
        { Effect: "Allow", Principal: { Service: "ecs-tasks.amazonaws.com" }, Action: "sts:AssumeRole" },
      ]);
    }
  });

  it("gives the execution role the managed execution policy, in the provider's partition, and the task role nothing", () => {
    expect(synthesized.json).toHaveResourceWithProperties(IamRolePolicyAttachment, {
      role: expect.stringMatching(/aws_iam_role\.roles_execution-role_\w+\.name/),
      policy_arn: expect.stringMatching(
        /^arn:\$\{data\.aws_partition\.\S+\.partition\}:iam::aws:policy\/service-role\/AmazonECSTaskExecutionRolePolicy$/,
      ),
    });
    expect(resources(synthesized, "aws_iam_role_policy_attachment")).toHaveLength(1);
    expect(resources(synthesized, "aws_iam_role_policy")).toEqual([]);
  });

  it("rejects a name IAM would not take", () => {
    expect(() => new TaskRoles(testStack(), "roles", { name: "a b" })).toThrow(
      "TaskRoles 'roles': name 'a b' is not 1 to 54 characters of letters, digits and +=,.@_-",
    );
  });
});

describe("ContainerLogs", () => {
  it("keeps logs 30 days by default and hands containers an awslogs configuration for its group", () => {
    const synthesized = synthConfig((scope) => new ContainerLogs(scope, "logs"));
    expect(synthesized.json).toHaveResourceWithProperties(CloudwatchLogGroup, {
      name: "/ecs/test-logs",
      retention_in_days: 30,
    });
    const stack = testStack();
    const logs = new ContainerLogs(stack, "logs");
    expect(expressionOf(stack, logs.logConfiguration("app"))).toEqual({
      logDriver: "awslogs",
      options: {
        "awslogs-group": expressionOf(stack, logs.logGroup.name),
        "awslogs-region": expect.stringMatching(/^\$\{data\.aws_region\.\S+\.name\}$/),
        "awslogs-stream-prefix": "app",
      },
    });
  });

  it("takes a name, another retention period and a KMS key", () => {
    const kmsKeyArn = "arn:aws:kms:eu-west-1:123456789012:key/abcd";
    const synthesized = synthConfig(
      (scope) => new ContainerLogs(scope, "logs", { logGroupName: "/app/web", retentionInDays: 365, kmsKeyArn }),
    );
    expect(synthesized.json).toHaveResourceWithProperties(CloudwatchLogGroup, {
      name: "/app/web",
      retention_in_days: 365,
      kms_key_id: kmsKeyArn,
    });
  });

  it.each([
    [{ retentionInDays: 0 }, "retentionInDays 0 is not one of: 1, 3, 5, 7, 14, 30"],
    [{ retentionInDays: 10 }, "retentionInDays 10 is not one of: 1, 3, 5, 7, 14, 30"],
    [{ kmsKeyArn: "my-key" }, "kmsKeyArn 'my-key' is not a KMS key ARN"],
    [{ logGroupName: "my logs" }, "logGroupName 'my logs' is not a log group name: 1 to 512 letters, digits and _-/.#"],
  ])("rejects %j", (props, message) => {
    expect(() => new ContainerLogs(testStack(), "logs", props)).toThrow(`ContainerLogs 'logs': ${message}`);
  });
});

describe("EcsCluster", () => {
  it("turns Container Insights on", () => {
    const synthesized = synthConfig((scope) => new EcsCluster(scope, "cluster", { name: "main" }));
    expect(synthesized.json).toHaveResourceWithProperties(EcsClusterResource, {
      name: "main",
      setting: [{ name: "containerInsights", value: "enabled" }],
    });
  });

  it("rejects an unknown Container Insights setting", () => {
    expect(() => new EcsCluster(testStack(), "cluster", { containerInsights: "on" as never })).toThrow(
      "EcsCluster 'cluster': containerInsights 'on' is not one of: enabled, enhanced, disabled",
    );
  });
});

describe("FargateService", () => {
  const synthesized = synthConfig((scope) => {
    const web = service(scope, {
      cpu: 512,
      memory: 2048,
      desiredCount: 2,
      container: {
        name: "app",
        image: "public.ecr.aws/docker/library/busybox:1.36",
        command: ["sleep", "3600"],
        user: "1000:1000",
        environment: { MODE: "batch" },
        secrets: { TOKEN: "arn:aws:secretsmanager:eu-west-1:123456789012:secret:token" },
      },
    });
    web.addMount(efsLikeVolume, "/data");
    web.addMount(efsLikeVolume, "/in", { readOnly: true });
    web.addEnvironment({ STORE: "cache.internal", MODE: "batch" });
    web.allowEgressTo({ securityGroupId: "sg-0123456789abcdef0" }, 2049, "NFS");
    web.allowEgressTo({ securityGroupId: "sg-0123456789abcdef0" }, 2049, "NFS again");
  });
  const taskDefinition = onlyResource(synthesized, "aws_ecs_task_definition");
  const [container] = JSON.parse(taskDefinition.container_definitions);

  it("runs a Fargate task with separate execution and task roles", () => {
    expect(synthesized.json).toHaveResourceWithProperties(EcsTaskDefinition, {
      family: "test-web",
      requires_compatibilities: ["FARGATE"],
      network_mode: "awsvpc",
      cpu: "512",
      memory: "2048",
      execution_role_arn: expect.stringMatching(/aws_iam_role\.roles_execution-role_\w+\.arn/),
      task_role_arn: expect.stringMatching(/aws_iam_role\.roles_task-role_\w+\.arn/),
    });
  });

  it("declares each volume once, however many paths mount it", () => {
    expect(taskDefinition.volume).toEqual([
      { name: "shared", efs_volume_configuration: { file_system_id: "fs-0123" } },
    ]);
    expect(container.mountPoints).toEqual([
      { sourceVolume: "shared", containerPath: "/data", readOnly: false },
      { sourceVolume: "shared", containerPath: "/in", readOnly: true },
    ]);
  });

  it("runs the container as given, read-only root, secrets by reference, logs to CloudWatch", () => {
    expect(container).toMatchObject({
      name: "app",
      essential: true,
      command: ["sleep", "3600"],
      user: "1000:1000",
      readonlyRootFilesystem: true,
      environment: [
        { name: "MODE", value: "batch" },
        { name: "STORE", value: "cache.internal" },
      ],
      secrets: [{ name: "TOKEN", valueFrom: "arn:aws:secretsmanager:eu-west-1:123456789012:secret:token" }],
      logConfiguration: { logDriver: "awslogs", options: expect.objectContaining({ "awslogs-stream-prefix": "app" }) },
    });
  });

  it("runs in the private subnets on platform 1.4.0 without public IPs, rolling back failed deployments", () => {
    expect(synthesized.json).toHaveResourceWithProperties(EcsService, {
      launch_type: "FARGATE",
      platform_version: "1.4.0",
      desired_count: 2,
      network_configuration: {
        subnets: existingNetwork.privateSubnetIds,
        security_groups: [expect.stringMatching(/aws_security_group\.web_security-group_\w+\.id/)],
        assign_public_ip: false,
      },
      deployment_circuit_breaker: { enable: true, rollback: true },
    });
  });

  it("lets tasks out on HTTPS and on the ports opened with allowEgressTo, each once, nothing else", () => {
    const rules = resources(synthesized, "aws_vpc_security_group_egress_rule");
    expect(rules.map((rule) => [rule.from_port, rule.cidr_ipv4 ?? rule.referenced_security_group_id])).toEqual([
      [443, "0.0.0.0/0"],
      [2049, "sg-0123456789abcdef0"],
    ]);
    expect(resources(synthesized, "aws_vpc_security_group_ingress_rule")).toEqual([]);
  });
});

describe("FargateService validation", () => {
  it.each<[string, Partial<FargateServiceProps>, string]>([
    ["an unknown CPU size", { cpu: 300 }, "cpu 300 is not one of: 256, 512, 1024, 2048, 4096, 8192, 16384"],
    [
      "memory Fargate does not pair with 256 CPU",
      { cpu: 256, memory: 1536 },
      "memory 1536 is not offered with cpu 256; allowed: 512, 1024 or 2048 MiB",
    ],
    [
      "too little memory for 1024 CPU",
      { cpu: 1024, memory: 1024 },
      "memory 1024 is not offered with cpu 1024; allowed: 2048 to 8192 MiB in steps of 1024",
    ],
    ["a negative task count", { desiredCount: -1 }, "desiredCount -1 is not a whole number from 0 to 1000"],
    [
      "a platform version without EFS support",
      { platformVersion: "1.3.0" as never },
      "platformVersion '1.3.0' is not one of: 1.4.0, LATEST",
    ],
    [
      "a bad container name",
      { container: { name: "my app", image: "busybox" } },
      "container.name 'my app' is not 1 to 255 letters, digits, '_' or '-'",
    ],
    [
      "an empty image",
      app({ image: "" }),
      "container.image '' is not an image reference such as 'public.ecr.aws/docker/library/nginx:1.27': up to 255 letters, digits and ._:/#@-",
    ],
    [
      "an image with a space",
      app({ image: "nginx latest" }),
      "container.image 'nginx latest' is not an image reference",
    ],
    [
      "a malformed user",
      app({ user: "1000:" }),
      "container.user '1000:' is not a user: 'name', 'uid', 'name:group' or 'uid:gid'",
    ],
    ["a user with a space", app({ user: "app user" }), "container.user 'app user' is not a user"],
    ["a port out of range", app({ port: 0 }), "container.port 0 is not a whole number from 1 to 65535"],
    [
      "a secret given by value",
      app({ secrets: { TOKEN: "hunter2" } }),
      "container.secrets.TOKEN 'hunter2' is not a Secrets Manager secret ARN or an SSM parameter ARN",
    ],
    [
      "a secret given by name",
      app({ secrets: { TOKEN: "prod/token" } }),
      "container.secrets.TOKEN 'prod/token' is not a Secrets Manager secret ARN or an SSM parameter ARN",
    ],
    [
      "an environment variable name the shell cannot read",
      app({ environment: { "1ST": "x" } }),
      "container.environment name '1ST' is not a variable name: letters, digits and '_', not starting with a digit",
    ],
  ])("rejects %s", (_case, props, message) => {
    expect(() => service(testStack(), props)).toThrow(`FargateService 'web': ${message}`);
  });

  it("takes secrets from Secrets Manager (with a JSON key) and SSM Parameter Store by ARN", () => {
    const secrets = {
      A: "arn:aws:secretsmanager:eu-west-1:123456789012:secret:db-AbCdEf:password::",
      B: "arn:aws:ssm:eu-west-1:123456789012:parameter/app/token",
    };
    expect(() => service(testStack(), app({ secrets }))).not.toThrow();
  });

  it.each([
    [
      "a host volume",
      () => hostVolume,
      "/var/lib/postgresql/data",
      "volume 'pgdata' is a host volume; Fargate tasks have no host",
    ],
    [
      "a relative mount path",
      () => efsLikeVolume,
      "data",
      "containerPath 'data' is not an absolute path such as '/data'",
    ],
    [
      "the root directory",
      () => efsLikeVolume,
      "/",
      "containerPath '/' would mount over the container's root file system; mount a directory such as '/data'",
    ],
    [
      "a '..' segment",
      () => efsLikeVolume,
      "/data/../etc",
      "containerPath '/data/../etc' must not contain '.' or '..' segments",
    ],
  ])("refuses to mount %s", (_case, volume, containerPath, message) => {
    expect(() => service(testStack()).addMount(volume(), containerPath)).toThrow(`FargateService 'web': ${message}`);
  });

  it("refuses two mounts at one path, and one variable set to two values", () => {
    const web = service(testStack(), app({ environment: { MODE: "batch" } }));
    web.addMount(efsLikeVolume, "/data");
    expect(() => web.addMount(efsLikeVolume, "/data")).toThrow(
      "FargateService 'web': containerPath '/data' already mounts volume 'shared'; mount 'shared' elsewhere",
    );
    expect(() => web.addEnvironment({ MODE: "stream" })).toThrow(
      "FargateService 'web': environment.MODE is set twice, to two different values",
    );
    expect(() => web.addSecrets({ TOKEN: "plain" })).toThrow("FargateService 'web': secrets.TOKEN 'plain' is not");
  });

  it("refuses a load balancer target on another port than the container's, or without one", () => {
    const target = {
      targetGroupArn: "arn:aws:elasticloadbalancing:eu-west-1:1:targetgroup/x/1",
      port: 80,
      prerequisites: () => [],
    };
    expect(() => service(testStack(), app({ port: 8080 })).addLoadBalancerTarget(target)).toThrow(
      "FargateService 'web': container.port 8080 is not the target group's port 80: the load balancer would send traffic and health checks to a port nothing listens on",
    );
    expect(() => service(testStack()).addLoadBalancerTarget(target)).toThrow(
      "FargateService 'web': container.port is not set: a load balancer target needs the port the container listens on",
    );
  });

  it("knows Fargate's sizes", () => {
    expect([fargateSizeProblem(256, 512), fargateSizeProblem(4096, 30720), fargateSizeProblem(16384, 122880)]).toEqual([
      undefined,
      undefined,
      undefined,
    ]);
    expect(fargateSizeProblem(8192, 18432)).toBe(
      "memory 18432 is not offered with cpu 8192; allowed: 16384 to 61440 MiB in steps of 4096",
    );
  });

  it("rejects a bad egress port", () => {
    expect(() => service(testStack()).allowEgressTo({ cidrIpv4: "10.0.0.0/16" }, 70000, "x")).toThrow(
      "FargateService 'web': allowEgressTo port 70000 is not a whole number from 1 to 65535",
    );
  });

  it.each([
    ["10.0.0.0/33", "allowEgressTo cidrIpv4 '10.0.0.0/33' is not an IPv4 CIDR block such as '10.0.0.0/16'"],
    ["10.0.0.1/16", "allowEgressTo cidrIpv4 '10.0.0.1/16' has host bits set; use the network address of the range"],
  ])("rejects the egress destination %s", (cidrIpv4, message) => {
    expect(() => service(testStack()).allowEgressTo({ cidrIpv4 }, 443, "out")).toThrow(
      `FargateService 'web': ${message}`,
    );
  });

  it("rejects an egress description AWS would refuse", () => {
    expect(() => service(testStack()).allowEgressTo({ cidrIpv4: "10.0.0.0/16" }, 443, "naïve <rule>")).toThrow(
      "FargateService 'web': allowEgressTo description 'naïve <rule>' is not a security group rule description",
    );
  });

  it("rejects a name that makes its security group's name longer than AWS allows", () => {
    const name = "n".repeat(251);
    expect(() => service(testStack(), { name })).toThrow(
      `FargateService 'web': name makes the security group name '${name}-tasks' 257 characters long; AWS allows at most 255`,
    );
  });

  it("rejects a name that makes its security group's description longer than AWS allows", () => {
    const name = "n".repeat(239);
    expect(() => service(testStack(), { name })).toThrow(
      `FargateService 'web': name makes the security group description 'Tasks of the ${name} service' 260 characters long; AWS allows at most 255`,
    );
  });

  it("rejects two different volumes of one name", () => {
    const other = { ...efsLikeVolume, volume: { name: "shared", efsVolumeConfiguration: { fileSystemId: "fs-0456" } } };
    const web = service(testStack());
    web.addMount(efsLikeVolume, "/a");
    expect(() => web.addMount(other, "/b")).toThrow(
      "FargateService 'web': mounts use two different volumes named 'shared'; give one of them another name",
    );
  });
});

describe("ContainerService start order", () => {
  it("starts tasks only after the network is ready, its own egress rules, and what its volumes need, added later too", () => {
    const synthesized = synthConfig((scope) => {
      const route = new Route(scope, "nat-route", { routeTableId: "rtb-0123", destinationCidrBlock: "0.0.0.0/0" });
      const later: TerraformResource[] = [];
      const volume: TaskVolume = { ...efsLikeVolume, prerequisites: () => later };
      const web = service(scope, { network: { ...existingNetwork, dependsOn: [route] } });
      web.addMount(volume, "/data");
      web.allowEgressTo({ securityGroupId: "sg-0123456789abcdef0" }, 2049, "NFS");
      later.push(new Route(scope, "granted-later", { routeTableId: "rtb-0456", destinationCidrBlock: "10.1.0.0/16" }));
    });
    expect(onlyResource(synthesized, "aws_ecs_service").depends_on).toEqual([
      "aws_route.nat-route",
      expect.stringMatching(/^aws_vpc_security_group_egress_rule\.web_egress-0_\w+$/),
      expect.stringMatching(/^aws_vpc_security_group_egress_rule\.web_egress-1_\w+$/),
      "aws_route.granted-later",
    ]);
  });
});

describe("ContainerService on a network of another stack", () => {
  it("leaves the other stack's readiness out of depends_on (that stack is applied first)", () => {
    const app = Testing.app();
    const networkStack = new TerraformStack(app, "network");
    new AwsProvider(networkStack, "aws", { region: "eu-west-1" });
    const { ref } = new ExampleNetwork(networkStack, "network", { availabilityZones: ["eu-west-1a", "eu-west-1b"] });
    const appStack = new TerraformStack(app, "app");
    new AwsProvider(appStack, "aws", { region: "eu-west-1" });
    service(appStack, { network: ref });
    new PinnedEbsCapacity(appStack, "db", { network: ref, cluster: { name: "main" }, attributes: { role: "db" } });
    // A whole app synth: only then does cdktf turn cross-stack values into remote state outputs.
    app.synth();
    const config = JSON.parse(fs.readFileSync(path.join(app.outdir, "stacks", "app", "cdk.tf.json"), "utf8"));
    const dependsOn = [
      ...Object.values(config.resource.aws_ecs_service),
      ...Object.values(config.resource.aws_autoscaling_group),
    ].flatMap((resource) => (resource as { depends_on: string[] }).depends_on);
    // Terraform refuses a remote state output in depends_on; only this stack's own resources may be there.
    expect(dependsOn.length).toBeGreaterThan(0);
    expect(dependsOn.filter((dependency) => !/^aws_[a-z0-9_]+\.[\w-]+$/.test(dependency))).toEqual([]);
  });
});

describe("ContainerService with a guarded volume", () => {
  const guard: VolumeGuard = {
    containerName: "data-lock",
    volumes: [{ name: "data-lock", hostPath: "/mnt/data/.lock" }],
    containerDefinition: (logConfiguration) => ({
      name: "data-lock",
      image: "busybox",
      essential: true,
      logConfiguration,
    }),
  };
  const guarded = (name: string): TaskVolume => ({
    ...hostVolume,
    volume: { name, hostPath: `/mnt/data/${name}` },
    guard,
  });
  const synthesized = synthConfig((scope) => {
    const db = new Ec2Service(scope, "db", {
      ...serviceBasics(scope),
      container: { name: "postgres", image: "postgres:16" },
    });
    db.addMount(guarded("pgdata"), "/var/lib/postgresql/data");
    db.addMount(guarded("wal"), "/wal");
  });
  const taskDefinition = onlyResource(synthesized, "aws_ecs_task_definition");
  const containers = JSON.parse(taskDefinition.container_definitions);

  it("runs the guard once beside the workload, which waits for it to be healthy", () => {
    expect(containers.map((container: { name: string }) => container.name)).toEqual(["postgres", "data-lock"]);
    expect(containers[0].dependsOn).toEqual([{ containerName: "data-lock", condition: "HEALTHY" }]);
    expect(containers[0]).not.toHaveProperty("startTimeout");
    expect(containers[1].logConfiguration.options["awslogs-stream-prefix"]).toBe("data-lock");
  });

  it("declares the guard's volumes with the mounted ones", () => {
    expect(taskDefinition.volume.map((volume: { name: string }) => volume.name)).toEqual([
      "pgdata",
      "wal",
      "data-lock",
    ]);
  });
});
