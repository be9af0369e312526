import { MockApplyResult, Plan, TerraformWorkdir, ValidateResult } from "./terraform";
import { toolchainStatus } from "./toolchain";

/**
 * The Terraform harness every stack test uses: `validate`, `plan` and `mockApply` take a synthesized stack
 * directory and share one initialised temporary copy of it per test file, so `terraform init` runs once.
 */

const workdirs = new Map<string, Promise<TerraformWorkdir>>();

function workdir(stackDir: string): Promise<TerraformWorkdir> {
  const status = toolchainStatus();
  if (!status.ok) return Promise.reject(new Error(`Terraform checks cannot run: ${status.reason}`));
  if (!workdirs.has(stackDir)) workdirs.set(stackDir, TerraformWorkdir.create(stackDir, status.toolchain));
  return workdirs.get(stackDir) as Promise<TerraformWorkdir>;
}

export async function validate(stackDir: string): Promise<ValidateResult> {
  return (await workdir(stackDir)).validate();
}

export async function plan(stackDir: string): Promise<Plan> {
  return (await workdir(stackDir)).plan();
}

export async function mockApply(stackDir: string): Promise<MockApplyResult> {
  return (await workdir(stackDir)).mockApply();
}

/** Removes every temporary copy this test file made (kept when STATEFUL_ECS_KEEP_WORKDIRS=1, to debug). */
async function removeWorkdirs(): Promise<void> {
  if (process.env.STATEFUL_ECS_KEEP_WORKDIRS === "1") return;
  const settled = await Promise.allSettled(workdirs.values());
  await Promise.all(settled.map((result) => (result.status === "fulfilled" ? result.value.remove() : undefined)));
  workdirs.clear();
}

export function isCi(env: NodeJS.ProcessEnv = process.env): boolean {
  return !!env.CI && env.CI !== "false" && env.CI !== "0";
}

/** How long one Terraform-level test may take: init, plan and test of a large stack, queued behind others. */
export const TERRAFORM_TIMEOUT_MS = 240_000;

/**
 * A `describe` for tests that run Terraform. Without Terraform or the provider mirror it fails in CI (a
 * missing toolchain must never turn the Terraform checks green) and is skipped elsewhere, saying why.
 */
export function describeWithTerraform(name: string, body: () => void): void {
  const status = toolchainStatus();
  if (status.ok) {
    describe(name, () => {
      jest.setTimeout(TERRAFORM_TIMEOUT_MS);
      afterAll(removeWorkdirs);
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
