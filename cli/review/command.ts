import * as fs from "node:fs";
import * as path from "node:path";
import { PlanReview, REVIEW_EXIT_CODES, reviewPlan } from "../../analysis/review/plan-review";
import { UnreadablePlan, readPlan } from "../../analysis/review/read-plan";
import { oneOf, parseArguments, required } from "../arguments";
import type { CliResult } from "../result";
import { countsLine, reviewMarkdown } from "./markdown";

/** `stateful-ecs review <plan.json>`: argument parsing and printing over the plan review. */

export const REVIEW_USAGE = `Usage: stateful-ecs review <plan.json> [--out <file>] [--format markdown|json]

Reviews a Terraform plan, as 'terraform show -json <planfile>' writes it (format 1.x; '-' reads standard
input): counts, every delete or replace of a resource that holds or protects data with Terraform's reason
and the attributes that force it, the guards' findings on the planned values, and every change by action.

Options:
  --out <file>     write the review to <file> instead of standard output
  --format <f>     markdown (default, for a pull request comment) or json
  --help           show this help

Exit codes: 0 nothing risky, 1 the plan cannot be read (or bad usage), 2 the plan destroys or replaces
data (the graver verdict wins), 3 the guards found errors.`;

const FORMATS = ["markdown", "json"] as const;
type Format = (typeof FORMATS)[number];

/** The review of a plan's text, or why it cannot be read. */
export function reviewPlanText(text: string): { review: PlanReview } | { unreadable: string } {
  try {
    return { review: reviewPlan(readPlan(text)) };
  } catch (error) {
    if (error instanceof UnreadablePlan) return { unreadable: error.message };
    // A plan shaped in a way the review did not foresee: say so in one line, never with a stack trace.
    return { unreadable: `the plan could not be reviewed: ${(error as Error).message}` };
  }
}

function renderReview(review: PlanReview, format: Format): string {
  return format === "json" ? JSON.stringify(review, null, 2) : reviewMarkdown(review);
}

/** `review: 1 to add, ... (exit 2: the plan destroys or replaces data)`. */
export function reviewSummary(review: PlanReview): string {
  const verdicts = { 0: "nothing risky", 2: "the plan destroys or replaces data", 3: "the guards found errors" };
  return `${countsLine(review.counts)} (exit ${review.exitCode}: ${verdicts[review.exitCode]})`;
}

export async function reviewCommand(args: string[], cwd: string, readStdin: () => Promise<string>): Promise<CliResult> {
  const refuse = (message: string, usage = true): CliResult => ({
    code: REVIEW_EXIT_CODES.unreadable,
    stdout: "",
    stderr: `stateful-ecs review: ${message}${usage ? `\n\n${REVIEW_USAGE}` : ""}`,
  });
  const parsed = parseArguments(args, {
    positional: "<plan.json>",
    options: { "--format": oneOf("--format", FORMATS), "--out": required("--out", "a file name") },
    literals: ["-"],
  });
  if ("help" in parsed) return { code: 0, stdout: REVIEW_USAGE, stderr: "" };
  if ("refused" in parsed) return refuse(parsed.refused);
  const input = parsed.positional;
  const format = (parsed.options["--format"] ?? "markdown") as Format;
  const out = parsed.options["--out"];
  let text: string;
  try {
    text = input === "-" ? await readStdin() : fs.readFileSync(path.resolve(cwd, input), "utf8");
  } catch (error) {
    return refuse(`cannot read ${input}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, false);
  }
  const result = reviewPlanText(text);
  if ("unreadable" in result) return refuse(`${input}: ${result.unreadable}`, false);
  const rendered = renderReview(result.review, format);
  if (out === undefined) return { code: result.review.exitCode, stdout: rendered, stderr: "" };
  const target = path.resolve(cwd, out);
  try {
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, `${rendered}\n`);
  } catch (error) {
    return refuse(`cannot write ${out}: ${(error as Error).message}`, false);
  }
  return { code: result.review.exitCode, stdout: `${out}: ${reviewSummary(result.review)}`, stderr: "" };
}
