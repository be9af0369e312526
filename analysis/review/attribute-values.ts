/**
 * One attribute of a planned change, shown for a reviewer: its value before and after at a path of keys and
 * indexes, with what is sensitive masked and what is known only after apply said so.
 */

export type AttributePath = ReadonlyArray<string | number>;

export interface AttributeChange {
  /** `performance_mode`, `root_directory[0].path`. */
  readonly path: string;
  readonly before: string;
  readonly after: string;
}

export interface ChangeSides {
  readonly before?: unknown;
  readonly after?: unknown;
  readonly after_unknown?: unknown;
  readonly before_sensitive?: unknown;
  readonly after_sensitive?: unknown;
}

/** Longest shown value: a policy document or user data is cut, not pasted whole into a review. */
const MAX_SHOWN = 120;

export function attributeChange(change: ChangeSides, attributePath: AttributePath): AttributeChange {
  return {
    path: pathText(attributePath),
    before: shown(change.before, change.before_sensitive, undefined, attributePath),
    after: shown(change.after, change.after_sensitive, change.after_unknown, attributePath),
  };
}

export function pathText(attributePath: AttributePath): string {
  return attributePath
    .map((step, index) =>
      typeof step === "number"
        ? `[${step}]`
        : /^[A-Za-z_][\w-]*$/.test(step)
          ? `${index ? "." : ""}${step}`
          : `[${JSON.stringify(step)}]`,
    )
    .join("");
}

function shown(value: unknown, sensitive: unknown, unknown: unknown, attributePath: AttributePath): string {
  if (marked(sensitive, attributePath)) return "(sensitive)";
  if (marked(unknown, attributePath)) return "(known after apply)";
  const found = at(value, attributePath);
  if (found === undefined || found === null) return "null";
  const text = JSON.stringify(found);
  return text.length > MAX_SHOWN ? `${text.slice(0, MAX_SHOWN - 1)}…` : text;
}

/**
 * Whether a marker structure (`*_sensitive`, `after_unknown`) holds `true` at the path, above it, or anywhere
 * inside it: a block with one sensitive field is masked whole.
 */
function marked(markers: unknown, attributePath: AttributePath): boolean {
  let node = markers;
  for (const step of attributePath) {
    if (node === true) return true;
    if (typeof node !== "object" || node === null) return false;
    node = (node as Record<string | number, unknown>)[step];
  }
  return holdsTrue(node);
}

function holdsTrue(node: unknown): boolean {
  if (node === true) return true;
  return typeof node === "object" && node !== null && Object.values(node).some(holdsTrue);
}

function at(value: unknown, attributePath: AttributePath): unknown {
  let node = value;
  for (const step of attributePath) {
    if (typeof node !== "object" || node === null) return undefined;
    node = (node as Record<string | number, unknown>)[step];
  }
  return node;
}
