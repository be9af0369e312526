import { Fn, Token } from "cdktf";
import { isKnown } from "./tokens";

/** `tags` with `extra` added on top; `tags` may be a Terraform map token (then Terraform's `merge()` joins them). */
export function withTags(
  tags: Record<string, string> | undefined,
  extra: Record<string, string>,
): Record<string, string> {
  if (tags === undefined) return extra;
  return isKnown(tags) ? { ...tags, ...extra } : Token.asStringMap(Fn.merge([tags, extra]));
}
