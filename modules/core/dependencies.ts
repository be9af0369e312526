import { ITerraformDependable, Lazy, TerraformResource, dependable } from "cdktf";

/**
 * What must exist before something can work, read when the stack is synthesized: grants and rules added
 * after the value carrying it was handed out still count. Values that services consume (a volume, a load
 * balancer target) carry their prerequisites, so every consumer gets the right `depends_on` without
 * knowing the list.
 */
export type Prerequisites = () => ITerraformDependable[];

/**
 * Makes `resource` depend on everything `sources` give at synth time (lists, or prerequisites read then),
 * each once, itself excluded; `depends_on` is left out when there is nothing to wait for.
 */
export function dependOn(resource: TerraformResource, ...sources: Array<ITerraformDependable[] | Prerequisites>) {
  const produce = () => {
    const byFqn = new Map<string, ITerraformDependable>();
    for (const source of sources) {
      for (const dependency of typeof source === "function" ? source() : source) {
        if (dependency !== resource) byFqn.set(dependency.fqn, dependency);
      }
    }
    return byFqn.size > 0 ? [...byFqn.values()].map(dependable) : undefined;
  };
  resource.dependsOn = Lazy.listValue({ produce: () => produce() as string[] });
}
