import { EcsTaskDefinitionVolume } from "@cdktf/provider-aws/lib/ecs-task-definition";

/** A container definition's `mountPoints` entry. */
export interface ContainerMountPoint {
  readonly sourceVolume: string;
  readonly containerPath: string;
  readonly readOnly: boolean;
}

/**
 * A volume for a task definition together with what a container needs to mount it, produced by a storage
 * module (`EfsStorage.volume()`), so a task definition gets every setting the storage requires.
 */
export interface TaskVolume {
  /** The task definition `volume` entry. */
  readonly volume: EcsTaskDefinitionVolume;
  /** Whether the volume works on Fargate (EFS does; host paths do not). */
  readonly fargateCompatible: boolean;
  /** The container `mountPoints` entry that mounts this volume at `containerPath`. */
  mountPoint(containerPath: string, options?: { readonly readOnly?: boolean }): ContainerMountPoint;
}
