import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { App, TerraformElement, TerraformStack } from "cdktf";
// cdktf's own naming of logical ids, so a renamed construct gets exactly the addresses a rename gives.
import { makeUniqueId } from "cdktf/lib/private/unique";
import { Node } from "constructs";
import { TerraformConfig } from "./example-app";

/** Changed copies of example stacks, for the plan review and the address-stability tests. */

type StackClass<T extends TerraformStack> = new (...args: any[]) => T;

/**
 * `Base` with its child construct `from` named `to`: every resource under it gets the address cdktf gives it
 * under the new name, as renaming the construct in the stack's code would (without editing the stack).
 */
export function withConstructRenamed<T extends TerraformStack>(
  Base: StackClass<T>,
  from: string,
  to: string,
): StackClass<T> {
  return class extends (Base as StackClass<TerraformStack>) {
    protected override allocateLogicalId(element: TerraformElement | Node): string {
      const node = TerraformElement.isTerraformElement(element) ? element.node : element;
      const components = node.scopes.slice(node.scopes.indexOf(this) + 1).map((scope) => scope.node.id);
      if (components[0] !== from) return super.allocateLogicalId(element);
      return makeUniqueId([to, ...components.slice(1)]);
    }
  } as unknown as StackClass<T>;
}

/**
 * Synthesizes the one stack `create` adds to a new App into a temporary directory, applies `edit` to its
 * `cdk.tf.json`, and returns the stack's directory.
 */
export function synthesizeChanged(
  create: (app: App) => TerraformStack,
  edit?: (config: TerraformConfig) => void,
): string {
  const app = new App({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), "stateful-ecs-changed-")) });
  const stack = create(app);
  app.synth();
  const dir = path.join(app.outdir, "stacks", stack.node.id);
  if (edit) {
    const file = path.join(dir, "cdk.tf.json");
    const config = JSON.parse(fs.readFileSync(file, "utf8"));
    edit(config);
    fs.writeFileSync(file, JSON.stringify(config, null, 2));
  }
  return dir;
}

/** The one resource of `type` in `config`, its name and body, to change in place. */
export function onlyResource(config: TerraformConfig, type: string): [string, Record<string, unknown>] {
  const resources = Object.entries(config.resource?.[type] ?? {});
  if (resources.length !== 1) throw new Error(`expected one ${type}, found ${resources.length}`);
  return resources[0];
}
