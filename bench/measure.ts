import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { Sample, sample } from "./stats";

const PROBE = path.join(__dirname, "rss-probe.cjs");

export interface Command {
  readonly command: string;
  readonly args: string[];
  readonly cwd?: string;
  readonly env?: NodeJS.ProcessEnv;
}

export interface Measured {
  readonly wallSeconds: Sample;
  /** Peak RSS of the largest Node process the command ran, in MiB (undefined for non-Node commands). */
  readonly peakRssMib?: Sample;
}

interface Run {
  readonly seconds: number;
  readonly peakRssMib?: number;
}

function runOnce(command: Command): Run {
  const rssDir = fs.mkdtempSync(path.join(os.tmpdir(), "bench-rss-"));
  const nodeOptions = [process.env.NODE_OPTIONS, `--require ${PROBE}`].filter(Boolean).join(" ");
  const started = process.hrtime.bigint();
  const result = spawnSync(command.command, command.args, {
    cwd: command.cwd,
    env: { ...process.env, ...command.env, NODE_OPTIONS: nodeOptions, BENCH_RSS_DIR: rssDir },
    stdio: ["ignore", "pipe", "pipe"],
    maxBuffer: 256 * 1024 * 1024,
  });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (result.status !== 0) {
    const output = `${result.stderr}\n${result.stdout}`.trim().slice(-3000);
    throw new Error(`${command.command} ${command.args.join(" ")} exited ${result.status}:\n${output}`);
  }
  const peaks = fs.readdirSync(rssDir).map((file) => Number(fs.readFileSync(path.join(rssDir, file), "utf8")));
  fs.rmSync(rssDir, { recursive: true, force: true });
  return { seconds, peakRssMib: peaks.length > 0 ? Math.max(...peaks) / 1024 : undefined };
}

/** Runs `command` once to warm caches, then `runs` times; reports wall time and peak RSS of each figure. */
export function measure(command: Command, runs: number): Measured {
  runOnce(command);
  const results = Array.from({ length: runs }, () => runOnce(command));
  const rss = results.map((result) => result.peakRssMib).filter((value): value is number => value !== undefined);
  return {
    wallSeconds: sample(results.map((result) => result.seconds)),
    peakRssMib: rss.length === results.length ? sample(rss) : undefined,
  };
}

/** Runs several commands one after another as one measured step (for example validate of every stack). */
export function measureSequence(commands: Command[], runs: number): Sample {
  const once = () => commands.reduce((total, command) => total + runOnce(command).seconds, 0);
  once();
  return sample(Array.from({ length: runs }, once));
}
