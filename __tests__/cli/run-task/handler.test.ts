import * as fs from "node:fs";
import * as path from "node:path";
import { MAX_REQUEST_BYTES, runTaskServer } from "../../../cli/run-task/handler";
import { exampleStacks } from "../../support/example-app";
import { FakeTerraformCloud, listenOnLoopback, postSigned } from "../../support/fake-terraform-cloud";
import { describeWithTerraform, plan } from "../../support/harness";

/**
 * The run task endpoint over real HTTP on loopback, against a fake Terraform Cloud: a server that serves
 * plan JSON behind a bearer token (redirecting to the download, as Terraform Cloud does) and records the
 * task result callbacks.
 */

const KEY = "run-task-hmac-key-for-tests";
const TOKEN = "atlasv1.the-runs-own-token";

const cloud = new FakeTerraformCloud(TOKEN);
const logged: string[] = [];
const endpoint = runTaskServer({ hmacKey: KEY, timeoutMs: 2000, attempts: 2, log: (line) => logged.push(line) });
let endpointUrl = "";

beforeAll(async () => {
  await cloud.start();
  endpointUrl = `${await listenOnLoopback(endpoint)}/`;
});

afterAll(async () => {
  await new Promise((resolve) => endpoint.close(resolve));
  await cloud.stop();
});

const request = cloud.taskRequest.bind(cloud);

/** POSTs `body` to the endpoint, signed with `key` (or with `signature` as given). */
function send(body: string | Buffer, options: { key?: string; signature?: string } = {}) {
  return postSigned(
    endpointUrl,
    body,
    options.signature === undefined ? { key: options.key ?? KEY } : { signature: options.signature },
  );
}

describe("the run task endpoint, over loopback against a fake Terraform Cloud", () => {
  it("fails a plan that replaces the EFS file system, with an outcome naming the address and performance_mode", async () => {
    cloud.plans.set(
      "efs-replaced",
      fs.readFileSync(path.join(__dirname, "..", "fixtures", "efs-replaced-plan.json"), "utf8"),
    );
    expect(await send(JSON.stringify(request("replaced", "efs-replaced")))).toEqual({
      status: 200,
      text: "accepted\n",
    });
    const callback = await cloud.callback("replaced");
    expect(callback).toMatchObject({ authorization: `Bearer ${TOKEN}`, contentType: "application/vnd.api+json" });
    expect(callback!.body.data.attributes.status).toBe("failed");
    expect(callback!.body.data.relationships!.outcomes.data[0].attributes).toMatchObject({
      "outcome-id": "data-safety/aws_efs_file_system.files",
      body: expect.stringContaining("`performance_mode`"),
      tags: { Severity: [{ label: "error", level: "error" }] },
    });
  });

  it("answers the verification request with 200 and sends no callback", async () => {
    expect(await send(JSON.stringify(request("verification", "none", { access_token: "test-token" })))).toEqual({
      status: 200,
      text: "ok\n",
    });
    expect(await cloud.callback("verification", 300)).toBeUndefined();
  });

  it("refuses a wrong signature with 401 and nothing else happens", async () => {
    const body = JSON.stringify(request("forged", "efs-replaced"));
    expect((await send(body, { key: "another-key" })).status).toBe(401);
    expect((await send(body, { signature: "" })).status).toBe(401);
    expect(await cloud.callback("forged", 300)).toBeUndefined();
  });

  it("fails the task, saying why, when the plan URL answers 500 or serves something that is not a plan", async () => {
    cloud.plans.set("garbage", "<html>not a plan</html>");
    await send(JSON.stringify(request("unreachable", "broken")));
    await send(JSON.stringify(request("unreadable", "garbage")));
    expect((await cloud.callback("unreachable"))?.body.data.attributes).toEqual({
      status: "failed",
      message: "stateful-ecs could not fetch the plan: the plan download answered HTTP 500",
    });
    expect((await cloud.callback("unreadable"))?.body.data.attributes).toEqual({
      status: "failed",
      message: expect.stringMatching(/^stateful-ecs could not read the plan: /),
    });
  });

  it("refuses an oversized body (413) and a malformed one (400), and keeps serving", async () => {
    expect((await send(Buffer.alloc(MAX_REQUEST_BYTES + 1, "a"))).status).toBe(413);
    expect(await send("{ not json")).toEqual({ status: 400, text: "the body is not JSON\n" });
    expect((await send(JSON.stringify(request("after", "none", { access_token: "test-token" })))).status).toBe(200);
  });

  it("passes other stages, which have no plan to review, saying so", async () => {
    await send(JSON.stringify(request("pre-plan", "none", { stage: "pre_plan", plan_json_api_url: undefined })));
    expect((await cloud.callback("pre-plan"))?.body.data.attributes).toEqual({
      status: "passed",
      message: "stateful-ecs reviews plans at post_plan; nothing to check at pre_plan",
    });
  });

  it("never logs the run's token nor the HMAC key", () => {
    expect(logged.length).toBeGreaterThan(0);
    expect(logged.filter((line) => line.includes(TOKEN) || line.includes(KEY))).toEqual([]);
  });
});

describeWithTerraform("the run task endpoint on the example stacks' plans", () => {
  it.each(exampleStacks().map((stack) => [stack.name, stack] as const))(
    "passes the clean plan of %s",
    async (name, stack) => {
      cloud.plans.set(`clean-${name}`, JSON.stringify(await plan(stack.dir)));
      await send(JSON.stringify(request(`clean-${name}`, `clean-${name}`)));
      const callback = await cloud.callback(`clean-${name}`);
      expect(callback?.body.data.attributes.status).toBe("passed");
    },
  );
});
