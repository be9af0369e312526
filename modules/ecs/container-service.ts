import { Construct } from "constructs";
import { EcsService } from "@cdktf/provider-aws/lib/ecs-service";
import { EcsTaskDefinition, EcsTaskDefinitionVolume } from "@cdktf/provider-aws/lib/ecs-task-definition";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { VpcSecurityGroupEgressRule } from "@cdktf/provider-aws/lib/vpc-security-group-egress-rule";
import {
  Prerequisites,
  checkDerivedLength,
  checkInteger,
  checkIpv4Cidr,
  checkPattern,
  checkRuleDescription,
  dependOn,
  propError,
  withTags,
} from "../core";
import { NetworkRef, validateNetworkRef } from "../network";
import { ContainerLogs } from "./container-logs";
import { TaskRoles } from "./task-roles";
import { TaskVolume, VolumeGuard } from "./task-volume";

/** The one container of the task. */
export interface ContainerSpec {
  /** The container's name, also the log stream prefix. */
  readonly name: string;
  /** The image, pinned to a tag or digest. */
  readonly image: string;
  /**
   * @default - the image's command
   */
  readonly command?: string[];
  /**
   * Plain environment variables (never secrets: they show in the task definition).
   * @default - none
   */
  readonly environment?: Record<string, string>;
  /**
   * Environment variables read from Secrets Manager or SSM Parameter Store at start, by ARN.
   * @default - none
   */
  readonly secrets?: Record<string, string>;
  /**
   * The user (`uid` or `uid:gid`) the process runs as.
   * @default - the image's user
   */
  readonly user?: string;
  /**
   * Keep the container's root file system read-only, so state can only go to the mounted volumes.
   * @default true
   */
  readonly readonlyRootFilesystem?: boolean;
  /**
   * The TCP port the container listens on.
   * @default - none
   */
  readonly port?: number;
}

/** A volume mounted into the container. */
export interface ServiceMount {
  readonly volume: TaskVolume;
  readonly containerPath: string;
  /** @default false */
  readonly readOnly?: boolean;
}

/** A load balancer target group the service registers its tasks in (by IP), for example `StickyAlb.target`. */
export interface LoadBalancerTarget {
  readonly targetGroupArn: string;
  /**
   * What the service must be created after: the listener that attaches the target group to its load
   * balancer (ECS refuses a target group that no load balancer uses yet), and the rules that let the load
   * balancer reach the tasks (a task that fails its health checks counts against the circuit breaker).
   */
  readonly prerequisites: Prerequisites;
}

/** What every container service takes, whatever runs it. */
export interface ContainerServiceProps {
  /** The cluster to run in. */
  readonly clusterArn: string;
  /** Tasks run in the private subnets (`awsvpc` networking, one network interface per task). */
  readonly network: NetworkRef;
  readonly roles: TaskRoles;
  readonly logs: ContainerLogs;
  readonly container: ContainerSpec;
  /**
   * Volumes from the storage modules, with where the container mounts them.
   * @default - none
   */
  readonly mounts?: ServiceMount[];
  /**
   * Registers the tasks' `container.port` in a load balancer's target group.
   * @default - no load balancer
   */
  readonly loadBalancer?: LoadBalancerTarget;
  /**
   * Number of tasks, 0 to 1000.
   * @default 1
   */
  readonly desiredCount?: number;
  /**
   * The service's name, also the task definition family and the security group's name.
   * @default - the construct id
   */
  readonly name?: string;
  /** @default - none */
  readonly tags?: Record<string, string>;
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
  readonly placementConstraints?: PlacementConstraint[];
  readonly deployment: DeploymentSettings;
}

/** An ECS placement constraint, as the service and task definition take it. */
export interface PlacementConstraint {
  readonly type: "memberOf";
  /** A cluster query expression, for example `attribute:role == db-primary`. */
  readonly expression: string;
}

const HTTPS = 443;
const NAME = /^[A-Za-z0-9][A-Za-z0-9_-]{0,254}$/;
/** Security group names and descriptions: at most 255 characters. */
const MAX_GROUP_TEXT = 255;

/**
 * A service of one container in the private subnets: its own security group (outbound HTTPS for images, logs
 * and AWS APIs; other outbound only through `allowEgressTo`), a task definition with the storage modules'
 * volumes and mount points, separate execution and task roles, `awslogs` logging, and a deployment circuit
 * breaker that rolls back a deployment whose tasks do not start. `FargateService` and `Ec2Service` set the
 * launch type and check what each allows.
 */
export abstract class ContainerService extends Construct {
  public readonly name: string;
  public readonly securityGroup: SecurityGroup;
  public readonly taskDefinition: EcsTaskDefinition;
  public readonly service: EcsService;
  private readonly egressRules: VpcSecurityGroupEgressRule[] = [];

  protected constructor(scope: Construct, id: string, props: ContainerServiceProps, launch: LaunchSettings) {
    super(scope, id);
    this.name = props.name ?? id;
    const mounts = props.mounts ?? [];
    validateNetworkRef(this, props.network, ["private"]);
    checkPattern(this, "name", this.name, NAME, "1 to 255 letters, digits, '_' or '-'");
    checkPattern(this, "container.name", props.container.name, NAME, "1 to 255 letters, digits, '_' or '-'");
    checkInteger(this, "desiredCount", props.desiredCount, 0, 1000);
    mounts.forEach((mount, index) =>
      checkPattern(this, `mounts[${index}].containerPath`, mount.containerPath, /^\/\S*$/, "an absolute path"),
    );
    if (props.loadBalancer && props.container.port === undefined) {
      throw propError(this, "loadBalancer needs container.port: the port the target group sends traffic to");
    }
    const groupName = `${this.name}-tasks`;
    const groupDescription = `Tasks of the ${this.name} service`;
    checkDerivedLength(this, "name", groupName, "security group name", MAX_GROUP_TEXT);
    checkDerivedLength(this, "name", groupDescription, "security group description", MAX_GROUP_TEXT);
    this.checkLaunch(props, launch);

    this.securityGroup = new SecurityGroup(this, "security-group", {
      name: groupName,
      description: groupDescription,
      vpcId: props.network.vpcId,
      tags: withTags(props.tags, { Name: `${this.name}-tasks` }),
    });
    this.allowEgressTo({ cidrIpv4: "0.0.0.0/0" }, HTTPS, "HTTPS out: image registries, CloudWatch Logs, AWS APIs");

    const { container } = props;
    const guards = uniqueGuards(mounts);
    const containerDefinition = {
      name: container.name,
      image: container.image,
      essential: true,
      command: container.command,
      user: container.user,
      readonlyRootFilesystem: container.readonlyRootFilesystem ?? true,
      portMappings: container.port === undefined ? [] : [{ containerPort: container.port, protocol: "tcp" }],
      environment: Object.entries(container.environment ?? {}).map(([name, value]) => ({ name, value })),
      secrets: Object.entries(container.secrets ?? {}).map(([name, valueFrom]) => ({ name, valueFrom })),
      mountPoints: mounts.map((mount) => mount.volume.mountPoint(mount.containerPath, { readOnly: mount.readOnly })),
      logConfiguration: props.logs.logConfiguration(container.name),
      ...(guards.length > 0
        ? {
            // The workload starts only once every guard of its volumes is healthy (holds its lock).
            dependsOn: guards.map((guard) => ({ containerName: guard.containerName, condition: "HEALTHY" })),
          }
        : {}),
    };
    const guardDefinitions = guards.map((guard) =>
      guard.containerDefinition(props.logs.logConfiguration(guard.containerName)),
    );
    this.taskDefinition = new EcsTaskDefinition(this, "task-definition", {
      family: this.name,
      requiresCompatibilities: [launch.launchType],
      networkMode: "awsvpc",
      cpu: String(launch.cpu),
      memory: String(launch.memory),
      executionRoleArn: props.roles.executionRole.arn,
      taskRoleArn: props.roles.taskRole.arn,
      containerDefinitions: JSON.stringify([containerDefinition, ...guardDefinitions]),
      volume: this.uniqueVolumes([...mounts.map((mount) => mount.volume.volume), ...guards.flatMap((g) => g.volumes)]),
      placementConstraints: launch.placementConstraints,
      tags: props.tags,
    });

    this.service = new EcsService(this, "service", {
      name: this.name,
      cluster: props.clusterArn,
      taskDefinition: this.taskDefinition.arn,
      launchType: launch.launchType,
      platformVersion: launch.platformVersion,
      desiredCount: props.desiredCount ?? 1,
      networkConfiguration: {
        subnets: props.network.privateSubnetIds,
        securityGroups: [this.securityGroup.id],
        ...(launch.launchType === "FARGATE" ? { assignPublicIp: false } : {}),
      },
      deploymentMinimumHealthyPercent: launch.deployment.minimumHealthyPercent,
      deploymentMaximumPercent: launch.deployment.maximumPercent,
      deploymentCircuitBreaker: { enable: true, rollback: true },
      ...(props.loadBalancer
        ? {
            loadBalancer: [
              {
                targetGroupArn: props.loadBalancer.targetGroupArn,
                containerName: container.name,
                containerPort: container.port as number,
              },
            ],
            healthCheckGracePeriodSeconds: 60,
          }
        : {}),
      enableEcsManagedTags: true,
      propagateTags: "SERVICE",
      tags: props.tags,
    });
    const consumer = { securityGroupId: this.securityGroup.id, taskRoleArn: props.roles.taskRole.arn };
    // The first tasks start only once they can get out (network, own egress rules), reach their load
    // balancer and mount their volumes: tasks that fail early trip the circuit breaker, and a first
    // deployment has nothing to roll back to.
    dependOn(
      this.service,
      props.network.dependsOn ?? [],
      () => this.egressRules,
      () => props.loadBalancer?.prerequisites(consumer) ?? [],
      ...mounts.map((mount) => () => mount.volume.prerequisites(consumer)),
    );
  }

  /** Checks what the launch type allows; runs before anything is created. */
  protected abstract checkLaunch(props: ContainerServiceProps, launch: LaunchSettings): void;

  /** The id of the tasks' security group, for storage modules' `allowFrom()`. */
  get securityGroupId(): string {
    return this.securityGroup.id;
  }

  /** Lets the tasks open TCP connections on `port` to a security group (a storage's) or a CIDR block. */
  allowEgressTo(
    destination: { readonly securityGroupId: string } | { readonly cidrIpv4: string },
    port: number,
    description: string,
  ): void {
    checkInteger(this, "allowEgressTo port", port, 1, 65535);
    checkRuleDescription(this, "allowEgressTo description", description);
    if ("cidrIpv4" in destination) checkIpv4Cidr(this, "allowEgressTo cidrIpv4", destination.cidrIpv4);
    const rule = new VpcSecurityGroupEgressRule(this, `egress-${this.egressRules.length}`, {
      securityGroupId: this.securityGroup.id,
      ...("securityGroupId" in destination
        ? { referencedSecurityGroupId: destination.securityGroupId }
        : { cidrIpv4: destination.cidrIpv4 }),
      ipProtocol: "tcp",
      fromPort: port,
      toPort: port,
      description,
    });
    this.egressRules.push(rule);
  }

  /** Each volume once, even when mounted at several paths; two different volumes of one name are an error. */
  private uniqueVolumes(volumes: EcsTaskDefinitionVolume[]): EcsTaskDefinitionVolume[] {
    const byName = new Map<string, EcsTaskDefinitionVolume>();
    for (const volume of volumes) {
      const known = byName.get(volume.name);
      if (known && JSON.stringify(known) !== JSON.stringify(volume)) {
        throw propError(this, `mounts use two different volumes named '${volume.name}'; give one of them another name`);
      }
      byName.set(volume.name, volume);
    }
    return [...byName.values()];
  }
}

/** The guards of the mounted volumes, each once: volumes that share a lock share its guard. */
function uniqueGuards(mounts: ServiceMount[]): VolumeGuard[] {
  const byName = new Map<string, VolumeGuard>();
  for (const { volume } of mounts) if (volume.guard) byName.set(volume.guard.containerName, volume.guard);
  return [...byName.values()];
}
