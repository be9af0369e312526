import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { PlanJson } from "../../analysis/plan-json";
import { Toolchain } from "./toolchain";
import {
  TerraformJson,
  WorkspaceStack,
  assertOffline,
  childModule,
  mockApplyTestFile,
  rootModule,
} from "./workspace-files";

/**
 * Terraform as the judge of synthesized stacks, offline: `validate`, `plan` (parsed `terraform show -json`)
 * and `mockApply` (`terraform test` with mocked AWS providers), each run in a temporary workspace that
 * calls every stack as a child module (see `workspace-files.ts`). The stacks users deploy are never changed.
 */

export interface Diagnostic {
  readonly severity: "error" | "warning";
  readonly summary: string;
  readonly detail?: string;
  /** Where Terraform found it: a file of the workspace, `<stack>/cdk.tf.json` for a stack's own. */
  readonly range?: { readonly filename: string };
}

export interface ValidateResult {
  readonly valid: boolean;
  readonly error_count: number;
  readonly warning_count: number;
  readonly diagnostics: Diagnostic[];
}

/** A diagnostic of `terraform test`, with the phase it came from and what it names. */
export interface TestDiagnostic {
  readonly phase: "apply" | "teardown";
  /** `severity: summary: detail`. */
  readonly text: string;
  /** The resource address Terraform attached, module path included. */
  readonly address?: string;
  readonly filename?: string;
  /** For a refused teardown: the address of the resource that carries `prevent_destroy`. */
  readonly refused?: string;
}

/** What `terraform test -json` reported for the mock apply of the whole workspace. */
export interface TestRun {
  /** The status of the `mock_apply` run: `pass` when every stack applied against the mock. */
  readonly runStatus: string;
  readonly diagnostics: TestDiagnostic[];
}

/**
 * The terraform commands that may use the toolchain's shared provider process (`provider-server.ts`): they
 * never configure the provider (`show` only reads schemas; `terraform test` here always mocks it).
 */
export const SHARED_PROVIDER_COMMANDS: readonly string[] = ["validate", "test", "show"];

/**
 * The environment of every terraform process: dummy credentials, no prompts, nothing inherited that
 * redirects; for `command`s that never configure the provider, the toolchain's shared provider process.
 */
export function terraformEnv(
  toolchain: Toolchain,
  base: NodeJS.ProcessEnv = process.env,
  command?: string,
): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(base)) {
    // Also Terraform Cloud's credentials and settings: nothing offline may reach a workspace.
    const redirects = /^(TF_CLI_ARGS|TF_DATA_DIR|TF_WORKSPACE|TF_VAR_|TF_REATTACH_PROVIDERS|TF_TOKEN_|TF_CLOUD_|AWS_)/.test(
      key,
    );
    if (!redirects) env[key] = value;
  }
  const shared = toolchain.sharedProvider && command && SHARED_PROVIDER_COMMANDS.includes(command);
  return {
    ...env,
    ...(toolchain.cliConfigFile ? { TF_CLI_CONFIG_FILE: toolchain.cliConfigFile } : {}),
    ...(shared ? { TF_REATTACH_PROVIDERS: toolchain.sharedProvider } : {}),
    TF_IN_AUTOMATION: "1",
    TF_INPUT: "0",
    CHECKPOINT_DISABLE: "1",
    AWS_ACCESS_KEY_ID: "AKIAOFFLINEPLANNING0",
    AWS_SECRET_ACCESS_KEY: "offline-planning-only",
    AWS_EC2_METADATA_DISABLED: "true",
    AWS_CONFIG_FILE: "/dev/null",
    AWS_SHARED_CREDENTIALS_FILE: "/dev/null",
  };
}

/** A terraform command that runs longer is killed: a hung process must fail the test, not hold the run. */
export const COMMAND_TIMEOUT_MS = 10 * 60 * 1000;

/** At most this many terraform processes at once per test worker: they are CPU-bound. */
const MAX_PARALLEL = Math.max(1, os.availableParallelism());
let running = 0;
const waiting: Array<() => void> = [];

async function withSlot<T>(work: () => Promise<T>): Promise<T> {
  if (running >= MAX_PARALLEL) await new Promise<void>((resolve) => waiting.push(resolve));
  running++;
  try {
    return await work();
  } finally {
    running--;
    waiting.shift()?.();
  }
}

/**
 * Runs terraform in `cwd`; rejects on an exit code not in `okExitCodes`, with the end of its output. `env`
 * is the offline one (`terraformEnv`) unless given.
 */
export function runTerraform(
  toolchain: Toolchain,
  cwd: string,
  args: string[],
  okExitCodes = [0],
  env: NodeJS.ProcessEnv = terraformEnv(toolchain, process.env, args[0]),
): Promise<string> {
  return withSlot(
    () =>
      new Promise<string>((resolve, reject) => {
        const options = {
          cwd,
          env,
          maxBuffer: 512 * 1024 * 1024,
          timeout: COMMAND_TIMEOUT_MS,
        };
        execFile(toolchain.terraform, args, options, (error, stdout, stderr) => {
          const code = error ? (typeof error.code === "number" ? error.code : -1) : 0;
          if (okExitCodes.includes(code)) return resolve(stdout);
          // Terraform writes its errors to stderr, after a plan's long stdout: keep them whole.
          const output = `${stderr.trim().slice(-5000)}\n${stdout.trim().slice(-1000)}`.trim();
          reject(new Error(`terraform ${args.join(" ")} exited ${code} in ${cwd}:\n${output}`));
        });
      }),
  );
}

/**
 * Readies `dir` for the commands that use the shared provider process (`validate`, `test`): with that
 * process, Terraform needs only the configuration's modules installed (`terraform get`), no provider
 * unpacked into the folder; without it, `terraform init` as usual.
 */
export function installForSharedCommands(toolchain: Toolchain, dir: string): Promise<string> {
  const args = toolchain.sharedProvider ? ["get", "-no-color"] : ["init", "-input=false", "-no-color", "-backend=false"];
  return runTerraform(toolchain, dir, args);
}

const MOCK_TEST_FILE = path.join("tests", "stateful_ecs_mock_apply.tftest.hcl");

/**
 * For `fs.cpSync`'s filter: false for what Terraform writes into a configuration's folder (`.terraform`,
 * its lock file, state, a saved plan), which a copy to be judged afresh must not carry.
 */
export function isConfigurationFile(source: string): boolean {
  return !/(^|[\\/])(\.terraform|\.terraform\.lock\.hcl|.*\.tfstate.*|tfplan)$/.test(source);
}

/**
 * A temporary, initialised workspace holding copies of the given stack directories as child modules of
 * one root. Kept on disk when `STATEFUL_ECS_KEEP_WORKDIRS=1`, to debug (errors name the directory).
 */
export class TerraformWorkspace {
  /**
   * Copies the stacks (`name` -> directory holding `cdk.tf.json`), writes the root, and readies it: `terraform
   * init`, or with `sharedCommandsOnly` (a workspace that will only validate or mock-apply) what those
   * commands need with the shared provider process (`installForSharedCommands`: no provider unpacked).
   */
  static async create(
    stackDirs: Record<string, string>,
    toolchain: Toolchain,
    options: { readonly sharedCommandsOnly?: boolean } = {},
  ): Promise<TerraformWorkspace> {
    const stacks: WorkspaceStack[] = Object.entries(stackDirs).map(([name, dir]) => {
      const config: TerraformJson = JSON.parse(fs.readFileSync(path.join(dir, "cdk.tf.json"), "utf8"));
      assertOffline(config);
      return { name, config };
    });
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "stateful-ecs-workspace-"));
    const workspace = new TerraformWorkspace(dir, toolchain, stacks);
    try {
      for (const stack of stacks) {
        const stackDir = path.join(dir, stack.name);
        fs.cpSync(stackDirs[stack.name], stackDir, { recursive: true, filter: isConfigurationFile });
        fs.writeFileSync(path.join(stackDir, "cdk.tf.json"), JSON.stringify(childModule(stack.config)));
      }
      fs.writeFileSync(path.join(dir, "stateful_ecs_root.tf.json"), JSON.stringify(rootModule(stacks), null, 2));
      if (options.sharedCommandsOnly) await installForSharedCommands(toolchain, dir);
      else await workspace.terraform(["init", "-input=false", "-no-color"]);
      return workspace;
    } catch (error) {
      workspace.remove();
      throw error;
    }
  }

  private constructor(
    readonly dir: string,
    private readonly toolchain: Toolchain,
    private readonly stacks: WorkspaceStack[],
  ) {}

  /** `terraform validate -json`, parsed. */
  async validate(): Promise<ValidateResult> {
    return JSON.parse(await this.terraform(["validate", "-json", "-no-color"], [0, 1]));
  }

  /**
   * An offline plan (`offlinePlan`), parsed. With `priorState` (a state file's content), the plan starts from
   * it instead of an empty state.
   */
  async plan(priorState?: object): Promise<PlanJson> {
    if (priorState) fs.writeFileSync(path.join(this.dir, "terraform.tfstate"), JSON.stringify(priorState));
    return JSON.parse(await offlinePlan(this.toolchain, this.dir));
  }

  /** `terraform test` of a run that applies every stack with mocked AWS providers. */
  async mockApply(): Promise<TestRun> {
    fs.mkdirSync(path.join(this.dir, "tests"));
    fs.writeFileSync(path.join(this.dir, MOCK_TEST_FILE), mockApplyTestFile(this.stacks));
    return parseTestOutput(await this.terraform(["test", "-json", "-no-color"], [0, 1]));
  }

  /** Removes the copy (unless kept to debug). */
  remove(): void {
    if (process.env.STATEFUL_ECS_KEEP_WORKDIRS !== "1") fs.rmSync(this.dir, { recursive: true, force: true });
  }

  private terraform(args: string[], okExitCodes?: number[]): Promise<string> {
    return runTerraform(this.toolchain, this.dir, args, okExitCodes);
  }
}

/**
 * `terraform plan -refresh=false` of the initialised configuration in `dir`, saved as `tfplan` there, then
 * the plan as `terraform show -json` prints it.
 */
export async function offlinePlan(toolchain: Toolchain, dir: string): Promise<string> {
  await runTerraform(toolchain, dir, ["plan", "-refresh=false", "-input=false", "-lock=false", "-no-color", "-out=tfplan"]);
  return runTerraform(toolchain, dir, ["show", "-json", "-no-color", "tfplan"]);
}

/** Reads `terraform test -json` lines: the run's status, and every diagnostic with its phase. */
export function parseTestOutput(jsonLines: string): TestRun {
  let runStatus = "not run";
  let phase: TestDiagnostic["phase"] = "apply";
  const diagnostics: TestDiagnostic[] = [];
  for (const line of jsonLines.split("\n").filter((text) => text.startsWith("{"))) {
    const message = JSON.parse(line);
    const progress = message.test_run?.progress ?? message.test_file?.progress;
    if (progress === "teardown") phase = "teardown";
    if (message.type === "test_run" && message.test_run.status) runStatus = message.test_run.status;
    if (message.type !== "diagnostic") continue;
    const { severity, summary, detail, address, range } = message.diagnostic;
    const refused = /Resource (\S+) has lifecycle\.prevent_destroy set/.exec(detail ?? "")?.[1];
    diagnostics.push({
      phase,
      text: `${severity}: ${summary}${detail ? `: ${detail}` : ""}`,
      ...(address ? { address } : {}),
      ...(range?.filename ? { filename: range.filename } : {}),
      ...(refused ? { refused } : {}),
    });
  }
  return { runStatus, diagnostics };
}
