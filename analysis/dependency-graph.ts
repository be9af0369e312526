import { ModuleConfig, ResourceConfig } from "./plan-json";

/**
 * The order Terraform creates one module's resources in, read from a plan's `configuration`: a resource
 * waits for every resource its arguments reference and every one in its `depends_on`, transitively.
 * Locals are not in the plan's configuration, so a dependency that only passes through a local is not seen
 * (a resource that needs it should reference it directly or through `depends_on`).
 */
export class DependencyGraph {
  private readonly resources = new Map<string, ResourceConfig>();
  private readonly closures = new Map<string, Set<string>>();

  constructor(module: ModuleConfig) {
    for (const resource of module.resources ?? []) this.resources.set(resource.address, resource);
  }

  /** Every resource of the module, in configuration order. */
  get all(): ResourceConfig[] {
    return [...this.resources.values()];
  }

  /** The resource at `address` (`type.name` or `data.type.name`); throws when the module has none. */
  resource(address: string): ResourceConfig {
    const found = this.resources.get(address);
    if (!found) throw new Error(`the configuration has no resource ${address}`);
    return found;
  }

  /** The resources `address` references or names in `depends_on`, directly. */
  directDependencies(address: string): Set<string> {
    const resource = this.resource(address);
    const found = [
      ...referencesIn(resource.expressions),
      ...referencesIn(resource.count_expression),
      ...referencesIn(resource.for_each_expression),
      ...(resource.depends_on ?? []),
    ];
    return new Set(found.map(resourceAddress).filter((dependency): dependency is string => this.has(dependency)));
  }

  /** Everything Terraform must create before `address`: its dependencies, theirs, and so on. */
  dependenciesOf(address: string): Set<string> {
    const cached = this.closures.get(address);
    if (cached) return cached;
    const closure = new Set<string>();
    const pending = [...this.directDependencies(address)];
    while (pending.length > 0) {
      const next = pending.pop() as string;
      if (closure.has(next)) continue;
      closure.add(next);
      pending.push(...this.directDependencies(next));
    }
    this.closures.set(address, closure);
    return closure;
  }

  private has(address: string | undefined): boolean {
    return address !== undefined && this.resources.has(address);
  }
}

/**
 * The resource addresses an argument's expression references, found at `path` (argument names and
 * nested block names; a nested block is a list, and every element is searched).
 */
export function referencesAt(resource: ResourceConfig, path: string[]): string[] {
  return unique(
    expressionReferencesAt(resource, path)
      .map(resourceAddress)
      .filter((address): address is string => !!address),
  );
}

/**
 * The references of the expressions at `path` as Terraform lists them, instance keys and attributes
 * included (`aws_efs_access_point.x["1"].arn`, `aws_efs_access_point.x["1"]`, `aws_efs_access_point.x`).
 */
export function expressionReferencesAt(resource: ResourceConfig, path: string[]): string[] {
  let values: unknown[] = [resource.expressions];
  for (const key of path) {
    values = values
      .flatMap((value) => (Array.isArray(value) ? value : [value]))
      .map((value) => (isObject(value) ? value[key] : undefined))
      .filter((value) => value !== undefined);
  }
  return unique(values.flatMap(referencesIn));
}

/** Every `references` entry anywhere inside an expression or a tree of nested blocks. */
function referencesIn(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(referencesIn);
  if (!isObject(value)) return [];
  return Object.entries(value).flatMap(([key, inner]) =>
    key === "references" && Array.isArray(inner) ? (inner as string[]) : referencesIn(inner),
  );
}

/**
 * The resource a reference points into: `aws_efs_file_system.data.arn` and `aws_subnet.private[0]` give
 * `aws_efs_file_system.data` and `aws_subnet.private`; `var.x`, `local.y`, `count.index` give nothing.
 */
export function resourceAddress(reference: string): string | undefined {
  const match = /^(data\.)?([a-z][a-z0-9_]*)\.([A-Za-z_][A-Za-z0-9_-]*)/.exec(reference);
  if (!match) return undefined;
  const [, data, type, name] = match;
  if (!data && NOT_RESOURCES.includes(type)) return undefined;
  return `${data ?? ""}${type}.${name}`;
}

/** The first words of references that are not resources. */
const NOT_RESOURCES = ["var", "local", "count", "each", "path", "terraform", "module", "self"];

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function unique<T>(values: T[]): T[] {
  return [...new Set(values)];
}
