import * as fs from "node:fs";
import * as path from "node:path";
import { UnreadableInput, readConfiguration } from "../../analysis/config/load";
import { isUnreadNote } from "../../analysis/config/model";
import { Finding, GuardReport, RULES, RULE_TYPES, runGuards } from "../../analysis/guards";
import { oneOf, parseArguments } from "../arguments";
import type { CliResult } from "../result";
import { sarifLog } from "./sarif";
import { countFindings, findingLine, summaryLine } from "./text";

/** `stateful-ecs lint <path>`: argument parsing and printing over the guards. */

export const LINT_USAGE = `Usage: stateful-ecs lint <path> [--format text|json|sarif] [--verbose]

Checks a Terraform configuration for the pitfalls of stateful workloads on ECS (rules SE001 to SE203).
<path> is a directory of .tf / .tf.json files (local modules are followed), a synthesized cdktf stack
directory or its cdk.tf.json, or a plan as \`terraform show -json\` writes it.

Options:
  --format <f>   text (default: one line per finding, then a summary), json, or sarif (SARIF 2.1.0)
  --verbose      also say what could not be checked, and why
  --help         show this help

Silence a rule for one resource with a comment in or directly above its block,
  # stateful-ecs:ignore SE009 <reason>
or a tag "stateful-ecs:ignore:SE009" = "<reason>". Silenced findings are still listed.

Exit codes: 0 no error (warnings allowed), 1 errors found, 2 the path cannot be read.`;

const FORMATS = ["text", "json", "sarif"] as const;
type Format = (typeof FORMATS)[number];

export async function lintCommand(args: string[], cwd: string, version: string): Promise<CliResult> {
  const usageError = (message: string): CliResult => ({
    code: 2,
    stdout: "",
    stderr: `stateful-ecs lint: ${message}\n\n${LINT_USAGE}`,
  });
  const parsed = parseArguments(args, {
    positional: "<path>",
    flags: { verbose: ["--verbose", "-v"] },
    options: { "--format": oneOf("--format", FORMATS) },
  });
  if ("help" in parsed) return { code: 0, stdout: LINT_USAGE, stderr: "" };
  if ("refused" in parsed) return usageError(parsed.refused);
  const input = parsed.positional;
  const format = (parsed.options["--format"] ?? "text") as Format;
  const verbose = parsed.flags.has("verbose");
  const resolved = path.resolve(cwd, input);
  let report: GuardReport;
  let resources: number;
  try {
    const configuration = await readConfiguration(resolved, { evaluateTypes: RULE_TYPES });
    resources = configuration.resources.length;
    report = runGuards(configuration);
  } catch (error) {
    if (error instanceof UnreadableInput) return { code: 2, stdout: "", stderr: `stateful-ecs lint: ${error.message}` };
    const message = (error as Error).stack ?? String(error);
    return { code: 1, stdout: "", stderr: `stateful-ecs lint: internal error while linting ${input}: ${message}` };
  }
  const findings = withPathsFrom(report.findings, resolved, cwd);
  report = { ...report, findings };
  const counts = countFindings(report.findings);
  const code = counts.errors > 0 ? 1 : 0;
  if (format === "sarif")
    return {
      code,
      stdout: JSON.stringify(sarifLog(report.findings, RULES, version), null, 2),
      stderr: unreadWarnings(report),
    };
  if (format === "json") {
    const json = {
      input,
      resources,
      summary: counts,
      findings: report.findings,
      notes: verbose ? report.notes : undefined,
    };
    return { code, stdout: JSON.stringify(json, null, 2), stderr: unreadWarnings(report) };
  }
  const lines = [...report.findings.map((finding) => findingLine(finding)), summaryLine(counts, resources)];
  const notes = verbose ? report.notes.map((note) => `note: ${note}`) : [];
  return { code, stdout: [...lines, ...notes].join("\n"), stderr: unreadWarnings(report) };
}

/**
 * Findings with their files relative to the working directory (where a CI job or an editor resolves them,
 * and SARIF's artifact locations are read from), or absolute when outside it; the reader gives them
 * relative to the linted directory.
 */
function withPathsFrom(findings: readonly Finding[], input: string, cwd: string): Finding[] {
  const base = fs.statSync(input).isDirectory() ? input : path.dirname(input);
  return findings.map((finding) => {
    if (!finding.location) return finding;
    const file = path.resolve(base, finding.location.file);
    const relative = path.relative(cwd, file);
    const shown = relative.startsWith("..") || path.isAbsolute(relative) ? file : relative;
    return { ...finding, location: { ...finding.location, file: shown } };
  });
}

/** Files that could not be read are said on standard error whatever the format: what they hold was not linted. */
function unreadWarnings(report: GuardReport): string {
  return report.notes
    .filter(isUnreadNote)
    .map((note) => `stateful-ecs lint: warning: ${note}; what it holds is not checked`)
    .join("\n");
}
