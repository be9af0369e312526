import { Fn, Token, Tokenization } from "cdktf";
import { isKnown } from "./tokens";

/** `tags` with `extra` added on top; `tags` may be a Terraform map token (then Terraform's `merge()` joins them). */
export function withTags(
  tags: Record<string, string> | undefined,
  extra: Record<string, string>,
): Record<string, string> {
  if (tags === undefined) return extra;
  if (isKnown(tags)) return { ...tags, ...extra };
  const values = Object.fromEntries(Object.entries(extra).map(([key, value]) => [key, asFunctionArgument(value)]));
  return Token.asStringMap(Fn.merge([tags, values]));
}

/**
 * A string that mixes literals and Terraform values (`${var.name}-instance`) as `join("", [...])`, so it
 * can be a function argument: cdktf renders such a string inside a function call as a template, which it
 * warns may be wrong. Plain literals and single values come back unchanged.
 */
function asFunctionArgument(value: string): string {
  const fragments = Tokenization.reverseString(value);
  if (fragments.length <= 1) return value;
  return fragments.join({
    join: (left: unknown, right: unknown) => Fn.join("", [left as string, right as string]),
  });
}
