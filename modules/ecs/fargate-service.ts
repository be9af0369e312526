import { Construct } from "constructs";
import { EcsService } from "@cdktf/provider-aws/lib/ecs-service";
import { EcsTaskDefinition, EcsTaskDefinitionVolume } from "@cdktf/provider-aws/lib/ecs-task-definition";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { VpcSecurityGroupEgressRule } from "@cdktf/provider-aws/lib/vpc-security-group-egress-rule";
import { checkInteger, checkOneOf, checkPattern, isKnown, propError, withTags } from "../core";
import { NetworkRef, validateNetworkRef } from "../network";
import { ContainerLogs } from "./container-logs";
import { TaskRoles } from "./task-roles";
import { TaskVolume } from "./task-volume";

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
}

/** A volume mounted into the container. */
export interface ServiceMount {
  readonly volume: TaskVolume;
  readonly containerPath: string;
  /** @default false */
  readonly readOnly?: boolean;
}

export interface FargateServiceProps {
  /** The cluster to run in. */
  readonly clusterArn: string;
  /** Tasks run in the private subnets, without public IPs. */
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
   * Task CPU units: 256, 512, 1024, 2048, 4096, 8192 or 16384.
   * @default 256
   */
  readonly cpu?: number;
  /**
   * Task memory in MiB, a size Fargate offers for `cpu` (for 512 CPU: 1024 to 4096 in steps of 1024).
   * @default 512
   */
  readonly memory?: number;
  /**
   * Number of tasks, 0 to 1000.
   * @default 1
   */
  readonly desiredCount?: number;
  /**
   * Fargate platform version: `1.4.0` (the first with EFS volumes) or `LATEST`.
   * @default "1.4.0"
   */
  readonly platformVersion?: "1.4.0" | "LATEST";
  /**
   * The service's name, also the task definition family and the security group's name.
   * @default - the construct id
   */
  readonly name?: string;
  /** @default - none */
  readonly tags?: Record<string, string>;
}

/** Fargate's CPU units and the memory sizes (MiB) each allows: [cpu, min, max, step]. */
const FARGATE_SIZES: ReadonlyArray<readonly [number, number, number, number]> = [
  [256, 512, 2048, 512],
  [512, 1024, 4096, 1024],
  [1024, 2048, 8192, 1024],
  [2048, 4096, 16384, 1024],
  [4096, 8192, 30720, 1024],
  [8192, 16384, 61440, 4096],
  [16384, 32768, 122880, 8192],
];

/** Why Fargate does not offer `memory` MiB with `cpu` units, or undefined if it does. */
export function fargateSizeProblem(cpu: number, memory: number): string | undefined {
  const size = FARGATE_SIZES.find(([units]) => units === cpu);
  if (!size) return `cpu ${cpu} is not one of: ${FARGATE_SIZES.map(([units]) => units).join(", ")}`;
  const [, min, max, step] = size;
  // 256 CPU units is the odd one out: 512, 1024 or 2048 MiB, not 1536.
  const allowed = cpu === 256 ? [512, 1024, 2048].includes(memory) : (memory - min) % step === 0;
  if (memory >= min && memory <= max && allowed) return undefined;
  const sizes = cpu === 256 ? "512, 1024 or 2048 MiB" : `${min} to ${max} MiB in steps of ${step}`;
  return `memory ${memory} is not offered with cpu ${cpu}; allowed: ${sizes}`;
}

const HTTPS = 443;

/**
 * A Fargate service of one container in the private subnets: its own security group (outbound HTTPS for
 * images, logs and AWS APIs; other outbound only through `allowEgressTo`), a task definition with the
 * storage modules' volumes and mount points, separate execution and task roles, `awslogs` logging, and a
 * deployment circuit breaker that rolls back a deployment whose tasks do not start.
 */
export class FargateService extends Construct {
  public readonly name: string;
  public readonly securityGroup: SecurityGroup;
  public readonly taskDefinition: EcsTaskDefinition;
  public readonly service: EcsService;
  private egressRules = 0;

  constructor(scope: Construct, id: string, props: FargateServiceProps) {
    super(scope, id);
    this.name = props.name ?? id;
    const cpu = props.cpu ?? 256;
    const memory = props.memory ?? 512;
    const mounts = props.mounts ?? [];
    this.validate(props, cpu, memory, mounts);

    this.securityGroup = new SecurityGroup(this, "security-group", {
      name: `${this.name}-tasks`,
      description: `Tasks of the ${this.name} service`,
      vpcId: props.network.vpcId,
      tags: withTags(props.tags, { Name: `${this.name}-tasks` }),
    });
    this.allowEgressTo({ cidrIpv4: "0.0.0.0/0" }, HTTPS, "HTTPS out: image registries, CloudWatch Logs, AWS APIs");

    const { container } = props;
    const containerDefinition = {
      name: container.name,
      image: container.image,
      essential: true,
      command: container.command,
      user: container.user,
      readonlyRootFilesystem: container.readonlyRootFilesystem ?? true,
      environment: Object.entries(container.environment ?? {}).map(([name, value]) => ({ name, value })),
      secrets: Object.entries(container.secrets ?? {}).map(([name, valueFrom]) => ({ name, valueFrom })),
      mountPoints: mounts.map((mount) => mount.volume.mountPoint(mount.containerPath, { readOnly: mount.readOnly })),
      logConfiguration: props.logs.logConfiguration(container.name),
    };
    this.taskDefinition = new EcsTaskDefinition(this, "task-definition", {
      family: this.name,
      requiresCompatibilities: ["FARGATE"],
      networkMode: "awsvpc",
      cpu: String(cpu),
      memory: String(memory),
      executionRoleArn: props.roles.executionRole.arn,
      taskRoleArn: props.roles.taskRole.arn,
      containerDefinitions: JSON.stringify([containerDefinition]),
      volume: uniqueVolumes(mounts),
      tags: props.tags,
    });

    this.service = new EcsService(this, "service", {
      name: this.name,
      cluster: props.clusterArn,
      taskDefinition: this.taskDefinition.arn,
      launchType: "FARGATE",
      platformVersion: props.platformVersion ?? "1.4.0",
      desiredCount: props.desiredCount ?? 1,
      networkConfiguration: {
        subnets: props.network.privateSubnetIds,
        securityGroups: [this.securityGroup.id],
        assignPublicIp: false,
      },
      deploymentCircuitBreaker: { enable: true, rollback: true },
      enableEcsManagedTags: true,
      propagateTags: "SERVICE",
      tags: props.tags,
    });
  }

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
    new VpcSecurityGroupEgressRule(this, `egress-${this.egressRules++}`, {
      securityGroupId: this.securityGroup.id,
      ...("securityGroupId" in destination
        ? { referencedSecurityGroupId: destination.securityGroupId }
        : { cidrIpv4: destination.cidrIpv4 }),
      ipProtocol: "tcp",
      fromPort: port,
      toPort: port,
      description,
    });
  }

  private validate(props: FargateServiceProps, cpu: number, memory: number, mounts: ServiceMount[]): void {
    validateNetworkRef(this, props.network, ["private"]);
    checkPattern(this, "name", this.name, /^[A-Za-z0-9][A-Za-z0-9_-]{0,254}$/, "1 to 255 letters, digits, '_' or '-'");
    checkPattern(
      this,
      "container.name",
      props.container.name,
      /^[A-Za-z0-9][A-Za-z0-9_-]{0,254}$/,
      "1 to 255 letters, digits, '_' or '-'",
    );
    if (isKnown(cpu) && isKnown(memory)) {
      const problem = fargateSizeProblem(cpu, memory);
      if (problem) throw propError(this, problem);
    }
    checkInteger(this, "desiredCount", props.desiredCount, 0, 1000);
    checkOneOf(this, "platformVersion", props.platformVersion, ["1.4.0", "LATEST"]);
    mounts.forEach((mount, index) => {
      if (!mount.volume.fargateCompatible) {
        throw propError(
          this,
          `mounts[${index}] volume '${mount.volume.volume.name}' is a host volume; Fargate tasks have no host`,
        );
      }
      checkPattern(this, `mounts[${index}].containerPath`, mount.containerPath, /^\/\S*$/, "an absolute path");
    });
  }
}

/** The task definition volumes of the mounts, each once even when mounted at several paths. */
function uniqueVolumes(mounts: ServiceMount[]): EcsTaskDefinitionVolume[] {
  const byName = new Map(mounts.map((mount) => [mount.volume.volume.name, mount.volume.volume]));
  return [...byName.values()];
}
