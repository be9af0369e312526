import "./baseline-wasm";
import * as path from "node:path";
import type { CliResult } from "./result";

export { exitWith } from "./result";

/**
 * The `stateful-ecs` command: argument parsing and printing only, over the vendoring code and the guards.
 * Exit codes: 0 done, 1 refused, failed or (lint) errors found, 2 bad usage or unreadable input; `review` and
 * `plan` have their own (2 there means data loss, so a usage error is 1).
 */

const USAGE = `Usage: stateful-ecs <command> [options]

Commands:
  vendor <outdir>   write our modules as plain Terraform modules into <outdir>/<module>/
  lint <path>       check a Terraform configuration or plan for stateful-ECS pitfalls
  review <plan>     review a plan (terraform show -json) for data loss, as Markdown or JSON
  plan <stack>      synthesize, plan one stack of the cdktf app here, and review the plan
  run-task serve    serve the Terraform Cloud run task endpoint that reviews each run's plan

Run 'stateful-ecs <command> --help' for a command's options.`;

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
  // Each command loads its own code only: vendor needs cdktf and the provider bindings (2 s), lint the
  // HCL parser's WebAssembly; neither should slow the other down. require(), not import(): a clone runs
  // these sources through tsx's CommonJS hook.
  if (command === "vendor")
    return (require("./vendor/command") as typeof import("./vendor/command")).vendorCommand(rest, cwd);
  if (command === "lint")
    return (require("./lint/command") as typeof import("./lint/command")).lintCommand(rest, cwd, packageVersion());
  if (command === "review")
    return (require("./review/command") as typeof import("./review/command")).reviewCommand(rest, cwd, readStdin);
  if (command === "plan") return (require("./plan/command") as typeof import("./plan/command")).planCommand(rest, cwd);
  if (command === "run-task")
    return (require("./run-task/command") as typeof import("./run-task/command")).runTaskCommand(rest);
  return { code: 2, stdout: "", stderr: `stateful-ecs: unknown command '${command}'\n\n${USAGE}` };
}

function readStdin(): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    process.stdin.on("data", (chunk: Buffer) => chunks.push(chunk));
    process.stdin.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    process.stdin.on("error", reject);
  });
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
