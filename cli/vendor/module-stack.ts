import { TerraformElement, TerraformOutput, TerraformStack, TerraformVariable } from "cdktf";
import { Construct, Node } from "constructs";

/**
 * A stack that synthesizes a plain Terraform module rather than a root configuration: no `provider`
 * block (the caller's providers apply) and no backend, `required_providers` and `required_version` for
 * callers to read, and names chosen by us: variables and outputs keep exactly the name they are given,
 * resources get their construct path in snake_case instead of cdktf's hashed logical ids. It replaces
 * HashiCorp's archived `@cdktf/tf-module-stack`, which is not on the registry.
 */

/** What callers of a vendored module need: the AWS provider line our provider bindings were made for. */
export const REQUIRED_PROVIDERS = { aws: { source: "hashicorp/aws", version: ">= 5.100, < 6.0" } };
/** `terraform test` with mock providers, which the modules' tests use, needs Terraform 1.7. */
export const REQUIRED_VERSION = ">= 1.7";

/** A variable's Terraform `validation` block. */
export interface Validation {
  /** A Terraform expression over the variable that is true for a good value. */
  readonly condition: string;
  /** What Terraform prints for a bad value: our construct's message, in the same words. */
  readonly errorMessage: string;
}

export interface ModuleVariable {
  /** A Terraform type constraint, such as `string` or `map(object({ path = string }))`. */
  readonly type: string;
  readonly description: string;
  /** The default, which makes the variable optional; left out, the variable is required. */
  readonly default?: unknown;
  /** Whether `null` is accepted (optional variables default to null only when this is true). */
  readonly nullable?: boolean;
  readonly validation?: Validation[];
}

export class ModuleStack extends TerraformStack {
  /** Every variable, in the order declared, for the README and tests. */
  readonly variables = new Map<string, ModuleVariable>();
  /** Every output's description, in the order declared. */
  readonly outputs = new Map<string, string>();

  constructor(scope: Construct, id: string) {
    super(scope, id);
  }

  /** Declares a variable named exactly `name`, and returns it. */
  variable(name: string, spec: ModuleVariable): TerraformVariable {
    if (this.variables.has(name)) throw new Error(`module ${this.node.id}: variable ${name} declared twice`);
    this.variables.set(name, spec);
    const variable = new TerraformVariable(this, `variable-${name}`, {
      type: spec.type,
      description: spec.description,
      // cdktf cannot render a null default; it is set by an override below.
      default: spec.default === null ? undefined : spec.default,
      nullable: spec.nullable ?? false,
      validation: spec.validation,
    });
    if (spec.default === null) variable.addOverride("default", null);
    variable.overrideLogicalId(name);
    return variable;
  }

  /** Declares an output named exactly `name`. */
  output(name: string, value: unknown, description: string): void {
    if (this.outputs.has(name)) throw new Error(`module ${this.node.id}: output ${name} declared twice`);
    this.outputs.set(name, description);
    new TerraformOutput(this, `output-${name}`, { value, description }).overrideLogicalId(name);
  }

  /** The module as Terraform JSON: no provider, no backend, no cdktf metadata. */
  override toTerraform(): Record<string, unknown> {
    const config = withoutMetadata(super.toTerraform()) as Record<string, Record<string, unknown>>;
    delete config.provider;
    const { backend: _backend, ...settings } = config.terraform ?? {};
    config.terraform = { ...settings, required_providers: REQUIRED_PROVIDERS, required_version: REQUIRED_VERSION };
    return config;
  }

  /** Resources are named by their construct path (variables and outputs override theirs with their names). */
  protected override allocateLogicalId(element: TerraformElement | Node): string {
    const node = TerraformElement.isTerraformElement(element) ? element.node : element;
    const inStack = node.scopes.slice(node.scopes.indexOf(this) + 1).map((scope) => scope.node.id);
    const name = inStack
      .join("_")
      .replace(/[^A-Za-z0-9_]/g, "_")
      .toLowerCase();
    return /^[a-z_]/.test(name) ? name : `_${name}`;
  }
}

/** A value with every cdktf `//` metadata entry removed, at any depth. */
function withoutMetadata(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutMetadata);
  if (value === null || typeof value !== "object") return value;
  return Object.fromEntries(
    Object.entries(value as Record<string, unknown>)
      .filter(([key]) => key !== "//")
      .map(([key, inner]) => [key, withoutMetadata(inner)]),
  );
}
