/**
 * The parts of Terraform's JSON plan representation (`terraform show -json <plan>`, format 1.x) that
 * stateful-ecs reads. Pure data: nothing here knows about our constructs, so it serves any Terraform plan.
 */

export interface PlanJson {
  readonly format_version: string;
  readonly terraform_version: string;
  readonly resource_changes?: ResourceChange[];
  readonly configuration?: { readonly root_module: ModuleConfig };
  /** The values of every resource after apply, by module. */
  readonly planned_values?: { readonly root_module: PlannedModule };
  /** True when Terraform stopped planning on an error: the changes listed are not all of them. */
  readonly errored?: boolean;
}

/** One module of `planned_values`: its resources' values, and its child modules. */
export interface PlannedModule {
  readonly address?: string;
  readonly resources?: PlannedResource[];
  readonly child_modules?: PlannedModule[];
}

export interface PlannedResource {
  readonly address: string;
  readonly mode: "managed" | "data";
  readonly type: string;
  readonly name: string;
  readonly index?: number | string;
  readonly provider_name?: string;
  readonly schema_version?: number;
  readonly values?: Record<string, unknown>;
  readonly sensitive_values?: Record<string, unknown>;
}

export interface ResourceChange {
  readonly address: string;
  /** `module.<name>` for a resource of a child module; absent in the root module. */
  readonly module_address?: string;
  readonly mode: "managed" | "data";
  readonly type: string;
  readonly name: string;
  readonly index?: number | string;
  /** For an object left over from a create-before-destroy replacement that failed: its key. */
  readonly deposed?: string;
  /** The address it had in the prior state, when a `moved` block moved it. */
  readonly previous_address?: string;
  /** Why Terraform chose a replace or delete: `replace_because_cannot_update`, `delete_because_each_key`... */
  readonly action_reason?: string;
  readonly change: {
    /** `["create"]`, `["update"]`, `["delete"]`, `["delete", "create"]` (replace), `["no-op"]`... */
    readonly actions: string[];
    readonly before?: Record<string, unknown> | null;
    readonly after: Record<string, unknown> | null;
    readonly after_unknown?: Record<string, unknown>;
    /** Where `before` / `after` hold sensitive values: `true` at a sensitive value's place. */
    readonly before_sensitive?: unknown;
    readonly after_sensitive?: unknown;
    /** The attribute paths that force a replacement, each a list of keys and indexes. */
    readonly replace_paths?: Array<Array<string | number>>;
    /** Present when the change imports an existing object. */
    readonly importing?: { readonly id?: string; readonly identity?: unknown };
  };
}

/** One module of the plan's `configuration`: its resources as written, and the modules it calls. */
export interface ModuleConfig {
  readonly resources?: ResourceConfig[];
  readonly module_calls?: Record<string, { readonly source?: string; readonly module: ModuleConfig }>;
}

/**
 * A resource as configured: each argument an expression (`constant_value` and/or the `references` it
 * makes), nested blocks as lists of such objects, and its explicit `depends_on`.
 */
export interface ResourceConfig {
  readonly address: string;
  readonly mode: "managed" | "data";
  readonly type: string;
  readonly name: string;
  readonly expressions?: Record<string, unknown>;
  readonly count_expression?: Expression;
  readonly for_each_expression?: Expression;
  readonly depends_on?: string[];
}

export interface Expression {
  readonly constant_value?: unknown;
  readonly references?: string[];
}
