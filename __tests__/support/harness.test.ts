import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describeWithTerraform, isCi, mockApply, plan, validate } from "./harness";
import { assertOffline, mockApplyTestFile, offlineOverride, parseTestOutput, terraformEnv } from "./terraform";

const withAlias = {
  provider: { aws: [{ region: "eu-west-1" }, { region: "us-east-1", alias: "use1" }] },
  resource: { aws_iam_role: {}, aws_iam_role_policy: {} },
};

describe("harness files and environment", () => {
  it("overrides the backend with a local one and turns off AWS lookups for every AWS provider alias", () => {
    const offline = {
      skip_credentials_validation: true,
      skip_requesting_account_id: true,
      skip_metadata_api_check: true,
    };
    expect(offlineOverride(withAlias)).toEqual({
      terraform: { backend: { local: { path: "terraform.tfstate" } } },
      provider: { aws: [offline, { alias: "use1", ...offline }] },
    });
  });

  it("mocks every AWS provider alias, with a real-looking partition, region and ARN for each used type that has one", () => {
    const mockOf = (alias: string, region: string) =>
      [
        `mock_provider "aws" {`,
        ...(alias ? [`  alias = "${alias}"`] : []),
        `  mock_data "aws_partition" {`,
        `    defaults = { partition = "aws", dns_suffix = "amazonaws.com" }`,
        `  }`,
        `  mock_data "aws_region" {`,
        `    defaults = { name = "${region}" }`,
        `  }`,
        `  mock_resource "aws_iam_role" {`,
        `    defaults = { arn = "arn:aws:iam:${region}:123456789012:aws_iam_role/mock" }`,
        `  }`,
        `}`,
      ].join("\n");
    expect(mockApplyTestFile(withAlias, new Set(["aws_iam_role", "aws_vpc"]))).toBe(
      `${mockOf("", "eu-west-1")}\n\n${mockOf("use1", "us-east-1")}\n\nrun "mock_apply" {\n  command = apply\n}\n`,
    );
  });

  it("runs terraform with dummy credentials and none of the caller's AWS or TF redirections", () => {
    const env = terraformEnv(
      { terraform: "terraform", terraformVersion: "1.11.4", cliConfigFile: "/tmp/rc" },
      {
        PATH: "/bin",
        AWS_PROFILE: "prod",
        AWS_SESSION_TOKEN: "t",
        TF_CLI_ARGS_plan: "-target=x",
        TF_DATA_DIR: "/d",
        TF_VAR_expected: "2",
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

  it("reads the run status of terraform test -json, and tells apply diagnostics from teardown ones", () => {
    const lines = [
      '{"type":"version","terraform":"1.11.4"}',
      '{"type":"test_run","test_run":{"run":"mock_apply","progress":"complete","status":"pass"}}',
      '{"type":"test_file","test_file":{"progress":"teardown"}}',
      '{"type":"diagnostic","diagnostic":{"severity":"error","summary":"Instance cannot be destroyed","detail":"Resource aws_efs_file_system.data has lifecycle.prevent_destroy set, but the plan calls for this resource to be destroyed."}}',
      '{"type":"diagnostic","diagnostic":{"severity":"warning","summary":"Something else"}}',
      '{"type":"test_summary","test_summary":{"status":"error","passed":1,"failed":0,"errored":0,"skipped":0}}',
    ].join("\n");
    expect(parseTestOutput(lines)).toEqual({
      runStatus: "pass",
      applyDiagnostics: [],
      teardownRefused: ["aws_efs_file_system.data"],
      teardownDiagnostics: ["warning: Something else"],
    });
  });

  it("refuses a stack whose AWS provider would read real credentials", () => {
    expect(() => assertOffline({ provider: { aws: [{ region: "eu-west-1", profile: "prod" }] } })).toThrow(
      "the AWS provider sets profile: an offline plan would read real credentials",
    );
    expect(() => assertOffline({ provider: { aws: [{ alias: "dr", assume_role: [{ role_arn: "x" }] }] } })).toThrow(
      "the AWS provider 'dr' sets assume_role",
    );
    expect(() => assertOffline(withAlias)).not.toThrow();
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

/** A stack directory holding `resource`, with the AWS provider pinned as cdktf pins it. */
function stackDir(resource: object, variable: object = {}): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "harness-test-"));
  madeDirs.push(dir);
  const config = {
    terraform: { required_providers: { aws: { source: "aws", version: "5.100.0" } } },
    provider: { aws: [{ region: "eu-west-1" }] },
    resource,
    ...(Object.keys(variable).length > 0 ? { variable } : {}),
  };
  fs.writeFileSync(path.join(dir, "cdk.tf.json"), JSON.stringify(config));
  return dir;
}

describeWithTerraform("harness on configs Terraform rejects", () => {
  it("validate reports an argument the resource does not have", async () => {
    const result = await validate(stackDir({ aws_vpc: { main: { cidr_block: "10.0.0.0/16", colour: "red" } } }));
    expect(result.valid).toBe(false);
    expect(result.diagnostics).toEqual([
      expect.objectContaining({ severity: "error", summary: "Extraneous JSON object property" }),
    ]);
  });

  it("plan and mock apply fail when a resource's precondition fails", async () => {
    const failing = stackDir(
      {
        aws_vpc: {
          main: {
            cidr_block: "10.0.0.0/16",
            lifecycle: { precondition: [{ condition: "${var.expected == 2}", error_message: "planned to fail" }] },
          },
        },
      },
      { expected: { type: "number", default: 1 } },
    );
    await expect(plan(failing)).rejects.toThrow(/terraform plan .* exited 1[\s\S]*planned to fail/);
    const applied = await mockApply(failing);
    expect(applied.runStatus).toBe("error");
    expect(applied.applyDiagnostics.join("\n")).toContain("planned to fail");
  });
});
