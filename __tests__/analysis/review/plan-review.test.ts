import table from "../../../analysis/review/stateful-types.json";
import { ResourceChange } from "../../../analysis/plan-json";
import { planOf, resourceChange, unencryptedTaskDefinition } from "../../support/plan-changes";
import { attributeChange, pathText } from "../../../analysis/review/attribute-values";
import { PlanReview, REVIEW_EXIT_CODES, ReviewedChange, reviewPlan } from "../../../analysis/review/plan-review";
import { STATEFUL_TYPES, statefulType } from "../../../analysis/review/stateful-types";

const review = (...changes: ResourceChange[]) => reviewPlan(planOf(...changes));
const only = (result: PlanReview): ReviewedChange => {
  expect(result.changes).toHaveLength(1);
  return result.changes[0];
};

describe("reviewPlan", () => {
  describe("counts and changes", () => {
    it("counts each action as Terraform does, and lists every change but data sources and plain no-ops", () => {
      const result = review(
        resourceChange("aws_iam_role.created", ["create"]),
        resourceChange("aws_iam_role.updated", ["update"]),
        resourceChange("aws_iam_role.delete_first", ["delete", "create"]),
        resourceChange("aws_iam_role.create_first", ["create", "delete"]),
        resourceChange("aws_iam_role.deleted", ["delete"]),
        resourceChange("aws_iam_role.moved", ["no-op"], { previous_address: "aws_iam_role.before" }),
        resourceChange("aws_iam_role.imported", ["no-op"], { change: { importing: { id: "role-1" } } }),
        resourceChange("aws_iam_role.forgotten", ["forget"]),
        resourceChange("aws_iam_role.unchanged", ["no-op"]),
        resourceChange("data.aws_iam_policy_document.read", ["read"], {
          mode: "data",
          type: "aws_iam_policy_document",
        }),
      );
      expect(result.counts).toEqual({ add: 1, change: 1, replace: 2, destroy: 1, move: 1, import: 1, forget: 1 });
      expect(result.changes.map((change) => [change.address, change.action])).toEqual([
        ["aws_iam_role.created", "create"],
        ["aws_iam_role.updated", "update"],
        ["aws_iam_role.delete_first", "replace"],
        ["aws_iam_role.create_first", "replace"],
        ["aws_iam_role.deleted", "delete"],
        ["aws_iam_role.moved", "no-op"],
        ["aws_iam_role.imported", "no-op"],
        ["aws_iam_role.forgotten", "forget"],
      ]);
      expect(result.changes[5]).toEqual({
        address: "aws_iam_role.moved",
        type: "aws_iam_role",
        action: "no-op",
        previousAddress: "aws_iam_role.before",
      });
      expect(result.changes[6]).toEqual({
        address: "aws_iam_role.imported",
        type: "aws_iam_role",
        action: "no-op",
        imported: true,
      });
      expect(result.terraformVersion).toBe("1.9.8");
      expect(result.exitCode).toBe(0);
    });

    it("counts a moved or imported resource that also changes under both", () => {
      const result = review(
        resourceChange("aws_iam_role.renamed", ["update"], { previous_address: "aws_iam_role.old" }),
        resourceChange("aws_iam_role.adopted", ["update"], { change: { importing: { id: "role-2" } } }),
      );
      expect(result.counts).toEqual({ add: 0, change: 2, replace: 0, destroy: 0, move: 1, import: 1, forget: 0 });
      expect(result.changes).toEqual([
        {
          address: "aws_iam_role.renamed",
          type: "aws_iam_role",
          action: "update",
          previousAddress: "aws_iam_role.old",
        },
        { address: "aws_iam_role.adopted", type: "aws_iam_role", action: "update", imported: true },
      ]);
    });

    it("ignores data sources, even of a stateful type", () => {
      const result = review(
        resourceChange("data.aws_efs_file_system.shared", ["read"], { mode: "data", type: "aws_efs_file_system" }),
        resourceChange("data.aws_s3_bucket.logs", ["delete"], { mode: "data", type: "aws_s3_bucket" }),
      );
      expect(result.changes).toEqual([]);
      expect(result.dataSafety).toEqual([]);
      expect(result.counts).toEqual({ add: 0, change: 0, replace: 0, destroy: 0, move: 0, import: 0, forget: 0 });
      expect(result.exitCode).toBe(0);
    });

    it("leaves a no-op out of the changes, even of a stateful type", () => {
      const result = review(
        resourceChange("aws_efs_file_system.data", ["no-op"], { change: { before: { encrypted: true } } }),
      );
      expect(result.changes).toEqual([]);
      expect(result.counts.move + result.counts.import).toBe(0);
    });

    it("reviews a plan without resource_changes", () => {
      const result = reviewPlan({ format_version: "1.2", terraform_version: "1.9.8" });
      expect(result).toEqual({
        terraformVersion: "1.9.8",
        counts: { add: 0, change: 0, replace: 0, destroy: 0, move: 0, import: 0, forget: 0 },
        changes: [],
        dataSafety: [],
        findings: [],
        checkedResources: 0,
        exitCode: 0,
      });
    });
  });

  describe("stateful types", () => {
    const holds = Object.keys(table.holdsData);
    const protects = Object.keys(table.protectsData);

    it.each([
      ["aws_efs_file_system", "EFS file system"],
      ["aws_ebs_volume", "EBS volume"],
      ["aws_elasticache_replication_group", "ElastiCache replication group"],
      ["aws_elasticache_cluster", "ElastiCache cluster"],
      ["aws_memorydb_cluster", "MemoryDB cluster"],
      ["aws_dynamodb_table", "DynamoDB table"],
      ["aws_db_instance", "RDS instance"],
      ["aws_rds_cluster", "RDS cluster"],
      ["aws_s3_bucket", "S3 bucket"],
      ["aws_secretsmanager_secret", "Secrets Manager secret"],
      ["aws_kms_key", "KMS key"],
      ["aws_service_discovery_private_dns_namespace", "Cloud Map private DNS namespace"],
      ["aws_service_discovery_public_dns_namespace", "Cloud Map public DNS namespace"],
      ["aws_service_discovery_http_namespace", "Cloud Map HTTP namespace"],
    ])("%s (%s) holds data", (type) => {
      expect(holds).toContain(type);
      expect(statefulType(type)).toEqual({ role: "holds", why: (table.holdsData as Record<string, string>)[type] });
    });

    it.each(["aws_efs_access_point", "aws_dlm_lifecycle_policy", "aws_efs_backup_policy"])(
      "%s protects data",
      (type) => {
        expect(protects).toContain(type);
        expect(statefulType(type)).toEqual({
          role: "protects",
          why: (table.protectsData as Record<string, string>)[type],
        });
      },
    );

    it("gives every type one line on why, a Terraform type name, and one role only", () => {
      const entries = [...Object.entries(table.holdsData), ...Object.entries(table.protectsData)];
      expect(entries.length).toBeGreaterThanOrEqual(17);
      for (const [type, why] of entries) {
        expect(type).toMatch(/^aws_[a-z0-9]+(_[a-z0-9]+)+$/);
        expect(typeof why).toBe("string");
        expect(why.trim()).not.toBe("");
        expect(why).toBe(why.trim());
        expect(why).not.toMatch(/[\n\r]/);
        expect(why.length).toBeLessThan(200);
      }
      expect(holds.filter((type) => protects.includes(type))).toEqual([]);
      expect(STATEFUL_TYPES).toEqual([...holds, ...protects].sort());
    });

    it("knows no other type, nor the table's own keys", () => {
      for (const type of [
        "aws_iam_role",
        "aws_ecs_service",
        "aws_efs_mount_target",
        "holdsData",
        "$comment",
        "constructor",
        "toString",
      ]) {
        expect(statefulType(type)).toBeUndefined();
      }
    });
  });

  describe("data safety", () => {
    it.each(STATEFUL_TYPES.map((type) => [type]))("flags a delete and a replace of %s, exit 2", (type) => {
      const role = holdsOrProtects(type);
      for (const actions of [["delete"], ["delete", "create"], ["create", "delete"]]) {
        const result = review(resourceChange(`${type}.this`, actions), resourceChange("aws_iam_role.task", ["create"]));
        expect(result.dataSafety).toEqual([
          expect.objectContaining({ address: `${type}.this`, stateful: { role, why: expect.any(String) } }),
        ]);
        expect(result.exitCode).toBe(REVIEW_EXIT_CODES.dataLoss);
      }
    });

    it("lists every stateful delete and replace in plan order, and those only", () => {
      const result = review(
        resourceChange("aws_efs_file_system.data", ["delete", "create"]),
        resourceChange("aws_iam_role.task", ["delete"]),
        resourceChange("module.cache.aws_elasticache_replication_group.sessions", ["delete"], {
          module_address: "module.cache",
        }),
        resourceChange("aws_efs_access_point.app", ["delete"]),
        resourceChange("aws_s3_bucket.logs", ["update"]),
      );
      expect(result.dataSafety.map((change) => [change.address, change.action, change.stateful?.role])).toEqual([
        ["aws_efs_file_system.data", "replace", "holds"],
        ["module.cache.aws_elasticache_replication_group.sessions", "delete", "holds"],
        ["aws_efs_access_point.app", "delete", "protects"],
      ]);
    });

    it("does not flag an update, a create, a forget, a move or an import of a stateful type", () => {
      const result = review(
        resourceChange("aws_ebs_volume.db", ["update"]),
        resourceChange("aws_dynamodb_table.items", ["create"]),
        resourceChange("aws_kms_key.data", ["forget"]),
        resourceChange("aws_s3_bucket.new", ["no-op"], { previous_address: "aws_s3_bucket.old" }),
        resourceChange("aws_db_instance.db", ["no-op"], { change: { importing: { id: "db-1" } } }),
      );
      expect(result.changes.map((change) => change.stateful?.role)).toEqual([
        "holds",
        "holds",
        "holds",
        "holds",
        "holds",
      ]);
      expect(result.dataSafety).toEqual([]);
      expect(result.exitCode).toBe(0);
    });

    it("flags create + forget (destroy = false) as a replacement: the address gets a new, empty object", () => {
      const result = review(
        resourceChange("aws_ebs_volume.db", ["create", "forget"], {
          action_reason: "replace_because_cannot_update",
          change: {
            before: { availability_zone: "eu-west-1a" },
            after: { availability_zone: "eu-west-1b" },
            replace_paths: [["availability_zone"]],
          },
        }),
      );
      expect(result.counts.replace).toBe(1);
      expect(result.dataSafety).toEqual([
        expect.objectContaining({
          address: "aws_ebs_volume.db",
          action: "replace",
          forcedBy: [{ path: "availability_zone", before: '"eu-west-1a"', after: '"eu-west-1b"' }],
        }),
      ]);
      expect(result.exitCode).toBe(2);
    });

    it("does not flag a delete or replace of a type that holds no data", () => {
      const result = review(
        resourceChange("aws_iam_role.task", ["delete"], { action_reason: "delete_because_no_resource_config" }),
        resourceChange("aws_ecs_service.app", ["delete", "create"]),
        resourceChange("aws_efs_mount_target.a", ["delete"]),
      );
      expect(result.dataSafety).toEqual([]);
      expect(result.changes.every((change) => change.stateful === undefined)).toBe(true);
      expect(result.exitCode).toBe(0);
    });
  });

  describe("exit codes", () => {
    it("are 0 clean, 1 unreadable, 2 data loss, 3 guard errors", () => {
      expect(REVIEW_EXIT_CODES).toEqual({ clean: 0, unreadable: 1, dataLoss: 2, guardErrors: 3 });
    });

    it("is 0 for a plan with nothing risky", () => {
      const result = review(
        resourceChange("aws_iam_role.task", ["create"]),
        resourceChange("aws_iam_role.old", ["delete"]),
      );
      expect(result.findings).toEqual([]);
      expect(result.exitCode).toBe(0);
    });

    it("is 3 when the guards find an error in the planned values", () => {
      const result = review(unencryptedTaskDefinition());
      expect(result.findings).toEqual([
        {
          ruleId: "SE001",
          severity: "error",
          address: "aws_ecs_task_definition.app",
          message:
            'volume \'data\' mounts EFS without TLS: transit_encryption is "DISABLED". Set transit_encryption = "ENABLED".',
        },
      ]);
      expect(result.dataSafety).toEqual([]);
      expect(result.exitCode).toBe(REVIEW_EXIT_CODES.guardErrors);
    });

    it("is 0 when the error is silenced, which the finding still says", () => {
      const result = review(unencryptedTaskDefinition({ "stateful-ecs:ignore:SE001": "a test task, no real data" }));
      expect(result.findings).toEqual([
        expect.objectContaining({ ruleId: "SE001", severity: "error", silenced: "a test task, no real data" }),
      ]);
      expect(result.exitCode).toBe(0);
    });

    it("is 0 when the guards find warnings only", () => {
      const result = review(
        resourceChange("aws_efs_file_system.data", ["create"], { change: { after: { encrypted: true } } }),
      );
      expect(result.findings.map((finding) => [finding.ruleId, finding.severity])).toEqual([["SE009", "warning"]]);
      expect(result.exitCode).toBe(0);
    });

    it("checks the values after the plan, not those it deletes", () => {
      const deleted = unencryptedTaskDefinition();
      const result = review({ ...deleted, change: { actions: ["delete"], before: deleted.change.after, after: null } });
      expect(result.findings).toEqual([]);
      expect(result.exitCode).toBe(0);
    });

    it("is 2 when the plan both loses data and has guard errors: the graver verdict wins", () => {
      const result = review(unencryptedTaskDefinition(), resourceChange("aws_efs_file_system.data", ["delete"]));
      expect(result.findings.some((finding) => finding.severity === "error" && !finding.silenced)).toBe(true);
      expect(result.dataSafety).toHaveLength(1);
      expect(result.exitCode).toBe(REVIEW_EXIT_CODES.dataLoss);
    });
  });

  describe("reasons", () => {
    it.each([
      [
        "delete_because_no_resource_config",
        ["delete"],
        "no longer in the configuration: removed, or renamed without a moved block (cdktf: moveTo / moveFromId)",
      ],
      ["delete_because_no_module", ["delete"], "its module is no longer in the configuration"],
      [
        "delete_because_wrong_repetition",
        ["delete"],
        "count or for_each was added or removed, so its instance key changed",
      ],
      [
        "delete_because_count_index",
        ["delete"],
        "its count index is no longer in the count (a list shifted or shrank)",
      ],
      ["delete_because_each_key", ["delete"], "its for_each key is no longer in the map"],
      ["delete_because_no_move_target", ["delete"], "a moved block points at an address that does not exist"],
      ["replace_because_cannot_update", ["delete", "create"], "an argument that cannot change in place changed"],
      ["replace_because_tainted", ["delete", "create"], "it is tainted (an earlier apply failed while creating it)"],
      ["replace_by_request", ["create", "delete"], "replacement was requested (-replace)"],
      ["replace_by_triggers", ["delete", "create"], "replace_triggered_by: a resource it names changed"],
    ])("%s", (actionReason, actions, words) => {
      const change = only(review(resourceChange("aws_s3_bucket.b", actions, { action_reason: actionReason })));
      expect(change.actionReason).toBe(actionReason);
      expect(change.reason).toBe(words);
    });

    it("gives no reason where Terraform gives none, and keeps an unknown reason as written", () => {
      const replaced = only(review(resourceChange("aws_s3_bucket.b", ["delete", "create"])));
      expect(replaced).not.toHaveProperty("reason");
      expect(replaced).not.toHaveProperty("actionReason");
      const future = only(
        review(resourceChange("aws_s3_bucket.b", ["delete"], { action_reason: "delete_because_of_something_new" })),
      );
      expect(future).toMatchObject({
        actionReason: "delete_because_of_something_new",
        reason: "delete_because_of_something_new",
      });
    });

    it("gives no reason to a delete without action_reason, nor to a change that removes nothing", () => {
      const deleted = only(review(resourceChange("aws_s3_bucket.b", ["delete"])));
      expect(deleted).toEqual({
        address: "aws_s3_bucket.b",
        type: "aws_s3_bucket",
        action: "delete",
        stateful: statefulType("aws_s3_bucket"),
      });
      const updated = only(
        review(resourceChange("aws_s3_bucket.b", ["update"], { action_reason: "replace_because_tainted" })),
      );
      expect(updated).not.toHaveProperty("reason");
      expect(updated).not.toHaveProperty("actionReason");
    });
  });

  describe("what forces a replacement", () => {
    it("lists replace_paths with the values before and after", () => {
      const change = only(
        review(
          resourceChange("aws_efs_file_system.data", ["delete", "create"], {
            action_reason: "replace_because_cannot_update",
            change: {
              before: {
                performance_mode: "generalPurpose",
                tags: { "aws:team": "a" },
                lifecycle_policy: [{ transition_to_ia: "AFTER_30_DAYS" }],
              },
              after: {
                performance_mode: "maxIO",
                tags: { "aws:team": "b" },
                lifecycle_policy: [{ transition_to_ia: "AFTER_7_DAYS" }],
              },
              replace_paths: [
                ["performance_mode"],
                ["tags", "aws:team"],
                ["lifecycle_policy", 0, "transition_to_ia"],
                ["kms_key_id"],
              ],
            },
          }),
        ),
      );
      expect(change.forcedBy).toEqual([
        { path: "performance_mode", before: '"generalPurpose"', after: '"maxIO"' },
        { path: 'tags["aws:team"]', before: '"a"', after: '"b"' },
        { path: "lifecycle_policy[0].transition_to_ia", before: '"AFTER_30_DAYS"', after: '"AFTER_7_DAYS"' },
        { path: "kms_key_id", before: "null", after: "null" },
      ]);
    });

    it("is an empty list for a replace without replace_paths, and absent for a delete", () => {
      expect(only(review(resourceChange("aws_ebs_volume.db", ["delete", "create"]))).forcedBy).toEqual([]);
      expect(only(review(resourceChange("aws_ebs_volume.db", ["delete"]))).forcedBy).toBeUndefined();
    });
  });

  describe("renamed without a moved block", () => {
    it("names the creates of the same type as possible new addresses", () => {
      const result = review(
        resourceChange("aws_efs_file_system.data", ["delete"], { action_reason: "delete_because_no_resource_config" }),
        resourceChange("aws_efs_file_system.files", ["create"]),
        resourceChange("aws_iam_role.task", ["create"]),
        resourceChange("module.storage.aws_efs_file_system.shared", ["create"], { module_address: "module.storage" }),
        resourceChange("aws_efs_file_system.other", ["delete", "create"]),
      );
      expect(result.dataSafety[0].possibleNewAddresses).toEqual([
        "aws_efs_file_system.files",
        "module.storage.aws_efs_file_system.shared",
      ]);
      expect(result.dataSafety[1].possibleNewAddresses).toBeUndefined();
    });

    it("does so when the module is gone too", () => {
      const result = review(
        resourceChange("module.old.aws_ebs_volume.db", ["delete"], {
          module_address: "module.old",
          action_reason: "delete_because_no_module",
        }),
        resourceChange("module.new.aws_ebs_volume.db", ["create"], { module_address: "module.new" }),
      );
      expect(result.dataSafety[0].possibleNewAddresses).toEqual(["module.new.aws_ebs_volume.db"]);
    });

    it.each([
      ["a removed for_each key", "aws_efs_file_system.data", "delete_because_each_key", "aws_efs_file_system.files"],
      ["no reason", "aws_efs_file_system.data", undefined, "aws_efs_file_system.files"],
      [
        "no create of the same type",
        "aws_efs_file_system.data",
        "delete_because_no_resource_config",
        "aws_ebs_volume.files",
      ],
      ["a type that holds no data", "aws_iam_role.data", "delete_because_no_resource_config", "aws_iam_role.files"],
    ])("names none for %s", (_what, deleted, actionReason, created) => {
      const result = review(
        resourceChange(deleted, ["delete"], actionReason ? { action_reason: actionReason } : {}),
        resourceChange(created, ["create"]),
      );
      expect(result.changes[0]).not.toHaveProperty("possibleNewAddresses");
    });
  });
});

describe("attributeChange", () => {
  const sides = {
    before: { password: "old", tags: { Name: "a" }, config: [{ secret: "s1", plain: "p1" }], id: "fs-1" },
    after: { password: "new", tags: { Name: "b" }, config: [{ secret: "s2", plain: "p2" }], id: null },
  };

  it("masks a value sensitive at the path, on the side that says so", () => {
    expect(attributeChange({ ...sides, after_sensitive: { password: true } }, ["password"])).toEqual({
      path: "password",
      before: '"old"',
      after: "(sensitive)",
    });
    expect(
      attributeChange({ ...sides, before_sensitive: { password: true }, after_sensitive: {} }, ["password"]),
    ).toEqual({
      path: "password",
      before: "(sensitive)",
      after: '"new"',
    });
  });

  it("masks a value under a sensitive block", () => {
    const change = attributeChange({ ...sides, before_sensitive: { config: true }, after_sensitive: true }, [
      "config",
      0,
      "secret",
    ]);
    expect(change).toEqual({ path: "config[0].secret", before: "(sensitive)", after: "(sensitive)" });
  });

  it("masks a whole block holding a sensitive value, but not its other values", () => {
    const marks = { config: [{ secret: true }] };
    expect(attributeChange({ ...sides, before_sensitive: marks, after_sensitive: marks }, ["config"])).toEqual({
      path: "config",
      before: "(sensitive)",
      after: "(sensitive)",
    });
    expect(
      attributeChange({ ...sides, before_sensitive: marks, after_sensitive: marks }, ["config", 0, "plain"]),
    ).toEqual({
      path: "config[0].plain",
      before: '"p1"',
      after: '"p2"',
    });
  });

  it("shows what is not marked sensitive, with false or other paths marked", () => {
    expect(
      attributeChange({ ...sides, before_sensitive: false, after_sensitive: { password: true } }, ["tags", "Name"]),
    ).toEqual({
      path: "tags.Name",
      before: '"a"',
      after: '"b"',
    });
  });

  it("says a value unknown until apply is so, and masks sensitive first", () => {
    expect(attributeChange({ ...sides, after_unknown: { id: true } }, ["id"])).toEqual({
      path: "id",
      before: '"fs-1"',
      after: "(known after apply)",
    });
    expect(attributeChange({ ...sides, after_unknown: { config: [{ secret: true }] } }, ["config"])).toEqual({
      path: "config",
      before: '[{"secret":"s1","plain":"p1"}]',
      after: "(known after apply)",
    });
    expect(
      attributeChange({ ...sides, after_unknown: { id: true }, after_sensitive: { id: true } }, ["id"]).after,
    ).toBe("(sensitive)");
  });

  it("shows null for a value that is absent or null", () => {
    expect(attributeChange({ before: null, after: sides.after }, ["id"])).toEqual({
      path: "id",
      before: "null",
      after: "null",
    });
    expect(attributeChange(sides, ["tags", "Missing"])).toEqual({
      path: "tags.Missing",
      before: "null",
      after: "null",
    });
  });

  it("cuts a value longer than 120 characters with an ellipsis", () => {
    const fits = "x".repeat(118); // 120 characters as JSON
    const long = "y".repeat(119); // 121
    const change = attributeChange({ before: { policy: fits }, after: { policy: long } }, ["policy"]);
    expect(change.before).toBe(`"${fits}"`);
    expect(change.after).toBe(`"${"y".repeat(118)}…`);
    expect(change.after).toHaveLength(120);
    const document = attributeChange(
      { before: {}, after: { policy: { Statement: [{ Effect: "Deny", Sid: "z".repeat(300) }] } } },
      ["policy"],
    );
    expect(document.after).toBe(`{"Statement":[{"Effect":"Deny","Sid":"${"z".repeat(81)}…`);
    expect(document.after).toHaveLength(120);
  });
});

describe("pathText", () => {
  it.each([
    [["performance_mode"], "performance_mode"],
    [["root_directory", 0, "creation_info", 0, "owner_uid"], "root_directory[0].creation_info[0].owner_uid"],
    [["tags", "Name"], "tags.Name"],
    [["tags", "aws:cloudformation:stack"], 'tags["aws:cloudformation:stack"]'],
    [["tags", "two words"], 'tags["two words"]'],
    [["labels", "app-name"], "labels.app-name"],
    [["0key"], '["0key"]'],
    [[3], "[3]"],
    [[], ""],
  ])("%j is %s", (attributePath, text) => {
    expect(pathText(attributePath)).toBe(text);
  });
});

function holdsOrProtects(type: string): "holds" | "protects" {
  return type in table.holdsData ? "holds" : "protects";
}
