import { DependencyGraph } from "../../analysis/dependency-graph";
import { HMAC_KEY_SECRET_ENV } from "../../cli/run-task/lambda";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { allowUrlInvocationsCommand } from "../../stacks/run-task";
import { runTaskHandlerPackage, zipOf } from "../../stacks/run-task-bundle";
import { exampleStack } from "../support/example-app";
import { onlyResource, parsePolicy, resources } from "../support/fixtures";
import { unzip } from "../support/unzip";
import { describeWithTerraform, plan } from "../support/harness";

const stack = exampleStack("run-task");
const only = (type: string) => onlyResource(stack, type);
const policyNamed = (name: string) =>
  parsePolicy(resources(stack, "aws_iam_role_policy").find((policy) => policy.name === name)!.policy);

describe("stack run-task", () => {
  const fn = only("aws_lambda_function");

  it("runs the bundled handler on Node.js 22 (arm64), with time for the downloads and callbacks it retries", () => {
    expect(fn).toMatchObject({
      function_name: "run-task",
      runtime: "nodejs22.x",
      architectures: ["arm64"],
      handler: "index.handler",
      filename: expect.stringMatching(/^\$\{path\.module\}\/assets\/handler\/\w+\/handler\.zip$/),
      source_code_hash: expect.stringMatching(/^\w{32}$/),
      timeout: 120,
    });
    expect(fn.filename).toContain(fn.source_code_hash);
  });

  it("names the key's secret in its environment, and holds the key nowhere: no secret version, no value", () => {
    expect(fn.environment).toEqual({
      variables: { [HMAC_KEY_SECRET_ENV]: "${aws_secretsmanager_secret.hmac-key.arn}" },
    });
    expect(stack.config.resource?.aws_secretsmanager_secret_version).toBeUndefined();
    expect(stack.json).not.toMatch(/secret_string|secret_binary/);
    expect(only("aws_secretsmanager_secret")).toMatchObject({ name_prefix: "run-task-hmac-key-" });
  });

  it("logs to /aws/lambda/<function>, kept 30 days", () => {
    const logGroup = only("aws_cloudwatch_log_group");
    expect(logGroup).toMatchObject({ name: "/aws/lambda/run-task", retention_in_days: 30 });
    expect(fn.logging_config).toEqual({
      log_format: "Text",
      log_group: expect.stringMatching(/^\$\{aws_cloudwatch_log_group\.logs_log-group_\w+\.name\}$/),
    });
  });

  it("gives the role exactly three rights: write its logs, read the key's secret, invoke this function", () => {
    expect(parsePolicy(only("aws_iam_role").assume_role_policy).Statement).toEqual([
      { Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" },
    ]);
    const statements = [
      ...policyNamed("write-logs-read-hmac-key").Statement,
      ...policyNamed("invoke-itself").Statement,
    ];
    expect(statements).toEqual([
      {
        Sid: "WriteLogs",
        Effect: "Allow",
        Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
        Resource: expect.stringMatching(/^\$\{aws_cloudwatch_log_group\.logs_log-group_\w+\.arn\}:\*$/),
      },
      {
        Sid: "ReadHmacKey",
        Effect: "Allow",
        Action: "secretsmanager:GetSecretValue",
        Resource: "${aws_secretsmanager_secret.hmac-key.arn}",
      },
      {
        Sid: "StartReview",
        Effect: "Allow",
        Action: "lambda:InvokeFunction",
        Resource: "${aws_lambda_function.function.arn}",
      },
    ]);
    expect(stack.config.resource?.aws_iam_role_policy_attachment).toBeUndefined();
  });

  it("does not retry a review invocation, nor run one older than the run's token", () => {
    expect(only("aws_lambda_function_event_invoke_config")).toMatchObject({
      maximum_retry_attempts: 0,
      maximum_event_age_in_seconds: 600,
    });
  });

  it("serves a public function URL, and opens no direct invocation to anyone: that statement is the documented command", () => {
    expect(only("aws_lambda_function_url")).toMatchObject({ authorization_type: "NONE" });
    expect(stack.config.resource?.aws_lambda_permission).toBeUndefined();
    expect(stack.config.output).toMatchObject({
      run_task_url: { value: "${aws_lambda_function_url.url.function_url}" },
      hmac_key_secret_arn: { value: "${aws_secretsmanager_secret.hmac-key.arn}" },
      allow_url_invocations_command: {
        value:
          "aws lambda add-permission --region eu-west-1 --function-name run-task --statement-id " +
          "FunctionURLAllowInvokeAction --action lambda:InvokeFunction --principal '*' --invoked-via-function-url",
      },
    });
    expect(allowUrlInvocationsCommand("prod-run-task", "us-east-1")).toContain(
      "--region us-east-1 --function-name prod-run-task ",
    );
  });
});

describe("the run task's deployment package", () => {
  const fn = only("aws_lambda_function");

  it("holds the bundle as index.js, hashed by its code, naming no path of the machine that built it", () => {
    const handlerPackage = runTaskHandlerPackage(fs.mkdtempSync(path.join(os.tmpdir(), "stateful-ecs-package-")));
    const files = unzip(fs.readFileSync(handlerPackage.path));
    expect(Object.keys(files)).toEqual(["index.js"]);
    expect(handlerPackage.codeHash).toBe(createHash("sha256").update(files["index.js"]).digest("hex").slice(0, 32));
    expect(fn.source_code_hash).toBe(handlerPackage.codeHash);
    const code = files["index.js"].toString("utf8");
    for (const machinePath of [path.resolve(__dirname, "..", ".."), os.tmpdir(), os.homedir()]) {
      expect(code).not.toContain(machinePath);
    }
  });

  it("records one file as zip readers expect: its CRC-32, mode 0644, the fixed date, made on Unix", () => {
    const archive = zipOf("a.txt", Buffer.from("The quick brown fox jumps over the lazy dog"));
    const central = archive.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));
    expect(archive.readUInt16LE(central + 4)).toBe(0x031e);
    expect(archive.readUInt32LE(central + 16)).toBe(0x414fa339); // the CRC-32 check value of that sentence
    expect(archive.readUInt16LE(central + 14)).toBe((1 << 5) | 1); // 1980-01-01
    expect(archive.readUInt32LE(central + 38) >>> 16).toBe(0o100644);
    expect(archive.toString("utf8", central + 46, central + 51)).toBe("a.txt");
  });
});

describeWithTerraform("stack run-task, planned offline", () => {
  let graph: DependencyGraph;
  beforeAll(async () => {
    graph = new DependencyGraph((await plan(stack.dir)).configuration?.root_module ?? {});
  });

  const address = (type: string) => `${type}.${Object.keys(stack.config.resource![type])[0]}`;

  it("creates the function after its log group (Lambda would make one, kept forever) and the policy to write there and read the key", () => {
    const before = graph.dependenciesOf(address("aws_lambda_function"));
    expect(before).toContain(address("aws_cloudwatch_log_group"));
    expect(before).toContain("aws_iam_role_policy.logs-and-key");
  });

  it("creates the URL, which Terraform Cloud calls, once the function may invoke itself and that review is never retried", () => {
    const before = graph.dependenciesOf(address("aws_lambda_function_url"));
    expect(before).toContain("aws_iam_role_policy.invoke-itself");
    expect(before).toContain(address("aws_lambda_function_event_invoke_config"));
  });
});
