import { GuardExceptions, applyGuardExceptions } from "../core/guard-exceptions";
import { Fn, TerraformIterator, TerraformLocal, Token } from "cdktf";
import { Construct } from "constructs";
import { AutoscalingGroup } from "@cdktf/provider-aws/lib/autoscaling-group";
import { CloudwatchMetricAlarm } from "@cdktf/provider-aws/lib/cloudwatch-metric-alarm";
import { EbsVolume } from "@cdktf/provider-aws/lib/ebs-volume";
import { IamInstanceProfile } from "@cdktf/provider-aws/lib/iam-instance-profile";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";
import { Instance } from "@cdktf/provider-aws/lib/instance";
import { LaunchTemplate, LaunchTemplateMetadataOptions } from "@cdktf/provider-aws/lib/launch-template";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { VolumeAttachment } from "@cdktf/provider-aws/lib/volume-attachment";
import { VpcSecurityGroupEgressRule } from "@cdktf/provider-aws/lib/vpc-security-group-egress-rule";
import { AwsContext, awsContext } from "../core/aws-context";
import { dependOn } from "../core/dependencies";
import { propError } from "../core/errors";
import { assumedBy, markRole } from "../core/iam";
import { grantToRole } from "../core/grants";
import { scopedName } from "../core/names";
import { withTags } from "../core/tags";
import { isKnown } from "../core/tokens";
import { checkInteger, checkKmsKeyArn, checkLiteral, checkOneOf, checkPattern } from "../core/validate";
import { ClusterRef } from "../ecs/cluster";
import { DeploymentSettings, PlacementConstraint } from "../ecs/container-service";
import { Ec2Service } from "../ecs/ec2-service";
import { TaskVolume, VolumeGuard } from "../ecs/task-volume";
import { NetworkRef } from "../network/network-ref";
import { validateNetworkRef } from "../network/validate-network-ref";
import { instanceAttributesJson, memberOfExpression, validateAttributes } from "./attributes";
import { ecsOptimizedAmi } from "./ami";
import { bootstrapScript } from "./bootstrap-script";
import { singleWriterLock } from "./single-writer-lock";
import { SnapshotOptions, VolumeSnapshots, validateSnapshotOptions } from "./snapshots";

/** What happens when the host fails. */
export type RecoveryMode = "self-healing" | "instance";
export type VolumeFileSystem = "xfs" | "ext4";

/** The data volume: gp3, encrypted, sized within what gp3 allows. */
export interface PinnedVolumeOptions {
  /**
   * Size in GiB, 1 to 16384.
   * @default 100
   */
  readonly sizeGib?: number;
  /**
   * Provisioned IOPS, 3000 to 16000 and at most 500 per GiB.
   * @default 3000 (gp3's baseline, no extra charge)
   */
  readonly iops?: number;
  /**
   * Provisioned throughput in MiB/s, 125 to 1000 and at most a quarter of the IOPS.
   * @default 125 (gp3's baseline, no extra charge)
   */
  readonly throughputMibps?: number;
  /**
   * A customer managed KMS key. The volume is always encrypted.
   * @default - the AWS managed key `aws/ebs`
   */
  readonly kmsKeyArn?: string;
  /**
   * The file system made on a blank volume (a volume that has one is never reformatted).
   * @default "xfs"
   */
  readonly fileSystem?: VolumeFileSystem;
}

export interface PinnedEbsCapacityProps {
  /** The instance and its volume go into one private subnet of the network. */
  readonly network: NetworkRef;
  /**
   * Which private subnet (index into `network.privateSubnetIds`); its zone is the volume's zone.
   * @default 0
   */
  readonly subnetIndex?: number;
  /** The ECS cluster the instance joins: an `EcsCluster`, or `{ name }` of an existing one. */
  readonly cluster: ClusterRef;
  /**
   * Custom ECS attributes set at first registration, such as `{ role: "db-primary" }`; tasks are pinned
   * with `run()` (or `placementConstraint()`). A map known only at plan time (a Terraform variable) works too.
   */
  readonly attributes: Record<string, string>;
  /**
   * `self-healing`: an Auto Scaling group of one instance in the volume's zone, which attaches the volume at
   * boot, so a lost host is replaced without a person. `instance`: one EC2 instance, the volume attached by
   * Terraform, and the EC2 recover action on a failed system status check (same instance, same volume).
   * @default "self-healing"
   */
  readonly recovery?: RecoveryMode;
  /**
   * The instance type; it must be offered in the subnet's zone. Graviton types (`t4g`, `m7g`...) get the
   * arm64 image.
   * @default "t3.medium"
   */
  readonly instanceType?: string;
  /**
   * An AMI id instead of the current ECS-optimized Amazon Linux 2023 AMI (read from SSM at launch); it must
   * match the instance type's architecture.
   * @default - `resolve:ssm:/aws/service/ecs/optimized-ami/amazon-linux-2023/recommended/image_id`, or its
   * `arm64/` twin for a Graviton instance type
   */
  readonly amiId?: string;
  /**
   * Root volume size in GiB (images and container layers; never data), 30 to 16384.
   * @default 30
   */
  readonly rootVolumeSizeGib?: number;
  /**
   * Where the data volume is mounted on the host; task host volumes live below it.
   * @default "/mnt/data"
   */
  readonly mountPath?: string;
  /**
   * The data volume.
   * @default - the defaults of `PinnedVolumeOptions`
   */
  readonly volume?: PinnedVolumeOptions;
  /**
   * The data volume's snapshot schedule.
   * @default - the defaults of `SnapshotOptions`: daily, 7 kept
   */
  readonly snapshots?: SnapshotOptions;
  /**
   * The lock every task that mounts the volume holds.
   * @default - the defaults of `SingleWriterLockOptions`
   */
  readonly singleWriterLock?: SingleWriterLockOptions;
  /**
   * Lets `terraform destroy` (or a replacement) delete the data volume. A final snapshot is taken either way.
   * Must be a literal: Terraform reads `prevent_destroy` before any variable.
   * @default false
   */
  readonly allowDestroy?: boolean;
  /**
   * Prefix of the resources' names.
   * @default - `<stack id>-<construct path>`, unique per stack (see `scopedName`)
   */
  readonly name?: string;
  /**
   * Tags for every resource, the instances and volumes the group launches included.
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

/** Where a service pinned by `run()` mounts the data volume, and how. */
export interface RunOptions {
  /** The directory in the container: absolute, not `/`. */
  readonly containerPath: string;
  /**
   * A directory below the mount path (relative, without `..`), so several services can keep apart.
   * @default - the whole volume
   */
  readonly subPath?: string;
  /**
   * Mount read-only.
   * @default false
   */
  readonly readOnly?: boolean;
  /**
   * The task definition volume's name.
   * @default - `<name>-data`
   */
  readonly volumeName?: string;
}

/**
 * The lock that every task mounting a `hostVolume()` holds while it runs, so the volume never has two
 * writers, whatever started the task (a deployment, a one-off `run-task`, a second service).
 */
export interface SingleWriterLockOptions {
  /**
   * Seconds a task waits for the lock while another task holds it, 0 to 240, before it stops with an
   * error; a deployment stops the old task first, so a healthy rollout never waits.
   * @default 120
   */
  readonly waitSeconds?: number;
  /**
   * The image of the lock-holding container: any image with a POSIX `sh` and `flock`.
   * @default "public.ecr.aws/docker/library/busybox:1.36"
   */
  readonly image?: string;
}

const RECOVERY_MODES: readonly string[] = ["self-healing", "instance"] satisfies RecoveryMode[];
const FILE_SYSTEMS: readonly string[] = ["xfs", "ext4"] satisfies VolumeFileSystem[];
const DEVICE_NAME = "/dev/xvdf";
/** IMDSv2 only, hop limit 1: the host and host-network containers (the ECS agent) reach it, task containers
 * cannot, so no task borrows the instance role; tasks get credentials from the ECS task role endpoint. */
const METADATA_OPTIONS: LaunchTemplateMetadataOptions = {
  httpEndpoint: "enabled",
  httpTokens: "required",
  httpPutResponseHopLimit: 1,
};
const LOCK_IMAGE = "public.ecr.aws/docker/library/busybox:1.36";
/** The folder at the root of the data volume that holds the single-writer lock. */
const LOCK_DIRECTORY = ".stateful-ecs";
/** Directories the OS, Docker and the ECS agent own; a data volume mounted there would hide or be hidden. */
const SYSTEM_DIRECTORIES = [
  "/bin",
  "/boot",
  "/dev",
  "/etc",
  "/lib",
  "/lib64",
  "/proc",
  "/run",
  "/sbin",
  "/sys",
  "/tmp",
  "/usr",
  "/var",
];
const HTTPS = 443;
/** gp3 limits as the AWS provider 5.100 enforces them. */
const GP3 = {
  minSize: 1,
  maxSize: 16384,
  minIops: 3000,
  maxIops: 16000,
  iopsPerGib: 500,
  minMibps: 125,
  maxMibps: 1000,
};

/**
 * An ECS container instance with its own encrypted EBS volume, for a task that must stay next to its data.
 * The instance sets custom attributes at boot, attaches (self-healing mode) and mounts the volume before the
 * ECS agent starts, never reformats a volume that has a file system, and is replaced (self-healing) or
 * recovered in place (instance) when its host fails. Snapshots run on a schedule. Tasks are pinned with
 * `placementConstraint()`, mount `hostVolume()` (which holds the volume's single-writer lock), and run with
 * `pinnedServiceSettings` so two tasks never write the volume at once.
 */
export class PinnedEbsCapacity extends Construct {
  /** The prefix of the resources' names. */
  public readonly name: string;
  /** How the host recovers: `self-healing` or `instance`. */
  public readonly recovery: RecoveryMode;
  /** Where the data volume is mounted on the host. */
  public readonly mountPath: string;
  /** The ECS attributes the instance sets at first registration. */
  public readonly attributes: Record<string, string>;
  /** The `aws_ebs_volume` holding the data (with `prevent_destroy` unless `allowDestroy`). */
  public readonly volume: EbsVolume;
  /** The instance's security group: HTTPS out, nothing in. */
  public readonly securityGroup: SecurityGroup;
  /** The instance role: ECS, SSM, and attaching its data volume. */
  public readonly instanceRole: IamRole;
  /** The launch template of the instance (both recovery modes). */
  public readonly launchTemplate: LaunchTemplate;
  /** The instance (`instance` recovery) or undefined. */
  public readonly instance?: Instance;
  /** The Auto Scaling group (`self-healing` recovery) or undefined. */
  public readonly autoScalingGroup?: AutoscalingGroup;
  /** The volume's snapshot schedule (Data Lifecycle Manager). */
  public readonly snapshots: VolumeSnapshots;
  /** The first-boot script (a Terraform local, readable in `terraform console`). */
  public readonly bootstrapScript: TerraformLocal;
  /** The lock container every task that mounts a `hostVolume()` runs beside its workload. */
  private readonly lock: VolumeGuard;

  constructor(scope: Construct, id: string, props: PinnedEbsCapacityProps) {
    super(scope, id);
    applyGuardExceptions(this, "guardExceptions", props.guardExceptions);
    this.name = props.name ?? scopedName(this);
    this.recovery = props.recovery ?? "self-healing";
    this.mountPath = props.mountPath ?? "/mnt/data";
    this.attributes = props.attributes;
    const subnetIndex = props.subnetIndex ?? 0;
    const volumeOptions = props.volume ?? {};
    this.validate(props, subnetIndex, volumeOptions);
    const lockOptions = props.singleWriterLock ?? {};
    this.lock = singleWriterLock({
      name: `${this.name}-lock`,
      hostDirectory: `${this.mountPath}/${LOCK_DIRECTORY}`,
      waitSeconds: lockOptions.waitSeconds ?? 120,
      image: lockOptions.image ?? LOCK_IMAGE,
    });

    const subnetId = Fn.element(props.network.privateSubnetIds, subnetIndex);
    const availabilityZone = Fn.element(props.network.privateSubnetAvailabilityZones, subnetIndex);
    const context = awsContext(this);

    this.volume = new EbsVolume(this, "volume", {
      availabilityZone,
      type: "gp3",
      size: volumeOptions.sizeGib ?? 100,
      iops: volumeOptions.iops ?? GP3.minIops,
      throughput: volumeOptions.throughputMibps ?? GP3.minMibps,
      encrypted: true,
      kmsKeyId: volumeOptions.kmsKeyArn,
      finalSnapshot: true,
      tags: withTags(props.tags, { Name: `${this.name}-data`, [VolumeSnapshots.TARGET_TAG]: this.name }),
      lifecycle: { preventDestroy: props.allowDestroy !== true },
    });
    this.snapshots = new VolumeSnapshots(this, "snapshots", {
      name: this.name,
      targetTagValue: this.name,
      options: props.snapshots ?? {},
      tags: props.tags,
    });

    this.securityGroup = new SecurityGroup(this, "security-group", {
      name: `${this.name}-instance`,
      description: `ECS container instance ${this.name}: HTTPS out to ECS, SSM, ECR and EC2; nothing in`,
      vpcId: props.network.vpcId,
      tags: withTags(props.tags, { Name: `${this.name}-instance` }),
    });
    const httpsOut = new VpcSecurityGroupEgressRule(this, "https-out", {
      securityGroupId: this.securityGroup.id,
      cidrIpv4: "0.0.0.0/0",
      ipProtocol: "tcp",
      fromPort: HTTPS,
      toPort: HTTPS,
      description: "HTTPS out: ECS, SSM, ECR, EC2 APIs",
    });

    this.instanceRole = new IamRole(this, "instance-role", {
      name: `${this.name}-instance`,
      description: "ECS container instance: registers with ECS, is reachable by SSM, attaches its data volume",
      assumeRolePolicy: assumedBy("ec2.amazonaws.com"),
      tags: props.tags,
    });
    markRole(this.instanceRole, "instance");
    const managedPolicies = ["service-role/AmazonEC2ContainerServiceforEC2Role", "AmazonSSMManagedInstanceCore"];
    const policyAttachments = managedPolicies.map(
      (policy, index) =>
        new IamRolePolicyAttachment(this, `managed-policy-${index}`, {
          role: this.instanceRole.name,
          policyArn: `arn:${context.partition}:iam::aws:policy/${policy}`,
        }),
    );
    const profile = new IamInstanceProfile(this, "instance-profile", {
      name: `${this.name}-instance`,
      role: this.instanceRole.name,
      tags: props.tags,
    });

    // A local holds the script (a Terraform template with references inside), so base64encode() takes a reference.
    this.bootstrapScript = new TerraformLocal(
      this,
      "bootstrap-script",
      bootstrapScript({
        clusterName: props.cluster.name,
        attributesJson: instanceAttributesJson(props.attributes),
        volumeId: this.volume.id,
        region: context.region,
        mountPath: this.mountPath,
        fileSystem: volumeOptions.fileSystem ?? "xfs",
        deviceName: DEVICE_NAME,
        attachVolume: this.recovery === "self-healing",
      }),
    );
    // Provider default tags do not reach Auto Scaling groups nor what they launch: pass them on explicitly.
    const instanceTags = Token.asStringMap(
      Fn.merge([context.defaultTags, withTags(props.tags, { Name: `${this.name}-instance` })]),
    );
    const instanceType = props.instanceType ?? "t3.medium";
    this.launchTemplate = new LaunchTemplate(this, "launch-template", {
      name: `${this.name}-instance`,
      imageId: props.amiId ?? ecsOptimizedAmi(instanceType),
      instanceType,
      iamInstanceProfile: { arn: profile.arn },
      vpcSecurityGroupIds: [this.securityGroup.id],
      userData: Fn.base64encode(this.bootstrapScript.asString),
      updateDefaultVersion: true,
      // Self-healing: a host whose boot failed powers off; terminating it frees its volume at once, and its
      // group replaces it. A recovered instance (instance mode) is never thrown away by a shutdown.
      instanceInitiatedShutdownBehavior: this.recovery === "self-healing" ? "terminate" : "stop",
      metadataOptions: METADATA_OPTIONS,
      blockDeviceMappings: [
        {
          deviceName: "/dev/xvda",
          ebs: {
            volumeSize: props.rootVolumeSizeGib ?? 30,
            volumeType: "gp3",
            encrypted: "true",
            deleteOnTermination: "true",
          },
        },
      ],
      tagSpecifications: ["instance", "volume"].map((resourceType) => ({ resourceType, tags: instanceTags })),
      tags: props.tags,
    });
    const launchTemplate = { id: this.launchTemplate.id, version: Token.asString(this.launchTemplate.latestVersion) };
    // What the bootstrap needs before the host boots: a way out (the network's routes, the HTTPS rule) and
    // the instance role's permissions; references alone would let the host boot before them.
    const hostPrerequisites = [...(props.network.dependsOn ?? []), httpsOut, ...policyAttachments];
    let host: Instance | AutoscalingGroup;

    if (this.recovery === "instance") {
      this.instance = new Instance(this, "instance", {
        launchTemplate,
        subnetId,
        // The same settings as the launch template's, on the instance itself, where plan scanners read them.
        metadataOptions: METADATA_OPTIONS,
        tags: withTags(props.tags, { Name: `${this.name}-instance` }),
      });
      host = this.instance;
      new VolumeAttachment(this, "volume-attachment", {
        deviceName: DEVICE_NAME,
        volumeId: this.volume.id,
        instanceId: this.instance.id,
        // Stop the instance before Terraform ever detaches the volume, so no write is cut off midway.
        stopInstanceBeforeDetaching: true,
      });
      new CloudwatchMetricAlarm(this, "recover-alarm", {
        alarmName: `${this.name}-instance-recover`,
        alarmDescription: "The host failed its system status check: EC2 recovers the instance, same id and volume",
        namespace: "AWS/EC2",
        metricName: "StatusCheckFailed_System",
        dimensions: { InstanceId: this.instance.id },
        statistic: "Maximum",
        period: 60,
        evaluationPeriods: 2,
        comparisonOperator: "GreaterThanOrEqualToThreshold",
        threshold: 1,
        alarmActions: [`arn:${context.partition}:automate:${context.region}:ec2:recover`],
        tags: props.tags,
      });
    } else {
      // The group's name is known before the group exists, so the attach permission can be made first.
      const groupName = `${this.name}-instance`;
      const attachPermission = this.grantAttachToGroup(groupName, context, volumeOptions.kmsKeyArn);
      const tags = TerraformIterator.fromMap(instanceTags);
      this.autoScalingGroup = new AutoscalingGroup(this, "auto-scaling-group", {
        name: groupName,
        minSize: 1,
        maxSize: 1,
        desiredCapacity: 1,
        vpcZoneIdentifier: [subnetId],
        launchTemplate,
        healthCheckType: "EC2",
        healthCheckGracePeriod: 300,
        tag: tags.dynamic({ key: tags.key, value: tags.value, propagate_at_launch: true }),
      });
      host = this.autoScalingGroup;
      hostPrerequisites.push(attachPermission);
    }
    dependOn(host, hostPrerequisites);
  }

  /**
   * Runs a service on this capacity in one call: pins it to the instance (`memberOf` placement constraint
   * on its task definition), mounts a host volume below the mount path at `containerPath` (with the
   * volume's single-writer lock container), and deploys it by stopping the old task before starting the
   * new one (0% / 100%). The service must keep `desiredCount` at 1 or 0.
   */
  run(service: Ec2Service, options: RunOptions): TaskVolume {
    service.addPlacementConstraint(this.placementConstraint());
    service.useDeployment(this.pinnedServiceSettings);
    const volume = this.hostVolume(options.volumeName ?? `${this.name}-data`, options.subPath);
    service.addMount(volume, options.containerPath, { readOnly: options.readOnly });
    return volume;
  }

  /** A `memberOf` constraint that pins tasks to this instance: all attributes, or the one named. */
  placementConstraint(attributeName?: string): PlacementConstraint {
    if (attributeName === undefined) return { type: "memberOf", expression: memberOfExpression(this.attributes) };
    if (!isKnown(this.attributes)) {
      return {
        type: "memberOf",
        expression: `attribute:${attributeName} == ${Fn.lookup(this.attributes, attributeName)}`,
      };
    }
    if (!(attributeName in this.attributes)) {
      throw propError(
        this,
        `placementConstraint('${attributeName}'): the instance sets no such attribute; it sets: ${Object.keys(this.attributes).join(", ")}`,
      );
    }
    return { type: "memberOf", expression: memberOfExpression({ [attributeName]: this.attributes[attributeName] }) };
  }

  /**
   * A task definition `host_path` volume under the mount path (`subPath` relative, without `..`). A task
   * that mounts it runs the volume's lock container beside its workload, which starts only once the lock is
   * held; synth fails for a service that mounts it without this instance's placement constraint, with more
   * than one task or with a deployment that starts the new task before stopping the old one. Low level:
   * `run()` mounts it with all of that.
   */
  hostVolume(name: string, subPath?: string): TaskVolume {
    checkPattern(this, "hostVolume name", name, /^[A-Za-z0-9_-]{1,255}$/, "1 to 255 letters, digits, '_' or '-'");
    if (name === this.lock.containerName) {
      throw propError(this, `hostVolume name '${name}' is the name of the volume's lock; choose another`);
    }
    if (subPath !== undefined && isKnown(subPath) && !isRelativeSubPath(subPath)) {
      throw propError(
        this,
        `hostVolume subPath '${subPath}' must be a relative path below the mount path, without '..'`,
      );
    }
    const hostPath = subPath === undefined ? this.mountPath : `${this.mountPath}/${subPath}`;
    return {
      volume: { name, hostPath },
      fargateCompatible: false,
      mountPoint: (containerPath, options = {}) => ({
        sourceVolume: name,
        containerPath,
        readOnly: options.readOnly === true,
      }),
      // A service may be created before the instance: its tasks wait for placement, they do not fail.
      prerequisites: () => [],
      guard: this.lock,
      placement: {
        owner: `PinnedEbsCapacity '${this.node.id}'`,
        memberOf: this.placementExpressions(),
        remedy: "use capacity.run(service, { containerPath }), with desiredCount 1",
      },
    };
  }

  /** Every expression `placementConstraint()` gives: all attributes, or any one of them. */
  private placementExpressions(): string[] {
    if (!isKnown(this.attributes)) return [this.placementConstraint().expression];
    const one = Object.keys(this.attributes).map((name) => this.placementConstraint(name).expression);
    return [this.placementConstraint().expression, ...one];
  }

  /**
   * Deployment settings for the pinned service: stop the old task before starting the new one (0% / 100%),
   * so two tasks never write the volume at once. A deployment has a short outage; that is the price.
   */
  get pinnedServiceSettings(): DeploymentSettings {
    return { minimumHealthyPercent: 0, maximumPercent: 100 };
  }

  /**
   * Self-healing: the instance may attach this volume, only to instances of its own group, and may mark
   * itself unhealthy when it cannot (so the group replaces it). A volume under a customer managed key also
   * needs a KMS grant for EC2, as AWS CDK's `grantAttachVolume` gives.
   */
  private grantAttachToGroup(groupName: string, context: AwsContext, kmsKeyArn?: string): IamRolePolicy {
    const inGroup = { StringEquals: { "ec2:ResourceTag/aws:autoscaling:groupName": groupName } };
    return grantToRole(this, {
      role: this.instanceRole,
      roleKind: "instance",
      policyName: `${this.name}-attach-data-volume`,
      purpose: "attaching the data volume",
      statements: () => [
        { Sid: "DescribeVolumes", Effect: "Allow", Action: "ec2:DescribeVolumes", Resource: "*" },
        { Sid: "AttachThisVolume", Effect: "Allow", Action: "ec2:AttachVolume", Resource: this.volume.arn },
        {
          Sid: "ToInstancesOfThisGroup",
          Effect: "Allow",
          Action: "ec2:AttachVolume",
          Resource: `arn:${context.partition}:ec2:${context.region}:*:instance/*`,
          Condition: inGroup,
        },
        {
          Sid: "ReportOwnHealth",
          Effect: "Allow",
          Action: "autoscaling:SetInstanceHealth",
          Resource: `arn:${context.partition}:autoscaling:${context.region}:*:autoScalingGroup:*:autoScalingGroupName/${groupName}`,
        },
        ...(kmsKeyArn === undefined
          ? []
          : [
              {
                Sid: "DecryptTheVolumeThroughEc2",
                Effect: "Allow" as const,
                Action: "kms:CreateGrant",
                Resource: kmsKeyArn,
                Condition: {
                  StringEquals: { "kms:ViaService": `ec2.${context.region}.amazonaws.com` },
                  Bool: { "kms:GrantIsForAWSResource": "true" },
                },
              },
            ]),
      ],
    });
  }

  private validate(props: PinnedEbsCapacityProps, subnetIndex: number, volume: PinnedVolumeOptions): void {
    validateNetworkRef(this, props.network, ["private"]);
    checkInteger(this, "subnetIndex", subnetIndex, 0, 1000);
    const subnets = props.network.privateSubnetIds;
    if (isKnown(subnets) && isKnown(subnetIndex) && subnetIndex >= subnets.length) {
      throw propError(this, `subnetIndex ${subnetIndex} is past the ${subnets.length} private subnet(s) of network`);
    }
    checkPattern(this, "name", this.name, /^[A-Za-z0-9][A-Za-z0-9_-]{0,45}$/, "1 to 46 letters, digits, '_' or '-'");
    const lock = props.singleWriterLock ?? {};
    checkInteger(this, "singleWriterLock.waitSeconds", lock.waitSeconds, 0, 240);
    checkPattern(this, "singleWriterLock.image", lock.image, /^\S+$/, "an image reference such as 'busybox:1.36'");
    checkPattern(this, "cluster.name", props.cluster.name, /^[A-Za-z0-9_-]{1,255}$/, "an ECS cluster name");
    validateAttributes(this, props.attributes);
    checkOneOf(this, "recovery", this.recovery, RECOVERY_MODES);
    checkLiteral(this, "recovery", this.recovery, "it decides which resources exist");
    checkLiteral(this, "allowDestroy", props.allowDestroy, "it sets lifecycle.prevent_destroy");
    checkPattern(
      this,
      "instanceType",
      props.instanceType,
      /^[a-z][a-z0-9-]*\.[a-z0-9]+$/,
      "an instance type such as 't3.medium'",
    );
    checkPattern(
      this,
      "amiId",
      props.amiId,
      /^(ami-[0-9a-f]{8,17}|resolve:ssm:\S+)$/,
      "an AMI id or a resolve:ssm: parameter",
    );
    checkInteger(this, "rootVolumeSizeGib", props.rootVolumeSizeGib, 30, GP3.maxSize);
    checkPattern(
      this,
      "mountPath",
      this.mountPath,
      /^\/[A-Za-z0-9_./-]*[A-Za-z0-9_-]$/,
      "an absolute path such as '/mnt/data'",
    );
    if (isKnown(this.mountPath)) {
      const segments = this.mountPath.split("/").slice(1);
      const system = SYSTEM_DIRECTORIES.find((dir) => this.mountPath === dir || this.mountPath.startsWith(`${dir}/`));
      if (segments.includes("..") || segments.includes(".") || system !== undefined || this.mountPath === "/") {
        throw propError(
          this,
          `mountPath '${this.mountPath}' is, or is inside, a system directory; use a directory of its own such as '/mnt/data'`,
        );
      }
    }
    this.validateVolume(volume);
    validateSnapshotOptions(this, props.snapshots ?? {});
  }

  private validateVolume(volume: PinnedVolumeOptions): void {
    const size = volume.sizeGib ?? 100;
    const iops = volume.iops ?? GP3.minIops;
    const throughput = volume.throughputMibps ?? GP3.minMibps;
    checkInteger(this, "volume.sizeGib", size, GP3.minSize, GP3.maxSize);
    checkInteger(this, "volume.iops", iops, GP3.minIops, GP3.maxIops);
    checkInteger(this, "volume.throughputMibps", throughput, GP3.minMibps, GP3.maxMibps);
    if (isKnown(size) && isKnown(iops) && iops > GP3.iopsPerGib * size && iops > GP3.minIops) {
      throw propError(this, `volume.iops ${iops} is over ${GP3.iopsPerGib} per GiB of a ${size} GiB volume`);
    }
    if (isKnown(iops) && isKnown(throughput) && throughput > iops / 4) {
      throw propError(this, `volume.throughputMibps ${throughput} is over a quarter of volume.iops ${iops}`);
    }
    checkKmsKeyArn(this, "volume.kmsKeyArn", volume.kmsKeyArn);
    checkOneOf(this, "volume.fileSystem", volume.fileSystem, FILE_SYSTEMS);
  }
}

/** Whether `subPath` names a folder below a root: relative, without `..` or empty segments. */
export function isRelativeSubPath(subPath: string): boolean {
  const segments = subPath.split("/");
  return !subPath.startsWith("/") && !segments.includes("..") && !segments.includes("");
}
