import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { App, TerraformStack } from "cdktf";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { run } from "../../cli/main";
import { guardSynthesizedApp } from "../../cli/lint/synth-guard";
import { FargateService } from "../../modules/ecs";
import { EfsStorage } from "../../modules/efs-storage";
import { GuardExceptions } from "../../modules/core";
import { exampleStacks } from "../support/example-app";
import { existingNetwork, serviceBasics } from "../support/fixtures";

const repo = path.resolve(__dirname, "../..");
const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), "stateful-ecs-lint-"));

/** A directory holding `files` (name -> text). */
function configDir(files: Record<string, string>): string {
  const dir = tmp();
  for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), text);
  return dir;
}

/** One task definition whose EFS volume has no transit encryption (SE001), and a file system with no policy, silenced (SE009). */
const UNENCRYPTED = `resource "aws_efs_file_system" "data" {
  encrypted = true
  # stateful-ecs:ignore SE009 the policy lives in the platform repo
}

resource "aws_ecs_task_definition" "app" {
  family                = "app"
  container_definitions = jsonencode([{ name = "app", image = "busybox", essential = true }])

  volume {
    name = "data"
    efs_volume_configuration {
      file_system_id = aws_efs_file_system.data.id
    }
  }
}
`;

describe("stateful-ecs lint", () => {
  it("prints one line per finding with file and line, silenced ones saying so, a summary, and exits 1 on an error", async () => {
    // Run from the configuration's directory: file names are relative to the working directory.
    const result = await run(["lint", "."], configDir({ "main.tf": UNENCRYPTED }));
    expect(result.code).toBe(1);
    expect(result.stdout.split("\n")).toEqual([
      expect.stringMatching(
        /^SE001 error aws_ecs_task_definition\.app \(main\.tf:6\): volume 'data' mounts EFS without TLS: transit_encryption is not set/,
      ),
      "SE009 warning aws_efs_file_system.data (main.tf:1): silenced (the policy lives in the platform repo): has no aws_efs_file_system_policy: any client that reaches a mount target has full access. Add a policy that requires TLS and the access points.",
      "1 error, 0 warnings, 1 silenced in 2 resources",
    ]);
  });

  it("exits 0 when only warnings remain", async () => {
    const fixed = UNENCRYPTED.replace(
      "file_system_id = aws_efs_file_system.data.id",
      'file_system_id     = aws_efs_file_system.data.id\n      transit_encryption = "ENABLED"',
    ).replace("  # stateful-ecs:ignore SE009 the policy lives in the platform repo\n", "");
    const result = await run(["lint", configDir({ "main.tf": fixed })]);
    expect(result).toMatchObject({
      code: 0,
      stdout: expect.stringContaining("0 errors, 1 warning, 0 silenced in 2 resources"),
    });
  });

  it("writes JSON, with what could not be checked under --verbose", async () => {
    const dir = configDir({
      "main.tf":
        UNENCRYPTED +
        'variable "family" {}\nresource "aws_ecs_task_definition" "other" {\n  family                = var.family\n  container_definitions = var.family\n  volume {\n    name = "x"\n    efs_volume_configuration {\n      file_system_id     = aws_efs_file_system.data.id\n      transit_encryption = var.family\n    }\n  }\n}\n',
    });
    const result = await run(["lint", ".", "--format", "json", "--verbose"], dir);
    const report = JSON.parse(result.stdout);
    expect(report.summary).toEqual({ errors: 1, warnings: 0, silenced: 1 });
    expect(report.findings[0]).toMatchObject({
      ruleId: "SE001",
      severity: "error",
      address: "aws_ecs_task_definition.app",
      location: { file: "main.tf", line: 6 },
    });
    expect(report.notes).toContain(
      "SE001 aws_ecs_task_definition.other: not checked, volume 'x': transit_encryption is not known statically",
    );
  });

  it("writes SARIF 2.1.0: the rules, results with file, line and address, silenced ones as suppressions", async () => {
    const result = await run(["lint", ".", "--format", "sarif"], configDir({ "main.tf": UNENCRYPTED }));
    const sarif = JSON.parse(result.stdout);
    expect(sarif.version).toBe("2.1.0");
    const [runLog] = sarif.runs;
    expect(runLog.tool.driver.rules.map((rule: { id: string }) => rule.id)).toContain("SE203");
    expect(runLog.results).toEqual([
      expect.objectContaining({
        ruleId: "SE001",
        level: "error",
        locations: [
          {
            physicalLocation: { artifactLocation: { uri: "main.tf" }, region: { startLine: 6 } },
            logicalLocations: [{ fullyQualifiedName: "aws_ecs_task_definition.app", kind: "resource" }],
          },
        ],
      }),
      expect.objectContaining({
        ruleId: "SE009",
        suppressions: [{ kind: "inSource", justification: "the policy lives in the platform repo" }],
      }),
    ]);
    expect(runLog.tool.driver.rules[runLog.results[1].ruleIndex].id).toBe("SE009");
  });

  it("lints the plain Terraform example clean, every rule decided (modules followed, optional attributes filled)", async () => {
    const result = await run(["lint", path.join(repo, "examples", "terraform-consumer"), "--verbose"]);
    expect(result.code).toBe(0);
    const [summary, ...notes] = result.stdout.split("\n");
    expect(summary).toMatch(/^0 errors, 0 warnings, 0 silenced in \d+ resources$/);
    expect(notes.filter((note) => note.includes("not checked"))).toEqual([]);
  });

  it("lints every example stack and every vendored module with no error", async () => {
    const inputs = [
      ...exampleStacks().map((stack) => stack.dir),
      ...fs.readdirSync(path.join(repo, "terraform")).map((name) => path.join(repo, "terraform", name)),
    ];
    for (const input of inputs) {
      const result = await run(["lint", input]);
      expect({ input, code: result.code, stdout: result.stdout }).toEqual({
        input,
        code: 0,
        stdout: expect.stringMatching(/^0 errors, 0 warnings, 0 silenced in \d+ resources$/),
      });
    }
  });

  it.each([
    ["a missing path", () => path.join(tmp(), "nope"), "no such file or directory"],
    ["a directory without Terraform files", () => tmp(), "no readable .tf or .tf.json files in this directory"],
    [
      "a file that is not JSON",
      () => path.join(configDir({ "x.json": "{ nope" }), "x.json"),
      "neither a .tf file nor JSON",
    ],
    [
      "JSON that is not a configuration",
      () => path.join(configDir({ "x.json": "[1, 2]" }), "x.json"),
      "the JSON is not a Terraform configuration (no resource, data, module, variable, locals, output, provider, terraform block) or plan",
    ],
    [
      "JSON of another tool",
      () => path.join(configDir({ "package.json": '{ "name": "x" }' }), "package.json"),
      "not a Terraform configuration",
    ],
    [
      "a state, not a plan",
      () => path.join(configDir({ "state.json": '{ "format_version": "1.0", "values": {} }' }), "state.json"),
      "not a Terraform configuration",
    ],
    ["a .tf file that is not HCL", () => path.join(configDir({ "x.tf": 'resource "a" {' }), "x.tf"), "not valid HCL"],
  ])("exits 2 with a reason for %s", async (_case, input, message) => {
    const result = await run(["lint", input()]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(message);
  });

  it("lints what it can of a messy repository: unreadable files, unknown types and remote modules are noted, not fatal", async () => {
    const dir = configDir({
      "broken.tf": "resource {",
      "main.tf":
        'module "vpc" {\n  source = "terraform-aws-modules/vpc/aws"\n}\nresource "google_storage_bucket" "b" {\n  name = "x"\n}\n' +
        UNENCRYPTED,
    });
    const result = await run(["lint", dir, "--verbose"]);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain("SE001 error aws_ecs_task_definition.app");
    expect(result.stdout).toContain(
      "note: module.vpc: source 'terraform-aws-modules/vpc/aws' is not a local path; not followed",
    );
    expect(result.stdout).toMatch(/note: .*broken\.tf: not read/);
    // Said whatever the options: what an unread file holds is not checked.
    expect(result.stderr).toMatch(
      /^stateful-ecs lint: warning: .*broken\.tf: not read \(.*\); what it holds is not checked$/,
    );
  });

  it.each([
    [["lint"], "missing <path>"],
    [["lint", "x", "--format", "xml"], "--format takes one of text, json, sarif"],
    [["lint", "x", "--frobnicate"], "unknown option '--frobnicate'"],
    [["lint", "x", "y"], "unexpected argument 'y'"],
  ])("prints usage and exits 2 for %j", async (args, message) => {
    const result = await run(args);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(message);
    expect(result.stderr).toContain("Usage: stateful-ecs lint");
  });
});

it("names files relative to the working directory, or absolute outside it", async () => {
  const dir = configDir({ "main.tf": UNENCRYPTED });
  const fromParent = await run(["lint", path.basename(dir)], path.dirname(dir));
  expect(fromParent.stdout).toContain(`(${path.join(path.basename(dir), "main.tf")}:6)`);
  const fromElsewhere = await run(["lint", dir], repo);
  expect(fromElsewhere.stdout).toContain(`(${path.join(dir, "main.tf")}:6)`);
});

describe("the guards at synth", () => {
  function appWithPostgresOnEfs(guardExceptions?: GuardExceptions): string {
    const outdir = tmp();
    const app = new App({ outdir });
    const stack = new TerraformStack(app, "bad-db");
    new AwsProvider(stack, "aws", { region: "eu-west-1" });
    const storage = new EfsStorage(stack, "data", { network: existingNetwork });
    const service = new FargateService(stack, "db", {
      ...serviceBasics(stack),
      container: { name: "postgres", image: "postgres:16", port: 5432 },
      guardExceptions,
    });
    storage.mount(service, storage.addAccessPoint("pgdata", { path: "/pgdata", uid: 999, gid: 999 }), {
      containerPath: "/var/lib/postgresql/data",
    });
    app.synth();
    return outdir;
  }

  it("pass on the example stacks", async () => {
    const [first] = exampleStacks();
    const result = await guardSynthesizedApp(path.dirname(path.dirname(first.dir)));
    expect(result).toEqual({ code: 0, lines: [`stateful-ecs guards: no error in ${exampleStacks().length} stacks`] });
  });

  it("fail synth on an error, naming the stack, the rule and the resource", async () => {
    const result = await guardSynthesizedApp(appWithPostgresOnEfs());
    expect(result.code).toBe(1);
    expect(result.lines[0]).toMatch(
      /^bad-db: SE007 error aws_ecs_task_definition\.db_task-definition_\w+ \(cdk\.tf\.json\): container 'postgres' keeps database files on EFS/,
    );
    expect(result.lines.at(-1)).toContain("1 error in the synthesized stacks; synth fails");
  });

  it("print a silenced finding with its reason, and pass", async () => {
    const result = await guardSynthesizedApp(appWithPostgresOnEfs({ SE007: "restored read-only copy for analysts" }));
    expect(result.code).toBe(0);
    expect(result.lines[0]).toMatch(
      /^bad-db: SE007 error aws_ecs_task_definition\.\S+ \(cdk\.tf\.json\): silenced \(restored read-only copy for analysts\): container 'postgres'/,
    );
  });
});
