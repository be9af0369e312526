import { Configuration, ResourceInstance } from "../config/model";
import { ValueObject, asNumber, asString, blocks, firstBlock, isApplyTime, isUnknown } from "../config/values";
import { EfsVolume, containers, efsVolumes, runsOnFargate, taskDefinitionOf, SERVICE, TASK_DEFINITION } from "./ecs";
import { admitsTcp, groupKeys, ingressRules, worldOpenRules } from "./network";
import { Reporter, Rule } from "./rule";

/** Pattern 1, EFS: the rules SE001 to SE010. */

const NFS_PORT = 2049;

/** Runs `check` on every EFS volume of every task definition, skipping those whose volumes are unknown. */
function eachEfsVolume(
  configuration: Configuration,
  report: Reporter,
  check: (task: ResourceInstance, volume: EfsVolume) => void,
): void {
  for (const task of configuration.ofType(TASK_DEFINITION)) {
    const volumes = efsVolumes(task);
    if (isUnknown(volumes)) report.skip(task, `its volumes are not known statically (${volumes.reason})`);
    else volumes.forEach((volume) => check(task, volume));
  }
}

const transitEncryption: Rule = {
  id: "SE001",
  severity: "error",
  title: "An EFS volume of a task definition does not enable transit encryption",
  help: 'Set transit_encryption = "ENABLED" in every efs_volume_configuration: without it NFS traffic is plain text, and IAM authorization and access points refuse to mount.',
  reads: [TASK_DEFINITION],
  check(configuration, report) {
    eachEfsVolume(configuration, report, (task, volume) => {
      const setting = volume.config.transit_encryption;
      if (isApplyTime(setting))
        return report.skip(task, `volume '${volume.name}': transit_encryption is not known statically`);
      if (setting === "ENABLED") return;
      const written =
        setting === undefined || setting === null ? "is not set (DISABLED)" : `is ${JSON.stringify(setting)}`;
      report.finding(
        task,
        `volume '${volume.name}' mounts EFS without TLS: transit_encryption ${written}. Set transit_encryption = "ENABLED".`,
      );
    });
  },
};

const accessPointOfOtherFileSystem: Rule = {
  id: "SE002",
  severity: "error",
  title: "An EFS volume's access point belongs to another file system",
  help: "Use the access point's own file system: file_system_id = aws_efs_access_point.<name>.file_system_id. A mismatch fails every mount.",
  reads: [TASK_DEFINITION, "aws_efs_access_point"],
  check(configuration, report) {
    eachEfsVolume(configuration, report, (task, volume) => {
      const accessPointId = volume.authorization?.access_point_id;
      const [accessPoint] = configuration.resolve(accessPointId).filter((each) => each.type === "aws_efs_access_point");
      if (!accessPoint) return;
      const same = configuration.sameThing(accessPoint.values.file_system_id, volume.config.file_system_id);
      if (same === false) {
        report.finding(
          task,
          `volume '${volume.name}' mounts file system ${String(volume.config.file_system_id)} through ${accessPoint.address}, which belongs to ${String(accessPoint.values.file_system_id)}. Use the access point's own file_system_id.`,
        );
      }
    });
  },
};

const rootDirectoryWithAccessPoint: Rule = {
  id: "SE003",
  severity: "error",
  title: "An EFS volume sets a root_directory other than / together with an access point",
  help: 'Remove root_directory (or set it to "/"): the access point\'s root_directory decides where the task lands; ECS rejects both together.',
  reads: [TASK_DEFINITION],
  check(configuration, report) {
    eachEfsVolume(configuration, report, (task, volume) => {
      const accessPoint = volume.authorization?.access_point_id;
      const root = volume.config.root_directory;
      if (accessPoint === undefined || accessPoint === null || accessPoint === "") return;
      if (isApplyTime(root))
        return report.skip(task, `volume '${volume.name}': root_directory is not known statically`);
      if (typeof root === "string" && root !== "" && root !== "/") {
        report.finding(
          task,
          `volume '${volume.name}' sets root_directory "${root}" and an access point. Remove root_directory: the access point sets the directory.`,
        );
      }
    });
  },
};

const iamWithoutTaskRole: Rule = {
  id: "SE004",
  severity: "error",
  title: "An EFS volume uses IAM authorization but its task definition has no task role",
  help: "Set task_role_arn to a role allowed elasticfilesystem:ClientMount (and ClientWrite) on the file system: EFS IAM authorization uses the task role, never the execution role.",
  reads: [TASK_DEFINITION],
  check(configuration, report) {
    eachEfsVolume(configuration, report, (task, volume) => {
      if (volume.authorization?.iam !== "ENABLED") return;
      const role = task.values.task_role_arn;
      if (isUnknown(role)) return report.skip(task, "task_role_arn is not known statically");
      if (role === undefined || role === null || role === "") {
        report.finding(
          task,
          `volume '${volume.name}' uses IAM authorization (iam = "ENABLED") but the task definition has no task_role_arn: every mount is denied. Set task_role_arn to a role granted this file system.`,
        );
      }
    });
  },
};

const mountTargetsUnreachable: Rule = {
  id: "SE005",
  severity: "error",
  title: "A service mounts an EFS file system whose mount targets admit NFS from none of its security groups",
  help: "Allow TCP 2049 into the mount targets' security group from the service's security group (source_security_group_id / referenced_security_group_id); otherwise the mount times out and the task never starts.",
  reads: [
    SERVICE,
    TASK_DEFINITION,
    "aws_efs_mount_target",
    "aws_security_group",
    "aws_security_group_rule",
    "aws_vpc_security_group_ingress_rule",
  ],
  check(configuration, report) {
    const rules = ingressRules(configuration);
    for (const service of configuration.ofType(SERVICE)) {
      const task = taskDefinitionOf(configuration, service);
      const volumes = task && efsVolumes(task);
      if (!volumes || isUnknown(volumes) || volumes.length === 0) continue;
      const network = firstBlock(service.values.network_configuration);
      if (isUnknown(network)) {
        report.skip(service, "its network_configuration is not known statically");
        continue;
      }
      if (!network) continue;
      const serviceGroups = groupKeys(configuration, network.security_groups);
      if (!serviceGroups) {
        report.skip(service, "its security groups are not known statically");
        continue;
      }
      for (const volume of volumes) {
        const targets = configuration
          .ofType("aws_efs_mount_target")
          .filter((target) => configuration.sameThing(target.values.file_system_id, volume.config.file_system_id));
        if (targets.length === 0) {
          report.skip(service, `no mount target of ${String(volume.config.file_system_id)} in this configuration`);
          continue;
        }
        const targetGroups = targets.map((target) => groupKeys(configuration, target.values.security_groups));
        if (targetGroups.some((groups) => groups === undefined || groups.length === 0)) {
          report.skip(
            service,
            `the security groups of the mount targets of ${String(volume.config.file_system_id)} are not known statically`,
          );
          continue;
        }
        const groups = new Set(targetGroups.flat() as string[]);
        // A group this configuration does not manage (a literal id, a data source) has its rules elsewhere.
        const managed = new Set(configuration.ofType("aws_security_group").map((group) => group.blockAddress));
        const unmanaged = [...groups].filter((group) => !managed.has(group));
        if (unmanaged.length > 0) {
          report.skip(service, `the rules of mount target group ${unmanaged[0]} are not in this configuration`);
          continue;
        }
        const nfsRules = rules.filter(
          (rule) => rule.group === undefined || (groups.has(rule.group) && admitsTcp(rule, NFS_PORT) !== false),
        );
        const admitted = nfsRules.some(
          (rule) =>
            rule.group === undefined ||
            rule.sources === undefined ||
            rule.cidrs === undefined ||
            rule.cidrs.length > 0 ||
            rule.prefixLists ||
            rule.sources.some((source) => serviceGroups.includes(source)),
        );
        if (!admitted) {
          report.finding(
            service,
            `its tasks mount ${String(volume.config.file_system_id)} (volume '${volume.name}'), but the mount targets' security groups (${[...groups].join(", ")}) admit TCP 2049 from none of the service's security groups (${serviceGroups.join(", ")}): the mount will time out. Add an ingress rule on port 2049 from the service's security group.`,
          );
        }
      }
    }
  },
};

/**
 * Runs `check` on every container mount of an EFS volume, in every task definition whose volumes and
 * containers are known statically (the others are skipped, saying why).
 */
function eachEfsMount(
  configuration: Configuration,
  report: Reporter,
  check: (task: ResourceInstance, container: ValueObject, mount: ValueObject, volume: EfsVolume) => void,
): void {
  for (const task of configuration.ofType(TASK_DEFINITION)) {
    const volumes = efsVolumes(task);
    const defined = containers(task);
    const unknown = [volumes, defined].find(isUnknown);
    if (unknown) {
      report.skip(task, `its volumes or containers are not known statically (${unknown.reason})`);
      continue;
    }
    const byName = new Map((volumes as EfsVolume[]).map((volume) => [volume.name, volume]));
    for (const container of defined as ValueObject[]) {
      const mounts = blocks(container.mountPoints);
      if (isUnknown(mounts))
        report.skip(task, `the mount points of '${String(container.name)}' are not known statically`);
      else
        for (const mount of mounts) {
          const volume = byName.get(asString(mount.sourceVolume) ?? "");
          if (volume) check(task, container, mount, volume);
        }
    }
  }
}

const uidMismatch: Rule = {
  id: "SE006",
  severity: "warning",
  title: "A container's user differs from the POSIX user its access point enforces",
  help: 'Run the container as the access point\'s posix_user uid (container user "<uid>:<gid>"), or change the access point: files created through it belong to the enforced user, so permission checks inside the container fail.',
  reads: [TASK_DEFINITION, "aws_efs_access_point"],
  check(configuration, report) {
    eachEfsMount(configuration, report, (task, container, _mount, volume) => {
      const user = /^(\d+)(?::\d+)?$/.exec(asString(container.user) ?? "");
      const [accessPoint] = configuration
        .resolve(volume.authorization?.access_point_id)
        .filter((each) => each.type === "aws_efs_access_point");
      const posix = accessPoint && firstBlock(accessPoint.values.posix_user);
      const uid = posix && !isUnknown(posix) ? asNumber(configuration.follow(posix.uid)) : undefined;
      if (user && uid !== undefined && uid !== Number(user[1])) {
        report.finding(
          task,
          `container '${String(container.name)}' runs as uid ${user[1]} but mounts ${accessPoint.address} (volume '${volume.name}'), which enforces uid ${uid}. Run the container as ${uid} or change the access point's posix_user.`,
        );
      }
    });
  },
};

/** Where database images keep their data, and the images themselves. */
const DATABASE_DIRECTORIES = [
  "/var/lib/postgresql",
  "/var/lib/pgsql",
  "/bitnami/postgresql",
  "/var/lib/mysql",
  "/bitnami/mysql",
  "/bitnami/mariadb",
  "/data/db",
  "/data/configdb",
  "/bitnami/mongodb",
  "/var/lib/mongodb",
  "/var/lib/cassandra",
  "/cockroach/cockroach-data",
  "/var/lib/influxdb",
  "/var/lib/neo4j",
  "/opt/couchdb/data",
];
/** The image's repository name is the database's own (`postgres:16`, `bitnami/postgresql`), not a tool's (`mongo-express`). */
const DATABASE_IMAGE =
  /(^|\/)(postgres|postgresql|postgis|timescaledb|mysql|mariadb|percona|percona-server|mongo|mongodb|cassandra|cockroach|cockroachdb|influxdb|neo4j|couchdb)(:|@|$)/i;
const NOT_DATA = /^\/(backups?|tmp|imports?|exports?|docker-entrypoint-initdb\.d|etc|config|var\/log)(\/|$)/;

/** The database data directory `containerPath` is, or lies inside. */
function databaseDirectory(containerPath: string): string | undefined {
  const normalized = containerPath.replace(/\/+$/, "");
  return DATABASE_DIRECTORIES.find((dir) => normalized === dir || normalized.startsWith(`${dir}/`));
}

const databaseOnEfs: Rule = {
  id: "SE007",
  severity: "error",
  title: "EFS is mounted as a database's data directory",
  help: "Keep database files on block storage (the pinned EBS pattern) or use a managed database: NFS locking and write semantics corrupt PostgreSQL, MySQL/MariaDB and MongoDB data files.",
  reads: [TASK_DEFINITION],
  check(configuration, report) {
    eachEfsMount(configuration, report, (task, container, mount, volume) => {
      const image = asString(container.image) ?? "";
      const path = asString(mount.containerPath) ?? "";
      const directory = databaseDirectory(path);
      const databaseImage = DATABASE_IMAGE.test(image) && mount.readOnly !== true && !NOT_DATA.test(path);
      if (!directory && !databaseImage) return;
      const why = directory
        ? `${path} is a database data directory`
        : `${image} is a database image and mounts it writable at ${path}`;
      report.finding(
        task,
        `container '${String(container.name)}' keeps database files on EFS (volume '${volume.name}'): ${why}. NFS semantics corrupt databases; use EBS (pinned capacity) or a managed database.`,
      );
    });
  },
};

const nfsOpenToWorld: Rule = {
  id: "SE008",
  severity: "error",
  title: "TCP 2049 (NFS) is open to 0.0.0.0/0 or ::/0",
  help: "Allow port 2049 only from the security groups of the tasks that mount the file system.",
  reads: [
    "aws_security_group",
    "aws_security_group_rule",
    "aws_vpc_security_group_ingress_rule",
    "aws_efs_mount_target",
  ],
  check(configuration, report) {
    const mountTargetGroups = new Set(
      configuration
        .ofType("aws_efs_mount_target")
        .flatMap((target) => groupKeys(configuration, target.values.security_groups) ?? []),
    );
    for (const rule of worldOpenRules(configuration, NFS_PORT, mountTargetGroups)) {
      report.finding(
        rule.resource,
        `opens TCP 2049 (NFS) to ${rule.cidrs!.join(", ")}: anyone who reaches the network can try to mount. Allow 2049 only from the tasks' security groups.`,
      );
    }
  },
};

const noFileSystemPolicy: Rule = {
  id: "SE009",
  severity: "warning",
  title: "An EFS file system has no file system policy",
  help: "Add an aws_efs_file_system_policy that denies access without TLS (aws:SecureTransport) and outside the access points; with no policy any client that reaches a mount target has full access.",
  reads: ["aws_efs_file_system", "aws_efs_file_system_policy"],
  check(configuration, report) {
    const policies = configuration.ofType("aws_efs_file_system_policy");
    const unknown = policies.find((policy) => isUnknown(policy.values.file_system_id));
    if (unknown) {
      const why = `the file system of ${unknown.address} is not known statically`;
      for (const fileSystem of configuration.ofType("aws_efs_file_system")) report.skip(fileSystem, why);
      return;
    }
    for (const fileSystem of configuration.ofType("aws_efs_file_system")) {
      const governed = policies.some((policy) =>
        configuration.resolve(policy.values.file_system_id).includes(fileSystem),
      );
      if (!governed) {
        report.finding(
          fileSystem,
          "has no aws_efs_file_system_policy: any client that reaches a mount target has full access. Add a policy that requires TLS and the access points.",
        );
      }
    }
  },
};

function platformBelow14(version: string): boolean {
  const match = /^(\d+)\.(\d+)\.(\d+)$/.exec(version);
  if (!match) return false;
  const [major, minor] = [Number(match[1]), Number(match[2])];
  return major < 1 || (major === 1 && minor < 4);
}

const oldFargatePlatform: Rule = {
  id: "SE010",
  severity: "error",
  title: "A Fargate service or task that mounts EFS runs on a platform version below 1.4.0",
  help: 'Use platform_version "1.4.0" or "LATEST": EFS volumes need Fargate platform version 1.4.0 or later.',
  reads: [SERVICE, "aws_ecs_task_set", "aws_cloudwatch_event_target", TASK_DEFINITION],
  check(configuration, report) {
    const mountsEfs = (task: ResourceInstance | undefined, starter: ResourceInstance) => {
      const volumes = task && efsVolumes(task);
      if (isUnknown(volumes)) report.skip(starter, `the volumes of ${task!.address} are not known statically`);
      return Array.isArray(volumes) && volumes.length > 0;
    };
    for (const service of configuration.ofType(SERVICE, "aws_ecs_task_set")) {
      const version = asString(service.values.platform_version);
      if (!version || !platformBelow14(version) || runsOnFargate(service) !== true) continue;
      if (mountsEfs(taskDefinitionOf(configuration, service), service)) {
        report.finding(
          service,
          `runs on Fargate platform version ${version} and its tasks mount EFS, which needs 1.4.0 or later. Set platform_version = "1.4.0" or "LATEST".`,
        );
      }
    }
    for (const target of configuration.ofType("aws_cloudwatch_event_target")) {
      const ecs = firstBlock(target.values.ecs_target);
      if (!ecs || isUnknown(ecs)) continue;
      const version = asString(ecs.platform_version);
      const task = configuration.referencedIn(ecs.task_definition_arn).find((each) => each.type === TASK_DEFINITION);
      if (version && platformBelow14(version) && ecs.launch_type === "FARGATE" && mountsEfs(task, target)) {
        report.finding(
          target,
          `starts Fargate tasks on platform version ${version} that mount EFS, which needs 1.4.0 or later. Set platform_version = "1.4.0" or "LATEST".`,
        );
      }
    }
  },
};

export const EFS_RULES: readonly Rule[] = [
  transitEncryption,
  accessPointOfOtherFileSystem,
  rootDirectoryWithAccessPoint,
  iamWithoutTaskRole,
  mountTargetsUnreachable,
  uidMismatch,
  databaseOnEfs,
  nfsOpenToWorld,
  noFileSystemPolicy,
  oldFargatePlatform,
];
