import { TerraformVariable, Testing, Token } from "cdktf";
import { Construct } from "constructs";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import {
  ContainerHealthCheck,
  ContainerLogs,
  DeploymentSettings,
  Ec2Service,
  FargateService,
  FargateServiceProps,
} from "../../modules/ecs";
import {
  SynthesizedConfig,
  existingNetwork,
  resources,
  serviceBasics,
  synthConfig,
  testStack,
} from "../support/fixtures";

/**
 * What every ContainerService gained: a container health check, `useDeployment` (Fargate too),
 * `joinSecurityGroup`, and environment variables and secrets from maps known only at plan time.
 */

const image = "public.ecr.aws/docker/library/busybox:1.36";

function fargate(scope: Construct, id = "web", props: Partial<FargateServiceProps> = {}): FargateService {
  return new FargateService(scope, id, {
    ...serviceBasics(scope, id === "web" ? undefined : id),
    container: { name: id, image },
    ...props,
  });
}

const withHealthCheck = (healthCheck: ContainerHealthCheck): Partial<FargateServiceProps> => ({
  container: { name: "web", image, healthCheck },
});

/** The container definitions of the task definition whose family ends with `-<id>`, parsed. */
function containersOf(synthesized: SynthesizedConfig, id: string): Array<Record<string, unknown>> {
  const taskDefinition = resources(synthesized, "aws_ecs_task_definition").find(
    (candidate) => candidate.family === `test-${id}`,
  );
  if (!taskDefinition) throw new Error(`no task definition of family test-${id}`);
  return JSON.parse(taskDefinition.container_definitions);
}

/** The ECS service named `test-<id>`. */
function serviceOf(synthesized: SynthesizedConfig, id: string): Record<string, any> {
  const found = resources(synthesized, "aws_ecs_service").find((candidate) => candidate.name === `test-${id}`);
  if (!found) throw new Error(`no ECS service named test-${id}`);
  return found;
}

describe("ContainerSpec.healthCheck", () => {
  let synthesized: SynthesizedConfig;
  beforeAll(() => {
    synthesized = synthConfig((scope) => {
      fargate(scope, "defaults", {
        container: {
          name: "defaults",
          image,
          healthCheck: { command: ["CMD-SHELL", "curl -f http://localhost/ || exit 1"] },
        },
      });
      fargate(scope, "given", {
        container: {
          name: "given",
          image,
          healthCheck: {
            command: ["CMD", "/bin/check", "--ready"],
            intervalSeconds: 10,
            timeoutSeconds: 7,
            retries: 5,
            startPeriodSeconds: 120,
          },
        },
      });
      fargate(scope, "unchecked");
      new Ec2Service(scope, "db", {
        ...serviceBasics(scope, "db"),
        container: { name: "db", image, healthCheck: { command: ["CMD", "pg_isready"], retries: 10 } },
      });
    });
  });

  it("writes ECS's defaults out: every 30 s, 5 s timeout, 3 retries, no start period", () => {
    expect(containersOf(synthesized, "defaults")[0].healthCheck).toEqual({
      command: ["CMD-SHELL", "curl -f http://localhost/ || exit 1"],
      interval: 30,
      timeout: 5,
      retries: 3,
      startPeriod: 0,
    });
  });

  it("renders the given interval, timeout, retries and start period", () => {
    expect(containersOf(synthesized, "given")[0].healthCheck).toEqual({
      command: ["CMD", "/bin/check", "--ready"],
      interval: 10,
      timeout: 7,
      retries: 5,
      startPeriod: 120,
    });
  });

  it("renders it for an Ec2Service too", () => {
    expect(containersOf(synthesized, "db")[0].healthCheck).toEqual({
      command: ["CMD", "pg_isready"],
      interval: 30,
      timeout: 5,
      retries: 10,
      startPeriod: 0,
    });
  });

  it("leaves healthCheck out of a container that sets none", () => {
    const [container] = containersOf(synthesized, "unchecked");
    expect(container.name).toBe("unchecked");
    expect(container).not.toHaveProperty("healthCheck");
  });
});

describe("ContainerSpec.healthCheck validation", () => {
  const shell = ["CMD-SHELL", "true"];
  it.each<[string, ContainerHealthCheck, string]>([
    [
      "a command that does not start with CMD or CMD-SHELL",
      { command: ["curl", "-f", "http://localhost/"] },
      `container.healthCheck.command ["curl","-f","http://localhost/"] must be 'CMD' or 'CMD-SHELL' followed by what to run`,
    ],
    [
      "a command of one element",
      { command: ["CMD-SHELL"] },
      `container.healthCheck.command ["CMD-SHELL"] must be 'CMD' or 'CMD-SHELL' followed by what to run`,
    ],
    [
      "an interval of 4 s",
      { command: shell, intervalSeconds: 4 },
      "container.healthCheck.intervalSeconds 4 is not a whole number from 5 to 300",
    ],
    [
      "an interval of 301 s",
      { command: shell, intervalSeconds: 301 },
      "container.healthCheck.intervalSeconds 301 is not a whole number from 5 to 300",
    ],
    [
      "a timeout of 1 s",
      { command: shell, timeoutSeconds: 1 },
      "container.healthCheck.timeoutSeconds 1 is not a whole number from 2 to 60",
    ],
    [
      "a timeout of 61 s",
      { command: shell, timeoutSeconds: 61 },
      "container.healthCheck.timeoutSeconds 61 is not a whole number from 2 to 60",
    ],
    ["0 retries", { command: shell, retries: 0 }, "container.healthCheck.retries 0 is not a whole number from 1 to 10"],
    [
      "11 retries",
      { command: shell, retries: 11 },
      "container.healthCheck.retries 11 is not a whole number from 1 to 10",
    ],
    [
      "a start period of -1 s",
      { command: shell, startPeriodSeconds: -1 },
      "container.healthCheck.startPeriodSeconds -1 is not a whole number from 0 to 300",
    ],
    [
      "a start period of 301 s",
      { command: shell, startPeriodSeconds: 301 },
      "container.healthCheck.startPeriodSeconds 301 is not a whole number from 0 to 300",
    ],
  ])("rejects %s", (_case, healthCheck, message) => {
    expect(() => fargate(testStack(), "web", withHealthCheck(healthCheck))).toThrow(`FargateService 'web': ${message}`);
  });

  it("takes the limits themselves", () => {
    const lowest = {
      command: ["CMD", "true"],
      intervalSeconds: 5,
      timeoutSeconds: 2,
      retries: 1,
      startPeriodSeconds: 0,
    };
    const highest = { command: shell, intervalSeconds: 300, timeoutSeconds: 60, retries: 10, startPeriodSeconds: 300 };
    expect(() => fargate(testStack(), "web", withHealthCheck(lowest))).not.toThrow();
    expect(() => fargate(testStack(), "web", withHealthCheck(highest))).not.toThrow();
  });
});

describe("FargateService.useDeployment", () => {
  let synthesized: SynthesizedConfig;
  beforeAll(() => {
    synthesized = synthConfig((scope) => {
      fargate(scope, "web").useDeployment({ minimumHealthyPercent: 0, maximumPercent: 100 });
      fargate(scope, "rolling").useDeployment({ minimumHealthyPercent: 50, maximumPercent: 150 });
      fargate(scope, "unchanged");
    });
  });

  it("sets the deployment percentages of the service", () => {
    expect(serviceOf(synthesized, "web")).toMatchObject({
      deployment_minimum_healthy_percent: 0,
      deployment_maximum_percent: 100,
    });
    expect(serviceOf(synthesized, "rolling")).toMatchObject({
      deployment_minimum_healthy_percent: 50,
      deployment_maximum_percent: 150,
    });
  });

  it("keeps Fargate's 100 % / 200 % when not called", () => {
    expect(serviceOf(synthesized, "unchanged")).toMatchObject({
      deployment_minimum_healthy_percent: 100,
      deployment_maximum_percent: 200,
    });
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
    [
      { minimumHealthyPercent: 100, maximumPercent: 201 },
      "deployment.maximumPercent 201 is not a whole number from 100 to 200",
    ],
  ])("refuses the deployment %j", (deployment, message) => {
    expect(() => fargate(testStack()).useDeployment(deployment)).toThrow(`FargateService 'web': ${message}`);
  });
});

describe("ContainerService.joinSecurityGroup", () => {
  const ownGroup = /^\$\{aws_security_group\.web_security-group_\w+\.id\}$/;
  let synthesized: SynthesizedConfig;
  beforeAll(() => {
    synthesized = synthConfig((scope) => {
      const web = fargate(scope, "web");
      const peers = new SecurityGroup(scope, "peers", { name: "peers", vpcId: existingNetwork.vpcId });
      web.joinSecurityGroup(peers.id);
      web.joinSecurityGroup("sg-0123456789abcdef0");
      web.joinSecurityGroup(peers.id);
      web.joinSecurityGroup("sg-0123456789abcdef0");
      web.joinSecurityGroup(web.securityGroupId);
      web.joinSecurityGroup(web.securityGroup.id);
      fargate(scope, "alone");
    });
  });

  it("lists the service's own group first, then the joined ones, each once", () => {
    expect(serviceOf(synthesized, "web").network_configuration.security_groups).toEqual([
      expect.stringMatching(ownGroup),
      "${aws_security_group.peers.id}",
      "sg-0123456789abcdef0",
    ]);
  });

  it("leaves a service that joins nothing in its own group only", () => {
    expect(serviceOf(synthesized, "alone").network_configuration.security_groups).toEqual([
      expect.stringMatching(/^\$\{aws_security_group\.alone_security-group_\w+\.id\}$/),
    ]);
  });

  it("takes 4 groups besides its own (5 in all), and refuses a 5th, naming the limit", () => {
    const stack = testStack();
    const web = fargate(stack);
    const joined = ["sg-01", "sg-02", "sg-03", "sg-04"];
    for (const id of joined) web.joinSecurityGroup(id);
    expect(() => web.joinSecurityGroup("sg-05")).toThrow(
      "FargateService 'web': is in 5 security groups already; ECS allows at most 5 per task",
    );
    // Joining one it is in already is still no change, so no error.
    expect(() => web.joinSecurityGroup("sg-02")).not.toThrow();
    const [ecsService] = resources({ config: JSON.parse(Testing.synth(stack, true)) }, "aws_ecs_service");
    expect(ecsService.network_configuration.security_groups).toEqual([expect.stringMatching(ownGroup), ...joined]);
  });

  it("refuses an id that is not a security group id", () => {
    expect(() => fargate(testStack()).joinSecurityGroup("vpc-123")).toThrow(
      "FargateService 'web': joinSecurityGroup securityGroupId 'vpc-123' is not a security group id such as 'sg-0123abcd'",
    );
  });
});

describe("ContainerSpec variables known only at plan time", () => {
  let synthesized: SynthesizedConfig;
  beforeAll(() => {
    synthesized = synthConfig((scope) => {
      const variable = (name: string) => new TerraformVariable(scope, name, { type: "map(string)" }).value;
      const service = fargate(scope, "web", {
        container: {
          name: "web",
          image,
          environment: Token.asStringMap(variable("environment")),
          secrets: Token.asStringMap(variable("secrets")),
        },
      });
      service.addEnvironment({ STORE_ADDRESS: "cache.internal" });
      fargate(scope, "plain", { container: { name: "plain", image, environment: { MODE: "batch" } } });
    });
  });
  const definitionsOf = (family: string) =>
    resources(synthesized, "aws_ecs_task_definition").find((definition) => definition.family.endsWith(family))!
      .container_definitions as string;

  it("leaves the lists to Terraform: each a for over the merged maps, the known names last so they stand", () => {
    const definitions = definitionsOf("-web");
    expect(definitions).toMatch(/^\$\{jsonencode\(\[\{"name" = "web"/);
    expect(definitions).toContain(
      '"environment" = [ for key, val in merge(var.environment, {"STORE_ADDRESS" = "cache.internal"}): { name = key, value = val }]',
    );
    expect(definitions).toContain(
      '"secrets" = [ for key, val in merge(var.secrets, {}): { name = key, valueFrom = val }]',
    );
  });

  it("keeps plain JSON when every variable is known at synth", () => {
    expect(JSON.parse(definitionsOf("-plain"))[0].environment).toEqual([{ name: "MODE", value: "batch" }]);
  });
});

describe("ContainerLogs.named: a log group made elsewhere", () => {
  it("sends the container's output there, in the stack's region, and creates no log group", () => {
    const synthesized = synthConfig((scope) => {
      new FargateService(scope, "web", {
        ...serviceBasics(scope),
        logs: ContainerLogs.named(scope, "/shared/web"),
        container: { name: "web", image },
      });
    });
    const [container] = containersOf(synthesized, "web");
    expect(container.logConfiguration).toEqual({
      logDriver: "awslogs",
      options: {
        "awslogs-group": "/shared/web",
        "awslogs-region": expect.stringMatching(/^\$\{data\.aws_region\.\S+\.name\}$/),
        "awslogs-stream-prefix": "web",
      },
    });
    expect(resources(synthesized, "aws_cloudwatch_log_group").map((group) => group.name)).not.toContain("/shared/web");
  });

  it("refuses a name CloudWatch would not take", () => {
    const stack = testStack();
    expect(() => ContainerLogs.named(stack, "my logs")).toThrow(
      "TerraformStack 'test': logGroupName 'my logs' is not a log group name: 1 to 512 letters, digits and _-/.#",
    );
  });
});
