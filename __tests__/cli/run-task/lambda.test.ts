import * as fs from "node:fs";
import * as path from "node:path";
import {
  KEY_REFRESH_MS,
  LambdaServices,
  MAX_LAMBDA_REQUEST_BYTES,
  ReviewEvent,
  lambdaHandler,
} from "../../../cli/run-task/lambda";
import { signatureOf } from "../../../cli/run-task/protocol";
import { FakeTerraformCloud } from "../../support/fake-terraform-cloud";
import { functionUrlEvent } from "../../support/function-url-event";

/**
 * The run task endpoint as a Lambda function (`cli/run-task/lambda.ts`), with fake AWS services, against a
 * fake Terraform Cloud on loopback: it answers at once and leaves the review to an asynchronous invocation
 * of itself, which checks the signature again. The packaged bundle is run in `lambda-bundle.test.ts`.
 */

const KEY = "run-task-hmac-key-for-lambda-tests";
const TOKEN = "atlasv1.the-lambda-runs-token";
const FUNCTION_ARN = "arn:aws:lambda:eu-west-1:123456789012:function:run-task";
const EFS_REPLACED_PLAN = path.join(__dirname, "..", "fixtures", "efs-replaced-plan.json");

const cloud = new FakeTerraformCloud(TOKEN);
beforeAll(() => cloud.start());
afterAll(() => cloud.stop());

/** Fake AWS services: the key (or a failure), and every asynchronous invocation. */
class FakeAws implements LambdaServices {
  key = KEY;
  keyReads = 0;
  keyFailure?: Error;
  invokeFailure?: Error;
  readonly invocations: Array<{ functionArn: string; event: ReviewEvent }> = [];

  async hmacKey(): Promise<string> {
    this.keyReads++;
    if (this.keyFailure) throw this.keyFailure;
    return this.key;
  }

  async invokeAsync(functionArn: string, event: ReviewEvent): Promise<void> {
    if (this.invokeFailure) throw this.invokeFailure;
    this.invocations.push({ functionArn, event });
  }
}

function setUp() {
  const aws = new FakeAws();
  const logged: string[] = [];
  const clock = { now: 1_000_000 };
  const handler = lambdaHandler(aws, {
    timeoutMs: 2000,
    attempts: 2,
    log: (line) => logged.push(line),
    now: () => clock.now,
  });
  const invoke = (event: unknown) => handler(event, { invokedFunctionArn: FUNCTION_ARN });
  return { aws, logged, invoke, clock };
}

/** A function URL request (payload format 2.0) carrying `body`, signed with `key` unless `signature` is given. */
const urlEvent = (
  body: string | Buffer,
  options: { key?: string; signature?: string; method?: string; base64?: boolean } = {},
) => functionUrlEvent(body, options.key ?? KEY, options);

const reply = (statusCode: number, body: string) => ({
  statusCode,
  headers: { "Content-Type": "text/plain; charset=utf-8" },
  body,
});

describe("the run task Lambda handler", () => {
  it("answers a signed task with 200 at once and hands the request, as signed, to an invocation of itself", async () => {
    const { aws, invoke } = setUp();
    cloud.plans.set("efs-replaced", fs.readFileSync(EFS_REPLACED_PLAN, "utf8"));
    const body = JSON.stringify(cloud.taskRequest("lambda-replaced", "efs-replaced"));
    expect(await invoke(urlEvent(body))).toEqual(reply(200, "accepted\n"));
    expect(await cloud.callback("lambda-replaced", 200)).toBeUndefined();
    expect(aws.invocations).toEqual([
      {
        functionArn: FUNCTION_ARN,
        event: {
          statefulEcsReview: {
            body: Buffer.from(body).toString("base64"),
            signature: signatureOf(Buffer.from(body), KEY),
          },
        },
      },
    ]);

    expect(await invoke(aws.invocations[0].event)).toBeUndefined();
    const callback = await cloud.callback("lambda-replaced");
    expect(callback).toMatchObject({ authorization: `Bearer ${TOKEN}`, contentType: "application/vnd.api+json" });
    expect(callback!.body.data.attributes.status).toBe("failed");
    expect(callback!.body.data.relationships!.outcomes.data[0].attributes["outcome-id"]).toBe(
      "data-safety/aws_efs_file_system.files",
    );
  });

  it("reads a body that the function URL passes in base64", async () => {
    const { aws, invoke } = setUp();
    const body = JSON.stringify(cloud.taskRequest("lambda-base64", "efs-replaced"));
    expect(await invoke(urlEvent(body, { base64: true }))).toEqual(reply(200, "accepted\n"));
    expect(aws.invocations).toHaveLength(1);
  });

  it("answers the verification request with 200, starting no review", async () => {
    const { aws, invoke } = setUp();
    const body = JSON.stringify(cloud.taskRequest("lambda-verify", "none", { access_token: "test-token" }));
    expect(await invoke(urlEvent(body))).toEqual(reply(200, "ok\n"));
    expect(aws.invocations).toEqual([]);
  });

  it("refuses a wrong signature (401), another method (405), an oversized (413) or malformed (400) body", async () => {
    const { aws, invoke } = setUp();
    const body = JSON.stringify(cloud.taskRequest("lambda-forged", "efs-replaced"));
    expect(await invoke(urlEvent(body, { key: "another-key" }))).toEqual(reply(401, "signature does not match\n"));
    expect(await invoke(urlEvent(body, { signature: "" }))).toEqual(reply(401, "signature does not match\n"));
    expect(await invoke(urlEvent(body, { method: "GET" }))).toEqual(reply(405, "POST only\n"));
    // The review event carries the body in base64: it must fit Lambda's asynchronous payload limit.
    expect((await invoke(urlEvent(Buffer.alloc(MAX_LAMBDA_REQUEST_BYTES + 1, "a"))))?.statusCode).toBe(413);
    expect(await invoke(urlEvent("{ not json"))).toEqual(reply(400, "the body is not JSON\n"));
    expect(aws.invocations).toEqual([]);
  });

  it("does nothing for a review event whose signature does not hold: only a signed request starts work", async () => {
    const { logged, invoke } = setUp();
    const body = Buffer.from(JSON.stringify(cloud.taskRequest("lambda-forged-review", "efs-replaced")));
    const forged = {
      statefulEcsReview: { body: body.toString("base64"), signature: signatureOf(body, "not-the-key") },
    };
    expect(await invoke(forged)).toBeUndefined();
    expect(await cloud.callback("lambda-forged-review", 300)).toBeUndefined();
    expect(logged).toEqual(["ignored a review event: 401 signature does not match"]);
  });

  it("reads the key once per execution environment, and again after a failure (503 meanwhile)", async () => {
    const { aws, logged, invoke } = setUp();
    const body = JSON.stringify(cloud.taskRequest("lambda-key", "none", { access_token: "test-token" }));
    aws.keyFailure = new Error("the secret has no value yet");
    expect(await invoke(urlEvent(body))).toEqual(reply(503, "the endpoint cannot read its HMAC key\n"));
    expect(logged[0]).toBe("cannot read the HMAC key: the secret has no value yet");
    aws.keyFailure = undefined;
    expect((await invoke(urlEvent(body)))?.statusCode).toBe(200);
    expect((await invoke(urlEvent(body)))?.statusCode).toBe(200);
    expect(aws.keyReads).toBe(2);
  });

  it("reads a rotated key when a signature fails with a key read over a minute ago, not sooner", async () => {
    const { aws, invoke, clock } = setUp();
    const body = JSON.stringify(cloud.taskRequest("lambda-rotated", "none", { access_token: "test-token" }));
    expect((await invoke(urlEvent(body)))?.statusCode).toBe(200);
    aws.key = "the-rotated-key";
    clock.now += KEY_REFRESH_MS - 1;
    expect((await invoke(urlEvent(body, { key: "the-rotated-key" })))?.statusCode).toBe(401);
    expect(aws.keyReads).toBe(1);
    clock.now += 1;
    expect((await invoke(urlEvent(body, { key: "the-rotated-key" })))?.statusCode).toBe(200);
    expect((await invoke(urlEvent(body, { key: "a-forged-key" })))?.statusCode).toBe(401);
    expect(aws.keyReads).toBe(2);
  });

  it("answers 500 when the review cannot be started, so Terraform Cloud does not wait for a result", async () => {
    const { aws, logged, invoke } = setUp();
    aws.invokeFailure = new Error("AccessDeniedException");
    const body = JSON.stringify(cloud.taskRequest("lambda-no-invoke", "efs-replaced"));
    expect(await invoke(urlEvent(body))).toEqual(reply(500, "the review could not be started\n"));
    expect(logged).toContain("run run-lambda-no-invoke: cannot start the review: AccessDeniedException");
  });

  it("ignores, logging it, an event that is neither a function URL request nor a review", async () => {
    const { logged, invoke } = setUp();
    for (const event of [null, "text", {}, { statefulEcsReview: { body: 1 } }])
      expect(await invoke(event)).toBeUndefined();
    expect(logged).toEqual(Array(4).fill("ignored an event that is neither a function URL request nor a review"));
  });

  it("never logs the run's token nor the HMAC key", async () => {
    const { aws, logged, invoke } = setUp();
    const body = JSON.stringify(cloud.taskRequest("lambda-logs", "broken"));
    await invoke(urlEvent(body));
    await invoke(aws.invocations[0].event);
    expect((await cloud.callback("lambda-logs"))?.body.data.attributes.status).toBe("failed");
    expect(logged.length).toBeGreaterThan(0);
    expect(logged.filter((line) => line.includes(TOKEN) || line.includes(KEY))).toEqual([]);
  });
});
