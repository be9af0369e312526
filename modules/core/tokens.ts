import {
  DefaultTokenResolver,
  Fn,
  Op,
  StringConcat,
  TerraformResource,
  Token,
  Tokenization,
  propertyAccess,
  ref,
} from "cdktf";
import { IConstruct } from "constructs";

/**
 * Helpers for props that may be literals or Terraform tokens. Every module accepts tokens (a vendored
 * module is fed by `TerraformVariable`s), so checks run only on what is known at synth time, and counts
 * fall back to Terraform's `length()` when a list is only known at plan time.
 */

/** True when the value is known at synth time, so literal checks may run on it. */
export function isKnown(value: unknown): boolean {
  return value !== undefined && !Token.isUnresolved(value);
}

/** A resource `count` for one resource per list element: a number for a literal list, `length()` for a token. */
export function countOf(list: string[]): number {
  return isKnown(list) ? list.length : Token.asNumber(Fn.lengthOf(list));
}

/** The first value that appears twice in a list, among values known at synth time; none for a list token. */
export function firstRepeated(values: string[]): string | undefined {
  if (!isKnown(values)) return undefined;
  return values.find((value, index) => isKnown(value) && values.indexOf(value) !== index);
}

/**
 * A resource `count` for something that exists only when `value` is `expected`: undefined (exactly one, no
 * count) when it is, null (create nothing) when it is not, and a Terraform conditional when `value` is a token.
 */
export function countWhen(value: string, expected: string): number | undefined | null {
  if (!isKnown(value)) return Token.asNumber(Fn.conditional(Op.eq(value, expected), 1, 0));
  return value === expected ? undefined : null;
}

/**
 * The Terraform expression a value renders to (`${aws_iam_role.app.arn}` for a reference), so that two
 * accesses of the same attribute, which are distinct tokens, compare equal. Literals come back unchanged.
 */
export function expressionOf(scope: IConstruct, value: unknown): unknown {
  return Tokenization.resolve(value, {
    scope,
    resolver: new DefaultTokenResolver(new StringConcat()),
    preparing: true,
  });
}

/**
 * An attribute of one instance of a `for_each` resource, as a direct reference (`aws_x.y["key"].id`):
 * Terraform, and the guards reading the configuration, follow it to that one instance.
 */
export function instanceAttribute(resource: TerraformResource, key: string, attribute: string): string {
  return Token.asString(propertyAccess(ref(resourceAddress(resource)), [JSON.stringify(key), attribute]));
}

/** `type.name`, as Terraform expressions outside the resource's own arguments refer to it. */
export function resourceAddress(resource: TerraformResource): string {
  return `${resource.terraformResourceType}.${resource.friendlyUniqueId}`;
}
