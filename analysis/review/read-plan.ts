import { PlanJson } from "../plan-json";

/**
 * Reads the text of a `terraform show -json` plan, refusing with a message what is not one: not JSON, a
 * state or a configuration instead of a plan, another format version, or a plan whose changes are not
 * shaped as Terraform writes them. Never throws anything but `UnreadablePlan`.
 */

export class UnreadablePlan extends Error {}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

export function readPlan(text: string): PlanJson {
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    throw new UnreadablePlan(
      `not JSON (${(error as Error).message}); give the output of 'terraform show -json <planfile>'`,
    );
  }
  if (!isRecord(document)) throw new UnreadablePlan("not a Terraform plan: the JSON is not an object");
  if (typeof document.format_version !== "string") {
    throw new UnreadablePlan("not a Terraform plan: it has no format_version; give 'terraform show -json <planfile>'");
  }
  if (!/^1\./.test(document.format_version)) {
    throw new UnreadablePlan(`plan format ${document.format_version} is not supported (format 1.x is)`);
  }
  if (!("resource_changes" in document) && !("planned_values" in document)) {
    const what = "values" in document ? "a state (terraform show -json of a state file)" : "not a plan";
    throw new UnreadablePlan(`${what}: it has no resource_changes; give 'terraform show -json <planfile>'`);
  }
  if (document.errored === true) {
    throw new UnreadablePlan(
      "Terraform reported errors while planning: the plan is incomplete, review the errors first",
    );
  }
  const deferred = document.deferred_changes;
  if (Array.isArray(deferred) && deferred.length > 0) {
    throw new UnreadablePlan(
      `the plan is incomplete: Terraform deferred ${deferred.length} change(s) to a later plan, which could ` +
        "destroy data; review the plan that makes them",
    );
  }
  checkChanges(document.resource_changes);
  return document as unknown as PlanJson;
}

function checkChanges(changes: unknown): void {
  if (changes === undefined) return;
  if (!Array.isArray(changes)) throw new UnreadablePlan("malformed plan: resource_changes is not a list");
  changes.forEach((change: unknown, index) => {
    const where = `malformed plan: resource_changes[${index}]`;
    if (!isRecord(change) || typeof change.address !== "string" || typeof change.type !== "string") {
      throw new UnreadablePlan(`${where} has no address or type`);
    }
    const body = change.change;
    if (
      !isRecord(body) ||
      !Array.isArray(body.actions) ||
      !body.actions.every((action) => typeof action === "string")
    ) {
      throw new UnreadablePlan(`${where} (${change.address}) has no change.actions`);
    }
    for (const side of ["before", "after"]) {
      if (body[side] !== undefined && body[side] !== null && !isRecord(body[side])) {
        throw new UnreadablePlan(`${where} (${change.address}) has a change.${side} that is not an object`);
      }
    }
    const paths = body.replace_paths;
    if (paths !== undefined && !(Array.isArray(paths) && paths.every(Array.isArray))) {
      throw new UnreadablePlan(`${where} (${change.address}) has replace_paths that are not lists of keys`);
    }
  });
}
