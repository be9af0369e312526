import * as http from "node:http";
import { reviewPlanText } from "../review/command";
import { RunTaskRequest, hasValidSignature, readRequest } from "./protocol";
import { TaskResultBody, plainResult, reviewResult } from "./task-result";

/**
 * The run task endpoint: checks the signature, answers 200 at once, then reviews the plan and sends the
 * result to Terraform Cloud. Plain Node `http`; the Lambda adapter and `stateful-ecs run-task serve` share it.
 */

/** Requests larger than this are refused unread: a run task request is a few kilobytes. */
export const MAX_REQUEST_BYTES = 1024 * 1024;
/** The header that carries the request's signature, as Node and Lambda function URLs name it (lowercase). */
export const SIGNATURE_HEADER = "x-tfc-task-signature";

/** How a review fetches the plan and sends the result. */
export interface ReviewOptions {
  /**
   * How long one plan download or one callback may take, in milliseconds.
   * @default 10000
   */
  readonly timeoutMs?: number;
  /**
   * Attempts of the plan download and of the callback, when the network or the server fails.
   * @default 3
   */
  readonly attempts?: number;
  /**
   * Where the handler says what it did: never a token nor the key.
   * @default - standard error
   */
  readonly log?: (line: string) => void;
}

export interface RunTaskOptions extends ReviewOptions {
  /** The HMAC key the run task was registered with in Terraform Cloud. */
  readonly hmacKey: string;
}

/** What the endpoint answers a request, before any work on the plan. */
export interface Answer {
  readonly status: number;
  readonly body: string;
  /** The work to do after answering: review the plan and send the result. */
  readonly task?: RunTaskRequest;
}

/** The answer to a request body with its signature header: 401, 400, or 200 (with the task to run). */
export function answer(body: Buffer, signature: string | string[] | undefined, key: string): Answer {
  if (!hasValidSignature(body, signature, key)) return { status: 401, body: "signature does not match\n" };
  const read = readRequest(body);
  if (read.kind === "invalid") return { status: 400, body: `${read.reason}\n` };
  if (read.kind === "verification") return { status: 200, body: "ok\n" };
  return { status: 200, body: "accepted\n", task: read.request };
}

/** An HTTP server of the run task endpoint (any path, POST only). */
export function runTaskServer(options: RunTaskOptions): http.Server {
  const log = logOf(options);
  return http.createServer((request, response) => {
    const reply = (status: number, text: string) => {
      response.writeHead(status, { "Content-Type": "text/plain; charset=utf-8" });
      response.end(text);
    };
    if (request.method !== "POST") return reply(405, "POST only\n");
    const chunks: Buffer[] = [];
    let size = 0;
    request.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_REQUEST_BYTES) {
        reply(413, `larger than ${MAX_REQUEST_BYTES} bytes\n`);
        request.destroy();
      } else chunks.push(chunk);
    });
    request.on("error", () => undefined);
    request.on("end", () => {
      if (size > MAX_REQUEST_BYTES) return;
      const result = answer(Buffer.concat(chunks), request.headers[SIGNATURE_HEADER], options.hmacKey);
      reply(result.status, result.body);
      if (result.status !== 200) log(`refused a request: ${result.status} ${result.body.trim()}`);
      if (result.task) {
        const task = result.task;
        runTask(task, options).catch((error) => log(`run ${task.runId}: ${(error as Error).message}`));
      }
    });
  });
}

/**
 * Reviews the plan of a `post_plan` task and sends the result: `failed` with the reason when the plan cannot
 * be fetched or read. Other stages have no plan to review: they pass, saying so.
 */
export async function runTask(task: RunTaskRequest, options: ReviewOptions): Promise<TaskResultBody> {
  const log = logOf(options);
  const result = await taskResult(task, options);
  await withAttempts(options, async (signal) => {
    const response = await fetch(task.callbackUrl, {
      method: "PATCH",
      headers: { Authorization: `Bearer ${task.accessToken}`, "Content-Type": "application/vnd.api+json" },
      body: JSON.stringify(result),
      signal,
    });
    if (!response.ok) throw new HttpError(response.status, "the callback");
  });
  log(`run ${task.runId} (${task.workspaceName}): ${result.data.attributes.status}: ${result.data.attributes.message}`);
  return result;
}

async function taskResult(task: RunTaskRequest, options: ReviewOptions): Promise<TaskResultBody> {
  if (task.stage !== "post_plan" || !task.planJsonUrl) {
    return plainResult("passed", `stateful-ecs reviews plans at post_plan; nothing to check at ${task.stage}`);
  }
  const url = task.planJsonUrl;
  let text: string;
  try {
    text = await withAttempts(options, async (signal) => {
      // fetch follows the redirect to the download; it drops the token when the redirect leaves the host.
      const response = await fetch(url, { headers: { Authorization: `Bearer ${task.accessToken}` }, signal });
      if (response.status !== 200) throw new HttpError(response.status, "the plan download");
      return response.text();
    });
  } catch (error) {
    return plainResult("failed", `stateful-ecs could not fetch the plan: ${(error as Error).message}`);
  }
  const read = reviewPlanText(text);
  if ("unreadable" in read) return plainResult("failed", `stateful-ecs could not read the plan: ${read.unreadable}`);
  return reviewResult(read.review, task.acceptsOutcomes);
}

/** Where the handler says what it did: `options.log`, else standard error. */
function logOf(options: ReviewOptions): (line: string) => void {
  return options.log ?? ((line) => process.stderr.write(`${line}\n`));
}

/** An HTTP status that is not the one expected; 5xx and 429 are worth another attempt. */
class HttpError extends Error {
  constructor(
    readonly status: number,
    what: string,
  ) {
    super(`${what} answered HTTP ${status}`);
  }
  get retryable(): boolean {
    return this.status >= 500 || this.status === 429;
  }
}

/** Runs `work` with a time-out, up to `attempts` times while it fails for a reason worth retrying. */
async function withAttempts<T>(options: ReviewOptions, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const attempts = options.attempts ?? 3;
  let last: unknown;
  for (let attempt = 1; attempt <= attempts; attempt++) {
    try {
      return await work(AbortSignal.timeout(options.timeoutMs ?? 10_000));
    } catch (error) {
      last = error;
      if (error instanceof HttpError && !error.retryable) break;
      if (attempt < attempts) await new Promise((resolve) => setTimeout(resolve, 100 * attempt));
    }
  }
  throw last instanceof HttpError ? last : new Error(`the request failed: ${describe(last)}`);
}

/** A network error in words, without the URL (which may carry a signed download's credentials). */
function describe(error: unknown): string {
  if (error instanceof Error && error.name === "TimeoutError") return "it timed out";
  const cause = error instanceof Error && error.cause instanceof Error ? error.cause.message : undefined;
  return cause ?? (error instanceof Error ? error.message : String(error));
}
