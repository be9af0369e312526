import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";

/**
 * Synthesizes the cdktf app of a directory as `cdktf synth` does: its `cdktf.json` names the command that
 * runs the app, the output folder and the context; cdktf's `App` reads them from `CDKTF_OUTDIR` and
 * `CDKTF_CONTEXT_JSON` and writes a `manifest.json` naming each stack's directory.
 */

export class SynthFailed extends Error {}

export interface SynthesizedApp {
  readonly outdir: string;
  /** Stack name -> the directory holding its `cdk.tf.json`. */
  readonly stacks: Record<string, string>;
  /** What the app printed (warnings of the guards at synth, for one). */
  readonly output: string;
}

export async function synthesizeApp(projectDir: string): Promise<SynthesizedApp> {
  const configFile = path.join(projectDir, "cdktf.json");
  if (!fs.existsSync(configFile)) throw new SynthFailed(`no cdktf.json in ${projectDir}: run it in a cdktf project`);
  let config: { app?: unknown; output?: unknown; context?: unknown };
  try {
    config = JSON.parse(fs.readFileSync(configFile, "utf8"));
  } catch (error) {
    throw new SynthFailed(`cdktf.json is not JSON: ${(error as Error).message}`);
  }
  if (typeof config.app !== "string") throw new SynthFailed("cdktf.json has no 'app' command");
  const outdir = path.resolve(projectDir, typeof config.output === "string" ? config.output : "cdktf.out");
  const output = await runApp(config.app, projectDir, {
    CDKTF_OUTDIR: outdir,
    // The context of cdktf.json, as `cdktf synth` passes it (cdktf's App reads it from this variable).
    ...(config.context !== undefined ? { CDKTF_CONTEXT_JSON: JSON.stringify(config.context) } : {}),
  });
  const manifestFile = path.join(outdir, "manifest.json");
  let manifest: { stacks: Record<string, { workingDirectory: string }> };
  try {
    manifest = JSON.parse(fs.readFileSync(manifestFile, "utf8"));
    if (typeof manifest.stacks !== "object" || manifest.stacks === null) throw new Error("it lists no stacks");
  } catch (error) {
    throw new SynthFailed(`the app wrote no readable ${manifestFile}: ${(error as Error).message}`);
  }
  const stacks = Object.fromEntries(
    Object.entries(manifest.stacks).map(([name, stack]) => [name, path.join(outdir, stack.workingDirectory)]),
  );
  return { outdir, stacks, output };
}

function runApp(command: string, cwd: string, env: NodeJS.ProcessEnv): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, { cwd, shell: true, env: { ...process.env, ...env } });
    let output = "";
    child.stdout.on("data", (chunk) => (output += chunk));
    child.stderr.on("data", (chunk) => (output += chunk));
    child.on("error", (error) => reject(new SynthFailed(`cannot run '${command}': ${error.message}`)));
    child.on("close", (code) =>
      code === 0
        ? resolve(output.trim())
        : reject(new SynthFailed(`'${command}' exited ${code}:\n${output.trim().slice(-4000)}`)),
    );
  });
}
