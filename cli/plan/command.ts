import * as fs from "node:fs";
import * as path from "node:path";
import { REVIEW_EXIT_CODES } from "../../analysis/review/plan-review";
import { reviewPlanText, reviewSummary } from "../review/command";
import { reviewMarkdown } from "../review/markdown";
import { parseArguments, required } from "../arguments";
import type { CliResult } from "../result";
import { planOffline, planOnline } from "../terraform/stack-plan";
import { toolchainStatus } from "../terraform/toolchain";
import { SynthFailed, SynthesizedApp, synthesizeApp } from "./synth";

/** `stateful-ecs plan <stack>`: synthesize, plan one stack, review the plan, write the three files. */

export const PLAN_USAGE = `Usage: stateful-ecs plan <stack> [--offline] [--out <dir>]

Synthesizes the cdktf app of the current directory (the 'app' command of its cdktf.json, as 'cdktf synth'
runs it), runs 'terraform plan' for <stack>, reviews the plan as 'stateful-ecs review' does, and writes
into <dir>: plan.json ('terraform show -json'), plan.md (the review, for a pull request comment) and
review.json (the review for machines, its exit code included).

Without --offline, Terraform runs in the synthesized stack's directory with its backend, its state and
your credentials, as 'cdktf diff' would; the binary plan is kept as <dir>/tfplan for 'terraform apply'.
With --offline it runs in a temporary copy without the backend or Terraform Cloud (an empty state), with
dummy credentials and the AWS provider's skip settings: no AWS account is needed, every resource plans
as new.

Options:
  --offline      plan without AWS (see above)
  --out <dir>    where to write the files (default: <cdktf output>/plan/<stack>)
  --help         show this help

Exit codes: the review's (0 nothing risky, 2 the plan destroys or replaces data, 3 the guards found
errors), or 1 when synthesis or Terraform fails, or the stack is unknown (the stacks are listed).`;

export async function planCommand(args: string[], cwd: string): Promise<CliResult> {
  const fail = (message: string, usage = false): CliResult => ({
    code: REVIEW_EXIT_CODES.unreadable,
    stdout: "",
    stderr: `stateful-ecs plan: ${message}${usage ? `\n\n${PLAN_USAGE}` : ""}`,
  });
  const parsed = parseArguments(args, {
    positional: "<stack>",
    flags: { offline: ["--offline"] },
    options: { "--out": required("--out", "a directory") },
  });
  if ("help" in parsed) return { code: 0, stdout: PLAN_USAGE, stderr: "" };
  if ("refused" in parsed) return fail(parsed.refused, true);
  const stack = parsed.positional;
  const offline = parsed.flags.has("offline");
  const out = parsed.options["--out"];

  let app: SynthesizedApp;
  try {
    app = await synthesizeApp(cwd);
  } catch (error) {
    if (error instanceof SynthFailed) return fail(`synthesis failed: ${error.message}`);
    throw error;
  }
  const stackDir = app.stacks[stack];
  if (stackDir === undefined) {
    return fail(
      `no stack named '${stack}'; the app's stacks are:\n${Object.keys(app.stacks)
        .map((name) => `  ${name}`)
        .join("\n")}`,
    );
  }
  const outDir = path.resolve(cwd, out ?? path.join(app.outdir, "plan", stack));
  try {
    fs.mkdirSync(outDir, { recursive: true });
  } catch (error) {
    return fail(
      `cannot make the folder ${outDir}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
    );
  }

  let planText: string;
  try {
    planText = offline
      ? await planOfflineWithToolchain(stackDir)
      : await planOnline(terraformBinary(), stackDir, path.join(outDir, "tfplan"));
  } catch (error) {
    return fail(`terraform failed for stack '${stack}': ${(error as Error).message}`);
  }
  let result: ReturnType<typeof writePlanFiles>;
  try {
    result = writePlanFiles(outDir, stack, planText);
  } catch (error) {
    return fail(`cannot write into ${outDir}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  if ("unreadable" in result) return fail(`the plan of '${stack}' cannot be reviewed: ${result.unreadable}`);
  const { review } = result;
  // Relative to where the command ran, unless outside it.
  const relative = path.relative(cwd, outDir);
  const shown = relative === "" ? "." : relative.startsWith("..") ? outDir : relative;
  return {
    code: review.exitCode,
    stdout: `${stack}: ${reviewSummary(review)}\nwrote ${["plan.json", "plan.md", "review.json"].map((file) => path.join(shown, file)).join(", ")}`,
    stderr: app.output,
  };
}

/** The files of a stack's plan review in `outDir`: plan.json as given, plan.md and review.json. */
function writePlanFiles(outDir: string, stack: string, planText: string): ReturnType<typeof reviewPlanText> {
  fs.writeFileSync(path.join(outDir, "plan.json"), planText);
  const result = reviewPlanText(planText);
  if ("unreadable" in result) return result;
  fs.writeFileSync(path.join(outDir, "plan.md"), `${reviewMarkdown(result.review, `Plan review: ${stack}`)}\n`);
  fs.writeFileSync(path.join(outDir, "review.json"), `${JSON.stringify(result.review, null, 2)}\n`);
  return result;
}

/** The terraform command: `TERRAFORM_BINARY_NAME` (as cdktf reads it), else `terraform` on the PATH. */
function terraformBinary(): string {
  return process.env.TERRAFORM_BINARY_NAME || "terraform";
}

async function planOfflineWithToolchain(stackDir: string): Promise<string> {
  const status = toolchainStatus();
  if (!status.ok) throw new Error(`an offline plan needs Terraform and the AWS provider: ${status.reason}`);
  return planOffline(status.toolchain, stackDir);
}
