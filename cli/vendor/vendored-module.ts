import { ModuleStack } from "./module-stack";

/** A plain Terraform module generated from one construct. */
export interface VendoredModule {
  /** The module's folder name, such as `efs-storage`. */
  readonly name: string;
  /** What the module creates, for its README. */
  readonly summary: string;
  /** Declares the variables, builds the construct from them, declares the outputs. */
  build(stack: ModuleStack): void;
  /** Values of the required variables (and any others) that plan: the README example and the tests use them. */
  readonly exampleInputs: Record<string, unknown>;
  /**
   * For each variable with validation blocks, one value per block, in order, that the block refuses; each
   * is tested with `expect_failures`.
   */
  readonly badInputs: Record<string, unknown[]>;
  /** Plan-time checks of the secure defaults, as `terraform test` assertions. */
  readonly assertions: ReadonlyArray<{ readonly condition: string; readonly errorMessage: string }>;
  /** Notes for the README: data safety, what the caller must add. */
  readonly notes: string;
  /**
   * Modules the module calls by a local path, each written to `<folder>/main.tf.json` beside it.
   * @default - none
   */
  readonly submodules?: ReadonlyArray<{ readonly folder: string; build(stack: ModuleStack): void }>;
}
