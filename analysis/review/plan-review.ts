import { planConfiguration } from "../config/plan-configuration";
import { Finding, runGuards } from "../guards";
import { PlanJson, ResourceChange } from "../plan-json";
import { AttributeChange, attributeChange } from "./attribute-values";
import { StatefulType, statefulType } from "./stateful-types";

/**
 * The plan review: every managed resource change of a `terraform show -json` plan with its action and
 * Terraform's reason, the deletes and replacements of resources that hold or protect data (the data
 * safety section), and the guards' findings on the planned values. Pure: serves any Terraform plan.
 */

export type ReviewAction = "create" | "update" | "replace" | "delete" | "forget" | "no-op";

export interface ReviewedChange {
  readonly address: string;
  readonly type: string;
  readonly action: ReviewAction;
  /** The address in the prior state, when a `moved` block moved it. */
  readonly previousAddress?: string;
  /** The key of a deposed object (left over from a failed create-before-destroy) the change is about. */
  readonly deposed?: string;
  /** True when the change imports an existing object. */
  readonly imported?: boolean;
  /** Terraform's `action_reason`, as written. */
  readonly actionReason?: string;
  /** Why Terraform deletes or replaces it, in words. */
  readonly reason?: string;
  /** For a replacement: the attributes that force it, before and after. */
  readonly forcedBy?: AttributeChange[];
  /** What the type means for data, when it holds or protects some. */
  readonly stateful?: StatefulType;
  /** For a stateful resource deleted because its block is gone: creates of its type, maybe its new address. */
  readonly possibleNewAddresses?: string[];
}

export interface ChangeCounts {
  readonly add: number;
  readonly change: number;
  readonly replace: number;
  readonly destroy: number;
  readonly move: number;
  readonly import: number;
  readonly forget: number;
}

/** 0 nothing risky, 1 unreadable (the reader's), 2 data destroyed or replaced, 3 guard errors. */
export const REVIEW_EXIT_CODES = { clean: 0, unreadable: 1, dataLoss: 2, guardErrors: 3 } as const;
/** The exit code of a plan that could be read. */
export type ReviewVerdict = (typeof REVIEW_EXIT_CODES)["clean" | "dataLoss" | "guardErrors"];

export interface PlanReview {
  readonly terraformVersion: string;
  readonly counts: ChangeCounts;
  /** Every managed resource change but those that leave a resource alone where it is. */
  readonly changes: ReviewedChange[];
  /** The deletes and replacements of stateful resources: what makes the exit code 2. */
  readonly dataSafety: ReviewedChange[];
  /** The guards' findings on the planned values, silenced ones included (they carry `silenced`). */
  readonly findings: readonly Finding[];
  /** How many planned resource instances the guards read (those the plan keeps, with their values). */
  readonly checkedResources: number;
  /** 2 when `dataSafety` is not empty (the graver), else 3 when a finding is an unsilenced error, else 0. */
  readonly exitCode: ReviewVerdict;
}

const REASONS: Record<string, string> = {
  replace_because_cannot_update: "an argument that cannot change in place changed",
  replace_because_tainted: "it is tainted (an earlier apply failed while creating it)",
  replace_by_request: "replacement was requested (-replace)",
  replace_by_triggers: "replace_triggered_by: a resource it names changed",
  delete_because_no_resource_config:
    "no longer in the configuration: removed, or renamed without a moved block (cdktf: moveTo / moveFromId)",
  delete_because_no_module: "its module is no longer in the configuration",
  delete_because_wrong_repetition: "count or for_each was added or removed, so its instance key changed",
  delete_because_count_index: "its count index is no longer in the count (a list shifted or shrank)",
  delete_because_each_key: "its for_each key is no longer in the map",
  delete_because_no_move_target: "a moved block points at an address that does not exist",
};

export function reviewPlan(plan: PlanJson): PlanReview {
  const managed = (plan.resource_changes ?? []).filter((change) => change.mode !== "data");
  const created = managed.filter((change) => actionOf(change) === "create");
  const changes = managed
    .map((change) => reviewChange(change, created))
    .filter((change) => change.action !== "no-op" || change.previousAddress || change.imported);
  const dataSafety = changes.filter(putsDataAtRisk);
  const planned = planConfiguration(plan);
  const findings = runGuards(planned).findings;
  const guardErrors = findings.some((finding) => finding.severity === "error" && !finding.silenced);
  const count = (action: ReviewAction) => changes.filter((change) => change.action === action).length;
  return {
    terraformVersion: plan.terraform_version,
    counts: {
      add: count("create"),
      change: count("update"),
      replace: count("replace"),
      destroy: count("delete"),
      move: changes.filter((change) => change.previousAddress).length,
      import: changes.filter((change) => change.imported).length,
      forget: count("forget"),
    },
    changes,
    dataSafety,
    findings,
    checkedResources: planned.resources.length,
    exitCode:
      dataSafety.length > 0
        ? REVIEW_EXIT_CODES.dataLoss
        : guardErrors
          ? REVIEW_EXIT_CODES.guardErrors
          : REVIEW_EXIT_CODES.clean,
  };
}

/** Whether a change deletes or replaces a resource that holds or protects data: the data safety section's. */
export function putsDataAtRisk(change: ReviewedChange): boolean {
  return change.stateful !== undefined && removes(change.action);
}

const removes = (action: ReviewAction) => action === "delete" || action === "replace";

function actionOf(change: ResourceChange): ReviewAction {
  const actions = change.change.actions;
  // create + forget (`destroy = false`): the old object stays in AWS, out of state; the address gets a new,
  // empty one, so what reads it through Terraform loses its data as with a replacement.
  if (actions.includes("create") && (actions.includes("delete") || actions.includes("forget"))) return "replace";
  for (const action of ["delete", "create", "update", "forget"] as const) if (actions.includes(action)) return action;
  return "no-op";
}

function reviewChange(change: ResourceChange, created: ResourceChange[]): ReviewedChange {
  const action = actionOf(change);
  const stateful = statefulType(change.type);
  const removing = removes(action);
  const reason = change.action_reason;
  const blockGone = reason === "delete_because_no_resource_config" || reason === "delete_because_no_module";
  const candidates = created.filter((other) => other.type === change.type).map((other) => other.address);
  return {
    address: change.address,
    type: change.type,
    action,
    ...(change.previous_address ? { previousAddress: change.previous_address } : {}),
    ...(change.deposed ? { deposed: change.deposed } : {}),
    ...(change.change.importing ? { imported: true } : {}),
    ...(removing && reason ? { actionReason: reason } : {}),
    ...(removing && reason ? { reason: REASONS[reason] ?? reason } : {}),
    ...(action === "replace"
      ? { forcedBy: (change.change.replace_paths ?? []).map((path) => attributeChange(change.change, path)) }
      : {}),
    ...(stateful ? { stateful } : {}),
    ...(stateful && blockGone && candidates.length > 0 ? { possibleNewAddresses: candidates } : {}),
  };
}
