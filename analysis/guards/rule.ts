import { Configuration, ResourceInstance, SourceLocation } from "../config/model";

/** The rule types of the guards: a rule reads a configuration and reports findings on its resources. */

export type Severity = "error" | "warning";

export interface Finding {
  readonly ruleId: string;
  readonly severity: Severity;
  /** The resource instance address, as Terraform writes it. */
  readonly address: string;
  /** What is wrong, where, and how to fix it. */
  readonly message: string;
  readonly location?: SourceLocation;
  /** The reason given where the rule was silenced for this resource; absent when it was not. */
  readonly silenced?: string;
}

export interface Rule {
  /** `SE001`...: part of the interface (ignore directives, SARIF, CI filters name it). */
  readonly id: string;
  readonly severity: Severity;
  /** One line: what the rule finds. */
  readonly title: string;
  /** How to fix it, for SARIF's help text and the README. */
  readonly help: string;
  /** The resource types whose arguments the rule reads. */
  readonly reads: readonly string[];
  check(configuration: Configuration, report: Reporter): void;
}

export interface Reporter {
  /** A finding on `resource` (at the rule's severity unless `severity` says otherwise). */
  finding(resource: ResourceInstance, message: string, severity?: Severity): void;
  /** The rule could not decide for `resource`: why, for `--verbose`. */
  skip(resource: ResourceInstance, why: string): void;
}
