import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describeWithTerraform, isCi, mockApply, plan, validate } from "./harness";
import { sharedFolder } from "./shared-result";
import { stackMockApply, stackPlan, stackValidateResult } from "../../cli/terraform/stack-results";
import { parseTestOutput, terraformEnv } from "../../cli/terraform/terraform";
import {
  WorkspaceStack,
  assertOffline,
  childModule,
  judgedContent,
  mockApplyTestFile,
  offlineStack,
  rootModule,
} from "../../cli/terraform/workspace-files";

const offline = {
  skip_credentials_validation: true,
  skip_requesting_account_id: true,
  skip_metadata_api_check: true,
};

const withAlias: WorkspaceStack = {
  name: "app",
  config: {
    terraform: {
      required_providers: { aws: { source: "aws", version: "5.100.0" } },
      backend: { local: { path: "/home/someone/terraform.app.tfstate" } },
    },
    provider: { aws: [{ region: "eu-west-1" }, { region: "us-east-1", alias: "use1" }] },
    resource: { aws_iam_role: {}, aws_iam_role_policy: {} },
  },
};
const plain: WorkspaceStack = {
  name: "net",
  config: {
    terraform: { required_providers: { aws: { source: "aws", version: "5.100.0" } } },
    provider: { aws: [{ region: "eu-west-1", default_tags: [{ tags: { Stack: "net" } }] }] },
    resource: { aws_vpc: {} },
  },
};

describe("workspace files", () => {
  it("moves the stacks' providers to the root, one offline configuration per distinct one, and calls each stack", () => {
    const tagged = (name: string, stack: string) => ({
      name,
      config: {
        ...plain.config,
        provider: { aws: [{ region: "eu-west-1", default_tags: [{ tags: { Stack: stack, Project: "p" } }] }] },
      },
    });
    expect(rootModule([withAlias, plain, tagged("db", "db"), tagged("web", "web")])).toEqual({
      terraform: {
        required_providers: { aws: { source: "aws", version: "5.100.0" } },
        backend: { local: { path: "terraform.tfstate" } },
      },
      provider: {
        aws: [
          // Equal but for default tags: shared, keeping the tags all of its stacks set (here none).
          { region: "eu-west-1", ...offline, alias: "aws_0" },
          { region: "us-east-1", ...offline, alias: "aws_1" },
        ],
      },
      module: {
        app: { source: "./app", providers: { aws: "aws.aws_0", "aws.use1": "aws.aws_1" } },
        net: { source: "./net", providers: { aws: "aws.aws_0" } },
        db: { source: "./db", providers: { aws: "aws.aws_0" } },
        web: { source: "./web", providers: { aws: "aws.aws_0" } },
      },
    });
    const provider = (rootModule([tagged("db", "db"), tagged("web", "web")]) as { provider: object }).provider;
    expect(provider).toEqual({
      aws: [{ region: "eu-west-1", default_tags: [{ tags: { Project: "p" } }], ...offline, alias: "aws_0" }],
    });
  });

  it("refuses stacks that pin different provider versions, or names Terraform cannot call", () => {
    const older = {
      ...plain,
      name: "old",
      config: { ...plain.config, terraform: { required_providers: { aws: { version: "5.0.0" } } } },
    };
    expect(() => rootModule([plain, older])).toThrow(
      "stacks pin different versions of provider 'aws' (5.100.0, 5.0.0)",
    );
    expect(() => rootModule([{ ...plain, name: "1st" }])).toThrow("stack name '1st' is not a Terraform identifier");
    expect(() => rootModule([plain, plain])).toThrow("two stacks are named 'net'");
  });

  it("turns a stack into a child module: no providers, no backend or cloud block, aliases declared", () => {
    expect(childModule(withAlias.config)).toEqual({
      terraform: {
        required_providers: { aws: { source: "aws", version: "5.100.0", configuration_aliases: ["aws.use1"] } },
      },
      resource: { aws_iam_role: {}, aws_iam_role_policy: {} },
    });
    const inCloud = {
      ...withAlias.config,
      "//": { metadata: { backend: "cloud" } },
      terraform: { ...withAlias.config.terraform, backend: undefined, cloud: { organization: "acme" } },
    };
    expect(childModule(inCloud)).toEqual(childModule(withAlias.config));
    expect(judgedContent(inCloud)).toEqual(judgedContent(withAlias.config));
    expect(judgedContent(withAlias.config)).toEqual({
      ...withAlias.config,
      terraform: { required_providers: withAlias.config.terraform!.required_providers },
    });
    expect(() => childModule({ ...plain.config, variable: { size: {} } })).toThrow(
      "variable 'size' has no default: the harness plans stacks without inputs",
    );
  });

  it("mocks every AWS provider configuration of the root, with a real-looking partition, region, and ARN for each used type", () => {
    const mockOf = (alias: string, region: string) =>
      [
        `mock_provider "aws" {`,
        `  alias = "${alias}"`,
        `  mock_data "aws_partition" {`,
        `    defaults = { partition = "aws", dns_suffix = "amazonaws.com" }`,
        `  }`,
        `  mock_data "aws_region" {`,
        `    defaults = { name = "${region}" }`,
        `  }`,
        `  mock_resource "aws_iam_role" {`,
        `    defaults = { arn = "arn:aws:iam:${region}:123456789012:aws_iam_role/mock" }`,
        `  }`,
        `  mock_resource "aws_iam_role_policy" {`,
        `    defaults = { arn = "arn:aws:iam:${region}:123456789012:aws_iam_role_policy/mock" }`,
        `  }`,
        `  mock_resource "aws_vpc" {`,
        `    defaults = { arn = "arn:aws:vpc:${region}:123456789012:aws_vpc/mock", id = "vpc-0123456789abcdef0" }`,
        `  }`,
        `}`,
      ].join("\n");
    expect(mockApplyTestFile([withAlias, plain])).toBe(
      `${mockOf("aws_0", "eu-west-1")}\n\n${mockOf("aws_1", "us-east-1")}\n\n` +
        `run "mock_apply" {\n  command = apply\n}\n`,
    );
  });
});

describe("one stack's share of a workspace's results", () => {
  const stacks = ["app", "net"];

  it("keeps the stack's own validate diagnostics and the root's, not another stack's", () => {
    const diagnostic = (severity: "error" | "warning", filename?: string) => ({
      severity,
      summary: `${severity} in ${filename}`,
      ...(filename ? { range: { filename } } : {}),
    });
    const result = {
      valid: false,
      error_count: 2,
      warning_count: 1,
      diagnostics: [
        diagnostic("error", "app/cdk.tf.json"),
        diagnostic("warning", "net/cdk.tf.json"),
        diagnostic("error"),
      ],
    };
    expect(stackValidateResult(result, stacks, "net")).toEqual({
      valid: false,
      error_count: 1,
      warning_count: 1,
      diagnostics: [diagnostic("warning", "net/cdk.tf.json"), diagnostic("error")],
    });
  });

  it("gives a stack its resource changes and configuration, addressed as in the stack", () => {
    const change = (module: string, name: string) => ({
      address: `module.${module}.aws_vpc.${name}`,
      module_address: `module.${module}`,
      mode: "managed" as const,
      type: "aws_vpc",
      name,
      change: { actions: ["create"], after: {} },
    });
    const netModule = {
      resources: [{ address: "aws_vpc.main", mode: "managed" as const, type: "aws_vpc", name: "main" }],
    };
    const planned = stackPlan(
      {
        format_version: "1.2",
        terraform_version: "1.11.4",
        resource_changes: [change("app", "other"), change("net", "main")],
        configuration: { root_module: { module_calls: { net: { module: netModule } } } },
      },
      "net",
    );
    expect(planned.resource_changes).toEqual([
      {
        address: "aws_vpc.main",
        mode: "managed",
        type: "aws_vpc",
        name: "main",
        change: { actions: ["create"], after: {} },
      },
    ]);
    expect(planned.configuration).toEqual({ root_module: netModule });
  });

  it("reads the run status of terraform test -json, and tells a stack's apply and teardown diagnostics apart", () => {
    const refused = (address: string) =>
      `{"type":"diagnostic","diagnostic":{"severity":"error","summary":"Instance cannot be destroyed","detail":"Resource ${address} has lifecycle.prevent_destroy set, but the plan calls for this resource to be destroyed.","address":"${address}"}}`;
    const run = parseTestOutput(
      [
        '{"type":"version","terraform":"1.11.4"}',
        '{"type":"diagnostic","diagnostic":{"severity":"error","summary":"Bad ARN","address":"module.app.aws_iam_role.x"}}',
        '{"type":"test_run","test_run":{"run":"mock_apply","progress":"complete","status":"fail"}}',
        '{"type":"test_file","test_file":{"progress":"teardown"}}',
        refused("module.net.aws_efs_file_system.data"),
        refused("module.app.aws_ebs_volume.data"),
        '{"type":"diagnostic","diagnostic":{"severity":"warning","summary":"Something else"}}',
      ].join("\n"),
    );
    // Only app's apply failed: net's resources raised nothing, so net passed.
    expect(stackMockApply(run, stacks, "net")).toEqual({
      runStatus: "pass",
      applyDiagnostics: [],
      teardownRefused: ["aws_efs_file_system.data"],
      teardownDiagnostics: ["warning: Something else"],
    });
    expect(stackMockApply(run, stacks, "app")).toEqual({
      runStatus: "fail",
      applyDiagnostics: ["error: Bad ARN"],
      teardownRefused: ["aws_ebs_volume.data"],
      teardownDiagnostics: ["warning: Something else"],
    });
  });
});

describe("offline stacks (stateful-ecs plan --offline)", () => {
  it("drop the backend and the Terraform Cloud block, and keep every AWS provider from calling AWS", () => {
    const config = {
      "//": { metadata: { backend: "cloud" } },
      terraform: { cloud: { organization: "acme", workspaces: { name: "app" } }, required_providers: {} },
      provider: { aws: [{ region: "eu-west-1" }, { region: "us-east-1", alias: "use1" }] },
      resource: { aws_iam_role: {} },
    };
    expect(offlineStack(config)).toEqual({
      terraform: { required_providers: {} },
      provider: {
        aws: [
          { region: "eu-west-1", ...offline },
          { region: "us-east-1", alias: "use1", ...offline },
        ],
      },
      resource: { aws_iam_role: {} },
    });
    expect(() => offlineStack({ provider: { aws: [{ profile: "prod" }] } })).toThrow("sets profile");
  });
});

describe("a folder shared by the test run", () => {
  it("is made once, then read by every caller; a failure to make it is thrown to the others", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "stateful-ecs-shared-"));
    const made: string[] = [];
    const make = (folder: string) => {
      made.push(folder);
      fs.mkdirSync(folder);
      fs.writeFileSync(path.join(folder, "file"), "content");
    };
    const first = sharedFolder(dir, "app", make, 1000);
    expect(sharedFolder(dir, "app", make, 1000)).toBe(first);
    expect(made).toHaveLength(1);
    expect(fs.readFileSync(path.join(first, "file"), "utf8")).toBe("content");
    expect(() =>
      sharedFolder(
        dir,
        "broken",
        () => {
          throw new Error("synth failed");
        },
        1000,
      ),
    ).toThrow("synth failed");
    // Another worker, which did not claim it, reads the failure instead of waiting out its time.
    expect(() => sharedFolder(dir, "broken", make, 60_000)).toThrow("synth failed");
  });
});

describe("harness environment", () => {
  it("runs terraform with dummy credentials and none of the caller's AWS, TF or Terraform Cloud settings", () => {
    const env = terraformEnv(
      { terraform: "terraform", terraformVersion: "1.11.4", cliConfigFile: "/tmp/rc" },
      {
        PATH: "/bin",
        AWS_PROFILE: "prod",
        AWS_SESSION_TOKEN: "t",
        TF_CLI_ARGS_plan: "-target=x",
        TF_DATA_DIR: "/d",
        TF_VAR_expected: "2",
        TF_REATTACH_PROVIDERS: "{}",
        TF_TOKEN_app_terraform_io: "secret",
        TF_CLOUD_ORGANIZATION: "acme",
      },
    );
    expect(env).toEqual({
      PATH: "/bin",
      TF_CLI_CONFIG_FILE: "/tmp/rc",
      TF_IN_AUTOMATION: "1",
      TF_INPUT: "0",
      CHECKPOINT_DISABLE: "1",
      AWS_ACCESS_KEY_ID: "AKIAOFFLINEPLANNING0",
      AWS_SECRET_ACCESS_KEY: "offline-planning-only",
      AWS_EC2_METADATA_DISABLED: "true",
      AWS_CONFIG_FILE: "/dev/null",
      AWS_SHARED_CREDENTIALS_FILE: "/dev/null",
    });
  });

  it("lets only commands that never configure the provider use the shared provider process", () => {
    const toolchain = { terraform: "terraform", terraformVersion: "1.11.4", sharedProvider: '{"aws":{}}' };
    const reattach = (command: string) => terraformEnv(toolchain, {}, command).TF_REATTACH_PROVIDERS;
    expect(["validate", "test", "show", "plan", "init"].map(reattach)).toEqual([
      '{"aws":{}}',
      '{"aws":{}}',
      '{"aws":{}}',
      undefined,
      undefined,
    ]);
  });

  it("refuses a stack whose AWS provider would read real credentials", () => {
    expect(() => assertOffline({ provider: { aws: [{ region: "eu-west-1", profile: "prod" }] } })).toThrow(
      "the AWS provider sets profile: an offline plan would read real credentials",
    );
    expect(() => assertOffline({ provider: { aws: [{ alias: "dr", assume_role: [{ role_arn: "x" }] }] } })).toThrow(
      "the AWS provider 'dr' sets assume_role",
    );
    expect(() => assertOffline(withAlias.config)).not.toThrow();
  });

  it("treats CI as set unless it is empty, 'false' or '0'", () => {
    expect([isCi({ CI: "true" }), isCi({ CI: "1" }), isCi({}), isCi({ CI: "false" }), isCi({ CI: "0" })]).toEqual([
      true,
      true,
      false,
      false,
      false,
    ]);
  });
});

const madeDirs: string[] = [];
afterAll(() => madeDirs.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));

/** Stacks synthesized together, as cdktf writes them (`stacks/<name>/cdk.tf.json`); returns their folders. */
function synthesized(stacks: Record<string, { resource: object; variable?: object }>): Record<string, string> {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), "harness-test-"));
  madeDirs.push(outdir);
  return Object.fromEntries(
    Object.entries(stacks).map(([name, { resource, variable }]) => {
      const dir = path.join(outdir, "stacks", name);
      fs.mkdirSync(dir, { recursive: true });
      // Terraform's built-in terraform_data and no provider: the harness's own logic is what is under test
      // here (the AWS provider's part is checked on the real stacks), and each AWS provider process costs
      // seconds of CPU.
      const config = { resource, ...(variable ? { variable } : {}) };
      fs.writeFileSync(path.join(dir, "cdk.tf.json"), JSON.stringify(config));
      return [name, dir];
    }),
  );
}

const thing = (settings: object = {}) => ({ terraform_data: { main: { input: "10.0.0.0/16", ...settings } } });

describeWithTerraform("harness on configs Terraform rejects", () => {
  it("validate reports an argument the resource does not have, in its own stack only", async () => {
    const dirs = synthesized({ bad: { resource: thing({ colour: "red" }) }, good: { resource: thing() } });
    const [bad, good] = await Promise.all([validate(dirs.bad), validate(dirs.good)]);
    expect(bad.valid).toBe(false);
    expect(bad.diagnostics).toEqual([
      expect.objectContaining({ severity: "error", summary: "Extraneous JSON object property" }),
    ]);
    expect(good).toEqual({ valid: true, error_count: 0, warning_count: 0, diagnostics: [] });
  });

  it("plan and mock apply fail when a resource's precondition fails", async () => {
    const { failing } = synthesized({
      failing: {
        resource: thing({
          lifecycle: { precondition: [{ condition: "${var.expected == 2}", error_message: "planned to fail" }] },
        }),
        variable: { expected: { type: "number", default: 1 } },
      },
    });
    await expect(plan(failing)).rejects.toThrow(/terraform plan .* exited 1[\s\S]*planned to fail/);
    const applied = await mockApply(failing);
    expect(applied.runStatus).toBe("error");
    expect(applied.applyDiagnostics.join("\n")).toContain("planned to fail");
  });

  it("plans and mock-applies stacks together, each seeing only its own resources and refusals", async () => {
    const dirs = synthesized({
      kept: { resource: thing({ lifecycle: { prevent_destroy: true } }) },
      other: { resource: thing() },
    });
    const [kept, other] = await Promise.all([plan(dirs.kept), plan(dirs.other)]);
    expect(kept.resource_changes?.map((change) => change.address)).toEqual(["terraform_data.main"]);
    expect(other.configuration?.root_module.resources?.map((resource) => resource.address)).toEqual([
      "terraform_data.main",
    ]);
    const [keptApply, otherApply] = await Promise.all([mockApply(dirs.kept), mockApply(dirs.other)]);
    expect(keptApply).toMatchObject({
      runStatus: "pass",
      applyDiagnostics: [],
      teardownRefused: ["terraform_data.main"],
    });
    expect(otherApply).toMatchObject({ runStatus: "pass", applyDiagnostics: [], teardownRefused: [] });
  });
});
