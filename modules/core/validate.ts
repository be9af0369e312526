import { Construct } from "constructs";
import { propError } from "./errors";
import { isKnown } from "./tokens";

/**
 * Up-front checks shared by every module. Each skips values that are Terraform tokens (known only at plan
 * time) and throws a `propError` naming the construct, the prop, the value and what is allowed.
 */

/** `value` must be one of `allowed` (a closed choice such as a mode). */
export function checkOneOf(construct: Construct, prop: string, value: string | undefined, allowed: readonly string[]) {
  if (value !== undefined && isKnown(value) && !allowed.includes(value)) {
    throw propError(construct, `${prop} '${value}' is not one of: ${allowed.join(", ")}`);
  }
}

/** `value` must be a whole number from `min` to `max`. */
export function checkInteger(construct: Construct, prop: string, value: number | undefined, min: number, max: number) {
  if (value !== undefined && isKnown(value) && !(Number.isInteger(value) && value >= min && value <= max)) {
    throw propError(construct, `${prop} ${value} is not a whole number from ${min} to ${max}`);
  }
}

/** `value` must be a number from `min` to `max` (fractions allowed). */
export function checkRange(construct: Construct, prop: string, value: number | undefined, min: number, max: number) {
  if (value !== undefined && isKnown(value) && !(Number.isFinite(value) && value >= min && value <= max)) {
    throw propError(construct, `${prop} ${value} is out of range; allowed: ${min} to ${max}`);
  }
}

/** `value` must match `pattern`; `expected` says in words what it should look like. */
export function checkPattern(
  construct: Construct,
  prop: string,
  value: string | undefined,
  pattern: RegExp,
  expected: string,
) {
  if (value !== undefined && isKnown(value) && !pattern.test(value)) {
    throw propError(construct, `${prop} '${value}' is not ${expected}`);
  }
}

/**
 * `value` must be a literal: for settings Terraform itself needs before any variable is known, such as
 * `lifecycle.prevent_destroy`.
 */
export function checkLiteral(construct: Construct, prop: string, value: unknown, why: string) {
  if (value !== undefined && !isKnown(value)) {
    throw propError(construct, `${prop} must be a literal value, not a Terraform expression: ${why}`);
  }
}

/** `value` must be one of the numbers in `allowed`. */
export function checkOneOfNumbers(construct: Construct, prop: string, value: number | undefined, allowed: number[]) {
  if (value !== undefined && isKnown(value) && !allowed.includes(value)) {
    throw propError(construct, `${prop} ${value} is not one of: ${allowed.join(", ")}`);
  }
}

/** The retention periods CloudWatch Logs accepts, in days (never-expire is deliberately not offered). */
export const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
];

/** Every known element of `arns` must be an SNS topic ARN (alarm and OK actions). */
export function checkSnsTopics(construct: Construct, prop: string, arns: string[] | undefined) {
  if (arns === undefined || !isKnown(arns)) return;
  arns.forEach((arn, index) =>
    checkPattern(
      construct,
      `${prop}[${index}]`,
      arn,
      /^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[\w-]+$/,
      "an SNS topic ARN",
    ),
  );
}

/** `value` must be a customer managed KMS key ARN (`...:key/<id>`; an alias ARN is not a key ARN). */
export function checkKmsKeyArn(construct: Construct, prop: string, value: string | undefined) {
  checkPattern(construct, prop, value, /^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/.+$/, "a KMS key ARN");
}

/** `value` must be a security group id. */
export function checkSecurityGroupId(construct: Construct, prop: string, value: string | undefined) {
  checkPattern(construct, prop, value, /^sg-[0-9a-f]+$/, "a security group id such as 'sg-0123abcd'");
}
