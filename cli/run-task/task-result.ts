import { Finding } from "../../analysis/guards";
import { PlanReview, ReviewedChange } from "../../analysis/review/plan-review";
import { countFindings } from "../lint/text";
import { countsLine, dataSafetyEntry } from "../review/markdown";

/**
 * The body of the task result PATCH (JSON:API, `application/vnd.api+json`), within the limits of
 * HashiCorp's run task result schema: a message of at most 1,000 characters, at most 250 outcomes, each with
 * an id of at most 64 characters, a description of at most 1,000 and a Markdown body of at most 10,000.
 */

export type TaskStatus = "passed" | "failed";
export type TagLevel = "none" | "info" | "warning" | "error";

export interface TaskOutcome {
  readonly type: "task-result-outcomes";
  readonly attributes: {
    readonly "outcome-id": string;
    readonly description: string;
    readonly body: string;
    readonly tags: Record<string, Array<{ readonly label: string; readonly level: TagLevel }>>;
  };
}

export interface TaskResultBody {
  readonly data: {
    readonly type: "task-results";
    readonly attributes: { readonly status: TaskStatus; readonly message: string };
    readonly relationships?: { readonly outcomes: { readonly data: TaskOutcome[] } };
  };
}

const MAX_MESSAGE = 1000;
const MAX_OUTCOMES = 250;
const MAX_OUTCOME_ID = 64;
const MAX_DESCRIPTION = 1000;
const MAX_BODY = 10000;

/** `text` cut to `max` characters, marked with an ellipsis when cut. */
const fit = (text: string, max: number) => (text.length <= max ? text : `${text.slice(0, max - 1)}…`);

/** A result with no outcomes: for what cannot be reviewed (the plan unreadable, unreachable). */
export function plainResult(status: TaskStatus, message: string): TaskResultBody {
  return { data: { type: "task-results", attributes: { status, message: fit(message, MAX_MESSAGE) } } };
}

/**
 * The result of a reviewed plan: `failed` when it destroys or replaces data or the guards report errors,
 * else `passed`; a one-line message with the counts; with `withOutcomes`, one outcome per data-safety
 * entry and per guard finding (silenced findings as `info`), at most 250.
 */
export function reviewResult(review: PlanReview, withOutcomes: boolean): TaskResultBody {
  const status: TaskStatus = review.exitCode === 0 ? "passed" : "failed";
  const { errors, warnings } = countFindings(review.findings);
  const outcomes = [...review.dataSafety.map(dataSafetyOutcome), ...review.findings.map(findingOutcome)];
  const shown = outcomes.slice(0, MAX_OUTCOMES);
  const message = [
    `stateful-ecs: ${countsLine(review.counts)}`,
    `${review.dataSafety.length} destroying or replacing data`,
    `${errors} guard error${errors === 1 ? "" : "s"}, ${warnings} warning${warnings === 1 ? "" : "s"}`,
    ...(outcomes.length > shown.length ? [`the first ${shown.length} of ${outcomes.length} outcomes shown`] : []),
  ].join("; ");
  const result = plainResult(status, message);
  if (!withOutcomes || shown.length === 0) return result;
  return { data: { ...result.data, relationships: { outcomes: { data: shown } } } };
}

function outcome(id: string, description: string, body: string, label: string, level: TagLevel): TaskOutcome {
  return {
    type: "task-result-outcomes",
    attributes: {
      "outcome-id": fit(id, MAX_OUTCOME_ID),
      description: fit(description, MAX_DESCRIPTION),
      body: fit(body, MAX_BODY),
      tags: { Severity: [{ label, level }] },
    },
  };
}

/** A stateful resource destroyed or replaced: an error, with the reason and the forcing attributes. */
function dataSafetyOutcome(change: ReviewedChange): TaskOutcome {
  const verb = change.action === "replace" ? "replaced" : "destroyed";
  return outcome(
    `data-safety/${change.address}`,
    `${change.address} is ${verb}: it ${change.stateful?.role === "holds" ? "holds" : "protects"} data`,
    dataSafetyEntry(change).join("\n"),
    "error",
    "error",
  );
}

/** A guard finding on the planned values, at its rule's severity (`info` when silenced, with the reason). */
function findingOutcome(finding: Finding): TaskOutcome {
  const silenced = finding.silenced !== undefined;
  const body = silenced ? `${finding.message}\n\nSilenced: ${finding.silenced}` : finding.message;
  return outcome(
    `${finding.ruleId}/${finding.address}`,
    `${finding.ruleId} on ${finding.address}`,
    body,
    silenced ? "silenced" : finding.severity,
    silenced ? "info" : finding.severity,
  );
}
