import { PlanJson, PlannedModule } from "../../analysis/plan-json";
import { Diagnostic, TestDiagnostic, TestRun, ValidateResult } from "./terraform";

/**
 * One stack's share of a workspace's results (see `workspace-files.ts`): its own diagnostics, resources and
 * configuration, addressed as in the stack itself (without the `module.<stack>.` prefix). A diagnostic that
 * names no stack (the root's own) belongs to every stack.
 */

export interface MockApplyResult {
  /**
   * The status of the `mock_apply` run for this stack: `pass` when it applied against the mock. The stacks
   * apply together, so a stack whose resources raised nothing while another's failed counts as passed.
   */
  readonly runStatus: string;
  /** Diagnostics of the apply for this stack, as `severity: summary: detail`. */
  readonly applyDiagnostics: string[];
  /**
   * Resources of this stack whose destruction Terraform refused when the test tore the stacks down, because
   * they carry `lifecycle.prevent_destroy`.
   */
  readonly teardownRefused: string[];
  /** Any other diagnostic of the teardown for this stack. */
  readonly teardownDiagnostics: string[];
}

const modulePrefix = (stack: string) => `module.${stack}.`;

/** The stack a diagnostic names by file (`<stack>/...`) or address (`module.<stack>....`), if any. */
function stackOf(stacks: string[], where: { filename?: string; address?: string }): string | undefined {
  return stacks.find(
    (stack) => where.filename?.startsWith(`${stack}/`) || `${where.address ?? ""}.`.startsWith(modulePrefix(stack)),
  );
}

function belongs(stacks: string[], stack: string, where: { filename?: string; address?: string }): boolean {
  const owner = stackOf(stacks, where);
  return owner === undefined || owner === stack;
}

export function stackValidateResult(result: ValidateResult, stacks: string[], stack: string): ValidateResult {
  const diagnostics: Diagnostic[] = result.diagnostics.filter((diagnostic) =>
    belongs(stacks, stack, { filename: diagnostic.range?.filename }),
  );
  const count = (severity: Diagnostic["severity"]) =>
    diagnostics.filter((diagnostic) => diagnostic.severity === severity).length;
  return { valid: count("error") === 0, error_count: count("error"), warning_count: count("warning"), diagnostics };
}

/** The stack's resource changes, planned values and configuration, as if it had been planned alone. */
export function stackPlan(plan: PlanJson, stack: string): PlanJson {
  const prefix = modulePrefix(stack);
  const local = (address: string) => address.slice(prefix.length);
  const planned = plan.planned_values?.root_module.child_modules?.find((module) => module.address === `module.${stack}`);
  return {
    format_version: plan.format_version,
    terraform_version: plan.terraform_version,
    resource_changes: (plan.resource_changes ?? [])
      .filter((change) => change.module_address === `module.${stack}`)
      .map(({ module_address: _module, ...change }) => ({
        ...change,
        address: local(change.address),
        ...(change.previous_address
          ? {
              previous_address: change.previous_address.startsWith(prefix)
                ? local(change.previous_address)
                : change.previous_address,
            }
          : {}),
      })),
    planned_values: { root_module: planned ? withLocalAddresses(planned, local) : {} },
    configuration: { root_module: plan.configuration?.root_module.module_calls?.[stack]?.module ?? {} },
  };
}

/** A planned module of the stack, with addresses as in the stack itself (the root module has none). */
function withLocalAddresses(module: PlannedModule, local: (address: string) => string, root = true): PlannedModule {
  return {
    ...(root ? {} : { address: local(module.address ?? "") }),
    resources: (module.resources ?? []).map((resource) => ({ ...resource, address: local(resource.address) })),
    child_modules: (module.child_modules ?? []).map((child) => withLocalAddresses(child, local, false)),
  };
}

export function stackMockApply(run: TestRun, stacks: string[], stack: string): MockApplyResult {
  const prefix = modulePrefix(stack);
  const mine = (phase: TestDiagnostic["phase"]) =>
    run.diagnostics.filter((diagnostic) => diagnostic.phase === phase && belongs(stacks, stack, diagnostic));
  const teardown = mine("teardown");
  const applyDiagnostics = mine("apply").map((diagnostic) => diagnostic.text);
  const failedElsewhere =
    run.runStatus !== "pass" &&
    applyDiagnostics.length === 0 &&
    run.diagnostics.some((diagnostic) => diagnostic.phase === "apply");
  return {
    runStatus: failedElsewhere ? "pass" : run.runStatus,
    applyDiagnostics,
    teardownRefused: teardown
      .filter((diagnostic) => diagnostic.refused?.startsWith(prefix))
      .map((diagnostic) => (diagnostic.refused as string).slice(prefix.length)),
    teardownDiagnostics: teardown.filter((diagnostic) => !diagnostic.refused).map((diagnostic) => diagnostic.text),
  };
}
