import { Aspects, IAspect, TerraformResource } from "cdktf";
import { Construct, IConstruct } from "constructs";
import { propError } from "./errors";

/**
 * Deliberate exceptions to the guards (`stateful-ecs lint`, run on every stack at synth): rule id -> the
 * reason, for example `{ SE007: "read-only replica of a dump, not a live database" }`. Every resource the
 * construct creates carries them in its Terraform JSON comment (`"//"`), so the guards report the finding
 * as silenced, with the reason, instead of failing synth.
 */
export type GuardExceptions = Readonly<Record<string, string>>;

const RULE_ID = /^SE\d{3}$/;
const MAX_REASON = 200;

/** Validates `exceptions` (prop `prop` of `construct`) and marks every resource under `construct` with them. */
export function applyGuardExceptions(
  construct: Construct,
  prop: string,
  exceptions: GuardExceptions | undefined,
): void {
  if (exceptions === undefined) return;
  for (const [ruleId, reason] of Object.entries(exceptions)) {
    if (!RULE_ID.test(ruleId))
      throw propError(construct, `${prop} key '${ruleId}' is not a guard rule id such as 'SE007'`);
    if (typeof reason !== "string" || reason.trim() === "" || reason.length > MAX_REASON || /[\n"]/.test(reason)) {
      throw propError(
        construct,
        `${prop}.${ruleId} needs a reason: 1 to ${MAX_REASON} characters on one line, without '"'`,
      );
    }
  }
  const directives = Object.entries(exceptions).map(
    ([ruleId, reason]) => `stateful-ecs:ignore ${ruleId} ${reason.trim()}`,
  );
  Aspects.of(construct).add(new GuardExceptionMarker(directives));
}

class GuardExceptionMarker implements IAspect {
  constructor(private readonly directives: string[]) {}

  visit(node: IConstruct): void {
    if (node instanceof TerraformResource) node.addOverride("//.stateful-ecs", this.directives);
  }
}
