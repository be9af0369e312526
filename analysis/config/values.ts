/**
 * The values the configuration reader produces. Plain JSON where Terraform's value is known without
 * AWS; a reference to a resource stays the Terraform string `${aws_x.name.attr}` (as cdktf writes it),
 * with a child module's resources prefixed `module.<name>.`; what cannot be known statically is an
 * `Unknown` that says why. JSON that is only partly known stays structured (`PartialJson`).
 */

export class Unknown {
  /**
   * @param isError the value is known to fail in Terraform (a missing map key, an index out of range), not
   *   merely unknown here: what `try()` falls back from
   */
  constructor(
    readonly reason: string,
    readonly isError = false,
  ) {}
}

/** The argument of `jsonencode(...)` when part of it is unknown: the rules can still read the known part. */
export class PartialJson {
  constructor(readonly value: Value) {}
}

export type Value =
  string | number | boolean | null | Unknown | PartialJson | readonly Value[] | { readonly [key: string]: Value };

export type ValueObject = { readonly [key: string]: Value };

export function isUnknown(value: unknown): value is Unknown {
  return value instanceof Unknown;
}

export function isObject(value: unknown): value is ValueObject {
  return (
    typeof value === "object" &&
    value !== null &&
    !Array.isArray(value) &&
    !(value instanceof Unknown) &&
    !(value instanceof PartialJson)
  );
}

/**
 * A value only known at apply: unknown here, or text that stands for one (`${aws_x.a.enabled}`, a value
 * whose template kept an interpolation it could not evaluate). Rules must not read such text as a value.
 */
export function isApplyTime(value: unknown): boolean {
  return value instanceof Unknown || holdsApplyTimeText(value);
}

/** Whether `value` holds, anywhere inside, text that stands for a value only known at apply. */
export function holdsApplyTimeText(value: unknown): boolean {
  if (typeof value === "string") return value.includes("${");
  if (Array.isArray(value)) return value.some(holdsApplyTimeText);
  return isObject(value) && Object.values(value).some(holdsApplyTimeText);
}

/** The first `Unknown` anywhere inside `value`, if any. */
export function firstUnknown(value: Value): Unknown | undefined {
  if (value instanceof Unknown) return value;
  if (value instanceof PartialJson) return firstUnknown(value.value);
  if (Array.isArray(value)) {
    for (const item of value) {
      const found = firstUnknown(item);
      if (found) return found;
    }
  } else if (isObject(value)) {
    for (const item of Object.values(value)) {
      const found = firstUnknown(item);
      if (found) return found;
    }
  }
  return undefined;
}

/**
 * A nested block as a list of objects, whatever way it was written: HCL and plans give lists, Terraform
 * JSON allows one object. Absent or null is no block; unknown stays unknown.
 */
export function blocks(value: Value | undefined): ValueObject[] | Unknown {
  if (value === undefined || value === null) return [];
  if (value instanceof Unknown) return value;
  if (Array.isArray(value)) {
    const unknown = value.find(isUnknown);
    return unknown ?? value.filter(isObject);
  }
  return isObject(value) ? [value] : new Unknown("not a block");
}

/** The first block, `undefined` when there is none. */
export function firstBlock(value: Value | undefined): ValueObject | undefined | Unknown {
  const all = blocks(value);
  return all instanceof Unknown ? all : all[0];
}

/** A list argument as a list (one value becomes a list of one; absent or null an empty list). */
export function list(value: Value | undefined): readonly Value[] | Unknown {
  if (value === undefined || value === null) return [];
  if (value instanceof Unknown) return value;
  return Array.isArray(value) ? value : [value];
}

/** The JSON inside a string argument (`container_definitions`, policies); unknown when not readable. */
export function decodeJson(value: Value | undefined): Value {
  if (value instanceof PartialJson) return value.value;
  if (value instanceof Unknown) return value;
  if (typeof value !== "string") return new Unknown("not a JSON string");
  try {
    return JSON.parse(value) as Value;
  } catch {
    return new Unknown("not valid JSON");
  }
}

/** A scalar as a string (numbers and booleans as Terraform prints them); undefined for anything else. */
export function asString(value: Value | undefined): string | undefined {
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  return undefined;
}

/** A scalar as a number (`"2049"` as Terraform converts it); undefined when it is not one. */
export function asNumber(value: Value | undefined): number | undefined {
  if (typeof value === "number") return value;
  if (typeof value === "string" && value.trim() !== "" && !Number.isNaN(Number(value))) return Number(value);
  return undefined;
}

/** A scalar as a boolean (`"true"` as Terraform converts it); undefined when it is not one. */
export function asBoolean(value: Value | undefined): boolean | undefined {
  if (typeof value === "boolean") return value;
  if (value === "true" || value === "false") return value === "true";
  return undefined;
}

const REFERENCE =
  /^\$\{((?:module\.[\w-]+(?:\[[^\]]+\])?\.)*(?:data\.)?[a-z][\w-]*\.[\w-]+(?:\[[^\]]+\])?)((?:\.[\w-]+|\[[^\]]+\])*)\}$/;

/** A whole-string reference to a resource: its address (instance key included, if any) and what follows. */
export interface Reference {
  /** `aws_x.name`, `aws_x.name[0]`, `module.m.aws_x.name["k"]`, `data.aws_x.name`. */
  readonly address: string;
  /** The attribute path after the address: `.id`, `.posix_user[0].uid`; empty for the resource itself. */
  readonly attribute: string;
}

/** The resource that `value` refers to when it is exactly one reference such as `${aws_x.name.id}`. */
export function parseReference(value: Value | undefined): Reference | undefined {
  if (typeof value !== "string") return undefined;
  const match = REFERENCE.exec(value);
  if (!match) return undefined;
  return { address: match[1], attribute: match[2] };
}

/** `aws_x.name[0]` and `aws_x.name["k"]` without their instance key: the address of the resource block. */
export function blockAddress(address: string): string {
  return address.replace(/\[[^\]]+\]$/, "");
}
