import { createHash } from "node:crypto";
import { PlanJson, PlannedResource } from "../../analysis/plan-json";
import { mockArn } from "../../cli/terraform/workspace-files";
import { Value, parseReference } from "../../analysis/config/values";

/**
 * A prior state for planning a changed stack offline. `terraform test` cannot write a state file, and
 * nothing here can apply, so the state is built from a plan of the unchanged stack: the planned values of
 * the resources a scenario is about, as if they had been applied. What the plan knew only after apply is
 * filled in: `id` and `arn` with stand-ins unique per resource, and an attribute that is a plain reference to another
 * resource of the state (`file_system_id = aws_efs_file_system.x.id`) with that resource's value, so the
 * two agree as they would in AWS. Other unknown attributes stay absent; where the configuration sets them,
 * the next plan updates them in place, which no scenario's verdict depends on.
 */

export interface StateResource {
  readonly module?: string;
  readonly mode: "managed";
  readonly type: string;
  readonly name: string;
  readonly provider: string;
  readonly instances: Array<{
    readonly index_key?: string | number;
    readonly schema_version: number;
    readonly attributes: Record<string, unknown>;
  }>;
}

export interface StateSelection {
  /** The module they belong to in the state: the changed copy's, `module.renamed`. */
  readonly module: string;
  /** Which planned resources to keep. */
  readonly keep: (resource: PlannedResource) => boolean;
  /** The region of the stand-in ARNs. */
  readonly region: string;
  /** The provider configuration's address in the state: `provider["registry.terraform.io/hashicorp/aws"].aws_0`. */
  readonly provider: string;
}

/** The resources `selection` picks from the root module of a plan of one stack, as a state holds them. */
export function resourcesFromPlan(plan: PlanJson, selection: StateSelection): StateResource[] {
  const kept = (plan.planned_values?.root_module.resources ?? []).filter(
    (resource) => resource.mode === "managed" && selection.keep(resource),
  );
  const values = new Map(kept.map((resource) => [resource.address, { ...(resource.values ?? {}) }]));
  for (const [address, attributes] of values) {
    attributes.id ??= standInId(address);
    attributes.arn ??= `${mockArn(address.split(".")[0], selection.region)}-${attributes.id}`;
  }
  const configuration = plan.configuration?.root_module;
  for (const resource of kept) {
    const address = resource.address;
    const configured = configuration?.resources?.find((block) => block.address === `${resource.type}.${resource.name}`);
    for (const [attribute, expression] of Object.entries(configured?.expressions ?? {})) {
      const reference = plainReference(expression);
      const target = reference && values.get(reference.resource);
      const attributes = values.get(address)!;
      if (target && attributes[attribute] === undefined) attributes[attribute] = target[reference.attribute];
    }
  }
  const byBlock = new Map<string, StateResource>();
  for (const resource of kept) {
    const key = `${resource.type}.${resource.name}`;
    const block =
      byBlock.get(key) ??
      byBlock
        .set(key, {
          module: selection.module,
          mode: "managed",
          type: resource.type,
          name: resource.name,
          provider: selection.provider,
          instances: [],
        })
        .get(key)!;
    block.instances.push({
      ...(resource.index !== undefined ? { index_key: resource.index } : {}),
      schema_version: resource.schema_version ?? 0,
      attributes: values.get(resource.address)!,
    });
  }
  return [...byBlock.values()];
}

/** A state file (format 4) holding `resources`. */
export function stateFile(resources: StateResource[], terraformVersion: string): object {
  return {
    version: 4,
    terraform_version: terraformVersion,
    serial: 1,
    lineage: "stateful-ecs-prior-state",
    outputs: {},
    resources,
  };
}

/** A stand-in for the id AWS would give: unique per address, stable across runs. */
export function standInId(address: string): string {
  return `stand-in-${createHash("sha256").update(address).digest("hex").slice(0, 12)}`;
}

/** `{ resource: "aws_x.a", attribute: "id" }` for an expression that is exactly `${aws_x.a.id}`. */
function plainReference(expression: unknown): { resource: string; attribute: string } | undefined {
  const reference = parseReference((expression as { constant_value?: Value } | undefined)?.constant_value);
  const attribute = /^\.([\w-]+)$/.exec(reference?.attribute ?? "")?.[1];
  return reference && attribute ? { resource: reference.address, attribute } : undefined;
}
