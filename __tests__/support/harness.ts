import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { PlanJson } from "../../analysis/plan-json";
import { sharedResult } from "./shared-result";
import { MockApplyResult, stackMockApply, stackPlan, stackValidateResult } from "../../cli/terraform/stack-results";
import { COMMAND_TIMEOUT_MS, TerraformWorkspace, ValidateResult, runTerraform } from "../../cli/terraform/terraform";
import { Toolchain, toolchainStatus } from "../../cli/terraform/toolchain";
import { judgedContent } from "../../cli/terraform/workspace-files";

/**
 * The Terraform harness every stack test uses: `validate`, `plan` and `mockApply` take a synthesized stack
 * directory. The stacks synthesized together (every sibling folder of `cdktf.out/stacks/` that holds a
 * `cdk.tf.json`) are checked together in one workspace, and each check runs once per test run, whichever
 * test file and Jest worker asks first: the others read its result.
 */

export type Plan = PlanJson;
export type { MockApplyResult } from "../../cli/terraform/stack-results";

/** The stacks synthesized with `stackDir`, by name. */
function stackGroup(stackDir: string): Record<string, string> {
  const parent = path.dirname(path.resolve(stackDir));
  const names = fs
    .readdirSync(parent)
    .filter((name) => fs.existsSync(path.join(parent, name, "cdk.tf.json")))
    .sort();
  return Object.fromEntries(names.map((name) => [name, path.join(parent, name)]));
}

/**
 * A key that changes whenever what the workspace judges of a stack of the group (`judgedContent`), the
 * Terraform version or the harness step does: stacks synthesized with another backend share the results.
 */
function groupKey(group: Record<string, string>, toolchain: Toolchain, step: string): string {
  const hash = createHash("sha256").update(`${toolchain.terraformVersion}\n${step}\n`);
  for (const [name, dir] of Object.entries(group)) {
    const config = JSON.parse(fs.readFileSync(path.join(dir, "cdk.tf.json"), "utf8"));
    hash.update(`${name}\n`).update(JSON.stringify(judgedContent(config)));
  }
  return `${step}-${hash.digest("hex").slice(0, 24)}`;
}

let fallbackResultsDir: string | undefined;

/** Where a test run's shared results go: inside the run's own temporary directory (see global-setup.js). */
function resultsDir(): string {
  const runDir = process.env.STATEFUL_ECS_TEST_TMP;
  if (runDir) return path.join(runDir, "terraform-results");
  fallbackResultsDir ??= fs.mkdtempSync(path.join(os.tmpdir(), "stateful-ecs-terraform-results-"));
  return fallbackResultsDir;
}

/** One check of the workspace of `stackDir`'s group, computed once per run, with the group's stack names. */
async function groupCheck<T>(
  stackDir: string,
  step: string,
  run: (workspace: TerraformWorkspace) => Promise<T>,
): Promise<{ result: T; stacks: string[]; stack: string }> {
  const status = toolchainStatus();
  if (!status.ok) throw new Error(`Terraform checks cannot run: ${status.reason}`);
  const group = stackGroup(stackDir);
  const stack = path.basename(path.resolve(stackDir));
  if (!(stack in group)) throw new Error(`${stackDir} holds no cdk.tf.json`);
  const result = await sharedResult(
    resultsDir(),
    groupKey(group, status.toolchain, step),
    async () => {
      // Only a plan configures the AWS provider; validate and the mock apply use the shared provider process.
      const workspace = await TerraformWorkspace.create(group, status.toolchain, {
        sharedCommandsOnly: step !== "plan",
      });
      try {
        return await run(workspace);
      } finally {
        workspace.remove();
      }
    },
    TERRAFORM_TIMEOUT_MS,
  );
  return { result, stacks: Object.keys(group), stack };
}

/**
 * `terraform init` of a copy of the stack exactly as synthesized, its backend and provider blocks
 * included (the workspace checks replace them): what cdktf's `toBeValidTerraform()` adds to our
 * `validate`, without that matcher's second schema load per stack. Resolves to init's output. With
 * `backend: false`, the backend (a Terraform Cloud one too) is read but not initialised, nor contacted.
 */
export async function initAsWritten(stackDir: string, options: { backend?: boolean } = {}): Promise<string> {
  const status = toolchainStatus();
  if (!status.ok) throw new Error(`Terraform checks cannot run: ${status.reason}`);
  const copy = fs.mkdtempSync(path.join(os.tmpdir(), "stateful-ecs-as-written-"));
  fs.copyFileSync(path.join(stackDir, "cdk.tf.json"), path.join(copy, "cdk.tf.json"));
  const backend = options.backend === false ? ["-backend=false"] : [];
  try {
    return await runTerraform(status.toolchain, copy, ["init", "-input=false", "-no-color", ...backend]);
  } finally {
    fs.rmSync(copy, { recursive: true, force: true });
  }
}

export async function validate(stackDir: string): Promise<ValidateResult> {
  const { result, stacks, stack } = await groupCheck(stackDir, "validate", (workspace) => workspace.validate());
  return stackValidateResult(result, stacks, stack);
}

export async function plan(stackDir: string): Promise<Plan> {
  const { result, stack } = await groupCheck(stackDir, "plan", (workspace) => workspace.plan());
  return stackPlan(result, stack);
}

export async function mockApply(stackDir: string): Promise<MockApplyResult> {
  const { result, stacks, stack } = await groupCheck(stackDir, "mock-apply", (workspace) => workspace.mockApply());
  return stackMockApply(result, stacks, stack);
}

export function isCi(env: NodeJS.ProcessEnv = process.env): boolean {
  return !!env.CI && env.CI !== "false" && env.CI !== "0";
}

/** How long one Terraform-level test may take: init, plan and test of every stack, queued behind others. */
export const TERRAFORM_TIMEOUT_MS = Math.min(240_000, COMMAND_TIMEOUT_MS);

/**
 * A `describe` for tests that run Terraform. Without Terraform or the provider mirror it fails in CI (a
 * missing toolchain must never turn the Terraform checks green) and is skipped elsewhere, saying why.
 */
export function describeWithTerraform(name: string, body: () => void): void {
  const status = toolchainStatus();
  if (status.ok) {
    describe(name, () => {
      jest.setTimeout(TERRAFORM_TIMEOUT_MS);
      body();
    });
  } else if (isCi()) {
    describe(name, () => {
      it("has Terraform and the AWS provider mirror (required when CI is set)", () => {
        throw new Error(`Terraform checks cannot run: ${status.reason}`);
      });
    });
  } else {
    console.warn(`Skipping the Terraform checks of '${name}': ${status.reason}. In CI this fails the run.`);
    describe.skip(name, body);
  }
}
