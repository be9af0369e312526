import { ITerraformDependable, Lazy, TerraformResource, TerraformStack, dependable } from "cdktf";
import { Construct } from "constructs";

/**
 * Makes `resource` depend on everything `sources` give at synth time (lists, or prerequisites read then),
 * each once, besides what its `dependsOn` already held; `depends_on` is left out when there is nothing to
 * wait for. Resources of another stack are left out: that stack is applied first, and Terraform only takes
 * whole resources of its own configuration in `depends_on` (a cross-stack value arrives as a remote state
 * output, which `depends_on` refuses). Set `dependsOn` before calling this: afterwards it is a list token.
 */
export function dependOn(
  resource: TerraformResource,
  ...sources: Array<ITerraformDependable[] | (() => ITerraformDependable[])>
) {
  const stack = TerraformStack.of(resource);
  const explicit = resource.dependsOn ?? [];
  const produce = () => {
    const found = new Set<ITerraformDependable>();
    for (const source of sources) {
      for (const dependency of typeof source === "function" ? source() : source) {
        const elsewhere = Construct.isConstruct(dependency) && TerraformStack.of(dependency) !== stack;
        if (dependency !== resource && !elsewhere) found.add(dependency);
      }
    }
    const all = [...explicit, ...[...found].map(dependableOf)];
    return all.length > 0 ? all : undefined;
  };
  resource.dependsOn = Lazy.listValue({ produce: () => produce() as string[] });
}

/**
 * One `depends_on` token per dependency, however often the list is resolved: every cdktf token records a
 * stack trace when made, which costs seconds in a stack of hundreds of services.
 */
const dependables = new WeakMap<ITerraformDependable, string>();
function dependableOf(dependency: ITerraformDependable): string {
  let token = dependables.get(dependency);
  if (token === undefined) dependables.set(dependency, (token = dependable(dependency)));
  return token;
}
