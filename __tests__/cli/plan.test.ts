import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { run } from "../../cli/main";
import { PLAN_USAGE } from "../../cli/plan/command";
import { describeWithTerraform } from "../support/harness";

/**
 * `stateful-ecs plan <stack>`. The real run: a small cdktf app (`fixtures/plan-app`: stacks `storage` and
 * `logs`) copied into a temporary project that links this repository's node_modules, synthesized by its own
 * `cdktf.json` command, planned offline by Terraform, reviewed, and the three files written. The other
 * cases use an app in plain Node that writes what cdktf's `App` writes (a manifest and each stack's
 * folder) without loading cdktf, and the online path (real credentials, the stack's own directory and
 * backend) a stand-in `terraform`.
 */
const repo = path.resolve(__dirname, "../..");

/** A copy of the cdktf fixture app. */
function project(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "stateful-ecs-plan-app-"));
  fs.cpSync(path.join(__dirname, "fixtures", "plan-app"), dir, { recursive: true });
  fs.symlinkSync(path.join(repo, "node_modules"), path.join(dir, "node_modules"), "dir");
  return dir;
}

/**
 * A project whose app writes `manifest` (by default one naming the stacks `logs` and `storage`) and each
 * stack's folder into `CDKTF_OUTDIR`, and the `CDKTF_CONTEXT_JSON` it got into `context.json`.
 */
function stubProject(context: unknown = {}, manifest?: object): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "stateful-ecs-stub-app-"));
  const stacks = { logs: { workingDirectory: "stacks/logs" }, storage: { workingDirectory: "stacks/storage" } };
  const app = [
    "const fs = require('fs');",
    "const out = process.env.CDKTF_OUTDIR;",
    "fs.writeFileSync('context.json', process.env.CDKTF_CONTEXT_JSON);",
    `for (const name of ["logs", "storage"]) fs.mkdirSync(out + "/stacks/" + name, { recursive: true });`,
    `fs.writeFileSync(out + "/stacks/storage/cdk.tf.json", "{}");`,
    `fs.writeFileSync(out + "/manifest.json", ${JSON.stringify(JSON.stringify(manifest ?? { stacks }))});`,
  ].join("\n");
  fs.writeFileSync(path.join(dir, "app.js"), app);
  fs.writeFileSync(path.join(dir, "cdktf.json"), JSON.stringify({ app: "node app.js", context }));
  return dir;
}

const readJson = (file: string) => JSON.parse(fs.readFileSync(file, "utf8"));

describe("stateful-ecs plan: arguments and synthesis", () => {
  it.each([
    [[], "missing <stack>"],
    [["storage", "--colour"], "unknown option '--colour'"],
    [["storage", "logs"], "unexpected argument 'logs'"],
    [["storage", "--out"], "--out takes a directory"],
  ])("refuses %j with exit 1 and the usage", async (args, message) => {
    const result = await run(["plan", ...args], os.tmpdir());
    expect(result).toEqual({ code: 1, stdout: "", stderr: `stateful-ecs plan: ${message}\n\n${PLAN_USAGE}` });
  });

  it("prints its usage for --help", async () => {
    expect(await run(["plan", "--help"])).toEqual({ code: 0, stdout: PLAN_USAGE, stderr: "" });
  });

  it("exits 1 outside a cdktf project, and when the app fails", async () => {
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), "stateful-ecs-no-project-"));
    expect(await run(["plan", "storage"], empty)).toMatchObject({
      code: 1,
      stderr: expect.stringContaining(`synthesis failed: no cdktf.json in ${empty}`),
    });
    fs.writeFileSync(
      path.join(empty, "cdktf.json"),
      JSON.stringify({ app: "node -e \"console.error('boom'); process.exit(3)\"" }),
    );
    const failed = await run(["plan", "storage"], empty);
    expect(failed.code).toBe(1);
    expect(failed.stderr).toMatch(/synthesis failed: 'node -e .*' exited 3:\nboom/);
  });

  it("passes the app cdktf.json's context, as cdktf synth does, and refuses a manifest without stacks", async () => {
    const dir = stubProject({ stage: "dev" }, {});
    const result = await run(["plan", "storage"], dir);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /^stateful-ecs plan: synthesis failed: the app wrote no readable .*manifest\.json: it lists no stacks$/,
    );
    expect(readJson(path.join(dir, "context.json"))).toEqual({ stage: "dev" });
  });

  it("lists the app's stacks for an unknown stack and exits 1", async () => {
    const result = await run(["plan", "database"], stubProject());
    expect(result).toMatchObject({
      code: 1,
      stderr: "stateful-ecs plan: no stack named 'database'; the app's stacks are:\n  logs\n  storage",
    });
  });
});

describe("stateful-ecs plan without --offline: the stack's own directory, backend and credentials", () => {
  let dir: string;
  let log: string;
  let result: Awaited<ReturnType<typeof run>>;
  const saved = { ...process.env };

  beforeAll(async () => {
    dir = stubProject();
    log = path.join(dir, "terraform-calls.log");
    const replacement = readJson(path.join(__dirname, "fixtures", "efs-replaced-plan.json"));
    const standIn = path.join(dir, "terraform");
    const script = [
      "#!/bin/bash",
      `echo "$PWD|$*|$AWS_ACCESS_KEY_ID|$TF_IN_AUTOMATION" >> ${JSON.stringify(log)}`,
      `if [ "$1" = show ]; then cat <<'PLAN'\n${JSON.stringify(replacement)}\nPLAN\nfi`,
    ];
    fs.writeFileSync(standIn, `${script.join("\n")}\n`, { mode: 0o755 });
    process.env.TERRAFORM_BINARY_NAME = standIn;
    process.env.AWS_ACCESS_KEY_ID = "AKIACALLERSOWNKEY000";
    try {
      result = await run(["plan", "storage", "--out", "review"], dir);
    } finally {
      process.env = saved;
    }
  });

  it("runs init, plan -out and show in the synthesized stack's directory with the caller's credentials", () => {
    const stackDir = path.join(dir, "cdktf.out", "stacks", "storage");
    const planFile = path.join(dir, "review", "tfplan");
    expect(fs.readFileSync(log, "utf8").trim().split("\n")).toEqual([
      `${stackDir}|init -input=false -no-color|AKIACALLERSOWNKEY000|1`,
      `${stackDir}|plan -input=false -no-color -out=${planFile}|AKIACALLERSOWNKEY000|1`,
      `${stackDir}|show -json -no-color ${planFile}|AKIACALLERSOWNKEY000|1`,
    ]);
  });

  it("says so, without a stack trace, when the output folder cannot be made", async () => {
    fs.writeFileSync(path.join(dir, "a-file"), "");
    const result = await run(["plan", "storage", "--out", "a-file/review"], dir);
    expect(result).toEqual({
      code: 1,
      stdout: "",
      stderr: `stateful-ecs plan: cannot make the folder ${path.join(dir, "a-file", "review")}: ENOTDIR`,
    });
  });

  it("writes plan.json, plan.md and review.json, and exits with the review's code", () => {
    expect(result.code).toBe(2);
    expect(result.stdout).toBe(
      "storage: 0 to add, 0 to change, 1 to replace, 0 to destroy, 0 moved, 0 imported (exit 2: the plan destroys or replaces data)\n" +
        "wrote review/plan.json, review/plan.md, review/review.json",
    );
    const out = path.join(dir, "review");
    expect(readJson(path.join(out, "plan.json")).resource_changes[0].action_reason).toBe(
      "replace_because_cannot_update",
    );
    const markdown = fs.readFileSync(path.join(out, "plan.md"), "utf8");
    expect(markdown).toMatch(/^## Plan review: storage\n/);
    expect(markdown).toContain("- **`aws_efs_file_system.files` is replaced** (holds data:");
    expect(readJson(path.join(out, "review.json"))).toMatchObject({ exitCode: 2, counts: { replace: 1 } });
  });
});

describeWithTerraform("stateful-ecs plan --offline, with Terraform", () => {
  it("plans the stack without AWS, reviews it with the guards, writes the three files into the default folder, and exits 0", async () => {
    const dir = project();
    const result = await run(["plan", "storage", "--offline"], dir);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    const out = path.join(dir, "cdktf.out", "plan", "storage");
    const plan = readJson(path.join(out, "plan.json"));
    expect(
      plan.resource_changes.map((change: { address: string; change: { actions: string[] } }) => [
        change.address,
        change.change.actions,
      ]),
    ).toEqual([["aws_efs_file_system.files", ["create"]]]);
    const markdown = fs.readFileSync(path.join(out, "plan.md"), "utf8");
    expect(markdown).toContain("No resource that holds or protects data is destroyed or replaced.");
    // The guards read the planned values: a file system without a policy is a warning, not a failure.
    expect(markdown).toContain("| SE009 | warning | `aws_efs_file_system.files` |");
    expect(readJson(path.join(out, "review.json"))).toMatchObject({
      exitCode: 0,
      dataSafety: [],
      findings: [{ ruleId: "SE009", severity: "warning", address: "aws_efs_file_system.files" }],
    });
    // The synthesized stack keeps its backend: the offline plan ran in a copy.
    expect(fs.existsSync(path.join(dir, "cdktf.out", "stacks", "storage", ".terraform"))).toBe(false);
  });
});
