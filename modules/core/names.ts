import { TerraformStack } from "cdktf";
import { Construct } from "constructs";

/**
 * The default physical name of a construct: the stack's id, then the construct's path in the stack, joined
 * by `-` (`prod-data` for `EfsStorage 'data'` in stack `prod`). Names that AWS keeps unique per account or
 * region (IAM roles, log groups, caches, load balancers) then differ between two deployments of one stack,
 * so a dev and a prod stack in one account never collide at apply.
 */
export function scopedName(construct: Construct): string {
  const stack = TerraformStack.of(construct);
  const inStack = construct.node.scopes.slice(stack.node.scopes.length).map((scope) => scope.node.id);
  return [stack.node.id, ...inStack].join("-");
}
