import { App, AssetType, TerraformAsset, TerraformOutput } from "cdktf";
import { Construct } from "constructs";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { LambdaFunction } from "@cdktf/provider-aws/lib/lambda-function";
import { LambdaFunctionEventInvokeConfig } from "@cdktf/provider-aws/lib/lambda-function-event-invoke-config";
import { LambdaFunctionUrl } from "@cdktf/provider-aws/lib/lambda-function-url";
import { SecretsmanagerSecret } from "@cdktf/provider-aws/lib/secretsmanager-secret";
import { HMAC_KEY_SECRET_ENV } from "../cli/run-task/lambda";
import { assumedBy, policyJson } from "../modules/core/iam";
import { ContainerLogs } from "../modules/ecs";
import { ExampleStack, ExampleStackProps } from "./example-stack";
import { runTaskHandlerPackage } from "./run-task-bundle";

/** The longest a review may run: the plan download and the callback, each up to 3 attempts of 10 s. */
const FUNCTION_TIMEOUT_SECONDS = 120;

/**
 * The plan review as a Terraform Cloud run task: the handler of `cli/run-task` as a Lambda function behind a
 * public function URL (Terraform Cloud cannot sign AWS requests: the run task's HMAC signature is what
 * authenticates a caller, checked before any work). It answers at once and reviews the plan in an
 * asynchronous invocation of itself. The HMAC key lives in Secrets Manager and is put there by hand (README:
 * "On AWS Lambda: the run-task stack"), so it is in neither the code nor the Terraform state; the function
 * reads it at its first request, and again after a rotation. The role may write the function's logs (kept
 * 30 days), read that one secret and invoke that one function, nothing else.
 */
export class RunTaskStack extends ExampleStack {
  public readonly function: LambdaFunction;
  public readonly url: LambdaFunctionUrl;
  public readonly hmacKey: SecretsmanagerSecret;

  constructor(scope: Construct, id: string, props: ExampleStackProps) {
    super(scope, id, props);
    const handlerPackage = runTaskHandlerPackage(App.of(this).outdir);
    const code = new TerraformAsset(this, "handler", {
      path: handlerPackage.path,
      type: AssetType.FILE,
      assetHash: handlerPackage.codeHash,
    });

    this.hmacKey = new SecretsmanagerSecret(this, "hmac-key", {
      // A prefix: a destroyed secret keeps its name for its recovery window, and must not block a new stack.
      namePrefix: `${id}-hmac-key-`,
      description: "The HMAC key of the stateful-ecs run task in Terraform Cloud; put the value by hand",
      // No prevent_destroy, like every example stack's data: a destroyed secret stays recoverable for 30
      // days (`aws secretsmanager restore-secret`), and a new key is one put-secret-value and a run task edit.
      recoveryWindowInDays: 30,
      // The prefix is read at creation only: a renamed stack keeps its secret, and the key put there.
      lifecycle: { ignoreChanges: ["name", "name_prefix"] },
    });
    // Lambda would create `/aws/lambda/<name>` on first use, kept forever: made here first, with a retention.
    const logs = new ContainerLogs(this, "logs", { logGroupName: `/aws/lambda/${id}`, retentionInDays: 30 });
    const role = new IamRole(this, "role", {
      name: `${id}-function`,
      assumeRolePolicy: assumedBy("lambda.amazonaws.com"),
    });
    const logsAndKey = new IamRolePolicy(this, "logs-and-key", {
      role: role.name,
      name: "write-logs-read-hmac-key",
      policy: policyJson([
        {
          Sid: "WriteLogs",
          Effect: "Allow",
          Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
          Resource: `${logs.logGroup.arn}:*`,
        },
        { Sid: "ReadHmacKey", Effect: "Allow", Action: "secretsmanager:GetSecretValue", Resource: this.hmacKey.arn },
      ]),
    });

    this.function = new LambdaFunction(this, "function", {
      functionName: id,
      description: "stateful-ecs plan review, as a Terraform Cloud run task",
      role: role.arn,
      runtime: "nodejs22.x",
      architectures: ["arm64"],
      handler: "index.handler",
      // Relative to the module, so the stack works as a module of another configuration too.
      filename: `\${path.module}/${code.path}`,
      // Any value that changes with the code triggers the update (the provider keeps AWS's hash in code_sha256).
      sourceCodeHash: code.assetHash,
      memorySize: 512,
      timeout: FUNCTION_TIMEOUT_SECONDS,
      environment: { variables: { [HMAC_KEY_SECRET_ENV]: this.hmacKey.arn } },
      loggingConfig: { logFormat: "Text", logGroup: logs.logGroup.name },
      dependsOn: [logs.logGroup, logsAndKey],
    });
    const invokeItself = new IamRolePolicy(this, "invoke-itself", {
      role: role.name,
      name: "invoke-itself",
      policy: policyJson([
        { Sid: "StartReview", Effect: "Allow", Action: "lambda:InvokeFunction", Resource: this.function.arn },
      ]),
    });
    // The review retries its own downloads and callbacks; a retried invocation could send a second result.
    const reviewInvocations = new LambdaFunctionEventInvokeConfig(this, "review-invocations", {
      functionName: this.function.functionName,
      maximumRetryAttempts: 0,
      // Terraform Cloud's token lasts about 10 minutes: an older review could not send its result anyway.
      maximumEventAgeInSeconds: 600,
    });

    this.url = new LambdaFunctionUrl(this, "url", {
      functionName: this.function.functionName,
      authorizationType: "NONE",
      // The URL is what Terraform Cloud calls: it exists once a request can be reviewed, never twice.
      dependsOn: [invokeItself, reviewInvocations],
    });

    new TerraformOutput(this, "run_task_url", {
      value: this.url.functionUrl,
      description: "The endpoint URL to register in Terraform Cloud (organization settings, run tasks)",
    });
    new TerraformOutput(this, "allow_url_invocations_command", {
      value: allowUrlInvocationsCommand(id, props.region),
      description: "Run once after the first apply: the function URL answers 403 until then",
    });
    new TerraformOutput(this, "hmac_key_secret_arn", {
      value: this.hmacKey.arn,
      description: "Put the run task's HMAC key here: aws secretsmanager put-secret-value --secret-id <arn>",
    });
  }
}

/**
 * Since October 2025 a function URL with auth type NONE needs, besides the `lambda:InvokeFunctionUrl`
 * statement that the provider adds with the URL, a `lambda:InvokeFunction` statement for everyone limited to
 * calls through the URL (`lambda:InvokedViaFunctionUrl`). AWS provider 5.100.0 cannot write that condition
 * (`invoked_via_function_url` came in 6.28.0), Lambda refuses `FunctionUrlAuthType` on `InvokeFunction`, and
 * a statement without the condition would let any AWS account invoke the function directly: the AWS CLI
 * (2.31 or later) adds it, once.
 */
export function allowUrlInvocationsCommand(functionName: string, region: string): string {
  return [
    "aws lambda add-permission",
    `--region ${region}`,
    `--function-name ${functionName}`,
    "--statement-id FunctionURLAllowInvokeAction",
    "--action lambda:InvokeFunction",
    "--principal '*'",
    "--invoked-via-function-url",
  ].join(" ");
}
