import { Finding } from "../../analysis/guards";

/** The guards' findings as text: one line per finding, then a summary line. */

/** `SE001 error aws_ecs_task_definition.app (ecs.tf:12): message` (the file alone when it has no lines), silenced ones saying so. */
export function findingLine(finding: Finding): string {
  const { location } = finding;
  const where = location ? ` (${location.file}${location.line !== undefined ? `:${location.line}` : ""})` : "";
  const silenced = finding.silenced !== undefined ? `silenced (${finding.silenced}): ` : "";
  return `${finding.ruleId} ${finding.severity} ${finding.address}${where}: ${silenced}${finding.message}`;
}

export interface Counts {
  readonly errors: number;
  readonly warnings: number;
  readonly silenced: number;
}

export function countFindings(findings: readonly Finding[]): Counts {
  const active = findings.filter((finding) => finding.silenced === undefined);
  return {
    errors: active.filter((finding) => finding.severity === "error").length,
    warnings: active.filter((finding) => finding.severity === "warning").length,
    silenced: findings.length - active.length,
  };
}

const plural = (count: number, word: string) => `${count} ${word}${count === 1 ? "" : "s"}`;

/** `2 errors, 1 warning, 0 silenced in 38 resources`. */
export function summaryLine(counts: Counts, resources: number): string {
  return `${plural(counts.errors, "error")}, ${plural(counts.warnings, "warning")}, ${counts.silenced} silenced in ${plural(resources, "resource")}`;
}
