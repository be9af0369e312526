import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { sharedFolder } from "./shared-result";

export interface SynthesizedStack {
  /** The stack's name in `main.ts`, as `cdktf deploy <name>` takes it. */
  readonly name: string;
  /** The directory holding its `cdk.tf.json`. */
  readonly dir: string;
  /** `cdk.tf.json` as text, what the cdktf matchers take. */
  readonly json: string;
  /** `cdk.tf.json` parsed. */
  readonly config: TerraformConfig;
}

/** The top-level blocks of a synthesized Terraform JSON config that tests read. */
export interface TerraformConfig {
  readonly resource?: Record<string, Record<string, Record<string, unknown>>>;
  readonly data?: Record<string, Record<string, Record<string, unknown>>>;
  readonly output?: Record<string, { value: unknown; description?: string }>;
  readonly provider?: Record<string, Array<Record<string, unknown>>>;
  readonly terraform?: Record<string, unknown>;
  readonly moved?: Array<{ from: string; to: string }>;
}

let synthesized: SynthesizedStack[] | undefined;

/**
 * Every stack of the App in `main.ts`, as `npm run synth` writes them to `cdktf.out`, with the local backend
 * whatever the environment says. Synthesized once per test run (about 2 s of CPU, most of it loading cdktf
 * and the stacks), whichever test file and Jest worker asks first; the others read what it wrote.
 */
export function exampleStacks(): SynthesizedStack[] {
  synthesized ??= readSynthesized(sharedSynthesis());
  return synthesized;
}

/** Every stack of the App in `main.ts` as `env` makes them (`TFC_ORGANIZATION`...), in a new directory. */
export function synthesizeExampleApp(env: NodeJS.ProcessEnv): SynthesizedStack[] {
  return readSynthesized(newSynthesis(env));
}

function newSynthesis(env: NodeJS.ProcessEnv): string {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), "stateful-ecs-synth-"));
  synthesizeInto(outdir, env);
  return outdir;
}

function synthesizeInto(outdir: string, env: NodeJS.ProcessEnv): void {
  // Loaded here, not at the top: a test file that reads the shared synthesis never loads cdktf for it.
  const { App } = require("cdktf") as typeof import("cdktf");
  const { addExampleStacks } = require("../../main") as typeof import("../../main");
  addExampleStacks(new App({ outdir }), env).synth();
}

/**
 * The run's one synthesis, in the run's temporary directory (see global-setup.ts), made by whichever test
 * file asks first; outside a test run, a synthesis of its own.
 */
function sharedSynthesis(): string {
  const runDir = process.env.STATEFUL_ECS_TEST_TMP;
  if (!runDir) return newSynthesis({});
  return sharedFolder(runDir, "example-app", (folder) => synthesizeInto(folder, {}), 120_000);
}

/** The stacks of a synthesized app, in the order the app made them (its manifest's). */
function readSynthesized(outdir: string): SynthesizedStack[] {
  const manifest = JSON.parse(fs.readFileSync(path.join(outdir, "manifest.json"), "utf8"));
  return Object.entries(
    manifest.stacks as Record<string, { workingDirectory: string; synthesizedStackPath: string }>,
  ).map(([name, { workingDirectory, synthesizedStackPath }]) => {
    const json = fs.readFileSync(path.join(outdir, synthesizedStackPath), "utf8");
    return { name, dir: path.join(outdir, workingDirectory), json, config: JSON.parse(json) };
  });
}

/** One example stack by name; throws if `main.ts` has no such stack. */
export function exampleStack(name: string): SynthesizedStack {
  const found = exampleStacks().find((candidate) => candidate.name === name);
  if (!found) throw new Error(`main.ts has no stack named '${name}'`);
  return found;
}

/** `type.name` of every resource in a synthesized config. */
export function resourceAddresses(config: TerraformConfig): string[] {
  return Object.entries(config.resource ?? {}).flatMap(([type, byName]) =>
    Object.keys(byName).map((name) => `${type}.${name}`),
  );
}

/**
 * The instance address of every resource that carries `lifecycle.prevent_destroy`: `type.name`, or
 * `type.name["key"]` for each key of a literal `for_each` map.
 */
export function protectedResources(config: TerraformConfig): string[] {
  return Object.entries(config.resource ?? {}).flatMap(([type, byName]) =>
    Object.entries(byName)
      .filter(([, resource]) => (resource.lifecycle as { prevent_destroy?: boolean } | undefined)?.prevent_destroy)
      .flatMap(([name, resource]) => {
        const forEach = resource.for_each;
        const keys =
          forEach !== null && typeof forEach === "object" && !Array.isArray(forEach) ? Object.keys(forEach) : [];
        return keys.length > 0 ? keys.map((key) => `${type}.${name}[${JSON.stringify(key)}]`) : [`${type}.${name}`];
      }),
  );
}
