import { GuardExceptions, applyGuardExceptions } from "../core/guard-exceptions";
import { Fn, ITerraformDependable, Lazy, TerraformCount, TerraformOutput, TerraformStack, Token } from "cdktf";
import { Construct } from "constructs";
import { EfsBackupPolicy } from "@cdktf/provider-aws/lib/efs-backup-policy";
import { EfsFileSystem, EfsFileSystemLifecyclePolicy } from "@cdktf/provider-aws/lib/efs-file-system";
import { EfsFileSystemPolicy } from "@cdktf/provider-aws/lib/efs-file-system-policy";
import { EfsMountTarget } from "@cdktf/provider-aws/lib/efs-mount-target";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { VpcSecurityGroupIngressRule } from "@cdktf/provider-aws/lib/vpc-security-group-ingress-rule";
import { Consumer } from "../core/connectable";
import { propError } from "../core/errors";
import { grantToRole } from "../core/grants";
import { GroupIngress } from "../core/group-ingress";
import { PolicyDocument, RoleRef } from "../core/iam";
import { scopedName } from "../core/names";
import { withTags } from "../core/tags";
import { countOf, expressionOf, firstRepeated, isKnown } from "../core/tokens";
import { checkKmsKeyArn, checkLiteral, checkOneOf, checkPattern, checkRange } from "../core/validate";
import { ContainerService } from "../ecs/container-service";
import { TaskVolume } from "../ecs/task-volume";
import { NetworkRef } from "../network/network-ref";
import { validateNetworkRef } from "../network/validate-network-ref";
import { AccessPointOptions, AccessPointRef, EfsAccessPoint, validateAccessPoint } from "./access-point";
import { AccessPointMapEntry, AccessPointMapOptions, EfsAccessPointMap } from "./access-point-map";
import {
  ExternalAccessPoint,
  ExternalMountOptions,
  NFS_PORT,
  efsVolume,
  mountExternalAccessPoint,
} from "./external-access-point";
import { EfsAlarmOptions, createEfsAlarms, validateAlarmOptions } from "./alarms";
import { EfsGrant, GrantOptions, accessPointStatement, fileSystemPolicyStatements } from "./policy";

export type PerformanceMode = "generalPurpose" | "maxIO";
export type ThroughputMode = "elastic" | "bursting" | "provisioned";
/** How long a file goes unaccessed before it moves to a cheaper storage class. */
export type TransitionAge =
  | "AFTER_1_DAY"
  | "AFTER_7_DAYS"
  | "AFTER_14_DAYS"
  | "AFTER_30_DAYS"
  | "AFTER_60_DAYS"
  | "AFTER_90_DAYS"
  | "AFTER_180_DAYS"
  | "AFTER_270_DAYS"
  | "AFTER_365_DAYS";

const PERFORMANCE_MODES: readonly string[] = ["generalPurpose", "maxIO"] satisfies PerformanceMode[];
const THROUGHPUT_MODES: readonly string[] = ["elastic", "bursting", "provisioned"] satisfies ThroughputMode[];
const TRANSITION_AGES: readonly string[] = [
  "AFTER_1_DAY",
  "AFTER_7_DAYS",
  "AFTER_14_DAYS",
  "AFTER_30_DAYS",
  "AFTER_60_DAYS",
  "AFTER_90_DAYS",
  "AFTER_180_DAYS",
  "AFTER_270_DAYS",
  "AFTER_365_DAYS",
] satisfies TransitionAge[];
/** EFS's provisioned throughput range in MiB/s (the upper limit is the default quota in most regions). */
const MIN_PROVISIONED_MIBPS = 1;
const MAX_PROVISIONED_MIBPS = 3414;

/** Storage-class transitions. Each field left out is not set, so `{}` keeps every file in Standard. */
export interface EfsLifecycle {
  /** Move files not accessed for this long to Infrequent Access. */
  readonly transitionToIa?: TransitionAge;
  /** Move files not accessed for this long to Archive (needs `throughputMode: "elastic"`). */
  readonly transitionToArchive?: TransitionAge;
  /** Move a file back to Standard when it is accessed (`AFTER_1_ACCESS`). */
  readonly transitionToPrimaryStorageClass?: "AFTER_1_ACCESS";
}

export interface EfsStorageProps {
  /** Where the mount targets go: one in each private subnet (one subnet per zone). */
  readonly network: NetworkRef;
  /**
   * The file system's `Name` tag, and the prefix of its alarms' and policies' names.
   * @default - `<stack id>-<construct path>`, unique per stack (see `scopedName`)
   */
  readonly name?: string;
  /**
   * A customer managed KMS key ARN (`key/...`, not an alias: EFS stores the key ARN, so an alias would
   * show as a change that replaces the file system on every plan). The file system is always encrypted.
   * @default - the AWS managed key `aws/elasticfilesystem`
   */
  readonly kmsKeyArn?: string;
  /**
   * `generalPurpose` has the lowest latency; `maxIO` is a previous generation mode with higher latency, not
   * available with elastic throughput. Fixed at creation: changing it replaces the file system.
   * @default "generalPurpose"
   */
  readonly performanceMode?: PerformanceMode;
  /**
   * `elastic` scales with the workload and bills per use; `bursting` scales with stored size on burst
   * credits; `provisioned` is a fixed `provisionedThroughputMibps`.
   * @default "elastic"
   */
  readonly throughputMode?: ThroughputMode;
  /**
   * Throughput in MiB/s for `throughputMode: "provisioned"` (required then, and only then): 1 to 3414.
   * @default - none
   */
  readonly provisionedThroughputMibps?: number;
  /**
   * Storage-class transitions.
   * @default { transitionToIa: "AFTER_30_DAYS", transitionToPrimaryStorageClass: "AFTER_1_ACCESS" }
   */
  readonly lifecycle?: EfsLifecycle;
  /**
   * Turns off AWS Backup's daily backups of the file system (the EFS backup policy), leaving no copy to
   * restore from. Only for data you can rebuild.
   * @default false
   */
  readonly disableAutomaticBackups?: boolean;
  /**
   * Lets `terraform destroy` (or a change that replaces the file system) delete it and every file on it.
   * Without it the file system carries `lifecycle.prevent_destroy`. Must be a literal: Terraform reads
   * `prevent_destroy` before any variable.
   * @default false
   */
  readonly allowDestroy?: boolean;
  /**
   * Lets clients mount the file system without one of its access points, bypassing the enforced POSIX user
   * and root directory: the file system policy no longer denies it, and each grant also lets its role mount
   * without an access point (never through another role's access point). IAM authorization still applies.
   * @default false
   */
  readonly allowMountsWithoutAccessPoint?: boolean;
  /**
   * Thresholds and notification targets of the CloudWatch alarms.
   * @default - the defaults of `EfsAlarmOptions`, no notifications
   */
  readonly alarms?: EfsAlarmOptions;
  /**
   * Tags for every resource the construct creates (besides the provider's default tags).
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

const DEFAULT_LIFECYCLE: EfsLifecycle = {
  transitionToIa: "AFTER_30_DAYS",
  transitionToPrimaryStorageClass: "AFTER_1_ACCESS",
};

/** Where a service mounts an access point, and how. */
export interface MountOptions {
  /** The directory in the container: absolute, not `/`. */
  readonly containerPath: string;
  /**
   * Mount read-only, and grant only `elasticfilesystem:ClientMount` (no `ClientWrite`).
   * @default false
   */
  readonly readOnly?: boolean;
  /**
   * The task definition volume's name.
   * @default - `<storage name>-<access point name>`
   */
  readonly volumeName?: string;
}

/** A grant as recorded: flags only ever widen when the same role is granted the same access point again. */
interface RecordedGrant extends EfsGrant {
  readonly accessPoint: AccessPointRef;
  /** The role's inline policy that carries the grant. */
  readonly policy: IamRolePolicy;
  write: boolean;
  root: boolean;
}

/**
 * An encrypted EFS file system for ECS tasks: a mount target in each private subnet behind its own NFS
 * security group, access points with an enforced POSIX user and root directory, a file system policy that
 * requires TLS and an access point and allows only granted task roles, IAM grants for task roles, task
 * definition volumes with transit encryption and IAM authorization, and CloudWatch alarms.
 */
export class EfsStorage extends Construct {
  /** NFS: the TCP port of the mount targets. */
  static readonly NFS_PORT = NFS_PORT;

  /**
   * Mounts an access point of a file system another configuration owns (a vendored module's outputs),
   * the service's side in one call: the task role's grant of that access point only, egress to the mount
   * targets on NFS, the volume and its mount point. Letting the service in is the owner's part.
   */
  static mountExternal(
    service: ContainerService,
    accessPoint: ExternalAccessPoint,
    options: ExternalMountOptions,
  ): TaskVolume {
    return mountExternalAccessPoint(service, accessPoint, options);
  }

  /** The `Name` tag of the file system and the prefix of its other names. */
  public readonly name: string;
  /** The `aws_efs_file_system` resource (with `prevent_destroy` unless `allowDestroy`). */
  public readonly fileSystem: EfsFileSystem;
  /** The security group of the mount targets: NFS from the mounting services' groups, nothing else. */
  public readonly securityGroup: SecurityGroup;
  /** One mount target per private subnet (a counted resource). */
  public readonly mountTargets: EfsMountTarget;
  /** The file system policy: TLS and access points required, grants allowed. */
  public readonly fileSystemPolicy: EfsFileSystemPolicy;

  private readonly tags?: Record<string, string>;
  /** Whether clients may mount without an access point (`allowMountsWithoutAccessPoint`). */
  private readonly allowMountsWithoutAccessPoint: boolean;
  private readonly accessPointsByName = new Map<string, EfsAccessPoint>();
  /** Every access point name in use, and what uses it (for errors). */
  private readonly accessPointNames = new Map<string, string>();
  private readonly accessPointMaps: EfsAccessPointMap[] = [];
  private readonly grants = new Map<string, RecordedGrant>();
  private readonly nfsIngress: GroupIngress;

  constructor(scope: Construct, id: string, props: EfsStorageProps) {
    super(scope, id);
    applyGuardExceptions(this, "guardExceptions", props.guardExceptions);
    this.name = props.name ?? scopedName(this);
    this.tags = props.tags;
    this.allowMountsWithoutAccessPoint = props.allowMountsWithoutAccessPoint === true;
    const performanceMode = props.performanceMode ?? "generalPurpose";
    const throughputMode = props.throughputMode ?? "elastic";
    const lifecycle = props.lifecycle ?? DEFAULT_LIFECYCLE;
    this.validate(props, performanceMode, throughputMode, lifecycle);

    this.fileSystem = new EfsFileSystem(this, "file-system", {
      encrypted: true,
      kmsKeyId: props.kmsKeyArn,
      performanceMode,
      throughputMode,
      provisionedThroughputInMibps: props.provisionedThroughputMibps,
      lifecyclePolicy: lifecyclePolicies(lifecycle),
      tags: withTags(props.tags, { Name: this.name }),
      lifecycle: { preventDestroy: props.allowDestroy !== true },
    });

    new EfsBackupPolicy(this, "backup-policy", {
      fileSystemId: this.fileSystem.id,
      backupPolicy: { status: props.disableAutomaticBackups === true ? "DISABLED" : "ENABLED" },
    });

    this.securityGroup = new SecurityGroup(this, "nfs-security-group", {
      name: `${this.name}-efs-nfs`,
      description: `NFS (TCP ${EfsStorage.NFS_PORT}) to the EFS mount targets of ${this.name}, from the task groups allowed in`,
      vpcId: props.network.vpcId,
      tags: withTags(props.tags, { Name: `${this.name}-efs-nfs` }),
    });

    this.nfsIngress = new GroupIngress(this, {
      securityGroupId: this.securityGroup.id,
      port: EfsStorage.NFS_PORT,
      idPrefix: "nfs-from",
      tags: props.tags,
    });

    const subnetIds = props.network.privateSubnetIds;
    const perSubnet = TerraformCount.of(countOf(subnetIds));
    this.mountTargets = new EfsMountTarget(this, "mount-target", {
      count: perSubnet,
      fileSystemId: this.fileSystem.id,
      subnetId: Fn.element(subnetIds, perSubnet.index),
      securityGroups: [this.securityGroup.id],
    });

    this.fileSystemPolicy = new EfsFileSystemPolicy(this, "file-system-policy", {
      fileSystemId: this.fileSystem.id,
      policy: Lazy.stringValue({ produce: () => this.fileSystemPolicyJson() }),
    });

    createEfsAlarms(this, {
      name: this.name,
      fileSystemId: this.fileSystem.id,
      throughputMode,
      performanceMode,
      options: props.alarms ?? {},
      tags: props.tags,
    });
  }

  /**
   * The file system policy as JSON. With access point maps, the list of access point ARNs is known only at
   * plan time, so Terraform renders the document (`jsonencode()`); otherwise it is a JSON string.
   */
  private fileSystemPolicyJson(): string {
    const ownArns = this.accessPoints.map((accessPoint) => accessPoint.arn);
    const document: PolicyDocument = {
      Version: "2012-10-17",
      Statement: fileSystemPolicyStatements({
        fileSystemArn: this.fileSystem.arn,
        accessPointArns:
          this.accessPointMaps.length === 0
            ? ownArns
            : Token.asList(Fn.concat([ownArns, ...this.accessPointMaps.map((map) => map.arnList)])),
        enforceAccessPoints: !this.allowMountsWithoutAccessPoint,
        grants: [...this.grants.values()],
      }),
    };
    return this.accessPointMaps.length === 0 ? JSON.stringify(document) : Fn.jsonencode(document);
  }

  /** Every access point, in the order added. */
  get accessPoints(): EfsAccessPoint[] {
    return [...this.accessPointsByName.values()];
  }

  /** Adds an access point that runs every operation as `uid`/`gid` inside `path`. */
  addAccessPoint(name: string, options: AccessPointOptions): EfsAccessPoint {
    validateAccessPoint(this, name, options);
    this.claimAccessPointName(name, `addAccessPoint('${name}')`);
    const samePath = this.accessPoints.find((other) => isKnown(other.path) && other.path === options.path);
    if (samePath) {
      throw propError(
        this,
        `accessPoints.${name}.path '${options.path}' is already the path of access point '${samePath.name}'`,
      );
    }
    const accessPoint = new EfsAccessPoint(this, name, this.fileSystem.id, options, this.tags);
    this.accessPointsByName.set(name, accessPoint);
    return accessPoint;
  }

  /**
   * Adds access points from a map, one `for_each` instance per key, with grants to task roles by name:
   * for a map known only at plan time (a Terraform variable) or a set of access points that is data.
   * Adding or removing a key never replaces another key's access point or grant. Access points you mount
   * with `mount()` come from `addAccessPoint`. A map token should hold at least one entry (the vendored
   * module's validation requires one): the file system policy's access point condition lists its ARNs.
   * `options` tag the access points and may keep them from being destroyed.
   */
  addAccessPointMap(
    id: string,
    entries: Record<string, AccessPointMapEntry>,
    options: AccessPointMapOptions = {},
  ): EfsAccessPointMap {
    const context = {
      name: this.name,
      fileSystemId: this.fileSystem.id,
      fileSystemArn: this.fileSystem.arn,
      tags: this.tags,
      claimName: (name: string, by: string) => this.claimAccessPointName(name, by),
    };
    const map = new EfsAccessPointMap(this, id, entries, context, options);
    this.accessPointMaps.push(map);
    return map;
  }

  /**
   * Reserves a name for one access point: the names key the grants and name the policies and volumes, so
   * `addAccessPoint('tenants-a')` and key `a` of map `tenants` (also `tenants-a`) cannot both exist.
   */
  private claimAccessPointName(name: string, by: string): void {
    const holder = this.accessPointNames.get(name);
    if (holder !== undefined) {
      throw propError(this, `access point name '${name}' is used twice, by ${holder} and by ${by}; rename one`);
    }
    this.accessPointNames.set(name, by);
  }

  /** The TCP port of the mount targets (NFS, 2049). */
  get port(): number {
    return EfsStorage.NFS_PORT;
  }

  /**
   * Mounts an access point into a service's container, wiring both sides in one call: grants the service's
   * task role this access point only (read-only: `ClientMount` alone), opens NFS from the service's group
   * to the mount targets and out of the service's group to them, and adds the volume (transit encryption
   * and IAM authorization on) and its mount point. The service's first task waits for the mount targets,
   * the file system policy, this grant and these rules.
   */
  mount(service: ContainerService, accessPoint: AccessPointRef, options: MountOptions): TaskVolume {
    this.requireOwnAccessPoint(accessPoint, "mount()");
    this.grant(service.taskRole, accessPoint, { write: options.readOnly !== true });
    this.allowFrom(service.securityGroupId, `NFS to ${this.name} from ${service.name}`);
    service.allowEgressTo(
      { securityGroupId: this.securityGroup.id },
      EfsStorage.NFS_PORT,
      `NFS to the EFS mount targets of ${this.name}`,
    );
    const volume = this.volume(accessPoint, options.volumeName);
    service.addMount(volume, options.containerPath, { readOnly: options.readOnly });
    return volume;
  }

  /**
   * Opens the port to every security group of a list that may be known only at plan time (a Terraform
   * variable), one rule per group. For services of this stack, `mount()` does it.
   */
  allowFromEach(securityGroupIds: string[], description?: string): void {
    this.nfsIngress.allowEach(
      securityGroupIds,
      description ?? `NFS to ${this.name} from an allowed client security group`,
    );
  }

  /**
   * Opens NFS (TCP 2049) to the mount targets from one security group, and returns the rule (a client waits
   * for it before it mounts). Low level: `mount()` does it.
   */
  allowFrom(securityGroupId: string, description?: string): VpcSecurityGroupIngressRule {
    this.nfsIngress.allow(securityGroupId, description ?? `NFS to ${this.name} from an allowed task security group`);
    return this.nfsIngress.ruleFrom(securityGroupId)!;
  }

  /**
   * Lets a task role use the file system through one access point: an inline policy on the role (mount, plus
   * write and root access as asked) and an Allow in the file system policy. Low level: `mount()` does it.
   * Give the **task** role: EFS IAM authorization sees the task role, never the execution role.
   */
  grant(taskRole: RoleRef, accessPoint: AccessPointRef, options: GrantOptions = {}): IamRolePolicy {
    this.requireOwnAccessPoint(accessPoint, "grant()");
    const key = this.grantKey(taskRole.arn, accessPoint);
    const existing = this.grants.get(key);
    if (existing) {
      existing.write ||= options.write === true;
      existing.root ||= options.root === true;
      return existing.policy;
    }
    const policy = grantToRole(this, {
      role: taskRole,
      roleKind: "task",
      policyName: `${this.name}-efs-${accessPoint.name}`,
      purpose: "grant()",
      statements: () => [
        {
          Sid: "EfsThroughAccessPoint",
          ...accessPointStatement(this.fileSystem.arn, grant, this.allowMountsWithoutAccessPoint),
        },
      ],
    });
    const grant: RecordedGrant = {
      roleArn: taskRole.arn,
      accessPoint,
      accessPointArn: accessPoint.arn,
      write: options.write === true,
      root: options.root === true,
      policy,
    };
    this.grants.set(key, grant);
    return policy;
  }

  /**
   * The task definition volume for an access point (transit encryption and IAM authorization on, the access
   * point's directory as root) and its container mount point. Low level: `mount()` adds it to a service
   * with the grant and rules it needs; without them, synth fails naming the service. A service that mounts
   * it waits for the mount targets, the file system policy, its role's grant of the access point and the
   * NFS rule from its security group: until then its tasks fail with `ResourceInitializationError`.
   */
  volume(accessPoint: AccessPointRef, name?: string): TaskVolume {
    this.requireOwnAccessPoint(accessPoint, "volume()");
    const sourceVolume = name ?? `${this.name}-${accessPoint.name}`;
    return {
      ...efsVolume(this, sourceVolume, this.fileSystem.id, accessPoint.id),
      prerequisites: (consumer) => {
        const needed: Array<ITerraformDependable | undefined> = [
          this.mountTargets,
          this.fileSystemPolicy,
          this.grants.get(this.grantKey(consumer.taskRoleArn, accessPoint))?.policy,
          this.nfsIngress.ruleFrom(consumer.securityGroupId),
        ];
        return needed.filter((dependency) => dependency !== undefined);
      },
      check: (consumer) => this.mountProblems(consumer, accessPoint),
    };
  }

  /** What a service mounting `accessPoint` lacks: its role's grant, the rule into the mount targets, egress. */
  private mountProblems(consumer: Consumer, accessPoint: AccessPointRef): string[] {
    const mounts = `${consumer.description} mounts access point '${accessPoint.name}' of EfsStorage '${this.node.id}'`;
    const fix = "use storage.mount(service, accessPoint, { containerPath }), which wires both sides";
    const problems: string[] = [];
    if (!this.grants.has(this.grantKey(consumer.taskRoleArn, accessPoint))) {
      problems.push(
        `${mounts}, but its task role was not granted that access point (mounts fail: access denied); ${fix}`,
      );
    }
    if (!this.nfsIngress.ruleFrom(consumer.securityGroupId)) {
      problems.push(
        `${mounts}, but its security group is not allowed in to the mount targets on TCP ${EfsStorage.NFS_PORT} (mounts time out); ${fix}`,
      );
    }
    if (!consumer.allowsEgressTo(this.securityGroup.id, EfsStorage.NFS_PORT)) {
      problems.push(
        `${mounts}, but its security group has no egress to the mount targets on TCP ${EfsStorage.NFS_PORT} (mounts time out); ${fix}`,
      );
    }
    return problems;
  }

  /** Terraform outputs of the ids and names a team needs to operate the storage, prefixed by the construct id. */
  addOutputs(): void {
    const stack = TerraformStack.of(this);
    const prefix = this.node.id.replace(/[^A-Za-z0-9_]/g, "_");
    const byName = (pick: (accessPoint: EfsAccessPoint) => string) =>
      Object.fromEntries(this.accessPoints.map((accessPoint) => [accessPoint.name, pick(accessPoint)]));
    const outputs: Record<string, unknown> = {
      file_system_id: this.fileSystem.id,
      file_system_arn: this.fileSystem.arn,
      file_system_dns_name: this.fileSystem.dnsName,
      security_group_id: this.securityGroup.id,
      access_point_ids: byName((accessPoint) => accessPoint.id),
      access_point_arns: byName((accessPoint) => accessPoint.arn),
    };
    for (const [name, value] of Object.entries(outputs)) {
      new TerraformOutput(stack, `${prefix}_${name}`, { value });
    }
  }

  /** One key per role and access point: the same role granted the same access point again widens it. */
  private grantKey(roleArn: string, accessPoint: AccessPointRef): string {
    return `${expressionOf(this, roleArn)}|${accessPoint.name}`;
  }

  private requireOwnAccessPoint(accessPoint: AccessPointRef, method: string): void {
    const own =
      this.accessPointsByName.get(accessPoint.name) === accessPoint ||
      this.accessPointMaps.some((map) => map.owns(accessPoint));
    if (!own) {
      throw propError(this, `${method} was given access point '${accessPoint.name}' of another file system`);
    }
  }

  private validate(
    props: EfsStorageProps,
    performanceMode: string,
    throughputMode: string,
    lifecycle: EfsLifecycle,
  ): void {
    validateNetworkRef(this, props.network, ["private"]);
    const repeatedZone = firstRepeated(props.network.privateSubnetAvailabilityZones);
    if (repeatedZone !== undefined) {
      throw propError(
        this,
        `network.privateSubnetAvailabilityZones has '${repeatedZone}' twice; EFS allows one mount target per zone, so give one private subnet per zone`,
      );
    }
    checkPattern(this, "name", this.name, /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/, "1 to 64 letters, digits, '_' or '-'");
    checkKmsKeyArn(this, "kmsKeyArn", props.kmsKeyArn);
    checkOneOf(this, "performanceMode", performanceMode, PERFORMANCE_MODES);
    checkOneOf(this, "throughputMode", throughputMode, THROUGHPUT_MODES);
    checkLiteral(this, "allowDestroy", props.allowDestroy, "it sets lifecycle.prevent_destroy");
    const provisioned = props.provisionedThroughputMibps;
    if (isKnown(throughputMode) && throughputMode === "provisioned" && provisioned === undefined) {
      throw propError(
        this,
        `provisionedThroughputMibps is required with throughputMode 'provisioned' (${MIN_PROVISIONED_MIBPS} to ${MAX_PROVISIONED_MIBPS} MiB/s)`,
      );
    }
    if (isKnown(throughputMode) && throughputMode !== "provisioned" && provisioned !== undefined) {
      throw propError(
        this,
        `provisionedThroughputMibps is only for throughputMode 'provisioned', not '${throughputMode}'`,
      );
    }
    checkRange(this, "provisionedThroughputMibps", provisioned, MIN_PROVISIONED_MIBPS, MAX_PROVISIONED_MIBPS);
    if (performanceMode === "maxIO" && throughputMode === "elastic") {
      throw propError(
        this,
        "performanceMode 'maxIO' is not available with throughputMode 'elastic'; use 'generalPurpose' (recommended) or another throughput mode",
      );
    }
    checkOneOf(this, "lifecycle.transitionToIa", lifecycle.transitionToIa, TRANSITION_AGES);
    checkOneOf(this, "lifecycle.transitionToArchive", lifecycle.transitionToArchive, TRANSITION_AGES);
    checkOneOf(this, "lifecycle.transitionToPrimaryStorageClass", lifecycle.transitionToPrimaryStorageClass, [
      "AFTER_1_ACCESS",
    ]);
    if (lifecycle.transitionToArchive !== undefined && isKnown(throughputMode) && throughputMode !== "elastic") {
      throw propError(this, `lifecycle.transitionToArchive needs throughputMode 'elastic', not '${throughputMode}'`);
    }
    validateAlarmOptions(this, props.alarms ?? {});
  }
}

/** One `lifecycle_policy` block per transition: EFS takes each transition in a block of its own. */
function lifecyclePolicies(lifecycle: EfsLifecycle): EfsFileSystemLifecyclePolicy[] {
  return [
    ...(lifecycle.transitionToIa ? [{ transitionToIa: lifecycle.transitionToIa }] : []),
    ...(lifecycle.transitionToArchive ? [{ transitionToArchive: lifecycle.transitionToArchive }] : []),
    ...(lifecycle.transitionToPrimaryStorageClass
      ? [{ transitionToPrimaryStorageClass: lifecycle.transitionToPrimaryStorageClass }]
      : []),
  ];
}
