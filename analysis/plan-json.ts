/**
 * The parts of Terraform's JSON plan representation (`terraform show -json <plan>`, format 1.x) that
 * stateful-ecs reads. Pure data: nothing here knows about our constructs, so it serves any Terraform plan.
 */

export interface PlanJson {
  readonly format_version: string;
  readonly terraform_version: string;
  readonly resource_changes?: ResourceChange[];
  readonly configuration?: { readonly root_module: ModuleConfig };
}

export interface ResourceChange {
  readonly address: string;
  /** `module.<name>` for a resource of a child module; absent in the root module. */
  readonly module_address?: string;
  readonly mode: "managed" | "data";
  readonly type: string;
  readonly name: string;
  readonly index?: number | string;
  readonly change: {
    readonly actions: string[];
    readonly before?: Record<string, unknown> | null;
    readonly after: Record<string, unknown> | null;
    readonly after_unknown?: Record<string, unknown>;
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
