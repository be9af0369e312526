import { ITerraformDependable, Lazy, TerraformResource, TerraformStack, dependable } from "cdktf";
import { Construct } from "constructs";

/**
 * What must exist before something can work, read when the stack is synthesized: grants and rules added
 * after the value carrying it was handed out still count. Values that services consume (a volume, a load
 * balancer target) carry their prerequisites, so every consumer gets the right `depends_on` without
 * knowing the list.
 */
export type Prerequisites = () => ITerraformDependable[];

/**
 * Makes `resource` depend on everything `sources` give at synth time (lists, or prerequisites read then),
 * each once, besides what its `dependsOn` already held; `depends_on` is left out when there is nothing to
 * wait for. Resources of another stack are left out: that stack is applied first, and Terraform only takes
 * whole resources of its own configuration in `depends_on` (a cross-stack value arrives as a remote state
 * output, which `depends_on` refuses). Set `dependsOn` before calling this: afterwards it is a list token.
 */
export function dependOn(resource: TerraformResource, ...sources: Array<ITerraformDependable[] | Prerequisites>) {
  const stack = TerraformStack.of(resource);
  const explicit = resource.dependsOn ?? [];
  const produce = () => {
    const byFqn = new Map<string, string>(explicit.map((dependency) => [dependency, dependency]));
    for (const source of sources) {
      for (const dependency of typeof source === "function" ? source() : source) {
        const elsewhere = Construct.isConstruct(dependency) && TerraformStack.of(dependency) !== stack;
        if (dependency !== resource && !elsewhere) byFqn.set(dependency.fqn, dependable(dependency));
      }
    }
    return byFqn.size > 0 ? [...byFqn.values()] : undefined;
  };
  resource.dependsOn = Lazy.listValue({ produce: () => produce() as string[] });
}
