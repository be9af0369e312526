import { hasValidSignature, readRequest, signatureOf } from "../../../cli/run-task/protocol";

/** A post_plan request of payload version 1, as Terraform Cloud sends it (HashiCorp's sample, shortened). */
const postPlan = {
  payload_version: 1,
  stage: "post_plan",
  access_token: "4QEuyyxug1f2rw.atlasv1.iDyxqhXGVZ0ykes53YdQyHyYtFOrdAWNBxcVUgWvzb64NFHjcquu8gaCp4b4",
  capabilities: { outcomes: true },
  is_speculative: false,
  organization_name: "hashicorp",
  plan_json_api_url: "https://app.terraform.io/api/v2/plans/plan-6AFmRJW1PFJ7qbAh/json-output",
  run_app_url: "https://app.terraform.io/app/hashicorp/my-workspace/runs/run-i3Df5to9ELvibKpQ",
  run_id: "run-i3Df5to9ELvibKpQ",
  task_result_callback_url:
    "https://app.terraform.io/api/v2/task-results/5ea8d46c-2ceb-42cd-83f2-82e54697bddd/callback",
  task_result_enforcement_level: "mandatory",
  task_result_id: "taskrs-2nH5dncYoXaMVQmJ",
  workspace_name: "my-workspace",
};
const body = (value: unknown) => Buffer.from(JSON.stringify(value));

describe("the run task signature (X-TFC-Task-Signature)", () => {
  it("is HMAC-SHA512 of the raw body in lowercase hex, as `openssl dgst -sha512 -hmac` prints it", () => {
    expect(signatureOf(Buffer.from("{}"), "secret")).toBe(
      "d6f1126a735b5a754f6e58434f170bdefdffada2c17f67d9bbd86d97669b94f80a92978665bf7ea423832b3f4f3856e2901a7c028e16c81efbb43298a1c00772",
    );
  });

  it("holds for the body and key it was made with, in either case of hex", () => {
    const signed = body(postPlan);
    const signature = signatureOf(signed, "k3y");
    expect(hasValidSignature(signed, signature, "k3y")).toBe(true);
    expect(hasValidSignature(signed, signature.toUpperCase(), "k3y")).toBe(true);
  });

  it.each<[string, string | string[] | undefined, string, Buffer?]>([
    ["another key", signatureOf(body(postPlan), "other"), "k3y"],
    [
      "a body changed after signing",
      signatureOf(body(postPlan), "k3y"),
      "k3y",
      body({ ...postPlan, stage: "pre_apply" }),
    ],
    ["no header", undefined, "k3y"],
    ["an empty header (a task without a key)", "", "k3y"],
    ["a header that is not 128 hex digits", "abc", "k3y"],
    ["the header given twice", [signatureOf(body(postPlan), "k3y")], "k3y"],
    ["an empty key", signatureOf(body(postPlan), ""), ""],
  ])("does not hold for %s", (_case, header, key, signed = body(postPlan)) => {
    expect(hasValidSignature(signed, header, key)).toBe(false);
  });
});

describe("reading a run task request", () => {
  it("takes the verification request Terraform Cloud sends when the task is created or tested", () => {
    expect(readRequest(body({ ...postPlan, access_token: "test-token" }))).toEqual({ kind: "verification" });
  });

  it("reads a post_plan task: stage, token, callback, plan URL, outcomes capability, run and workspace", () => {
    expect(readRequest(body(postPlan))).toEqual({
      kind: "task",
      request: {
        stage: "post_plan",
        accessToken: postPlan.access_token,
        callbackUrl: postPlan.task_result_callback_url,
        planJsonUrl: postPlan.plan_json_api_url,
        acceptsOutcomes: true,
        runId: "run-i3Df5to9ELvibKpQ",
        workspaceName: "my-workspace",
        runUrl: postPlan.run_app_url,
      },
    });
  });

  it("reads the capability under its older spelling too, and a pre_plan task without a plan URL", () => {
    const { capabilities: _capabilities, plan_json_api_url: _plan, ...prePlan } = postPlan;
    const read = readRequest(body({ ...prePlan, stage: "pre_plan", capabilitites: { outcomes: true } }));
    expect(read).toMatchObject({ kind: "task", request: { stage: "pre_plan", acceptsOutcomes: true } });
    expect(read.kind === "task" ? read.request.planJsonUrl : "not a task").toBeUndefined();
  });

  it.each<[string, Buffer, string]>([
    ["a body that is not JSON", Buffer.from("{"), "the body is not JSON"],
    ["a JSON array", body([postPlan]), "the body is not a JSON object"],
    ["another payload version", body({ ...postPlan, payload_version: 2 }), "payload_version 2 is not 1"],
    ["no access token", body({ ...postPlan, access_token: "" }), "access_token is missing"],
    [
      "a callback that is not an http(s) URL",
      body({ ...postPlan, task_result_callback_url: "file:///etc/passwd" }),
      "task_result_callback_url is not an http(s) URL",
    ],
    ["an unknown stage", body({ ...postPlan, stage: "post_apply_x" }), 'stage "post_apply_x" is not a run task stage'],
    [
      "a plan URL that is not an http(s) URL",
      body({ ...postPlan, plan_json_api_url: "ftp://example.com/plan" }),
      "plan_json_api_url is not an http(s) URL",
    ],
  ])("refuses %s, saying why", (_case, request, reason) => {
    expect(readRequest(request)).toEqual({ kind: "invalid", reason });
  });
});
