import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

/**
 * The GitHub Actions workflow users copy (`examples/github-actions/plan-review.yml`): its shell steps run
 * under bash against a stand-in `npx`, with GitHub's expressions filled in as the runner would.
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const yaml = require("js-yaml") as { safeLoad(text: string): unknown };

interface Step {
  readonly name?: string;
  readonly run?: string;
  readonly uses?: string;
  readonly if?: string;
  readonly env?: Record<string, string>;
  readonly with?: Record<string, unknown>;
}
interface Workflow {
  readonly on: { pull_request: { types: string[] } };
  readonly concurrency: Record<string, unknown>;
  readonly permissions: Record<string, string>;
  readonly jobs: {
    review: { if: string; strategy: { matrix: { stack: string[] } }; env: Record<string, string>; steps: Step[] };
  };
}

const workflow = yaml.safeLoad(
  fs.readFileSync(path.resolve(__dirname, "../../examples/github-actions/plan-review.yml"), "utf8"),
) as Workflow;
const steps = workflow.jobs.review.steps;
const step = (name: string) => steps.find((candidate) => candidate.name === name)!;

/**
 * The environment of the steps' bash: PATH, and a HOME of its own, so bash never reads this machine's
 * ~/.bashrc (it does when its standard input is a socket, as a child of Node's is).
 */
const shellEnv = (env: Record<string, string | undefined> = {}) => ({
  PATH: process.env.PATH,
  HOME: fs.mkdtempSync(path.join(os.tmpdir(), "stateful-ecs-home-")),
  ...env,
});

/** Runs a step's script as the runner would: expressions for the stack filled in, `env` given. */
function runStep(name: string, env: Record<string, string>, cwd = os.tmpdir()) {
  const script = step(name).run!.replace(/\$\{\{ matrix\.stack \}\}/g, "efs-fargate");
  return spawnSync("bash", ["-e", "-c", script], { cwd, env: shellEnv(env), encoding: "utf8" });
}

it("reviews every example stack on each pull request change, labels included, and may comment", () => {
  expect(workflow.on.pull_request.types).toEqual(
    expect.arrayContaining(["opened", "synchronize", "labeled", "unlabeled"]),
  );
  expect(workflow.jobs.review.strategy.matrix.stack).toEqual([
    "example-network",
    "efs-fargate",
    "ebs-pinned-db",
    "ebs-pinned-db-instance",
    "sticky-sessions",
  ]);
  expect(workflow.permissions).toEqual({ contents: "read", "pull-requests": "write", "id-token": "write" });
});

it("reviews pull requests from this repository only, one run per pull request at a time", () => {
  expect(workflow.jobs.review.if).toBe("github.event.pull_request.head.repo.full_name == github.repository");
  expect(workflow.concurrency).toEqual({
    group: "plan-review-${{ github.event.pull_request.number }}",
    "cancel-in-progress": true,
  });
});

it("posts plan.md as a comment, cut below GitHub's limit when longer, and keeps the files as an artifact", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "stateful-ecs-workflow-"));
  fs.writeFileSync(path.join(dir, "gh"), '#!/bin/bash\necho "$*" >> gh-calls\nwc -c < "$5" >> gh-calls\n', {
    mode: 0o755,
  });
  fs.mkdirSync(path.join(dir, "short"));
  fs.writeFileSync(path.join(dir, "short", "plan.md"), "## Plan review\n");
  fs.mkdirSync(path.join(dir, "long"));
  fs.writeFileSync(path.join(dir, "long", "plan.md"), "x".repeat(70_000));
  const script = step("Post the review on the pull request").run!.replace(/\$\{\{ matrix\.stack \}\}/g, "efs-fargate");
  const both = ["short", "long"].map((out) => `( OUT=${out}; ${script}\n)`).join("\n");
  const result = spawnSync("bash", ["-e", "-c", both], {
    cwd: dir,
    env: shellEnv({ PATH: `${dir}:${process.env.PATH}`, PR: "42" }),
    encoding: "utf8",
  });
  expect(result.status).toBe(0);
  const note = "\n\n(Cut at 60,000 characters: the whole review is in the artifact plan-review-efs-fargate.)\n";
  expect(fs.readFileSync(path.join(dir, "gh-calls"), "utf8").split("\n")).toEqual([
    "pr comment 42 --body-file short/plan.md",
    "15",
    "pr comment 42 --body-file long/comment.md",
    String(60_000 + note.length),
    "",
  ]);
  expect(step("Keep the review files")).toMatchObject({
    if: "always()",
    uses: "actions/upload-artifact@v4",
    with: { path: "review/${{ matrix.stack }}/" },
  });
});

it("runs stateful-ecs plan for the stack and keeps its exit code for the gate, whatever it is", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "stateful-ecs-workflow-"));
  fs.writeFileSync(path.join(dir, "npx"), '#!/bin/bash\necho "$*" > npx-args\nexit 2\n', { mode: 0o755 });
  const output = path.join(dir, "github-output");
  const result = runStep(
    "Plan and review",
    { PATH: `${dir}:${process.env.PATH}`, OUT: "review/efs-fargate", GITHUB_OUTPUT: output },
    dir,
  );
  expect(result.status).toBe(0);
  expect(fs.readFileSync(path.join(dir, "npx-args"), "utf8")).toBe(
    "stateful-ecs plan efs-fargate --out review/efs-fargate\n",
  );
  expect(fs.readFileSync(output, "utf8")).toBe("code=2\n");
});

describe("the gate", () => {
  const cases: Array<[code: string, allowed: string, status: number, message: string]> = [
    ["0", "false", 0, "Nothing risky in efs-fargate."],
    [
      "2",
      "false",
      1,
      "::error::efs-fargate destroys or replaces data (see the review). Add the label allow-data-loss to accept it.",
    ],
    ["2", "true", 0, "::warning::efs-fargate destroys or replaces data; allowed by the allow-data-loss label."],
    ["3", "true", 1, "::error::The guards found errors in the plan of efs-fargate."],
    ["1", "true", 1, "::error::Planning efs-fargate failed (exit code 1)."],
    ["", "false", 1, "::error::Planning efs-fargate failed (exit code )."],
  ];

  it("passes on 0, and on 2 with the allow-data-loss label; fails on 2 without it, on 3 and on any failure", () => {
    // Every case in one bash process, each in a subshell with its own CODE and ALLOWED: a spawn from a
    // loaded Jest worker costs half a second.
    const script = step("Gate on the review's exit code").run!.replace(/\$\{\{ matrix\.stack \}\}/g, "efs-fargate");
    const all = cases
      .map(
        ([code, allowed]) =>
          `( CODE=${JSON.stringify(code)} ALLOWED=${allowed}; set -e; ${script}\n); echo "status=$?"`,
      )
      .join("\n");
    const result = spawnSync("bash", ["-c", all], { env: shellEnv(), encoding: "utf8" });
    const outcomes = result.stdout.trim().split(/\nstatus=\d+\n?|\nstatus=\d+$/);
    const statuses = [...result.stdout.matchAll(/^status=(\d+)$/gm)].map((match) => Number(match[1]));
    expect(cases.map((_, index) => ({ status: statuses[index], stdout: outcomes[index] }))).toEqual(
      cases.map(([, , status, message]) => ({ status, stdout: message })),
    );
  });

  it("reads the exit code the review step wrote and whether the label is on the pull request", () => {
    expect(step("Gate on the review's exit code").env).toEqual({
      CODE: "${{ steps.review.outputs.code }}",
      ALLOWED: "${{ contains(github.event.pull_request.labels.*.name, 'allow-data-loss') }}",
    });
    expect(step("Plan and review").run).toContain('echo "code=$?" >> "$GITHUB_OUTPUT"');
  });
});
