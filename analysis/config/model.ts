import { Unknown, Value, ValueObject, blockAddress, parseReference } from "./values";

/**
 * One Terraform configuration as the rules see it, whatever it was read from (Terraform JSON, `.tf`
 * files, a plan): resource instances with their arguments evaluated as far as they can be statically.
 */

export interface SourceLocation {
  readonly file: string;
  /** 1-based; absent when the input has no lines to point at (Terraform JSON, plans). */
  readonly line?: number;
}

export interface ResourceInstance {
  /** As Terraform writes it: `aws_x.name`, `aws_x.name[0]`, `module.db.aws_x.name["k"]`. */
  readonly address: string;
  /** The address without the instance key: `module.db.aws_x.name`. */
  readonly blockAddress: string;
  readonly type: string;
  readonly name: string;
  /** Arguments and nested blocks, evaluated (see values.ts); empty for types no rule reads. */
  readonly values: ValueObject;
  readonly location?: SourceLocation;
  /** Rule id -> reason, from `stateful-ecs:ignore <id> <reason>` comments or `stateful-ecs:ignore:<id>` tags. */
  readonly ignores: ReadonlyMap<string, string>;
}

const UNREAD = ": not read (";

/** The note that a file could not be read at all (the command shows these even without `--verbose`). */
export function unreadNote(file: string, why: string): string {
  return `${file}${UNREAD}${why.split("\n")[0]})`;
}

export function isUnreadNote(note: string): boolean {
  return note.includes(UNREAD);
}

export class Configuration {
  private readonly byType = new Map<string, ResourceInstance[]>();
  private readonly byAddress = new Map<string, ResourceInstance[]>();

  /**
   * @param resources every managed resource instance
   * @param notes what could not be read or evaluated, for `--verbose`
   */
  constructor(
    readonly resources: readonly ResourceInstance[],
    readonly notes: readonly string[] = [],
  ) {
    for (const resource of resources) {
      push(this.byType, resource.type, resource);
      // References inside a counted module name its resources without the module's key (a plan's
      // `module.efs[0].aws_x.a` is `aws_x.a` of `module.efs`): index them both ways.
      const names = [resource.address, resource.blockAddress].flatMap((name) => [name, withoutModuleKeys(name)]);
      for (const name of new Set(names)) push(this.byAddress, name, resource);
    }
  }

  ofType(...types: string[]): ResourceInstance[] {
    return types.flatMap((type) => this.byType.get(type) ?? []);
  }

  /**
   * The instances a reference such as `${aws_efs_file_system.data.id}` points at: the instance itself, or
   * every instance of a counted block referenced without its key. Empty when it is not a reference to a
   * resource of this configuration.
   */
  resolve(value: Value | undefined): ResourceInstance[] {
    const reference = parseReference(value);
    if (!reference) return [];
    return this.byAddress.get(reference.address) ?? this.byAddress.get(blockAddress(reference.address)) ?? [];
  }

  /**
   * Two values that name the same thing: equal literals, references to the same attribute of the same
   * block, or references that lead to the same value through configured arguments.
   */
  sameThing(a: Value | undefined, b: Value | undefined): boolean | undefined {
    const [left, right] = [this.follow(a), this.follow(b)];
    if (typeof left !== "string" || typeof right !== "string") return undefined;
    const references = [left, right].filter((value) => parseReference(value) !== undefined).length;
    if (references === 1 || left.includes("${") !== right.includes("${")) return undefined;
    return sameReference(left, right);
  }

  /** Every resource referenced anywhere inside a string (`"${aws_x.a.family}:${aws_x.a.revision}"`). */
  referencedIn(value: Value | undefined): ResourceInstance[] {
    if (typeof value !== "string") return [];
    const found = [...value.matchAll(/\$\{[^{}]*\}/g)].flatMap((match) => this.resolve(match[0]));
    return [...new Set(found)];
  }

  /**
   * `value` with references to configured arguments replaced by what they are configured to:
   * `${aws_efs_access_point.ap.file_system_id}` becomes the access point's own `file_system_id`.
   */
  follow(value: Value | undefined, depth = 0): Value | undefined {
    const reference = parseReference(value);
    if (!reference || depth > 5) return value;
    const [target] = this.resolve(value);
    if (!target) return value;
    const path = reference.attribute.match(/[\w-]+|\d+/g) ?? [];
    let current: Value | undefined = target.values;
    for (const step of path) {
      if (Array.isArray(current)) current = current[Number(step)];
      else if (current && typeof current === "object" && !Array.isArray(current) && Object.hasOwn(current, step))
        current = (current as ValueObject)[step];
      else return value;
    }
    // Not configured (computed, or only known after apply): the reference is the best name for it.
    return current === undefined || current instanceof Unknown ? value : this.follow(current, depth + 1);
  }
}

/**
 * `${aws_x.a[0].id}` and `${aws_x.a.id}` name the same block attribute for comparison (a plan names the
 * block without its key when the key is only known at apply), but two different keys of one block never
 * do: `aws_x.a["data"]` and `aws_x.a["logs"]` are two resources.
 */
function sameReference(left: string, right: string): boolean {
  if (normalizeReference(left) !== normalizeReference(right)) return false;
  const keys = [left, right].map((value) => {
    const address = parseReference(value)?.address;
    return address === undefined || address === blockAddress(address) ? undefined : address;
  });
  return keys[0] === undefined || keys[1] === undefined || keys[0] === keys[1];
}

function normalizeReference(value: string): string {
  const reference = parseReference(value);
  return reference ? `${blockAddress(reference.address)}${reference.attribute}` : value;
}

/** `module.a[0].module.b["x"].aws_x.c[1]` -> `module.a.module.b.aws_x.c[1]`. */
function withoutModuleKeys(address: string): string {
  return address.replace(/(module\.[\w-]+)\[[^\]]+\]/g, "$1");
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const existing = map.get(key);
  if (existing) existing.push(value);
  else map.set(key, [value]);
}

/** `read`, computed once per configuration: for what several rules derive from the same resources. */
export function oncePerConfiguration<T>(
  read: (configuration: Configuration) => T,
): (configuration: Configuration) => T {
  const results = new WeakMap<Configuration, T>();
  return (configuration) => {
    if (!results.has(configuration)) results.set(configuration, read(configuration));
    return results.get(configuration) as T;
  };
}
