import { Bindings, ModuleScope, evaluate } from "./expressions";
import { mapInOrder } from "./one-at-a-time";
import { Unknown, Value, ValueObject, isObject } from "./values";

/**
 * Evaluates the bodies of Terraform blocks as Terraform JSON writes them (which is also what hcl2json makes
 * of `.tf` files): every `${...}` string inside, nested blocks as lists of objects, and the blocks that
 * `dynamic` blocks generate.
 */

/** A block body, or any JSON object, as Terraform JSON (or hcl2json) writes it: nothing evaluated yet. */
export type RawBody = Record<string, unknown>;

export const isRawBody = (raw: unknown): raw is RawBody =>
  typeof raw === "object" && raw !== null && !Array.isArray(raw);

/** `x` or `[x, y]` as a list of bodies: HCL gives lists of blocks, Terraform JSON may give one object. */
export function rawBodies(value: unknown): RawBody[] {
  return (Array.isArray(value) ? value : [value]).filter(isRawBody);
}

/** `{ label: [{ for_each, iterator?, content }] }`: the shape `dynamic` blocks take (not a map attribute named so). */
function dynamicBlocks(raw: unknown): Record<string, RawBody[]> | undefined {
  if (!isRawBody(raw)) return undefined;
  const specs = Object.values(raw);
  const isDynamic = specs.every((spec) =>
    (Array.isArray(spec) ? spec : [spec]).every((each) => isRawBody(each) && "content" in each && "for_each" in each),
  );
  if (specs.length === 0 || !isDynamic) return undefined;
  return Object.fromEntries(
    Object.entries(raw).map(([label, spec]) => [label, (Array.isArray(spec) ? spec : [spec]) as RawBody[]]),
  );
}

/**
 * A resource's body, its nested blocks included, with `dynamic "x"` blocks expanded into the `x` blocks
 * they generate, as Terraform does: repositories build volumes and ingress rules so, and a rule must see
 * them. A `for_each` only known at apply makes that block list unknown, so the rules reading it skip it.
 */
export async function evaluateBlock(raw: RawBody, scope: ModuleScope, bindings: Bindings = {}): Promise<ValueObject> {
  const result: Record<string, Value> = {};
  for (const [key, item] of Object.entries(raw)) {
    if (key === "dynamic" && dynamicBlocks(item)) continue;
    result[key] =
      Array.isArray(item) && item.length > 0 && item.every(isRawBody)
        ? await mapInOrder(item, (block) => evaluateBlock(block, scope, bindings))
        : await evaluate(item, scope, bindings);
  }
  for (const [label, specs] of Object.entries(dynamicBlocks(raw.dynamic) ?? {})) {
    for (const spec of specs) {
      const generated = await expandDynamic(label, spec, scope, bindings);
      const existing = result[label];
      if (generated instanceof Unknown || existing instanceof Unknown)
        result[label] = existing instanceof Unknown ? existing : generated;
      else
        result[label] = [
          ...(Array.isArray(existing) ? existing : existing === undefined ? [] : [existing]),
          ...generated,
        ];
    }
  }
  return result;
}

/** The blocks one `dynamic` block generates: its `content` once per element of its `for_each`. */
async function expandDynamic(
  label: string,
  spec: RawBody,
  scope: ModuleScope,
  bindings: Bindings,
): Promise<ValueObject[] | Unknown> {
  const forEach = await evaluate(spec.for_each, scope, bindings);
  const entries: [Value, Value][] | undefined = Array.isArray(forEach)
    ? forEach.map((item, index) => [index, item as Value])
    : isObject(forEach)
      ? Object.entries(forEach)
      : undefined;
  if (!entries || typeof forEach === "string")
    return new Unknown(`the for_each of dynamic "${label}" is not known statically`);
  const iterator = typeof spec.iterator === "string" ? spec.iterator.replace(/^\$\{(.*)\}$/, "$1").trim() : label;
  const contents = rawBodies(spec.content);
  const blocks: ValueObject[] = [];
  for (const [key, value] of entries) {
    const names = { ...bindings.names, [iterator]: { key, value } };
    for (const content of contents) blocks.push(await evaluateBlock(content, scope, { ...bindings, names }));
  }
  return blocks;
}
