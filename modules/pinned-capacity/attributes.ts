import { Fn } from "cdktf";
import { Construct } from "constructs";
import { propError } from "../core/errors";
import { isKnown } from "../core/tokens";

/**
 * ECS custom attributes: a name of up to 128 letters, digits, hyphens, underscores, slashes, backslashes or
 * periods, not in the `ecs.` namespace ECS keeps for its own; a value of up to 128 letters, digits, hyphens,
 * underscores, periods, @, slashes, backslashes or colons. ECS also allows spaces in values; this module
 * does not, because the values go into placement expressions unquoted.
 */
const ATTRIBUTE_NAME = /^[A-Za-z0-9_./\\-]{1,128}$/;
const ATTRIBUTE_VALUE = /^[A-Za-z0-9_.@/\\:-]{1,128}$/;

/**
 * Checks the names and values known at synth time. A map known only at plan time (a Terraform variable of
 * a vendored module) is checked by Terraform's validation of that variable instead.
 */
export function validateAttributes(owner: Construct, attributes: Record<string, string>): void {
  if (!isKnown(attributes)) return;
  const entries = Object.entries(attributes);
  if (entries.length === 0)
    throw propError(owner, "attributes is empty; give at least one, such as { role: 'db-primary' }");
  for (const [name, value] of entries) {
    if (!ATTRIBUTE_NAME.test(name) || name.startsWith("ecs.")) {
      throw propError(
        owner,
        `attributes name '${name}' is not an ECS attribute name: 1 to 128 letters, digits, '-', '_', '.', '/' or '\\', not starting with 'ecs.'`,
      );
    }
    if (isKnown(value) && !ATTRIBUTE_VALUE.test(value)) {
      throw propError(
        owner,
        `attributes.${name} '${value}' is not an ECS attribute value: 1 to 128 letters, digits, '-', '_', '.', '@', '/', '\\' or ':'`,
      );
    }
  }
}

/** The `ECS_INSTANCE_ATTRIBUTES` value: the attributes as one line of JSON (`jsonencode()` for a map token). */
export function instanceAttributesJson(attributes: Record<string, string>): string {
  return isKnown(attributes) ? JSON.stringify(attributes) : Fn.jsonencode(attributes);
}

/**
 * A cluster query expression that matches instances carrying every given attribute; for a map token, the
 * same expression built by Terraform (`keys()` and `values()` list a map in the same order).
 */
export function memberOfExpression(attributes: Record<string, string>): string {
  if (!isKnown(attributes)) {
    return Fn.join(" and ", Fn.formatlist("attribute:%s == %s", [Fn.keys(attributes), Fn.values(attributes)]));
  }
  return Object.entries(attributes)
    .map(([name, value]) => `attribute:${name} == ${value}`)
    .join(" and ");
}
