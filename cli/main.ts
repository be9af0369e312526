import * as path from "node:path";
import { CliResult, lintCommand } from "./lint/command";
import { VENDORED_MODULES, vendor } from "./vendor/vendor";

/**
 * The `stateful-ecs` command: argument parsing and printing only, over the vendoring code and the guards.
 * Exit codes: 0 done, 1 refused, failed or (lint) errors found, 2 bad usage or unreadable input.
 */

const USAGE = `Usage: stateful-ecs <command> [options]

Commands:
  vendor <outdir>   write our modules as plain Terraform modules into <outdir>/<module>/
  lint <path>       check a Terraform configuration or plan for stateful-ECS pitfalls

Run 'stateful-ecs <command> --help' for a command's options.`;

const VENDOR_USAGE = `Usage: stateful-ecs vendor <outdir> [--module <name>]... [--force]

Writes each module (${VENDORED_MODULES.map((module) => module.name).join(", ")}) into <outdir>/<module>/:
main.tf.json, README.md and tests/. Running it again rewrites them byte for byte.

Options:
  --module <name>   only this module (repeatable)
  --force           write into a directory that holds files vendor did not write
  --help            show this help`;

export type { CliResult };

/** Runs the command line `args` (without `node` and the script) and says what to print and exit with. */
export async function run(args: string[], cwd = process.cwd()): Promise<CliResult> {
  const [command, ...rest] = args;
  if (command === undefined || command === "--help" || command === "-h") {
    return {
      code: command === undefined ? 2 : 0,
      stdout: command === undefined ? "" : USAGE,
      stderr: command === undefined ? USAGE : "",
    };
  }
  if (command === "vendor") return vendorCommand(rest, cwd);
  if (command === "lint") return lintCommand(rest, cwd, packageVersion());
  return { code: 2, stdout: "", stderr: `stateful-ecs: unknown command '${command}'\n\n${USAGE}` };
}

function vendorCommand(args: string[], cwd: string): CliResult {
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

function packageVersion(): string {
  // The package's own package.json: beside cli/ in a clone, two levels up from dist/cli/ when installed.
  for (const candidate of ["../package.json", "../../package.json"]) {
    try {
      return (require(path.join(__dirname, candidate)) as { version: string }).version;
    } catch {
      // try the next layout
    }
  }
  return "0.0.0";
}
