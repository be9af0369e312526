import { ModuleConfig, PlanJson } from "../plan-json";
import { tagDirectives } from "./annotations";
import { Configuration, ResourceInstance } from "./model";
import { Unknown, Value, ValueObject, isObject, parseReference } from "./values";

/**
 * A plan (`terraform show -json`) as a configuration: each resource instance the plan keeps (created,
 * updated or left alone; not those it deletes) with its planned values. What the plan only knows after
 * apply is taken from the configuration's expression instead, as the reference it is
 * (`${aws_efs_file_system.data.id}`), or left unknown.
 */

export function isPlan(document: unknown): boolean {
  return (
    isObject(document as Value) &&
    "format_version" in (document as object) &&
    ("planned_values" in (document as object) || "resource_changes" in (document as object))
  );
}

/** @param file the plan's path, which every finding then points at */
export function planConfiguration(plan: PlanJson, file?: string): Configuration {
  const resources: ResourceInstance[] = [];
  for (const change of plan.resource_changes ?? []) {
    if (change.mode !== "managed" || !change.change.after) continue;
    const block = change.address.replace(/\[[^\]]+\]$/, "");
    const expressions = configuredExpressions(plan.configuration?.root_module, block);
    const prefix = change.module_address ? `${change.module_address.replace(/\[[^\]]+\]/g, "")}.` : "";
    const values = overlay(change.change.after, change.change.after_unknown ?? {}, expressions, prefix) as ValueObject;
    resources.push({
      address: change.address,
      blockAddress: block,
      type: change.type,
      name: change.name,
      values,
      ...(file ? { location: { file } } : {}),
      ignores: tagDirectives(values.tags),
    });
  }
  return new Configuration(resources);
}

/** The configured expressions of the resource block at `address` (`module.a[0].aws_x.name`). */
function configuredExpressions(root: ModuleConfig | undefined, address: string): Record<string, unknown> | undefined {
  const parts = address.split(".");
  let module = root;
  while (parts[0] === "module" && module) {
    module = module.module_calls?.[parts[1].replace(/\[[^\]]+\]$/, "")]?.module;
    parts.splice(0, 2);
  }
  return module?.resources?.find((resource) => resource.address === parts.join("."))?.expressions;
}

/** One argument's expression in a plan's configuration: its constant value and what it references. */
interface LeafExpression {
  readonly constant_value?: Value;
  readonly references?: string[];
}

/** An argument's expression, as opposed to a nested block's (an object of its arguments' expressions). */
function isLeaf(expression: unknown): expression is LeafExpression {
  return (
    isObject(expression as Value) &&
    Object.keys(expression as object).every((key) => key === "constant_value" || key === "references")
  );
}

/** The references to resource attributes (`aws_x.a.id`), not to whole resources, as `${module.m.aws_x.a.id}`. */
function attributeReferences(expression: LeafExpression, prefix: string): string[] {
  return (expression.references ?? [])
    .map((reference) => `\${${prefix}${reference}}`)
    .filter((reference) => parseReference(reference)?.attribute);
}

/**
 * The planned `value` with what `unknown` (the plan's `after_unknown`) marks as known only after apply taken
 * from `expression`: Terraform JSON (cdktf) shows its `${...}` strings as constant values, so those are the
 * structure with the references inside; HCL gives the references, which fill a list or map in order (one
 * reference fills every member).
 */
function overlay(value: unknown, unknown: unknown, expression: unknown, prefix: string, member = 0): Value {
  if (unknown === true) {
    const leaf: LeafExpression = isLeaf(expression) ? expression : {};
    if (leaf.constant_value !== undefined && leaf.constant_value !== null) return leaf.constant_value;
    const references = attributeReferences(leaf, prefix);
    return references[references.length === 1 ? 0 : member] ?? new Unknown("known only after apply");
  }
  if (Array.isArray(unknown)) {
    const items = Array.isArray(value) ? value : [];
    return Array.from({ length: Math.max(items.length, unknown.length) }, (_, index) =>
      overlay(items[index], unknown[index], memberExpression(expression, index), prefix, index),
    );
  }
  if (isObject(unknown as Value)) {
    const known = isObject(value as Value) ? (value as ValueObject) : {};
    const result: Record<string, Value> = { ...known };
    for (const [index, [key, inner]] of Object.entries(unknown as object).entries()) {
      result[key] = overlay(known[key], inner, memberExpression(expression, key), prefix, index);
    }
    return result;
  }
  return (value ?? null) as Value;
}

/** The expression of one member of a list or map: its own, or the whole argument's when that is a leaf. */
function memberExpression(expression: unknown, key: string | number): unknown {
  if (isLeaf(expression)) {
    const constant = expression.constant_value;
    const member =
      Array.isArray(constant) || isObject(constant as Value) ? (constant as Record<string, Value>)[key] : undefined;
    return member !== undefined ? { constant_value: member } : expression;
  }
  if (Array.isArray(expression)) return expression[key as number];
  return isObject(expression as Value) ? (expression as Record<string, unknown>)[key] : undefined;
}
