import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { PlanJson } from "../../analysis/plan-json";
import { planOf, resourceChange, unencryptedTaskDefinition } from "../support/plan-changes";
import { reviewPlan } from "../../analysis/review/plan-review";
import { run } from "../../cli/main";
import { code, inlineCode } from "../../cli/markdown";
import { REVIEW_USAGE } from "../../cli/review/command";
import { countsLine, dataSafetyEntry, reviewMarkdown } from "../../cli/review/markdown";

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), "stateful-ecs-review-"));

/** A renamed file system (no moved block), a volume moved to another zone, a silenced guard warning, a move. */
const RISKY = planOf(
  resourceChange("aws_efs_file_system.data", ["delete"], {
    action_reason: "delete_because_no_resource_config",
    change: { before: { performance_mode: "generalPurpose" } },
  }),
  resourceChange("aws_efs_file_system.files", ["create"], {
    change: {
      after: { performance_mode: "generalPurpose", tags: { "stateful-ecs:ignore:SE009": "policy elsewhere" } },
      after_unknown: { id: true },
    },
  }),
  resourceChange("aws_ebs_volume.db", ["delete", "create"], {
    action_reason: "replace_because_cannot_update",
    change: {
      before: { availability_zone: "eu-west-1a" },
      after: { availability_zone: "eu-west-1b" },
      replace_paths: [["availability_zone"]],
    },
  }),
  resourceChange("aws_iam_role.new", ["no-op"], { previous_address: "aws_iam_role.old" }),
);

const RISKY_MARKDOWN = `## Plan review

**1 to add, 0 to change, 1 to replace, 1 to destroy, 1 moved, 0 imported.** **This plan destroys or replaces data.** Read the data safety section before applying.

### Data safety

- **\`aws_efs_file_system.data\` is destroyed** (holds data: An EFS file system: every file the tasks wrote goes with it.)
  - Why: no longer in the configuration: removed, or renamed without a moved block (cdktf: moveTo / moveFromId) (\`delete_because_no_resource_config\`)
  - Renamed? Created in the same plan: \`aws_efs_file_system.files\`. A moved block (cdktf: \`moveTo\` / \`moveFromId\`) would keep the data.
- **\`aws_ebs_volume.db\` is replaced** (holds data: A block device (a database's disk): its blocks go with it.)
  - Why: an argument that cannot change in place changed (\`replace_because_cannot_update\`)
  - Forced by \`availability_zone\`: \`"eu-west-1a"\` → \`"eu-west-1b"\`

### Guards

| Rule | Severity | Resource | Finding |
| --- | --- | --- | --- |
| SE009 | warning, silenced: policy elsewhere | \`aws_efs_file_system.files\` | has no aws_efs_file_system_policy: any client that reaches a mount target has full access. Add a policy that requires TLS and the access points. |

### Changes

#### Replace (1)

- **\`aws_ebs_volume.db\`**: an argument that cannot change in place changed; forced by \`availability_zone\`

#### Destroy (1)

- **\`aws_efs_file_system.data\`**: no longer in the configuration: removed, or renamed without a moved block (cdktf: moveTo / moveFromId)

#### Create (1)

- \`aws_efs_file_system.files\`

#### Move (1)

- \`aws_iam_role.new\`: moved from \`aws_iam_role.old\`
`;

/** A task definition whose EFS volume has transit encryption disabled: the guards' SE001, an error. */
const GUARD_ERROR = planOf(unencryptedTaskDefinition());

const CLEAN = planOf(resourceChange("aws_iam_role.task", ["create"]), resourceChange("aws_s3_bucket.logs", ["update"]));

/** A directory holding `files` (name -> text, or a plan written as JSON). */
function dirWith(files: Record<string, string | PlanJson>): string {
  const dir = tmp();
  for (const [name, content] of Object.entries(files)) {
    fs.writeFileSync(path.join(dir, name), typeof content === "string" ? content : JSON.stringify(content));
  }
  return dir;
}

const NO_STACK = /\n\s+at /;

describe("stateful-ecs review", () => {
  it("prints the review as Markdown: title, counts, data safety, guards, then changes; exit 2", async () => {
    const result = await run(["review", "plan.json"], dirWith({ "plan.json": RISKY }));
    expect(result).toEqual({ code: 2, stdout: RISKY_MARKDOWN, stderr: "" });
    const at = (heading: string) => result.stdout.indexOf(heading);
    expect(at("### Data safety")).toBeGreaterThan(0);
    expect(at("### Data safety")).toBeLessThan(at("### Guards"));
    expect(at("### Guards")).toBeLessThan(at("### Changes"));
  });

  it("exits 0 on a clean plan and 3 on guard errors", async () => {
    const dir = dirWith({ "clean.json": CLEAN, "guards.json": GUARD_ERROR });
    const clean = await run(["review", "clean.json"], dir);
    expect(clean.code).toBe(0);
    expect(clean.stdout.split("\n").slice(0, 3)).toEqual([
      "## Plan review",
      "",
      "**1 to add, 1 to change, 0 to replace, 0 to destroy, 0 moved, 0 imported.** Nothing risky: no resource that holds or protects data is destroyed or replaced, and the guards report no error.",
    ]);
    expect(clean.stdout).toContain(
      "### Data safety\n\nNo resource that holds or protects data is destroyed or replaced.\n\n### Guards\n\nNo finding on the planned values (2 planned resources read).\n",
    );
    const guards = await run(["review", path.join(dir, "guards.json")], os.homedir());
    expect(guards.code).toBe(3);
    expect(guards.stdout).toContain("**The guards report errors** in the planned configuration.");
    expect(guards.stdout).toContain(
      '| SE001 | error | `aws_ecs_task_definition.app` | volume \'data\' mounts EFS without TLS: transit_encryption is "DISABLED". Set transit_encryption = "ENABLED". |',
    );
  });

  it("writes JSON with --format json and --format=json", async () => {
    const dir = dirWith({ "plan.json": RISKY });
    for (const args of [["--format", "json"], ["--format=json"]]) {
      const result = await run(["review", "plan.json", ...args], dir);
      expect(result.code).toBe(2);
      const report = JSON.parse(result.stdout);
      expect(report).toEqual(JSON.parse(JSON.stringify(reviewPlan(RISKY))));
      expect(report.exitCode).toBe(2);
      expect(report.counts).toEqual({ add: 1, change: 0, replace: 1, destroy: 1, move: 1, import: 0, forget: 0 });
      expect(report.dataSafety.map((change: { address: string }) => change.address)).toEqual([
        "aws_efs_file_system.data",
        "aws_ebs_volume.db",
      ]);
      expect(report.dataSafety[0].possibleNewAddresses).toEqual(["aws_efs_file_system.files"]);
    }
  });

  it("writes the review to --out, making its directory, and prints a one-line summary", async () => {
    const dir = dirWith({ "plan.json": RISKY });
    const result = await run(["review", "--out", "reports/review.md", "plan.json"], dir);
    expect(result).toEqual({
      code: 2,
      stdout:
        "reports/review.md: 1 to add, 0 to change, 1 to replace, 1 to destroy, 1 moved, 0 imported (exit 2: the plan destroys or replaces data)",
      stderr: "",
    });
    expect(fs.readFileSync(path.join(dir, "reports/review.md"), "utf8")).toBe(`${RISKY_MARKDOWN}\n`);

    const json = await run(["review", "plan.json", "--format", "json", "--out=review.json"], dir);
    expect(json.stdout).toBe(
      "review.json: 1 to add, 0 to change, 1 to replace, 1 to destroy, 1 moved, 0 imported (exit 2: the plan destroys or replaces data)",
    );
    expect(JSON.parse(fs.readFileSync(path.join(dir, "review.json"), "utf8")).exitCode).toBe(2);

    const clean = await run(["review", "plan.json", "--out", "clean.md"], dirWith({ "plan.json": CLEAN }));
    expect(clean).toMatchObject({
      code: 0,
      stdout: expect.stringMatching(/^clean\.md: .* \(exit 0: nothing risky\)$/),
    });
  });

  it.each([
    ["no arguments", [], "missing <plan.json>"],
    ["an unknown option", ["plan.json", "--verbose"], "unknown option '--verbose'"],
    ["a bad --format", ["plan.json", "--format", "yaml"], "--format takes one of markdown, json"],
    ["--format without a value", ["plan.json", "--format"], "--format takes one of markdown, json"],
    ["--out without a value", ["plan.json", "--out"], "--out takes a file name"],
    ["two inputs", ["plan.json", "other.json"], "unexpected argument 'other.json'"],
  ])("refuses %s with exit 1 and the usage on stderr", async (_what, args, message) => {
    const result = await run(["review", ...args], dirWith({ "plan.json": CLEAN, "other.json": CLEAN }));
    expect(result).toEqual({ code: 1, stdout: "", stderr: `stateful-ecs review: ${message}\n\n${REVIEW_USAGE}` });
  });

  it("prints its help with --help or -h, exit 0", async () => {
    for (const flag of ["--help", "-h"]) {
      expect(await run(["review", flag], tmp())).toEqual({ code: 0, stdout: REVIEW_USAGE, stderr: "" });
    }
    expect(REVIEW_USAGE).toMatch(/^Usage: stateful-ecs review <plan\.json>/);
  });

  it.each([
    ["a missing file", "missing.json", {}, /^stateful-ecs review: cannot read missing\.json: ENOENT$/],
    ["a directory", "plans", {}, /^stateful-ecs review: cannot read plans: EISDIR$/],
    [
      "text that is not JSON",
      "plan.txt",
      { "plan.txt": "Plan: 1 to add" },
      /^stateful-ecs review: plan\.txt: not JSON \(.+\); give the output of 'terraform show -json <planfile>'$/,
    ],
    [
      "JSON that is not a plan",
      "list.json",
      { "list.json": "[1, 2]" },
      /^stateful-ecs review: list\.json: not a Terraform plan: the JSON is not an object$/,
    ],
    [
      "a state",
      "state.json",
      { "state.json": JSON.stringify({ format_version: "1.0", values: { root_module: {} } }) },
      /^stateful-ecs review: state\.json: a state \(terraform show -json of a state file\): it has no resource_changes/,
    ],
    [
      "a malformed plan",
      "plan.json",
      {
        "plan.json": JSON.stringify({
          format_version: "1.2",
          resource_changes: [{ address: "aws_s3_bucket.b", type: "aws_s3_bucket" }],
        }),
      },
      /^stateful-ecs review: plan\.json: malformed plan: resource_changes\[0\] \(aws_s3_bucket\.b\) has no change\.actions$/,
    ],
    [
      "a plan the review cannot handle",
      "odd.json",
      {
        "odd.json": JSON.stringify(
          planOf(resourceChange("module.a.aws_iam_role.r", ["create"], { module_address: 7 as unknown as string })),
        ),
      },
      /^stateful-ecs review: odd\.json: the plan could not be reviewed: .+$/,
    ],
  ])("refuses %s with exit 1 and one line, no stack trace", async (_what, input, files, message) => {
    const dir = dirWith(files);
    fs.mkdirSync(path.join(dir, "plans"));
    const result = await run(["review", input], dir);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe("");
    expect(result.stderr).toMatch(message);
    expect(result.stderr).not.toMatch(/\n/);
    expect(result.stderr).not.toMatch(NO_STACK);
  });
});

describe("review Markdown", () => {
  it("folds a group of more than 15 entries in <details>, not one of 15", () => {
    const creates = (count: number) =>
      Array.from({ length: count }, (_, index) => resourceChange(`aws_iam_role.r${index}`, ["create"]));
    const folded = reviewMarkdown(reviewPlan(planOf(...creates(16))));
    expect(folded).toContain("### Changes\n\n<details><summary>Create (16)</summary>\n\n- `aws_iam_role.r0`\n");
    expect(folded).toContain("- `aws_iam_role.r15`\n\n</details>\n");
    expect(folded).not.toContain("#### Create");
    const open = reviewMarkdown(reviewPlan(planOf(...creates(15))));
    expect(open).toContain("### Changes\n\n#### Create (15)\n\n- `aws_iam_role.r0`\n");
    expect(open).not.toContain("<details>");
  });

  it("groups changes by action in a fixed order, with what each note says", () => {
    const markdown = reviewMarkdown(
      reviewPlan(
        planOf(
          resourceChange("aws_iam_role.c", ["create"]),
          resourceChange("aws_iam_role.u", ["update"], { previous_address: "aws_iam_role.before" }),
          resourceChange("aws_iam_role.i", ["update"], { change: { importing: { id: "r" } } }),
          resourceChange("aws_iam_role.f", ["forget"]),
          resourceChange("aws_iam_role.d", ["delete"], { action_reason: "delete_because_count_index" }),
          resourceChange("aws_iam_role.m", ["no-op"], { previous_address: "aws_iam_role.m_old" }),
          resourceChange("aws_iam_role.n", ["no-op"], { change: { importing: { id: "n" } } }),
          resourceChange("aws_iam_role.r", ["create", "delete"], { change: { replace_paths: [["name"], ["path"]] } }),
        ),
      ),
    );
    const changes = markdown.slice(markdown.indexOf("### Changes"));
    expect(changes.split("\n").filter((line) => line.startsWith("#### ") || line.startsWith("- "))).toEqual([
      "#### Replace (1)",
      "- `aws_iam_role.r`: forced by `name`, `path`",
      "#### Destroy (1)",
      "- `aws_iam_role.d`: its count index is no longer in the count (a list shifted or shrank)",
      "#### Forget (removed from state, not destroyed) (1)",
      "- `aws_iam_role.f`",
      "#### Create (1)",
      "- `aws_iam_role.c`",
      "#### Update (2)",
      "- `aws_iam_role.u`: moved from `aws_iam_role.before`",
      "- `aws_iam_role.i`: imported",
      "#### Import (1)",
      "- `aws_iam_role.n`",
      "#### Move (1)",
      "- `aws_iam_role.m`: moved from `aws_iam_role.m_old`",
    ]);
    expect(markdown).toContain(
      "**1 to add, 2 to change, 1 to replace, 1 to destroy, 2 moved, 2 imported, 1 to forget.** Nothing risky",
    );
  });

  it("puts a stateful delete or replace in bold in the changes, and nothing else", () => {
    const markdown = reviewMarkdown(
      reviewPlan(
        planOf(
          resourceChange("aws_s3_bucket.logs", ["delete"]),
          resourceChange("aws_efs_access_point.app", ["delete", "create"]),
          resourceChange("aws_iam_role.task", ["delete"]),
          resourceChange("aws_s3_bucket.new", ["create"]),
        ),
      ),
    );
    const changes = markdown.slice(markdown.indexOf("### Changes"));
    expect(changes).toContain("- **`aws_s3_bucket.logs`**\n");
    expect(changes).toContain("- **`aws_efs_access_point.app`**\n");
    expect(changes).toContain("- `aws_iam_role.task`\n");
    expect(changes).toContain("- `aws_s3_bucket.new`\n");
    expect(markdown).toContain(
      "- **`aws_efs_access_point.app` is replaced** (protects data: An access point: the POSIX user and directory a client's files live under; a new one has a new id that every mount must follow.)",
    );
  });

  it("names a deposed object by its key, in the data safety section and the changes", () => {
    const review = reviewPlan(
      planOf(
        resourceChange("aws_efs_file_system.a", ["delete"], {
          deposed: "00000001",
          action_reason: "replace_because_tainted",
        }),
      ),
    );
    expect(dataSafetyEntry(review.dataSafety[0])[0]).toMatch(
      /^- \*\*`aws_efs_file_system\.a` \(deposed object `00000001`\) is destroyed\*\* /,
    );
    expect(reviewMarkdown(review)).toContain(
      "- **`aws_efs_file_system.a` (deposed object `00000001`)**: it is tainted",
    );
  });

  it("fences addresses and values that hold backticks", () => {
    const [entry] = reviewPlan(
      planOf(
        resourceChange('aws_s3_bucket.b["a`b"]', ["delete", "create"], {
          change: { before: { bucket: "x``y" }, after: { bucket: "`z" }, replace_paths: [["bucket"]] },
        }),
      ),
    ).dataSafety;
    expect(dataSafetyEntry(entry)).toEqual([
      '- **`` aws_s3_bucket.b["a`b"] `` is replaced** (holds data: An S3 bucket: its objects go with it (force_destroy empties it first).)',
      '  - Forced by `bucket`: ``` "x``y" ``` → `` "`z" ``',
    ]);
  });

  it("writes pipes in list items as they are, and escapes them in the guards table only", () => {
    const review = reviewPlan(
      planOf(
        resourceChange('aws_ebs_volume.v["a|b"]', ["delete", "create"], {
          change: { before: { type: "gp2|io1" }, after: { type: "gp3" }, replace_paths: [["type"]] },
        }),
        resourceChange('aws_efs_file_system.f["x|y"]', ["create"], { change: { after: { encrypted: true } } }),
      ),
    );
    // Outside a table a backslash in a code span is shown as written: `\|` would print its backslash.
    expect(dataSafetyEntry(review.dataSafety[0])).toEqual([
      '- **`aws_ebs_volume.v["a|b"]` is replaced** (holds data: A block device (a database\'s disk): its blocks go with it.)',
      '  - Forced by `type`: `"gp2|io1"` → `"gp3"`',
    ]);
    const markdown = reviewMarkdown(review);
    expect(markdown).toContain('- **`aws_ebs_volume.v["a|b"]`**: forced by `type`\n');
    expect(markdown).toContain('- `aws_efs_file_system.f["x|y"]`\n');
    expect(markdown).toContain(
      '| SE009 | warning | `aws_efs_file_system.f["x\\|y"]` | has no aws_efs_file_system_policy',
    );
  });

  it("counts forgets only when there are some", () => {
    const counts = { add: 3, change: 1, replace: 1, destroy: 0, move: 0, import: 2, forget: 0 };
    expect(countsLine(counts)).toBe("3 to add, 1 to change, 1 to replace, 0 to destroy, 0 moved, 2 imported");
    expect(countsLine({ ...counts, forget: 2 })).toBe(
      "3 to add, 1 to change, 1 to replace, 0 to destroy, 0 moved, 2 imported, 2 to forget",
    );
  });

  it("says when there is nothing to review", () => {
    expect(reviewMarkdown(reviewPlan(planOf()), "Plan review: app")).toBe(
      [
        "## Plan review: app",
        "",
        "**0 to add, 0 to change, 0 to replace, 0 to destroy, 0 moved, 0 imported.** Nothing risky: no resource that holds or protects data is destroyed or replaced, and the guards report no error.",
        "",
        "### Data safety",
        "",
        "No resource that holds or protects data is destroyed or replaced.",
        "",
        "### Guards",
        "",
        "No finding on the planned values (0 planned resources read).",
        "",
        "### Changes",
        "",
        "No resource changes.",
        "",
      ].join("\n"),
    );
  });
});

describe("code (table cells)", () => {
  it.each([
    ["aws_s3_bucket.b", "`aws_s3_bucket.b`"],
    ["a | b", "`a \\| b`"],
    ["two\n  lines", "`two lines`"],
  ])("%j is %s", (text, fenced) => {
    expect(code(text)).toBe(fenced);
  });
});

describe("inlineCode", () => {
  it.each([
    ["aws_s3_bucket.b", "`aws_s3_bucket.b`"],
    ["a`b", "`` a`b ``"],
    ["a``b`c", "``` a``b`c ```"],
    ["`start", "`` `start ``"],
    ["end`", "`` end` ``"],
    ['"a | b"', '`"a | b"`'],
    ["a\\|b", "`a\\|b`"],
    ["two\n  lines ", "`two lines`"],
  ])("%j is %s", (text, fenced) => {
    expect(inlineCode(text)).toBe(fenced);
  });
});
