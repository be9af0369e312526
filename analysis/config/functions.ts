import { PartialJson, Unknown, Value, asNumber, asString, firstUnknown, holdsApplyTimeText, isObject } from "./values";

/**
 * The Terraform functions the reader evaluates: those real repositories use to build the values the rules
 * read (container definitions, user data, security group lists). Any other function gives an unknown value
 * that names it, so a rule that needs it stays silent instead of guessing.
 */

type Builtin = (args: Value[]) => Value;

const unknownIn = (args: Value[]): Unknown | undefined => {
  for (const arg of args) {
    const unknown = firstUnknown(arg);
    if (unknown) return unknown;
  }
  return undefined;
};

/** Wraps a function of known arguments: any unknown argument makes the result unknown. */
const known =
  (fn: Builtin): Builtin =>
  (args) =>
    unknownIn(args) ?? fn(args);

/**
 * Wraps a function that reads the text of its string arguments: a reference (`${aws_x.a.name}`) stands for
 * a value only known at apply, so its length or case is not that of the reference's text.
 */
const textual =
  (fn: Builtin): Builtin =>
  (args) =>
    args.some((arg) => typeof arg === "string" && arg.includes("${"))
      ? new Unknown("a function of a value only known at apply")
      : known(fn)(args);

/** What this reader does not implement (a regular expression, a format verb): not a failure in Terraform. */
class Unsupported extends Error {}

const str = (value: Value): string => {
  const text = asString(value);
  if (text === undefined) throw new TypeError("expected a string");
  return text;
};

const items = (value: Value): readonly Value[] => {
  if (Array.isArray(value)) return value;
  if (isObject(value)) return Object.values(value);
  throw new TypeError("expected a list");
};

function jsonencode([value]: Value[]): Value {
  return firstUnknown(value) ? new PartialJson(value) : JSON.stringify(value);
}

function jsondecode([value]: Value[]): Value {
  if (value instanceof PartialJson) return value.value;
  if (value instanceof Unknown) return value;
  return JSON.parse(str(value)) as Value;
}

function merge(args: Value[]): Value {
  const merged: Record<string, Value> = {};
  for (const arg of args) {
    if (arg instanceof Unknown) return arg;
    if (arg === null) continue;
    if (!isObject(arg)) throw new TypeError("merge takes maps");
    Object.assign(merged, arg);
  }
  return merged;
}

function lookup([map, key, fallback]: Value[]): Value {
  if (map instanceof Unknown) return map;
  if (!isObject(map)) throw new TypeError("lookup takes a map");
  const name = str(key);
  if (Object.hasOwn(map, name)) return map[name];
  return fallback ?? new Unknown(`lookup of missing key '${name}'`, true);
}

function element([collection, index]: Value[]): Value {
  const values = items(collection);
  const position = asNumber(index);
  if (position === undefined || values.length === 0) throw new TypeError("element takes a list and a number");
  return values[position % values.length];
}

/** A set as Terraform orders it: no duplicates, strings sorted (other elements keep their order). */
export function toSet(values: readonly Value[]): Value[] {
  const unique = [...new Map(values.map((value) => [JSON.stringify(value), value])).values()];
  return unique.every((value) => typeof value === "string") ? (unique as string[]).sort() : unique;
}

/** `format` with the plain verbs `%s`, `%d`, `%v`, `%q` and `%%`; flags, widths and other verbs are not read. */
function format([spec, ...args]: Value[]): Value {
  let next = 0;
  return str(spec).replace(/%([^a-zA-Z%]*)([a-zA-Z%])/g, (_match, flags: string, verb: string) => {
    if (verb === "%" && flags === "") return "%";
    if (flags !== "" || !"sdvq".includes(verb)) throw new Unsupported(`format verb %${flags}${verb}`);
    const arg = args[next++];
    if (verb === "q") return JSON.stringify(str(arg));
    if (verb === "v" && typeof arg !== "string") return JSON.stringify(arg);
    return str(arg);
  });
}

function flatten(value: Value): Value[] {
  return Array.isArray(value) ? value.flatMap((item) => flatten(item)) : [value];
}

/**
 * `try(a, b...)`: the first argument that does not fail. An argument that is merely unknown here (a
 * variable without default) may well succeed in Terraform, so it makes the result unknown, not `b`.
 */
function tryFunction(args: Value[]): Value {
  for (const arg of args) {
    const unknown = firstUnknown(arg);
    if (!unknown) return arg;
    if (!unknown.isError) return unknown;
  }
  return unknownIn(args) ?? null;
}

const BUILTINS: Record<string, Builtin> = {
  jsonencode,
  jsondecode: known(jsondecode),
  base64encode: known(([value]) => Buffer.from(str(value)).toString("base64")),
  base64decode: textual(([value]) => Buffer.from(str(value), "base64").toString("utf8")),
  merge,
  lookup: known(lookup),
  element: known(element),
  concat: known((args) => args.flatMap((arg) => items(arg))),
  flatten: known(([value]) => flatten(value)),
  length: textual(([value]) => (typeof value === "string" ? value.length : items(value).length)),
  join: known(([separator, ...lists]) =>
    lists
      .flatMap((each) => items(each))
      .map(str)
      .join(str(separator)),
  ),
  split: textual(([separator, value]) => str(value).split(str(separator))),
  format: known(format),
  formatlist: known(([spec, ...args]) => {
    const length = Math.max(0, ...args.filter(Array.isArray).map((arg) => (arg as Value[]).length));
    return Array.from({ length }, (_, index) =>
      format([spec, ...args.map((arg) => (Array.isArray(arg) ? (arg as Value[])[index] : arg))]),
    );
  }),
  lower: textual(([value]) => str(value).toLowerCase()),
  upper: textual(([value]) => str(value).toUpperCase()),
  trimspace: textual(([value]) => str(value).trim()),
  chomp: textual(([value]) => str(value).replace(/[\r\n]+$/, "")),
  replace: textual(([value, search, replacement]) => {
    if (/^\/.*\/$/.test(str(search))) throw new Unsupported("regular expression replace");
    return str(value).split(str(search)).join(str(replacement));
  }),
  coalesce: (args) => args.find((arg) => arg !== null && arg !== "") ?? null,
  compact: known(([value]) => items(value).filter((item) => item !== null && item !== "")),
  distinct: known(([value]) => [...new Map(items(value).map((item) => [JSON.stringify(item), item])).values()]),
  keys: known(([value]) => (isObject(value) ? Object.keys(value).sort() : items(value).map((_, i) => i))),
  values: known(([value]) => items(value)),
  contains: known(([collection, value]) =>
    items(collection).some((item) => JSON.stringify(item) === JSON.stringify(value)),
  ),
  one: known(([value]) => items(value)[0] ?? null),
  zipmap: known(([names, vals]) => Object.fromEntries(items(names).map((name, i) => [str(name), items(vals)[i]]))),
  try: tryFunction,
  tostring: known(([value]) => (value === null ? null : str(value))),
  tonumber: textual(([value]) => {
    if (value === null) return null;
    const number = asNumber(value);
    if (number === undefined) throw new TypeError(`cannot convert ${JSON.stringify(value)} to a number`);
    return number;
  }),
  tobool: textual(([value]) => value),
  tolist: known(([value]) => items(value)),
  toset: known(([value]) => toSet(items(value))),
  tomap: known(([value]) => value),
  min: known((args) => Math.min(...args.flatMap((arg) => items(Array.isArray(arg) ? arg : [arg])).map(Number))),
  max: known((args) => Math.max(...args.flatMap((arg) => items(Array.isArray(arg) ? arg : [arg])).map(Number))),
  startswith: textual(([value, prefix]) => str(value).startsWith(str(prefix))),
  endswith: textual(([value, suffix]) => str(value).endsWith(str(suffix))),
  strcontains: textual(([value, part]) => str(value).includes(str(part))),
  substr: textual(([value, offset, length]) => {
    const start = asNumber(offset) ?? 0;
    const count = asNumber(length) ?? -1;
    return count < 0 ? str(value).slice(start) : str(value).slice(start, start + count);
  }),
};

/** `name(args)`, or an unknown value that names the function when it is not evaluated here or fails. */
export function callFunction(name: string, args: Value[]): Value {
  // `core::` names Terraform's own functions; another provider's functions are not known here.
  const builtin = BUILTINS[name.replace(/^core::/, "")];
  if (!builtin) return new Unknown(`${name}() is not evaluated statically`);
  try {
    return builtin(args);
  } catch (error) {
    // A failure on values known here fails in Terraform too (what try() falls back from); one on text that
    // stands for a value known only at apply, or on what this reader does not implement, proves nothing.
    const failsInTerraform = !(error instanceof Unsupported) && !args.some(holdsApplyTimeText);
    return new Unknown(`${name}() could not be evaluated: ${(error as Error).message}`, failsInTerraform);
  }
}

/** Functions the reader implements itself because they read files: `file`, `templatefile`. */
export const FILE_FUNCTIONS = new Set(["file", "templatefile"]);
