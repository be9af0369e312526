import { ChildProcess, fork } from "node:child_process";
import * as fs from "node:fs";
import * as http from "node:http";
import * as os from "node:os";
import * as path from "node:path";
import { HMAC_KEY_SECRET_ENV } from "../../../cli/run-task/lambda";
import { exampleStack } from "../../support/example-app";
import { FakeTerraformCloud, listenOnLoopback } from "../../support/fake-terraform-cloud";
import { functionUrlEvent } from "../../support/function-url-event";
import { unzip } from "../../support/unzip";

/**
 * The code the run-task stack deploys, run as Lambda would run it: the archive that the stack's
 * `aws_lambda_function.filename` names, unpacked and loaded by a stand-in runtime (a Node process that calls
 * `index.handler` for each event, with the AWS SDK on its path as the Node.js runtime provides it). The SDK
 * talks to a fake AWS on loopback (`AWS_ENDPOINT_URL`): Secrets Manager's GetSecretValue and Lambda's Invoke.
 */

const KEY = "run-task-hmac-key-for-the-bundle";
const TOKEN = "atlasv1.the-bundles-run-token";
const SECRET_ARN = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:run-task-hmac-key-abc123";
const FUNCTION_ARN = "arn:aws:lambda:eu-west-1:123456789012:function:run-task";
const REPO_ROOT = path.resolve(__dirname, "..", "..", "..");

/** A fake AWS endpoint: GetSecretValue answers the key, Invoke records the asynchronous invocations. */
class FakeAws {
  readonly secretReads: string[] = [];
  readonly invocations: Array<{ functionName: string; type?: string; payload: unknown }> = [];
  private readonly server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      const invocation = /^\/2015-03-31\/functions\/([^/]+)\/invocations$/.exec(request.url ?? "");
      if (request.headers["x-amz-target"] === "secretsmanager.GetSecretValue") {
        this.secretReads.push(JSON.parse(body).SecretId);
        response.writeHead(200, { "Content-Type": "application/x-amz-json-1.1" });
        response.end(JSON.stringify({ ARN: SECRET_ARN, Name: "run-task-hmac-key", SecretString: `${KEY}\n` }));
      } else if (invocation) {
        this.invocations.push({
          functionName: decodeURIComponent(invocation[1]),
          type: request.headers["x-amz-invocation-type"] as string | undefined,
          payload: JSON.parse(body),
        });
        response.writeHead(202);
        response.end();
      } else {
        response.writeHead(400);
        response.end();
      }
    });
  });
  url = "";

  async start(): Promise<void> {
    this.url = await listenOnLoopback(this.server);
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

/** The stand-in runtime's loop: each message is an event; the handler's result goes back. */
const RUNTIME = `const { handler } = require("./index.js");
process.on("message", async (event) => {
  const result = await handler(event, { invokedFunctionArn: ${JSON.stringify(FUNCTION_ARN)} });
  process.send({ result: result ?? null });
});
`;

const cloud = new FakeTerraformCloud(TOKEN);
const aws = new FakeAws();
let runtime: ChildProcess;
let runtimeOutput = "";
/** The files of the package the stack deploys. */
let packaged: Record<string, Buffer>;

beforeAll(async () => {
  await Promise.all([cloud.start(), aws.start()]);
  const stack = exampleStack("run-task");
  const filename = String(stack.config.resource!.aws_lambda_function.function.filename);
  const archive = path.join(stack.dir, filename.replace("${path.module}/", ""));
  const functionDir = fs.mkdtempSync(path.join(os.tmpdir(), "stateful-ecs-run-task-function-"));
  packaged = unzip(fs.readFileSync(archive));
  for (const [name, content] of Object.entries(packaged)) {
    fs.writeFileSync(path.join(functionDir, name), content);
  }
  fs.writeFileSync(path.join(functionDir, "runtime.js"), RUNTIME);
  // What the Node.js runtime provides beside the package: the AWS SDK (its own dependencies resolve from
  // where it really is), nothing else of the repository's node_modules.
  const runtimeModules = path.join(functionDir, "runtime-modules");
  fs.mkdirSync(runtimeModules);
  fs.symlinkSync(path.join(REPO_ROOT, "node_modules", "@aws-sdk"), path.join(runtimeModules, "@aws-sdk"));
  runtime = fork(path.join(functionDir, "runtime.js"), [], {
    cwd: functionDir,
    execArgv: [],
    stdio: ["ignore", "pipe", "pipe", "ipc"],
    env: {
      PATH: process.env.PATH,
      NODE_PATH: runtimeModules,
      AWS_ENDPOINT_URL: aws.url,
      AWS_REGION: "eu-west-1",
      AWS_ACCESS_KEY_ID: "AKIAFAKEFORTESTS",
      AWS_SECRET_ACCESS_KEY: "fake-secret-access-key",
      NODE_NO_WARNINGS: "1",
      [HMAC_KEY_SECRET_ENV]: SECRET_ARN,
    },
  });
  runtime.stdout!.on("data", (chunk: Buffer) => (runtimeOutput += chunk.toString()));
  runtime.stderr!.on("data", (chunk: Buffer) => (runtimeOutput += chunk.toString()));
});

afterAll(async () => {
  runtime?.kill();
  await Promise.all([cloud.stop(), aws.stop()]);
});

/** Sends `event` to the function and resolves to what its handler returned. */
function invoke(event: unknown): Promise<unknown> {
  return new Promise((resolve) => {
    runtime.once("message", (message: { result: unknown }) => resolve(message.result));
    runtime.send(event as object);
  });
}

describe("the packaged run task function, in a stand-in Lambda runtime against fake AWS and Terraform Cloud", () => {
  it("holds one file, index.js, which the runtime loads as index.handler", () => {
    expect(Object.keys(packaged)).toEqual(["index.js"]);
    expect(exampleStack("run-task").config.resource!.aws_lambda_function.function.handler).toBe("index.handler");
  });

  it("answers at once, invokes itself asynchronously, and the review sends the result: the whole path", async () => {
    cloud.plans.set(
      "efs-replaced",
      fs.readFileSync(path.join(__dirname, "..", "fixtures", "efs-replaced-plan.json"), "utf8"),
    );
    const request = functionUrlEvent(JSON.stringify(cloud.taskRequest("bundle-replaced", "efs-replaced")), KEY);
    expect(await invoke(request)).toEqual({
      statusCode: 200,
      headers: { "Content-Type": "text/plain; charset=utf-8" },
      body: "accepted\n",
    });
    expect(aws.secretReads).toEqual([SECRET_ARN]);
    expect(aws.invocations).toEqual([{ functionName: FUNCTION_ARN, type: "Event", payload: expect.any(Object) }]);

    expect(await invoke(aws.invocations[0].payload)).toBeNull();
    const callback = await cloud.callback("bundle-replaced");
    expect(callback?.body.data.attributes.status).toBe("failed");
    // One execution environment reads the key once.
    expect(aws.secretReads).toEqual([SECRET_ARN]);
    expect(runtimeOutput).not.toContain(TOKEN);
    expect(runtimeOutput).not.toContain(KEY);
  });
});
