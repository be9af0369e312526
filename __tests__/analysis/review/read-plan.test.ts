import fc from "fast-check";
import { UnreadablePlan, readPlan } from "../../../analysis/review/read-plan";

/** A minimal plan as `terraform show -json` writes it, with `changes` as its resource_changes. */
const planText = (changes: unknown[], extra: Record<string, unknown> = {}) =>
  JSON.stringify({ format_version: "1.2", terraform_version: "1.9.8", resource_changes: changes, ...extra });

const createOf = (change: Record<string, unknown> = {}) => ({
  address: "aws_efs_file_system.data",
  mode: "managed",
  type: "aws_efs_file_system",
  name: "data",
  change: { actions: ["create"], before: null, after: { encrypted: true }, after_unknown: { id: true } },
  ...change,
});

/** The refusal readPlan gives `text`: fails when it gives none, or throws anything but UnreadablePlan. */
function refusal(text: string): string {
  try {
    readPlan(text);
  } catch (error) {
    expect(error).toBeInstanceOf(UnreadablePlan);
    return (error as Error).message;
  }
  throw new Error(`readPlan accepted ${text}`);
}

describe("readPlan", () => {
  describe("refuses, naming the problem", () => {
    it("text that is not JSON", () => {
      expect(refusal("Terraform will perform the following actions:")).toMatch(
        /^not JSON \(.+\); give the output of 'terraform show -json <planfile>'$/,
      );
      expect(refusal("")).toMatch(/^not JSON \(/);
    });

    it.each([
      ["a JSON array", "[]"],
      ["a JSON number", "42"],
      ["a JSON string", '"plan"'],
      ["JSON null", "null"],
    ])("%s", (_what, text) => {
      expect(refusal(text)).toBe("not a Terraform plan: the JSON is not an object");
    });

    it("an object without format_version, or with one that is not a string", () => {
      const message = "not a Terraform plan: it has no format_version; give 'terraform show -json <planfile>'";
      expect(refusal(JSON.stringify({ resource_changes: [] }))).toBe(message);
      expect(refusal(JSON.stringify({ format_version: 1.2, resource_changes: [] }))).toBe(message);
    });

    it("another format version than 1.x", () => {
      expect(refusal(planText([], { format_version: "2.0" }))).toBe("plan format 2.0 is not supported (format 1.x is)");
      expect(refusal(planText([], { format_version: "0.1" }))).toBe("plan format 0.1 is not supported (format 1.x is)");
    });

    it("a state, saying it is one", () => {
      const state = { format_version: "1.0", terraform_version: "1.9.8", values: { root_module: { resources: [] } } };
      const message = refusal(JSON.stringify(state));
      expect(message).toBe(
        "a state (terraform show -json of a state file): it has no resource_changes; give 'terraform show -json <planfile>'",
      );
      expect(message).toMatch(/a state/);
    });

    it("another document with a format_version (a provider schema)", () => {
      expect(refusal(JSON.stringify({ format_version: "1.0", provider_schemas: {} }))).toBe(
        "not a plan: it has no resource_changes; give 'terraform show -json <planfile>'",
      );
    });

    it("a plan with deferred changes, which a later plan makes", () => {
      expect(refusal(planText([createOf()], { deferred_changes: [{ reason: "provider_config_unknown" }] }))).toBe(
        "the plan is incomplete: Terraform deferred 1 change(s) to a later plan, which could destroy data; review the plan that makes them",
      );
      expect(readPlan(planText([createOf()], { deferred_changes: [] })).resource_changes).toHaveLength(1);
    });

    it("a plan Terraform stopped on an error (errored: true)", () => {
      expect(refusal(planText([createOf()], { errored: true }))).toBe(
        "Terraform reported errors while planning: the plan is incomplete, review the errors first",
      );
    });

    it.each([
      ["an object", {}],
      ["a string", "aws_efs_file_system.data"],
      ["null", null],
    ])("resource_changes that is %s, not a list", (_what, changes) => {
      const text = JSON.stringify({ format_version: "1.2", resource_changes: changes });
      expect(refusal(text)).toBe("malformed plan: resource_changes is not a list");
    });

    it("a change without an address, naming its index", () => {
      const { address: _address, ...withoutAddress } = createOf();
      expect(refusal(planText([createOf(), withoutAddress]))).toBe(
        "malformed plan: resource_changes[1] has no address or type",
      );
      expect(refusal(planText([createOf({ address: 7 })]))).toBe(
        "malformed plan: resource_changes[0] has no address or type",
      );
    });

    it("a change without a type, or that is not an object", () => {
      const { type: _type, ...withoutType } = createOf();
      expect(refusal(planText([withoutType]))).toBe("malformed plan: resource_changes[0] has no address or type");
      expect(refusal(planText(["aws_efs_file_system.data"]))).toBe(
        "malformed plan: resource_changes[0] has no address or type",
      );
    });

    it.each([
      ["no change at all", { change: undefined }],
      ["a change that is a list", { change: [] }],
      ["no change.actions", { change: { before: null, after: {} } }],
      ["change.actions that is a string", { change: { actions: "create", before: null, after: {} } }],
      ["change.actions holding a non-string", { change: { actions: ["create", 1], before: null, after: {} } }],
    ])("a change with %s", (_what, change) => {
      expect(refusal(planText([createOf(), createOf({ address: "aws_efs_file_system.b", ...change })]))).toBe(
        "malformed plan: resource_changes[1] (aws_efs_file_system.b) has no change.actions",
      );
    });

    it.each([
      ["before", "a string", "fs-1"],
      ["before", "a list", [{ encrypted: true }]],
      ["before", "a number", 0],
      ["after", "a list", []],
      ["after", "a boolean", true],
    ])("a change.%s that is %s, not an object", (side, _what, value) => {
      const change = { actions: ["update"], before: {}, after: {}, [side]: value };
      expect(refusal(planText([createOf({ change })]))).toBe(
        `malformed plan: resource_changes[0] (aws_efs_file_system.data) has a change.${side} that is not an object`,
      );
    });

    it.each([
      ["a string", "performance_mode"],
      ["a list of strings", ["performance_mode"]],
      ["a list mixing lists and strings", [["performance_mode"], "throughput_mode"]],
      ["an object", { performance_mode: true }],
    ])("replace_paths that is %s, not lists of keys", (_what, paths) => {
      const change = { actions: ["delete", "create"], before: {}, after: {}, replace_paths: paths };
      expect(refusal(planText([createOf({ change })]))).toBe(
        "malformed plan: resource_changes[0] (aws_efs_file_system.data) has replace_paths that are not lists of keys",
      );
    });
  });

  describe("accepts", () => {
    it("a minimal plan, returning the document as parsed", () => {
      const document = {
        format_version: "1.2",
        terraform_version: "1.9.8",
        resource_changes: [
          createOf(),
          createOf({
            address: "aws_ebs_volume.db",
            type: "aws_ebs_volume",
            name: "db",
            action_reason: "replace_because_cannot_update",
            change: {
              actions: ["delete", "create"],
              before: { availability_zone: "eu-west-1a" },
              after: { availability_zone: "eu-west-1b" },
              replace_paths: [["availability_zone"], ["tags", "Name"], ["ebs_block_device", 0, "size"]],
            },
          }),
          createOf({ address: "aws_s3_bucket.logs", change: { actions: ["delete"], before: {}, after: null } }),
          createOf({ address: "aws_iam_role.task", change: { actions: ["no-op"] } }),
        ],
      };
      expect(readPlan(JSON.stringify(document))).toEqual(document);
    });

    it("any 1.x format, a plan without changes, and one with planned_values only", () => {
      expect(readPlan(planText([], { format_version: "1.0" })).resource_changes).toEqual([]);
      const plannedOnly = { format_version: "1.1", planned_values: { root_module: {} } };
      expect(readPlan(JSON.stringify(plannedOnly))).toEqual(plannedOnly);
      expect(readPlan(planText([], { errored: false })).errored).toBe(false);
    });
  });

  it("throws nothing but UnreadablePlan, whatever the JSON", () => {
    const change = fc.record(
      {
        address: fc.oneof(fc.string(), fc.jsonValue()),
        type: fc.oneof(fc.string(), fc.jsonValue()),
        change: fc.oneof(
          fc.jsonValue(),
          fc.record(
            {
              actions: fc.oneof(fc.array(fc.string()), fc.jsonValue()),
              before: fc.jsonValue(),
              after: fc.jsonValue(),
              replace_paths: fc.oneof(fc.array(fc.array(fc.oneof(fc.string(), fc.integer()))), fc.jsonValue()),
            },
            { requiredKeys: [] },
          ),
        ),
      },
      { requiredKeys: [] },
    );
    const document = fc.oneof(
      fc.jsonValue(),
      fc.record(
        {
          format_version: fc.oneof(fc.constantFrom("1.2", "1.0", "2.0"), fc.jsonValue()),
          resource_changes: fc.oneof(fc.array(change, { maxLength: 3 }), fc.jsonValue()),
          values: fc.jsonValue(),
          errored: fc.oneof(fc.boolean(), fc.jsonValue()),
        },
        { requiredKeys: [] },
      ),
    );
    fc.assert(
      fc.property(document, (value) => {
        try {
          readPlan(JSON.stringify(value));
        } catch (error) {
          if (!(error instanceof UnreadablePlan)) throw error;
          expect(error.message).not.toBe("");
          expect(error.message).not.toMatch(/\n/);
        }
      }),
      { numRuns: 300 },
    );
  });
});
