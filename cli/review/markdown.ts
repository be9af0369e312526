import { ChangeCounts, PlanReview, ReviewedChange, putsDataAtRisk } from "../../analysis/review/plan-review";
import { ROLE_WORDS } from "../../analysis/review/stateful-types";
import { cell, inlineCode } from "../markdown";

/**
 * The plan review as Markdown for a pull request comment: the verdict, the data safety section first (every
 * delete or replace of a resource that holds or protects data, in bold, with Terraform's reason and the
 * attributes that force it), the guards' findings, then every change grouped by action.
 */

const GROUPS: ReadonlyArray<{ readonly title: string; readonly member: (change: ReviewedChange) => boolean }> = [
  { title: "Replace", member: (change) => change.action === "replace" },
  { title: "Destroy", member: (change) => change.action === "delete" },
  { title: "Forget (removed from state, not destroyed)", member: (change) => change.action === "forget" },
  { title: "Create", member: (change) => change.action === "create" },
  { title: "Update", member: (change) => change.action === "update" },
  { title: "Import", member: (change) => change.action === "no-op" && change.imported === true },
  { title: "Move", member: (change) => change.action === "no-op" && !change.imported },
];

/** Groups longer than this are folded, so a large plan still reads well in a pull request comment. */
const FOLD_AFTER = 15;

const VERDICTS: Record<PlanReview["exitCode"], string> = {
  0: "Nothing risky: no resource that holds or protects data is destroyed or replaced, and the guards report no error.",
  2: "**This plan destroys or replaces data.** Read the data safety section before applying.",
  3: "**The guards report errors** in the planned configuration.",
};

/** `3 to add, 1 to change, 1 to replace, 0 to destroy, 0 moved, 0 imported`. */
export function countsLine(counts: ChangeCounts): string {
  return [
    `${counts.add} to add`,
    `${counts.change} to change`,
    `${counts.replace} to replace`,
    `${counts.destroy} to destroy`,
    `${counts.move} moved`,
    `${counts.import} imported`,
    ...(counts.forget > 0 ? [`${counts.forget} to forget`] : []),
  ].join(", ");
}

export function reviewMarkdown(review: PlanReview, title = "Plan review"): string {
  return [
    `## ${title}`,
    "",
    `**${countsLine(review.counts)}.** ${VERDICTS[review.exitCode]}`,
    "",
    ...dataSafetySection(review),
    ...guardSection(review),
    ...changesSection(review),
  ].join("\n");
}

function dataSafetySection(review: PlanReview): string[] {
  if (review.dataSafety.length === 0) {
    return ["### Data safety", "", "No resource that holds or protects data is destroyed or replaced.", ""];
  }
  return ["### Data safety", "", ...review.dataSafety.flatMap(dataSafetyEntry), ""];
}

/** A stateful resource's delete or replace: in bold, with what it holds, why, and what forces it. */
export function dataSafetyEntry(change: ReviewedChange): string[] {
  const verb = change.action === "replace" ? "replaced" : "destroyed";
  const role = ROLE_WORDS[change.stateful?.role ?? "protects"];
  const lines = [`- **${addressOf(change)} is ${verb}** (${role}: ${cell(change.stateful?.why ?? "")})`];
  if (change.reason) {
    const raw = change.actionReason ? ` (${inlineCode(change.actionReason)})` : "";
    lines.push(`  - Why: ${cell(change.reason)}${raw}`);
  }
  for (const forced of change.forcedBy ?? []) {
    lines.push(`  - Forced by ${inlineCode(forced.path)}: ${inlineCode(forced.before)} → ${inlineCode(forced.after)}`);
  }
  if (change.possibleNewAddresses) {
    lines.push(
      `  - Renamed? Created in the same plan: ${change.possibleNewAddresses.map(inlineCode).join(", ")}. A moved block ` +
        "(cdktf: `moveTo` / `moveFromId`) would keep the data.",
    );
  }
  return lines;
}

function guardSection(review: PlanReview): string[] {
  if (review.findings.length === 0) {
    const read = `${review.checkedResources} planned resource${review.checkedResources === 1 ? "" : "s"}`;
    return ["### Guards", "", `No finding on the planned values (${read} read).`, ""];
  }
  const rows = review.findings.map((finding) => {
    const severity =
      finding.silenced !== undefined ? `${finding.severity}, silenced: ${finding.silenced}` : finding.severity;
    return `| ${finding.ruleId} | ${cell(severity)} | ${cell(inlineCode(finding.address))} | ${cell(finding.message)} |`;
  });
  return ["### Guards", "", "| Rule | Severity | Resource | Finding |", "| --- | --- | --- | --- |", ...rows, ""];
}

function changesSection(review: PlanReview): string[] {
  if (review.changes.length === 0) return ["### Changes", "", "No resource changes.", ""];
  const lines = ["### Changes", ""];
  for (const group of GROUPS) {
    const members = review.changes.filter(group.member);
    if (members.length === 0) continue;
    const heading = `${group.title} (${members.length})`;
    const items = members.map(changeLine);
    if (members.length > FOLD_AFTER)
      lines.push(`<details><summary>${heading}</summary>`, "", ...items, "", "</details>", "");
    else lines.push(`#### ${heading}`, "", ...items, "");
  }
  return lines;
}

function changeLine(change: ReviewedChange): string {
  const notes = [
    ...(change.previousAddress ? [`moved from ${inlineCode(change.previousAddress)}`] : []),
    ...(change.imported && change.action !== "no-op" ? ["imported"] : []),
    ...(change.reason ? [cell(change.reason)] : []),
    ...(change.forcedBy?.length
      ? [`forced by ${change.forcedBy.map((forced) => inlineCode(forced.path)).join(", ")}`]
      : []),
  ];
  const address = putsDataAtRisk(change) ? `**${addressOf(change)}**` : addressOf(change);
  return `- ${address}${notes.length > 0 ? `: ${notes.join("; ")}` : ""}`;
}

/** The address, and for a deposed object (left over from a failed create-before-destroy) its key. */
function addressOf(change: ReviewedChange): string {
  const deposed = change.deposed ? ` (deposed object ${inlineCode(change.deposed)})` : "";
  return `${inlineCode(change.address)}${deposed}`;
}
