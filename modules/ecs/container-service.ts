import { GuardExceptions, applyGuardExceptions } from "../core/guard-exceptions";
import { Fn, Lazy } from "cdktf";
import { Construct } from "constructs";
import { EcsService } from "@cdktf/provider-aws/lib/ecs-service";
import { EcsTaskDefinition, EcsTaskDefinitionVolume } from "@cdktf/provider-aws/lib/ecs-task-definition";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { VpcSecurityGroupEgressRule } from "@cdktf/provider-aws/lib/vpc-security-group-egress-rule";
import { Connectable, Consumer, EgressDestination, Prerequisites, WiringCheck } from "../core/connectable";
import { dependOn } from "../core/dependencies";
import { propError } from "../core/errors";
import { RoleRef } from "../core/iam";
import { scopedName } from "../core/names";
import { withTags } from "../core/tags";
import { expressionOf, isKnown } from "../core/tokens";
import {
  checkDerivedLength,
  checkInteger,
  checkIpv4Cidr,
  checkPattern,
  checkRuleDescription,
  checkSecurityGroupId,
} from "../core/validate";
import { NetworkRef } from "../network/network-ref";
import { validateNetworkRef } from "../network/validate-network-ref";
import { ClusterRef } from "./cluster";
import { LogDestination } from "./container-logs";
import { ContainerVariables } from "./container-variables";
import { checkContainerPath, checkEnvironmentNames, checkSecretReferences, validateContainer } from "./container-spec";
import { TaskRoles } from "./task-roles";
import { TaskVolume, VolumeGuard } from "./task-volume";

/** The one container of the task. */
export interface ContainerSpec {
  /** The container's name, also the log stream prefix: 1 to 255 letters, digits, `_` or `-`. */
  readonly name: string;
  /** The image, pinned to a tag or digest: up to 255 letters, digits and `._:/#@-`. */
  readonly image: string;
  /**
   * The command the container runs.
   * @default - the image's command
   */
  readonly command?: string[];
  /**
   * Plain environment variables (never secrets: they show in the task definition). The one-call
   * connections add theirs, such as the session store's address. A map known only at plan time (a
   * Terraform variable's) works too: Terraform renders the list, and the names added at synth stand over it.
   * @default - none
   */
  readonly environment?: Record<string, string>;
  /**
   * Environment variables read at start from Secrets Manager or SSM Parameter Store, by ARN; a map known
   * only at plan time works too, as for `environment`.
   * @default - none
   */
  readonly secrets?: Record<string, string>;
  /**
   * The user the process runs as: `user`, `uid`, `user:group` or `uid:gid`.
   * @default - the image's user
   */
  readonly user?: string;
  /**
   * Keep the container's root file system read-only, so state can only go to the mounted volumes.
   * @default true
   */
  readonly readonlyRootFilesystem?: boolean;
  /**
   * The TCP port the container listens on, 1 to 65535.
   * @default - none
   */
  readonly port?: number;
  /**
   * A readiness check Docker runs inside the container. ECS counts a task as healthy, and a deployment
   * (or a `StatefulService` ordinal) as steady, only once it passes; a task that keeps failing it is
   * replaced, and a deployment whose tasks never pass it trips the circuit breaker.
   * @default - none: a running container counts as healthy
   */
  readonly healthCheck?: ContainerHealthCheck;
}

/** A container health check, as ECS runs it. */
export interface ContainerHealthCheck {
  /**
   * What to run: `["CMD", "executable", "arg", ...]`, or `["CMD-SHELL", "shell command"]`; exit code 0 is healthy.
   */
  readonly command: string[];
  /**
   * Seconds between two checks, 5 to 300.
   * @default 30
   */
  readonly intervalSeconds?: number;
  /**
   * Seconds a check may take before it counts as failed, 2 to 60.
   * @default 5
   */
  readonly timeoutSeconds?: number;
  /**
   * Failed checks in a row that make the container unhealthy, 1 to 10.
   * @default 3
   */
  readonly retries?: number;
  /**
   * Seconds after start during which failed checks do not count, 0 to 300: time to load data or join a quorum.
   * @default 0
   */
  readonly startPeriodSeconds?: number;
}

/** A load balancer target group the service registers its tasks in (by IP), for example `StickyAlb.target`. */
export interface LoadBalancerTarget {
  /** The target group's ARN. */
  readonly targetGroupArn: string;
  /** The port the target group sends traffic to; the container must listen on it. */
  readonly port: number;
  /**
   * What the service must be created after: the listener that attaches the target group to its load
   * balancer (ECS refuses a target group that no load balancer uses yet), and the rules that let the load
   * balancer reach the tasks (a task that fails its health checks counts against the circuit breaker).
   */
  readonly prerequisites: Prerequisites;
  /**
   * What the registering service lacks (the load balancer may not reach its group), checked at synth.
   * @default - nothing to check
   */
  readonly check?: WiringCheck;
}

/** What every container service takes, whatever runs it. */
export interface ContainerServiceProps {
  /** The cluster to run in: an `EcsCluster`, or `{ name }` of an existing one. */
  readonly cluster: ClusterRef;
  /** Tasks run in the private subnets (`awsvpc` networking, one network interface per task). */
  readonly network: NetworkRef;
  /** The execution and task roles of the tasks. */
  readonly roles: TaskRoles;
  /** Where the containers log. */
  readonly logs: LogDestination;
  /** The container the task runs. */
  readonly container: ContainerSpec;
  /**
   * Number of tasks, 0 to 1000.
   * @default 1
   */
  readonly desiredCount?: number;
  /**
   * The service's name, also the task definition family and the security group's name.
   * @default - `<stack id>-<construct path>`, unique per stack (see `scopedName`)
   */
  readonly name?: string;
  /**
   * Tags for the service, its task definition and its security group.
   * @default - none
   */
  readonly tags?: Record<string, string>;
  /**
   * Deliberate exceptions to the guards that run at synth: rule id -> reason, for example
   * `{ SE007: "read-only copy of a dump" }`. The guards then report the rule's findings on this construct's
   * resources as silenced, with the reason, instead of failing synth.
   * @default - none: every guard applies
   */
  readonly guardExceptions?: GuardExceptions;
}

/** How a deployment replaces tasks, as percentages of the desired count. */
export interface DeploymentSettings {
  /** Tasks that must stay running during a deployment. */
  readonly minimumHealthyPercent: number;
  /** Tasks that may run at once during a deployment. */
  readonly maximumPercent: number;
}

/** What differs between launch types; set by `FargateService` and `Ec2Service`. */
export interface LaunchSettings {
  readonly launchType: "FARGATE" | "EC2";
  /** Task CPU units and memory in MiB. */
  readonly cpu: number;
  readonly memory: number;
  readonly platformVersion?: string;
  readonly deployment: DeploymentSettings;
}

/** An ECS placement constraint, as the service and task definition take it. */
export interface PlacementConstraint {
  readonly type: "memberOf";
  /** A cluster query expression, for example `attribute:role == db-primary`. */
  readonly expression: string;
}

/** A volume mounted into the container. */
interface ServiceMount {
  readonly volume: TaskVolume;
  readonly containerPath: string;
  readonly readOnly: boolean;
}

const HTTPS = 443;
/** ECS allows at most 5 security groups per awsvpc task. */
const MAX_SECURITY_GROUPS = 5;
const NAME = /^[A-Za-z0-9][A-Za-z0-9_-]{0,254}$/;
/** Security group names and descriptions: at most 255 characters. */
const MAX_GROUP_TEXT = 255;
/** ECS allows at most 5 load balancers (target groups) per service. */
const MAX_TARGETS = 5;

/**
 * A service of one container in the private subnets: its own security group (outbound HTTPS for images, logs
 * and AWS APIs; other outbound only through `allowEgressTo`), a task definition with the storage modules'
 * volumes and mount points, separate execution and task roles, `awslogs` logging, and a deployment circuit
 * breaker that rolls back a deployment whose tasks do not start. `FargateService` and `Ec2Service` set the
 * launch type and check what each allows.
 *
 * Stores connect to it with one call each (`storage.mount(service, ...)`, `store.connect(service)`,
 * `alb.route(service)`, `capacity.run(service, ...)`); the `add...` methods below are what those calls use,
 * and escape hatches. Wiring that would only fail at run time (a volume whose grant or rule is missing for
 * this service) fails synth, naming the service and the store.
 */
export abstract class ContainerService extends Construct implements Connectable {
  /** The service's name, also its task definition family. */
  public readonly name: string;
  /** The tasks' security group: HTTPS out, and what connections open. */
  public readonly securityGroup: SecurityGroup;
  /** The `aws_ecs_task_definition` resource. */
  public readonly taskDefinition: EcsTaskDefinition;
  /** The `aws_ecs_service` resource. */
  public readonly service: EcsService;
  /** The port the container listens on, if any. */
  public readonly containerPort?: number;
  protected readonly mounts: ServiceMount[] = [];
  protected readonly placementConstraints: PlacementConstraint[] = [];
  /** How deployments replace tasks: the launch type's default until `useDeployment`. */
  protected deployment: DeploymentSettings;
  private readonly roles: TaskRoles;
  private readonly container: ContainerSpec;
  private readonly logs: LogDestination;
  private readonly environment: ContainerVariables;
  private readonly secrets: ContainerVariables;
  private readonly targets: LoadBalancerTarget[] = [];
  private readonly prerequisites: Prerequisites[] = [];
  private readonly egressRules = new Map<string, VpcSecurityGroupEgressRule>();
  /** Security groups the tasks are in besides their own (`joinSecurityGroup`). */
  private readonly otherSecurityGroupIds: string[] = [];

  protected constructor(scope: Construct, id: string, props: ContainerServiceProps, launch: LaunchSettings) {
    super(scope, id);
    applyGuardExceptions(this, "guardExceptions", props.guardExceptions);
    this.name = props.name ?? scopedName(this);
    this.roles = props.roles;
    this.container = props.container;
    this.logs = props.logs;
    this.containerPort = props.container.port;
    this.environment = new ContainerVariables(this, "environment", "value");
    this.environment.add(props.container.environment);
    this.secrets = new ContainerVariables(this, "secrets", "valueFrom");
    this.secrets.add(props.container.secrets);
    this.deployment = launch.deployment;
    validateNetworkRef(this, props.network, ["private"]);
    checkPattern(this, "name", this.name, NAME, "1 to 255 letters, digits, '_' or '-'");
    validateContainer(this, props.container);
    checkInteger(this, "desiredCount", props.desiredCount, 0, 1000);
    const groupName = `${this.name}-tasks`;
    const groupDescription = `Tasks of the ${this.name} service`;
    checkDerivedLength(this, "name", groupName, "security group name", MAX_GROUP_TEXT);
    checkDerivedLength(this, "name", groupDescription, "security group description", MAX_GROUP_TEXT);
    this.checkLaunch(launch);

    this.securityGroup = new SecurityGroup(this, "security-group", {
      name: groupName,
      description: groupDescription,
      vpcId: props.network.vpcId,
      tags: withTags(props.tags, { Name: `${this.name}-tasks` }),
    });
    this.allowEgressTo({ cidrIpv4: "0.0.0.0/0" }, HTTPS, "HTTPS out: image registries, CloudWatch Logs, AWS APIs");

    this.taskDefinition = new EcsTaskDefinition(this, "task-definition", {
      family: this.name,
      requiresCompatibilities: [launch.launchType],
      networkMode: "awsvpc",
      cpu: String(launch.cpu),
      memory: String(launch.memory),
      executionRoleArn: props.roles.executionRole.arn,
      taskRoleArn: props.roles.taskRole.arn,
      containerDefinitions: "[]",
      tags: props.tags,
    });

    this.service = new EcsService(this, "service", {
      name: this.name,
      cluster: props.cluster.name,
      taskDefinition: this.taskDefinition.arn,
      launchType: launch.launchType,
      platformVersion: launch.platformVersion,
      desiredCount: props.desiredCount ?? 1,
      networkConfiguration: {
        subnets: props.network.privateSubnetIds,
        securityGroups: Lazy.listValue({ produce: () => [this.securityGroup.id, ...this.otherSecurityGroupIds] }),
        ...(launch.launchType === "FARGATE" ? { assignPublicIp: false } : {}),
      },
      deploymentMinimumHealthyPercent: launch.deployment.minimumHealthyPercent,
      deploymentMaximumPercent: launch.deployment.maximumPercent,
      deploymentCircuitBreaker: { enable: true, rollback: true },
      enableEcsManagedTags: true,
      propagateTags: "SERVICE",
      tags: props.tags,
    });
    this.render();
    // The first tasks start only once they can get out (network, own egress rules), reach their load
    // balancer, mount their volumes and use their stores: tasks that fail early trip the circuit breaker,
    // and a first deployment has nothing to roll back to.
    dependOn(
      this.service,
      props.network.dependsOn ?? [],
      () => [...this.egressRules.values()],
      () => this.prerequisites.flatMap((prerequisites) => prerequisites(this.consumer)),
    );
    this.node.addValidation({ validate: () => this.wiringProblems() });
  }

  /** Checks what the launch type allows; runs before anything is created. */
  protected abstract checkLaunch(launch: LaunchSettings): void;

  /** Checks that the launch type can mount `volume`; runs when it is added. */
  protected abstract checkVolume(volume: TaskVolume): void;

  /** Launch-specific wiring problems, checked when the stack is synthesized. */
  protected launchProblems(): string[] {
    return [];
  }

  /** The id of the tasks' security group. */
  get securityGroupId(): string {
    return this.securityGroup.id;
  }

  /** The role the application, and data-plane authorization (EFS, ElastiCache IAM), see. */
  get taskRole(): RoleRef {
    return this.roles.taskRole;
  }

  /** The role ECS uses to start the task: pull the image, write logs, read injected secrets. */
  get executionRole(): RoleRef {
    return this.roles.executionRole;
  }

  /** The service's tasks as the values they consume see them. */
  get consumer(): Consumer {
    return {
      description: `${this.constructor.name} '${this.node.id}'`,
      securityGroupId: this.securityGroup.id,
      taskRoleArn: this.roles.taskRole.arn,
      allowsEgressTo: (securityGroupId, port) =>
        this.egressRules.has(this.egressKey({ securityGroupId }, port)) ||
        this.egressRules.has(this.egressKey({ cidrIpv4: "0.0.0.0/0" }, port)),
    };
  }

  /**
   * Lets the tasks open TCP connections on `port` to a security group or a CIDR block; asking again for
   * the same destination and port changes nothing (AWS refuses a duplicate rule).
   */
  allowEgressTo(destination: EgressDestination, port: number, description: string): void {
    checkInteger(this, "allowEgressTo port", port, 1, 65535);
    checkRuleDescription(this, "allowEgressTo description", description);
    if ("cidrIpv4" in destination) checkIpv4Cidr(this, "allowEgressTo cidrIpv4", destination.cidrIpv4);
    const key = this.egressKey(destination, port);
    if (this.egressRules.has(key)) return;
    const rule = new VpcSecurityGroupEgressRule(this, `egress-${this.egressRules.size}`, {
      securityGroupId: this.securityGroup.id,
      ...("securityGroupId" in destination
        ? { referencedSecurityGroupId: destination.securityGroupId }
        : { cidrIpv4: destination.cidrIpv4 }),
      ipProtocol: "tcp",
      fromPort: port,
      toPort: port,
      description,
    });
    this.egressRules.set(key, rule);
  }

  /**
   * Mounts a storage module's volume at `containerPath`. Low level: `storage.mount()` and `capacity.run()`
   * also make the grants and rules the mount needs; on its own, synth fails until they exist.
   */
  addMount(volume: TaskVolume, containerPath: string, options: { readonly readOnly?: boolean } = {}): void {
    checkContainerPath(this, "containerPath", containerPath);
    this.checkVolume(volume);
    const taken = this.mounts.find((mount) => isKnown(containerPath) && mount.containerPath === containerPath);
    if (taken) {
      throw propError(
        this,
        `containerPath '${containerPath}' already mounts volume '${taken.volume.volume.name}'; mount '${volume.volume.name}' elsewhere`,
      );
    }
    this.mounts.push({ volume, containerPath, readOnly: options.readOnly === true });
    this.prerequisites.push(volume.prerequisites);
    this.render();
  }

  /** Adds plain environment variables; a name already set to another value is an error. */
  addEnvironment(variables: Record<string, string>): void {
    checkEnvironmentNames(this, "environment", variables);
    this.environment.add(variables);
    this.render();
  }

  /** Adds environment variables read at start from Secrets Manager or SSM Parameter Store ARNs. */
  addSecrets(secrets: Record<string, string>): void {
    checkSecretReferences(this, "secrets", secrets);
    this.secrets.add(secrets);
    this.render();
  }

  /** Registers the tasks in a load balancer target group, on the container's port. Low level: use `alb.route()`. */
  addLoadBalancerTarget(target: LoadBalancerTarget): void {
    const port = this.containerPort;
    if (port === undefined) {
      throw propError(
        this,
        "container.port is not set: a load balancer target needs the port the container listens on",
      );
    }
    if (isKnown(port) && isKnown(target.port) && port !== target.port) {
      throw propError(
        this,
        `container.port ${port} is not the target group's port ${target.port}: the load balancer would send traffic and health checks to a port nothing listens on`,
      );
    }
    if (this.targets.length >= MAX_TARGETS) {
      throw propError(this, `has ${MAX_TARGETS} load balancer targets already; ECS allows at most ${MAX_TARGETS}`);
    }
    this.targets.push(target);
    this.prerequisites.push(target.prerequisites);
    this.render();
  }

  /** Makes the service wait, before its first task, for what `prerequisites` give its tasks. */
  waitFor(prerequisites: Prerequisites): void {
    this.prerequisites.push(prerequisites);
  }

  /**
   * How deployments replace tasks: minimum 0 to 100 %, maximum 100 to 200 %. Minimum 0 % and maximum
   * 100 % stop the old task before the new one starts: never two tasks of one identity or volume at once.
   */
  useDeployment(deployment: DeploymentSettings): void {
    checkInteger(this, "deployment.minimumHealthyPercent", deployment.minimumHealthyPercent, 0, 100);
    checkInteger(this, "deployment.maximumPercent", deployment.maximumPercent, 100, 200);
    this.deployment = deployment;
    this.service.deploymentMinimumHealthyPercent = deployment.minimumHealthyPercent;
    this.service.deploymentMaximumPercent = deployment.maximumPercent;
  }

  /**
   * Puts the tasks in another security group besides their own, such as one whose members may reach each
   * other (ECS allows 5 groups per task). Joining the same group twice changes nothing.
   */
  joinSecurityGroup(securityGroupId: string): void {
    checkSecurityGroupId(this, "joinSecurityGroup securityGroupId", securityGroupId);
    const joined = (id: string) => expressionOf(this, id) === expressionOf(this, securityGroupId);
    if (joined(this.securityGroup.id) || this.otherSecurityGroupIds.some(joined)) return;
    if (this.otherSecurityGroupIds.length + 1 >= MAX_SECURITY_GROUPS) {
      throw propError(
        this,
        `is in ${MAX_SECURITY_GROUPS} security groups already; ECS allows at most ${MAX_SECURITY_GROUPS} per task`,
      );
    }
    this.otherSecurityGroupIds.push(securityGroupId);
  }

  /** Writes what the add methods gathered into the task definition and the service. */
  protected render(): void {
    const guards = uniqueGuards(this.mounts);
    const { container } = this;
    const definition = {
      name: container.name,
      image: container.image,
      essential: true,
      command: container.command,
      user: container.user,
      readonlyRootFilesystem: container.readonlyRootFilesystem ?? true,
      portMappings: container.port === undefined ? [] : [{ containerPort: container.port, protocol: "tcp" }],
      environment: this.environment.entries(),
      secrets: this.secrets.entries(),
      mountPoints: this.mounts.map((mount) =>
        mount.volume.mountPoint(mount.containerPath, { readOnly: mount.readOnly }),
      ),
      ...(container.healthCheck ? { healthCheck: ecsHealthCheck(container.healthCheck) } : {}),
      logConfiguration: this.logs.logConfiguration(container.name),
      // The workload starts only once every guard of its volumes is healthy (holds its lock).
      ...(guards.length > 0
        ? { dependsOn: guards.map((guard) => ({ containerName: guard.containerName, condition: "HEALTHY" })) }
        : {}),
    };
    const guardDefinitions = guards.map((guard) =>
      guard.containerDefinition(this.logs.logConfiguration(guard.containerName)),
    );
    const definitions = [definition, ...guardDefinitions];
    // Variables known only at plan time (a Terraform variable's map) leave the list to Terraform to render.
    this.taskDefinition.containerDefinitions =
      this.environment.allKnown && this.secrets.allKnown ? JSON.stringify(definitions) : Fn.jsonencode(definitions);
    this.taskDefinition.putVolume(
      this.uniqueVolumes([...this.mounts.map((mount) => mount.volume.volume), ...guards.flatMap((g) => g.volumes)]),
    );
    if (this.placementConstraints.length > 0) {
      this.taskDefinition.putPlacementConstraints(this.placementConstraints);
    }
    if (this.targets.length > 0) {
      this.service.putLoadBalancer(
        this.targets.map((target) => ({
          targetGroupArn: target.targetGroupArn,
          containerName: container.name,
          containerPort: target.port,
        })),
      );
      this.service.healthCheckGracePeriodSeconds = 60;
    }
  }

  private wiringProblems(): string[] {
    const consumer = this.consumer;
    const checks = [...this.mounts.map((mount) => mount.volume.check), ...this.targets.map((target) => target.check)];
    return [...checks.flatMap((check) => check?.(consumer) ?? []), ...this.launchProblems()];
  }

  private egressKey(destination: EgressDestination, port: number): string {
    const to = "securityGroupId" in destination ? destination.securityGroupId : destination.cidrIpv4;
    return `${expressionOf(this, to)}|${port}`;
  }

  /** Each volume once, even when mounted at several paths; two different volumes of one name are an error. */
  private uniqueVolumes(volumes: EcsTaskDefinitionVolume[]): EcsTaskDefinitionVolume[] {
    const byName = new Map<string, EcsTaskDefinitionVolume>();
    for (const volume of volumes) {
      const known = byName.get(volume.name);
      if (known && JSON.stringify(expressionOf(this, known)) !== JSON.stringify(expressionOf(this, volume))) {
        throw propError(this, `mounts use two different volumes named '${volume.name}'; give one of them another name`);
      }
      byName.set(volume.name, volume);
    }
    return [...byName.values()];
  }
}

/** A health check in ECS's container definition shape, every default written out. */
function ecsHealthCheck(check: ContainerHealthCheck) {
  return {
    command: check.command,
    interval: check.intervalSeconds ?? 30,
    timeout: check.timeoutSeconds ?? 5,
    retries: check.retries ?? 3,
    startPeriod: check.startPeriodSeconds ?? 0,
  };
}

/** The guards of the mounted volumes, each once: volumes that share a lock share its guard. */
function uniqueGuards(mounts: ServiceMount[]): VolumeGuard[] {
  const byName = new Map<string, VolumeGuard>();
  for (const { volume } of mounts) if (volume.guard) byName.set(volume.guard.containerName, volume.guard);
  return [...byName.values()];
}
