import { EcsTaskDefinitionVolume } from "@cdktf/provider-aws/lib/ecs-task-definition";
import { Prerequisites, WiringCheck } from "../core/connectable";

/** A container definition's `mountPoints` entry. */
export interface ContainerMountPoint {
  readonly sourceVolume: string;
  readonly containerPath: string;
  readonly readOnly: boolean;
}

/**
 * A volume for a task definition together with what a container needs to mount it, produced by a storage
 * module (`EfsStorage.volume()`, `PinnedEbsCapacity.hostVolume()`), so a task definition gets every setting
 * the storage requires and the service waits for everything the mount needs. The storage modules'
 * one-call connections (`storage.mount()`, `capacity.run()`) add it to a service with its grants and rules.
 */
export interface TaskVolume {
  /** The task definition `volume` entry. */
  readonly volume: EcsTaskDefinitionVolume;
  /** Whether the volume works on Fargate (EFS does; host paths do not). */
  readonly fargateCompatible: boolean;
  /** The container `mountPoints` entry that mounts this volume at `containerPath`. */
  mountPoint(containerPath: string, options?: { readonly readOnly?: boolean }): ContainerMountPoint;
  /**
   * What must exist before a task can mount the volume (mount targets, policies, grants, security group
   * rules); a service that mounts it depends on all of it, so its first tasks do not fail to start.
   */
  readonly prerequisites: Prerequisites;
  /**
   * What the mounting service lacks (a grant to its task role, a rule from its security group), checked
   * when the stack is synthesized.
   * @default - nothing to check
   */
  readonly check?: WiringCheck;
  /**
   * A container that must guard the volume while a task uses it, such as the single-writer lock.
   * @default - none
   */
  readonly guard?: VolumeGuard;
  /**
   * Where a task that mounts the volume must run, and how many at once.
   * @default - anywhere, any number
   */
  readonly placement?: VolumePlacement;
}

/**
 * A container that guards a volume while a task uses it (the single-writer lock of a pinned host volume).
 * It is essential, and the workload container starts only once the guard is HEALTHY; ECS stops containers in
 * the reverse order of their dependencies, so the workload also stops before its guard. How long the
 * workload may wait is the guard's own `startTimeout`: ECS reads it from the container depended on.
 */
export interface VolumeGuard {
  /** The guard's container name; volumes that share a guard (one lock) share the name, and one container. */
  readonly containerName: string;
  /** Task definition volumes the guard mounts. */
  readonly volumes: EcsTaskDefinitionVolume[];
  /** The guard's container definition (ECS's JSON shape), logging with `logConfiguration`. */
  containerDefinition(logConfiguration: object): Record<string, unknown>;
}

/** A volume of one host that one task at a time may use. */
export interface VolumePlacement {
  /** Who holds the volume, as errors name it: `PinnedEbsCapacity 'db'`. */
  readonly owner: string;
  /** `memberOf` expressions that place a task on the volume's host; a task needs one of them. */
  readonly memberOf: string[];
  /** How to place and deploy a service correctly, as errors suggest it. */
  readonly remedy: string;
}
