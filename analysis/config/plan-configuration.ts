import { PlanJson } from "../plan-json";
import { tagDirectives } from "./annotations";
import { Configuration, ResourceInstance } from "./model";
import { Unknown, Value, ValueObject, isObject } from "./values";

/**
 * A plan (`terraform show -json`) as a configuration: each resource instance the plan keeps (created,
 * updated or left alone; not those it deletes) with its planned values. What the plan only knows after
 * apply is taken from the configuration's expression instead, as the reference it is
 * (`${aws_efs_file_system.data.id}`), or left unknown.
 */

interface ConfiguredModule {
  readonly resources?: Array<{ address: string; expressions?: Record<string, unknown> }>;
  readonly module_calls?: Record<string, { module?: ConfiguredModule }>;
}

type PlanDocument = PlanJson & { readonly configuration?: { root_module?: ConfiguredModule } };

export function isPlan(document: unknown): boolean {
  return (
    isObject(document as Value) &&
    "format_version" in (document as object) &&
    ("planned_values" in (document as object) || "resource_changes" in (document as object))
  );
}

export function planConfiguration(plan: PlanDocument): Configuration {
  const resources: ResourceInstance[] = [];
  for (const change of plan.resource_changes ?? []) {
    if (change.mode !== "managed" || !change.change.after) continue;
    const block = change.address.replace(/\[[^\]]+\]$/, "");
    const expressions = configuredExpressions(plan.configuration?.root_module, block);
    const prefix = change.module_address ? `${modulePrefix(change.module_address)}.` : "";
    const values = overlay(change.change.after, change.change.after_unknown ?? {}, expressions, prefix) as ValueObject;
    resources.push({
      address: change.address,
      blockAddress: block,
      type: change.type,
      name: change.name,
      values,
      ignores: tagDirectives(values.tags),
    });
  }
  return new Configuration(resources);
}

/** `module.a[0].module.b` as references inside that module name it (`module.a.module.b`). */
function modulePrefix(address: string): string {
  return address.replace(/\[[^\]]+\]/g, "");
}

/** The configured expressions of the resource block at `address` (`module.a.aws_x.name`). */
function configuredExpressions(
  root: ConfiguredModule | undefined,
  address: string,
): Record<string, unknown> | undefined {
  const parts = address.split(".");
  let module = root;
  while (parts[0] === "module" && module) {
    module = module.module_calls?.[parts[1].replace(/\[[^\]]+\]$/, "")]?.module;
    parts.splice(0, 2);
  }
  return module?.resources?.find((resource) => resource.address === parts.join("."))?.expressions;
}

const RESOURCE_REFERENCE = /^(data\.)?[a-z][a-z0-9]*_[\w-]*\.[\w-]+/;

function overlay(value: unknown, unknown: unknown, expression: unknown, prefix: string): Value {
  if (unknown === true) {
    const { constant_value: constant, references = [] } = (isObject(expression as Value) ? expression : {}) as {
      constant_value?: Value;
      references?: string[];
    };
    // Terraform JSON (cdktf) shows its `${...}` strings as constant values: the structure, references inside.
    if (constant !== undefined && constant !== null) return constant;
    const reference = references.find((each) => RESOURCE_REFERENCE.test(each));
    return reference ? `\${${prefix}${reference}}` : new Unknown("known only after apply");
  }
  if (Array.isArray(unknown)) {
    const items = Array.isArray(value) ? value : [];
    const length = Math.max(items.length, unknown.length);
    return Array.from({ length }, (_, index) =>
      overlay(items[index], unknown[index], Array.isArray(expression) ? expression[index] : undefined, prefix),
    );
  }
  if (isObject(unknown as Value) && isObject((value ?? {}) as Value)) {
    const result: Record<string, Value> = { ...((value ?? {}) as ValueObject) };
    for (const [key, inner] of Object.entries(unknown as object)) {
      const nested = isObject(expression as Value) ? (expression as Record<string, unknown>)[key] : undefined;
      result[key] = overlay((value as Record<string, unknown> | undefined)?.[key], inner, nested, prefix);
    }
    return result;
  }
  return (value ?? null) as Value;
}
