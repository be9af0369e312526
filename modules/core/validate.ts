import { Construct } from "constructs";
import { propError } from "./errors";
import { literalRegion } from "./aws-context";
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

/**
 * `value` must be an IPv4 network in CIDR notation with a prefix from `minPrefix` to `maxPrefix`, written
 * as its network address (no host bits set: AWS would store a different range than the one written).
 */
export function checkIpv4Cidr(
  construct: Construct,
  prop: string,
  value: string | undefined,
  minPrefix = 0,
  maxPrefix = 32,
) {
  if (value === undefined || !isKnown(value)) return;
  const problem = ipv4NetworkProblem(value, minPrefix, maxPrefix);
  if (problem) throw propError(construct, `${prop} '${value}' ${problem}`);
}

function ipv4NetworkProblem(cidr: string, minPrefix: number, maxPrefix: number): string | undefined {
  const match = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(cidr);
  const octets = match ? match.slice(1, 5).map(Number) : [];
  if (!match || octets.some((octet) => octet > 255) || Number(match[5]) > 32) {
    return "is not an IPv4 CIDR block such as '10.0.0.0/16'";
  }
  const prefix = Number(match[5]);
  if (prefix < minPrefix || prefix > maxPrefix) {
    return `has prefix /${prefix}; allowed: /${minPrefix} to /${maxPrefix}`;
  }
  const address = octets.reduce((total, octet) => total * 256 + octet, 0);
  if (address % 2 ** (32 - prefix) !== 0) return "has host bits set; use the network address of the range";
  return undefined;
}

/**
 * Every known zone in `zones` must be an availability zone (or Local Zone) name of the stack's region,
 * when that region is a literal: a subnet or volume in another region's zone fails only at apply.
 */
export function checkZonesInRegion(construct: Construct, prop: string, zones: string[] | undefined) {
  const region = literalRegion(construct);
  if (region === undefined || zones === undefined || !isKnown(zones)) return;
  const ofRegion = new RegExp(`^${region}([a-z]|-[a-z0-9-]+)$`);
  const foreign = zones.find((zone) => isKnown(zone) && !ofRegion.test(zone));
  if (foreign !== undefined) {
    throw propError(construct, `${prop} '${foreign}' is not an availability zone of the stack's region '${region}'`);
  }
}

/** A name derived from a prop must fit AWS's limit for it: `what` says which name, `max` its length. */
export function checkDerivedLength(construct: Construct, prop: string, derived: string, what: string, max: number) {
  if (isKnown(derived) && derived.length > max) {
    throw propError(
      construct,
      `${prop} makes the ${what} '${derived}' ${derived.length} characters long; AWS allows at most ${max}`,
    );
  }
}

/** An IAM role policy name derived from props must fit IAM's 128 characters. */
export function checkPolicyName(construct: Construct, prop: string, policyName: string) {
  checkDerivedLength(construct, prop, policyName, "IAM role policy name", 128);
}

/** A security group rule description: at most 255 of the characters AWS allows in one. */
export function checkRuleDescription(construct: Construct, prop: string, value: string | undefined) {
  checkPattern(
    construct,
    prop,
    value,
    /^[A-Za-z0-9. _\-:/()#,@[\]+=&;{}!$*]{0,255}$/,
    "a security group rule description: at most 255 letters, digits, spaces and ._-:/()#,@[]+=&;{}!$*",
  );
}
