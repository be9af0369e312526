import * as path from "node:path";
import type { CliResult } from "../result";
import { VENDORED_MODULES, vendor } from "./vendor";

/** `stateful-ecs vendor <outdir>`: argument parsing and printing over the vendoring code. */

const VENDOR_USAGE = `Usage: stateful-ecs vendor <outdir> [--module <name>]... [--force]

Writes each module (${VENDORED_MODULES.map((module) => module.name).join(", ")}) into <outdir>/<module>/:
main.tf.json, README.md and tests/. Running it again rewrites them byte for byte.

Options:
  --module <name>   only this module (repeatable)
  --force           write into a directory that holds files vendor did not write
  --help            show this help`;

export function vendorCommand(args: string[], cwd: string): CliResult {
  const usageError = (message: string): CliResult => ({
    code: 2,
    stdout: "",
    stderr: `stateful-ecs vendor: ${message}\n\n${VENDOR_USAGE}`,
  });
  const modules: string[] = [];
  let force = false;
  let outdir: string | undefined;
  for (let index = 0; index < args.length; index++) {
    const arg = args[index];
    if (arg === "--help" || arg === "-h") return { code: 0, stdout: VENDOR_USAGE, stderr: "" };
    if (arg === "--force") force = true;
    else if (arg === "--module") {
      const name = args[++index];
      if (name === undefined) return usageError("--module needs a module name");
      modules.push(name);
    } else if (arg.startsWith("-")) return usageError(`unknown option '${arg}'`);
    else if (outdir === undefined) outdir = arg;
    else return usageError(`unexpected argument '${arg}'`);
  }
  if (outdir === undefined) return usageError("missing <outdir>");
  const unknown = modules.filter((name) => !VENDORED_MODULES.some((module) => module.name === name));
  if (unknown.length > 0) return usageError(`unknown module '${unknown[0]}'`);
  const target = path.resolve(cwd, outdir);
  const options = { force, modules: modules.length > 0 ? modules : undefined };
  let written: string[];
  try {
    written = vendor(target, options);
  } catch (error) {
    return { code: 1, stdout: "", stderr: `stateful-ecs vendor: ${(error as Error).message}` };
  }
  return { code: 0, stdout: written.map((dir) => `wrote ${path.relative(cwd, dir) || dir}`).join("\n"), stderr: "" };
}
