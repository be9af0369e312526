import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { App, TerraformStack } from "cdktf";
import { addExampleStacks } from "../../main";

export interface SynthesizedStack {
  /** The stack's name in `main.ts`, as `cdktf deploy <name>` takes it. */
  readonly name: string;
  readonly stack: TerraformStack;
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
 * Every stack of the App in `main.ts`, synthesized once per test file into a temporary directory exactly as
 * `npm run synth` writes them to `cdktf.out`, with the local backend whatever the environment says.
 */
export function exampleStacks(): SynthesizedStack[] {
  synthesized ??= synthesizeExampleApp({});
  return synthesized;
}

/** Every stack of the App in `main.ts` as `env` makes them (`TFC_ORGANIZATION`...), in a new directory. */
export function synthesizeExampleApp(env: NodeJS.ProcessEnv): SynthesizedStack[] {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), "stateful-ecs-synth-"));
  const app = addExampleStacks(new App({ outdir }), env);
  app.synth();
  const manifest = JSON.parse(fs.readFileSync(path.join(outdir, "manifest.json"), "utf8"));
  return app.node.children.filter(TerraformStack.isStack).map((stack) => {
    const name = stack.node.id;
    const { workingDirectory, synthesizedStackPath } = manifest.stacks[name];
    const json = fs.readFileSync(path.join(outdir, synthesizedStackPath), "utf8");
    return { name, stack, dir: path.join(outdir, workingDirectory), json, config: JSON.parse(json) };
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

/** `type.name` of every resource that carries `lifecycle.prevent_destroy`. */
export function protectedResources(config: TerraformConfig): string[] {
  return Object.entries(config.resource ?? {}).flatMap(([type, byName]) =>
    Object.entries(byName)
      .filter(([, resource]) => (resource.lifecycle as { prevent_destroy?: boolean } | undefined)?.prevent_destroy)
      .map(([name]) => `${type}.${name}`),
  );
}
