import { Validation } from "./module-stack";

/**
 * Terraform `validation` blocks that mirror the constructs' checks where Terraform can express them, so a
 * bad value fails at `terraform plan` with our message. Terraform's regex engine is RE2: no lookaround.
 */

const quoted = (regex: string) => JSON.stringify(regex);

/** A condition as Terraform JSON takes an expression: a string template of one interpolation. */
export const expression = (condition: string) => `\${${condition}}`;

/** `var.<name>` must match `regex`; `what` says what it should be. */
export function matches(name: string, regex: string, what: string): Validation {
  return {
    condition: expression(`can(regex(${quoted(regex)}, var.${name}))`),
    errorMessage: `${name} must be ${what}.`,
  };
}

/** Every element of the list `var.<name>` must match `regex`. */
export function eachMatches(name: string, regex: string, what: string): Validation {
  return {
    condition: expression(`alltrue([for value in var.${name} : can(regex(${quoted(regex)}, value))])`),
    errorMessage: `every element of ${name} must be ${what}.`,
  };
}

/** `var.<name>` must be a whole number from `min` to `max`. */
export function wholeNumber(name: string, min: number, max: number): Validation {
  return {
    condition: expression(`var.${name} >= ${min} && var.${name} <= ${max} && floor(var.${name}) == var.${name}`),
    errorMessage: `${name} must be a whole number from ${min} to ${max}.`,
  };
}

/** `var.<name>` must be one of `allowed`. */
export function oneOf(name: string, allowed: readonly string[]): Validation {
  return {
    condition: expression(`contains(${JSON.stringify(allowed)}, var.${name})`),
    errorMessage: `${name} must be one of: ${allowed.join(", ")}.`,
  };
}

/** The list `var.<name>` must have at least `min` elements. */
export function atLeast(name: string, min: number, why: string): Validation {
  return {
    condition: expression(`length(var.${name}) >= ${min}`),
    errorMessage: `${name} must have at least ${min}: ${why}.`,
  };
}

export const VPC_ID = "^vpc-[0-9a-f]+$";
export const SUBNET_ID = "^subnet-[0-9a-f]+$";
export const SECURITY_GROUP_ID = "^sg-[0-9a-f]+$";
