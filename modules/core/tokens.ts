import { Fn, Token } from "cdktf";

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
