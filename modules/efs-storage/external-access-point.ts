import { Construct } from "constructs";
import { grantToRole } from "../core/grants";
import { checkPattern } from "../core/validate";
import { ContainerService } from "../ecs/container-service";
import { TaskVolume } from "../ecs/task-volume";
import { accessPointStatement } from "./policy";

/** NFS: the TCP port of EFS mount targets (`EfsStorage.NFS_PORT`). */
export const NFS_PORT = 2049;

/** An access point of a file system that another configuration owns, such as a vendored module's outputs. */
export interface ExternalAccessPoint {
  /** The file system id (`fs-...`). */
  readonly fileSystemId: string;
  /** The file system ARN: IAM grants name it, narrowed to the access point. */
  readonly fileSystemArn: string;
  /** The access point id (`fsap-...`). */
  readonly accessPointId: string;
  /** The access point ARN. */
  readonly accessPointArn: string;
  /** The mount targets' security group: the tasks get egress to it; letting them in is the owner's part. */
  readonly mountTargetSecurityGroupId: string;
}

/** Where a service mounts an external access point, and how. */
export interface ExternalMountOptions {
  /** The directory in the container: absolute, not `/`. */
  readonly containerPath: string;
  /** The task definition volume's name, and the name of the task role's grant policy. */
  readonly volumeName: string;
  /**
   * Mount read-only, and grant only `elasticfilesystem:ClientMount`.
   * @default false
   */
  readonly readOnly?: boolean;
}

/**
 * The task definition volume of an EFS access point (transit encryption and IAM authorization on, the access
 * point's directory as root), and its container mount point: what `EfsStorage.volume()` and
 * `EfsStorage.mountExternal()` give a service.
 */
export function efsVolume(
  owner: Construct,
  name: string,
  fileSystemId: string,
  accessPointId: string,
): Pick<TaskVolume, "volume" | "fargateCompatible" | "mountPoint"> {
  checkPattern(owner, "volume name", name, /^[A-Za-z0-9_-]{1,255}$/, "1 to 255 letters, digits, '_' or '-'");
  return {
    volume: {
      name,
      efsVolumeConfiguration: {
        fileSystemId,
        transitEncryption: "ENABLED",
        authorizationConfig: { accessPointId, iam: "ENABLED" },
      },
    },
    fargateCompatible: true,
    mountPoint: (containerPath, options = {}) => ({
      sourceVolume: name,
      containerPath,
      readOnly: options.readOnly === true,
    }),
  };
}

/**
 * Mounts an access point of a file system another configuration owns, the service's side of the wiring in
 * one call: grants its task role that access point only (an inline policy; EFS allows what the role's policy
 * or the file system policy allows), opens egress to the mount targets on NFS, and adds the volume and its
 * mount point. The service's first task waits for the grant. Letting the service's group in to the mount
 * targets is the owner's part (for an `EfsStorage`, `allowFrom`; use `storage.mount()` for its own access points).
 */
export function mountExternalAccessPoint(
  service: ContainerService,
  accessPoint: ExternalAccessPoint,
  options: ExternalMountOptions,
): TaskVolume {
  const write = options.readOnly !== true;
  const grant = grantToRole(service, {
    role: service.taskRole,
    roleKind: "task",
    policyName: `${options.volumeName}-efs`,
    purpose: "EfsStorage.mountExternal()",
    statements: () => [
      {
        Sid: "EfsThroughAccessPoint",
        ...accessPointStatement(
          accessPoint.fileSystemArn,
          { accessPointArn: accessPoint.accessPointArn, write, root: false },
          false,
        ),
      },
    ],
  });
  service.allowEgressTo(
    { securityGroupId: accessPoint.mountTargetSecurityGroupId },
    NFS_PORT,
    "NFS to the EFS mount targets",
  );
  const volume: TaskVolume = {
    ...efsVolume(service, options.volumeName, accessPoint.fileSystemId, accessPoint.accessPointId),
    prerequisites: () => [grant],
  };
  service.addMount(volume, options.containerPath, { readOnly: options.readOnly });
  return volume;
}
