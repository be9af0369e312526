import { ChildProcess, spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { Ec2Service } from "../../modules/ecs";
import { PinnedEbsCapacity } from "../../modules/pinned-capacity";
import { existingNetwork, onlyResource, serviceBasics, synthConfig } from "../support/fixtures";
import { linkTools } from "../support/stand-ins";

/**
 * The single-writer lock as a task definition carries it: the lock container's own script and health check,
 * taken from the synthesized container definitions and run under `sh` with this machine's `flock` (the
 * image's BusyBox `flock` takes the same `-n FD` form), two holders of one lock file at once.
 */

interface ContainerDefinition {
  name: string;
  essential: boolean;
  command?: string[];
  environment: Array<{ name: string; value: string }>;
  mountPoints: Array<{ sourceVolume: string; containerPath: string }>;
  healthCheck?: { command: string[]; startPeriod: number };
  dependsOn?: Array<{ containerName: string; condition: string }>;
  startTimeout?: number;
  readonlyRootFilesystem?: boolean;
}

const synthesized = synthConfig((scope) => {
  const capacity = new PinnedEbsCapacity(scope, "db", {
    network: existingNetwork,
    cluster: { name: "main" },
    attributes: { role: "db-primary" },
    singleWriterLock: { waitSeconds: 45 },
  });
  const postgres = new Ec2Service(scope, "postgres", {
    ...serviceBasics(scope),
    container: { name: "postgres", image: "postgres:16" },
  });
  capacity.run(postgres, { containerPath: "/var/lib/postgresql/data", subPath: "postgres" });
});
const taskDefinition = onlyResource(synthesized, "aws_ecs_task_definition");
const containers: ContainerDefinition[] = JSON.parse(taskDefinition.container_definitions);
const [workload, lock] = containers;

describe("the pinned task's container definitions", () => {
  it("run an essential lock container on the volume's lock folder beside the workload", () => {
    expect(containers.map((container) => [container.name, container.essential])).toEqual([
      ["postgres", true],
      ["test-db-lock", true],
    ]);
    expect(lock.mountPoints).toEqual([
      { sourceVolume: "test-db-lock", containerPath: "/stateful-ecs", readOnly: false },
    ]);
    expect(taskDefinition.volume).toContainEqual({ name: "test-db-lock", host_path: "/mnt/data/.stateful-ecs" });
    expect(lock.command?.slice(0, 2)).toEqual(["sh", "-c"]);
    expect(lock.command?.[2]).toContain("flock -n 9");
    expect(lock.readonlyRootFilesystem).toBe(true);
  });

  it("start the workload only once the lock container is healthy, that is, holds the lock", () => {
    expect(workload.dependsOn).toEqual([{ containerName: "test-db-lock", condition: "HEALTHY" }]);
    // Waiting for the lock is not unhealthy, and the workload waits for the lock container at least that
    // long: ECS reads startTimeout from the container depended on, the lock container.
    expect(lock.healthCheck?.startPeriod).toBeGreaterThan(45);
    expect(lock.startTimeout).toBeGreaterThan(lock.healthCheck?.startPeriod ?? Infinity);
    expect(workload).not.toHaveProperty("startTimeout");
    expect(lock.environment).toContainEqual({ name: "STATEFUL_ECS_LOCK_WAIT_SECONDS", value: "45" });
  });
});

describe("two holders of one single-writer lock", () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "single-writer-lock-"));
  const bin = path.join(root, "bin");
  const lockFile = path.join(root, "volume", "writer.lock");
  const [script, health] = [lock.command?.[2] ?? "", lock.healthCheck?.command[1] ?? ""];
  const started: ChildProcess[] = [];

  beforeAll(() => {
    fs.mkdirSync(bin);
    fs.mkdirSync(path.dirname(lockFile));
    linkTools(bin, ["sh", "flock", "cat", "sleep", "grep", "hostname"]);
  });
  afterAll(() => {
    started.forEach((child) => stop(child, "SIGKILL"));
    fs.rmSync(root, { recursive: true, force: true });
  });

  /**
   * Signals a holder's whole process group: in a container, the end of the main process ends every other
   * process of the container too (its `sleep`, which must not keep running here).
   */
  function stop(child: ChildProcess, signal: NodeJS.Signals): void {
    try {
      process.kill(-(child.pid as number), signal);
    } catch {
      // already gone
    }
  }

  /** The lock container's environment in task `task`: ECS gives each container its own metadata URI. */
  const envOf = (task: string, waitSeconds: number) => ({
    PATH: bin,
    STATEFUL_ECS_LOCK_FILE: lockFile,
    STATEFUL_ECS_LOCK_WAIT_SECONDS: String(waitSeconds),
    ECS_CONTAINER_METADATA_URI_V4: `http://169.254.170.2/v4/${task}`,
  });

  function holder(task: string, waitSeconds: number) {
    const child = spawn(path.join(bin, "sh"), ["-c", script], { env: envOf(task, waitSeconds), detached: true });
    started.push(child);
    const output = { stdout: "", stderr: "" };
    child.stdout?.on("data", (data) => (output.stdout += data));
    child.stderr?.on("data", (data) => (output.stderr += data));
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    return { child, output, exited };
  }

  const healthy = (task: string) =>
    spawnSync(path.join(bin, "sh"), ["-c", health], { env: envOf(task, 0) }).status === 0;

  async function until(condition: () => boolean, what: string): Promise<void> {
    const deadline = Date.now() + 10_000;
    while (!condition()) {
      if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  it("lets the first take it and report healthy, and only the first", async () => {
    const first = holder("task-a", 2);
    await until(() => first.output.stdout.includes("holding the single-writer lock"), "task-a holds the lock");
    expect(healthy("task-a")).toBe(true);
    expect(healthy("task-b")).toBe(false);
  });

  it("makes the second wait, then exit non-zero with the message, never healthy", async () => {
    const startedAt = Date.now();
    const second = holder("task-b", 2);
    await until(() => second.output.stdout.includes("waiting up to 2 s"), "task-b waits");
    expect(healthy("task-b")).toBe(false);
    expect(await second.exited).toBe(1);
    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(2000);
    expect(second.output.stderr).toContain(
      `stateful-ecs: another task holds the single-writer lock ${lockFile} (holder: http://169.254.170.2/v4/task-a); waited 2 s; refusing to start a second writer`,
    );
    expect(healthy("task-a")).toBe(true);
  });

  it("exits cleanly when stopped, and gives the lock to the next task", async () => {
    const [first] = started;
    // As `docker stop` does: SIGTERM to the main process only; its `sleep` child lives on, without the lock.
    const exitCode = new Promise((resolve) => first.once("exit", (code) => resolve(code)));
    first.kill("SIGTERM");
    expect(await exitCode).toBe(0);
    const third = holder("task-c", 5);
    await until(() => third.output.stdout.includes("holding the single-writer lock"), "task-c holds the lock");
    expect(healthy("task-c")).toBe(true);
    expect(healthy("task-a")).toBe(false);
  });
});
