import { createHmac, timingSafeEqual } from "node:crypto";

/**
 * The Terraform Cloud (HCP Terraform) run task protocol, payload version 1, as HashiCorp documents it
 * ("Run tasks integration" API; `hashicorp/terraform-run-task-scaffolding-go`): Terraform Cloud POSTs a JSON
 * request signed in `X-TFC-Task-Signature` (HMAC-SHA512 of the raw body with the task's HMAC key, lowercase
 * hex), expects 200 at once, and waits (up to 10 minutes without news) for a PATCH of the task result to
 * `task_result_callback_url`, authorized by the request's `access_token` (valid about 10 minutes).
 */

/** The access token of the request Terraform Cloud sends when a run task is created or tested. */
export const VERIFICATION_TOKEN = "test-token";

export type RunTaskStage = "pre_plan" | "post_plan" | "pre_apply" | "post_apply";
const STAGES: readonly string[] = ["pre_plan", "post_plan", "pre_apply", "post_apply"] satisfies RunTaskStage[];

/** The fields of a payload version 1 request that the handler reads. */
export interface RunTaskRequest {
  readonly stage: RunTaskStage;
  /** Authorizes the plan download and the callback; never logged. */
  readonly accessToken: string;
  /** Where the result goes (`.../task-results/<id>/callback`). */
  readonly callbackUrl: string;
  /** The plan as `terraform show -json` prints it; sent from `post_plan` on. */
  readonly planJsonUrl?: string;
  /** Whether Terraform Cloud takes detailed outcomes (`capabilities.outcomes`). */
  readonly acceptsOutcomes: boolean;
  /** For messages: the run, its workspace, its page. */
  readonly runId: string;
  readonly workspaceName: string;
  readonly runUrl?: string;
}

/** What a request asks for, once its signature holds. */
export type ReadRequest =
  | { readonly kind: "verification" }
  | { readonly kind: "task"; readonly request: RunTaskRequest }
  | { readonly kind: "invalid"; readonly reason: string };

/** The signature Terraform Cloud sends for `body` with `key`: HMAC-SHA512, lowercase hex. */
export function signatureOf(body: Buffer, key: string): string {
  return createHmac("sha512", key).update(body).digest("hex");
}

/**
 * Whether `header` is the signature of `body` with `key`, compared in constant time. A missing or
 * malformed header, and an empty key, never match.
 */
export function hasValidSignature(body: Buffer, header: string | string[] | undefined, key: string): boolean {
  if (key === "" || typeof header !== "string" || !/^[0-9a-f]{128}$/i.test(header)) return false;
  const expected = Buffer.from(signatureOf(body, key), "hex");
  return timingSafeEqual(expected, Buffer.from(header, "hex"));
}

/** A JSON object (not an array, not null). */
export const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);
const text = (value: unknown): string | undefined => (typeof value === "string" && value !== "" ? value : undefined);

/** Reads a signed request body: the verification request, a task of a stage, or why it cannot be one. */
export function readRequest(body: Buffer): ReadRequest {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString("utf8"));
  } catch {
    return { kind: "invalid", reason: "the body is not JSON" };
  }
  if (!isObject(parsed)) return { kind: "invalid", reason: "the body is not a JSON object" };
  if (parsed.payload_version !== 1) {
    return { kind: "invalid", reason: `payload_version ${JSON.stringify(parsed.payload_version)} is not 1` };
  }
  if (parsed.access_token === VERIFICATION_TOKEN) return { kind: "verification" };
  const accessToken = text(parsed.access_token);
  const callbackUrl = text(parsed.task_result_callback_url);
  const stage = text(parsed.stage);
  if (!accessToken) return { kind: "invalid", reason: "access_token is missing" };
  if (!callbackUrl || !/^https?:\/\//.test(callbackUrl)) {
    return { kind: "invalid", reason: "task_result_callback_url is not an http(s) URL" };
  }
  if (!stage || !STAGES.includes(stage))
    return { kind: "invalid", reason: `stage ${JSON.stringify(parsed.stage)} is not a run task stage` };
  const planJsonUrl = text(parsed.plan_json_api_url);
  if (planJsonUrl !== undefined && !/^https?:\/\//.test(planJsonUrl)) {
    return { kind: "invalid", reason: "plan_json_api_url is not an http(s) URL" };
  }
  // Older documentation and go-tfe spell it `capabilitites`.
  const capabilities = parsed.capabilities ?? parsed.capabilitites;
  return {
    kind: "task",
    request: {
      stage: stage as RunTaskStage,
      accessToken,
      callbackUrl,
      ...(planJsonUrl ? { planJsonUrl } : {}),
      acceptsOutcomes: isObject(capabilities) && capabilities.outcomes === true,
      runId: text(parsed.run_id) ?? "an unnamed run",
      workspaceName: text(parsed.workspace_name) ?? "an unnamed workspace",
      ...(text(parsed.run_app_url) ? { runUrl: text(parsed.run_app_url) } : {}),
    },
  };
}
