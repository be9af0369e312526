import { EcsTaskDefinitionVolume } from "@cdktf/provider-aws/lib/ecs-task-definition";
import { VolumeGuard } from "../ecs/task-volume";

/**
 * One writer per pinned volume, always, not only during deployments: a one-off `run-task` of the same task
 * definition, or a second service, would otherwise bind-mount the same data directory, and two database
 * processes in separate PID namespaces do not see each other's lock files. Every task that mounts a
 * pinned host volume runs a small lock-holding container beside its workload: it takes an exclusive
 * `flock` on a lock file on the volume (waiting a bounded time), and only once it holds the lock does its
 * health check pass and the workload start. Locks are per kernel, so the file serves every task on the
 * instance, and a replacement instance starts with none held.
 *
 * The script runs under any POSIX `sh` with `flock` (BusyBox's has `-n` but no `-w`, hence the loop). It
 * is written without `${`, which Terraform would read as its own interpolation.
 */
export const LOCK_SCRIPT = `lock="$STATEFUL_ECS_LOCK_FILE"
me="$ECS_CONTAINER_METADATA_URI_V4"
[ -n "$me" ] || me="$(hostname)"
exec 9>>"$lock"
waited=0
until flock -n 9; do
  if [ "$waited" -ge "$STATEFUL_ECS_LOCK_WAIT_SECONDS" ]; then
    echo "stateful-ecs: another task holds the single-writer lock $lock (holder: $(cat "$lock.holder" 2>/dev/null)); waited $waited s; refusing to start a second writer" >&2
    exit 1
  fi
  [ "$waited" -eq 0 ] && echo "stateful-ecs: another task holds the single-writer lock $lock; waiting up to $STATEFUL_ECS_LOCK_WAIT_SECONDS s"
  sleep 1
  waited=$((waited + 1))
done
echo "$me" >"$lock.holder"
echo "stateful-ecs: holding the single-writer lock $lock"
trap 'exit 0' TERM INT
while :; do sleep 3600 9>&- & wait $!; done
`;

/** Healthy only in the container that holds the lock: it wrote its own identity as the holder. */
export const LOCK_HEALTH_CHECK =
  'me="$ECS_CONTAINER_METADATA_URI_V4"; [ -n "$me" ] || me="$(hostname)"; grep -qxF "$me" "$STATEFUL_ECS_LOCK_FILE.holder"';

/** Where the lock container mounts the lock directory. */
const LOCK_DIR_IN_CONTAINER = "/stateful-ecs";
/** Health check settings; `startPeriod` (at most 300 s) covers the wait, so waiting is not unhealthy. */
const HEALTH = { interval: 5, timeout: 2, retries: 3 };
const START_MARGIN_SECONDS = 30;

export interface SingleWriterLockInput {
  /** The lock's name: its container's and its task definition volume's. */
  readonly name: string;
  /** The host directory, on the pinned volume, that holds the lock file. */
  readonly hostDirectory: string;
  /** Seconds to wait for a lock held by another task before giving up. */
  readonly waitSeconds: number;
  /** An image with `sh` and `flock`. */
  readonly image: string;
}

/** The guard that holds a pinned volume's single-writer lock for the task it runs in. */
export function singleWriterLock(input: SingleWriterLockInput): VolumeGuard {
  const volume: EcsTaskDefinitionVolume = { name: input.name, hostPath: input.hostDirectory };
  const startPeriod = input.waitSeconds + START_MARGIN_SECONDS;
  return {
    containerName: input.name,
    volumes: [volume],
    containerDefinition: (logConfiguration) => ({
      name: input.name,
      image: input.image,
      essential: true,
      // How long the workload waits for this container to be healthy (ECS reads it from the container
      // depended on); past it the task stops.
      startTimeout: startPeriod + START_MARGIN_SECONDS,
      command: ["sh", "-c", LOCK_SCRIPT],
      environment: [
        { name: "STATEFUL_ECS_LOCK_FILE", value: `${LOCK_DIR_IN_CONTAINER}/writer.lock` },
        { name: "STATEFUL_ECS_LOCK_WAIT_SECONDS", value: String(input.waitSeconds) },
      ],
      mountPoints: [{ sourceVolume: input.name, containerPath: LOCK_DIR_IN_CONTAINER, readOnly: false }],
      readonlyRootFilesystem: true,
      healthCheck: { command: ["CMD-SHELL", LOCK_HEALTH_CHECK], ...HEALTH, startPeriod },
      logConfiguration,
    }),
  };
}
