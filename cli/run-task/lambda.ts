import { Answer, ReviewOptions, SIGNATURE_HEADER, answer, runTask } from "./handler";
import { isObject } from "./protocol";

/**
 * The run task endpoint as an AWS Lambda function behind a function URL. Lambda freezes a function once it
 * returns, so work left running after the answer would stall until the next request: the function answers
 * Terraform Cloud at once and hands the review to an asynchronous invocation of itself (`InvocationType:
 * Event`), which carries the request exactly as signed and checks the signature again before any work, so
 * an invocation that did not come through a signed request does nothing.
 */

/** The function's environment variable that names the Secrets Manager secret holding the HMAC key. */
export const HMAC_KEY_SECRET_ENV = "STATEFUL_ECS_RUN_TASK_HMAC_KEY_SECRET_ARN";

/**
 * Requests larger than this are refused (413): the review event carries the body in base64, and Lambda
 * takes at most 256 KB in an asynchronous invocation (1 MB in some regions since 2025). A run task request is
 * a few kilobytes.
 */
export const MAX_LAMBDA_REQUEST_BYTES = 128 * 1024;

/** A signature that does not hold with the key read at least this long ago reads the key again (rotation). */
export const KEY_REFRESH_MS = 60_000;

/** How the handler reviews (time-outs, attempts, log), and its clock. */
export interface LambdaHandlerOptions extends ReviewOptions {
  /**
   * The clock, in milliseconds.
   * @default Date.now
   */
  readonly now?: () => number;
}

/** What the function needs of AWS, behind an interface: the entry point wires the SDK, tests wire fakes. */
export interface LambdaServices {
  /** The run task's HMAC key (the entry point reads it from Secrets Manager). */
  hmacKey(): Promise<string>;
  /** Invokes the function `functionArn` asynchronously with `event`. */
  invokeAsync(functionArn: string, event: ReviewEvent): Promise<void>;
}

/** The parts of a function URL request (payload format 2.0) the function reads. */
export interface FunctionUrlEvent {
  readonly body?: string;
  readonly isBase64Encoded?: boolean;
  readonly headers?: Record<string, string | undefined>;
  readonly requestContext: { readonly http: { readonly method: string } };
}

/** The function URL response. */
export interface FunctionUrlResult {
  readonly statusCode: number;
  readonly headers: Record<string, string>;
  readonly body: string;
}

/** The asynchronous invocation that reviews a plan: the signed request, body in base64. */
export interface ReviewEvent {
  readonly statefulEcsReview: { readonly body: string; readonly signature: string };
}

/** The parts of the Lambda context the function reads. */
export interface LambdaContext {
  readonly invokedFunctionArn: string;
}

/**
 * The Lambda handler. The key is read at the first request of each execution environment and kept: read
 * again after a failure, and when a signature does not hold with a key read over `KEY_REFRESH_MS` ago, so
 * a rotated key takes effect without new environments (and unsigned requests read it once a minute at
 * most).
 */
export function lambdaHandler(services: LambdaServices, options: LambdaHandlerOptions = {}) {
  const log = options.log ?? ((line: string) => console.log(line));
  const now = options.now ?? Date.now;
  let key: { readonly value: Promise<string>; readonly readAt: number } | undefined;
  const hmacKey = (): Promise<string> => {
    if (!key) {
      const value = services.hmacKey().catch((error) => {
        key = undefined;
        throw error;
      });
      key = { value, readAt: now() };
    }
    return key.value;
  };

  /** `answer` with the kept key, and with a fresh one when the signature fails and the kept one is old. */
  async function verified(body: Buffer, signature: string): Promise<Answer> {
    const result = answer(body, signature, await hmacKey());
    if (result.status !== 401 || !key || now() - key.readAt < KEY_REFRESH_MS) return result;
    key = undefined;
    return answer(body, signature, await hmacKey());
  }

  async function onRequest(event: FunctionUrlEvent, context: LambdaContext): Promise<FunctionUrlResult> {
    const reply = (statusCode: number, body: string): FunctionUrlResult => {
      if (statusCode !== 200) log(`refused a request: ${statusCode} ${body.trim()}`);
      return { statusCode, headers: { "Content-Type": "text/plain; charset=utf-8" }, body };
    };
    if (event.requestContext.http.method !== "POST") return reply(405, "POST only\n");
    const body = Buffer.from(event.body ?? "", event.isBase64Encoded ? "base64" : "utf8");
    if (body.length > MAX_LAMBDA_REQUEST_BYTES) return reply(413, `larger than ${MAX_LAMBDA_REQUEST_BYTES} bytes\n`);
    const signature = event.headers?.[SIGNATURE_HEADER] ?? "";
    let result: Answer;
    try {
      result = await verified(body, signature);
    } catch (error) {
      log(`cannot read the HMAC key: ${(error as Error).message}`);
      return reply(503, "the endpoint cannot read its HMAC key\n");
    }
    if (!result.task) return reply(result.status, result.body);
    try {
      await services.invokeAsync(context.invokedFunctionArn, {
        statefulEcsReview: { body: body.toString("base64"), signature },
      });
    } catch (error) {
      log(`run ${result.task.runId}: cannot start the review: ${(error as Error).message}`);
      return reply(500, "the review could not be started\n");
    }
    return reply(result.status, result.body);
  }

  async function onReview({ statefulEcsReview }: ReviewEvent): Promise<void> {
    const body = Buffer.from(statefulEcsReview.body, "base64");
    const result = await verified(body, statefulEcsReview.signature);
    if (result.task) await runTask(result.task, { ...options, log });
    else log(`ignored a review event: ${result.status} ${result.body.trim()}`);
  }

  return async (event: unknown, context: LambdaContext): Promise<FunctionUrlResult | void> => {
    // A review never throws: Lambda would retry it, and the result of the first attempt may have been sent.
    if (isReviewEvent(event)) {
      return onReview(event).catch((error) => {
        log(`review: ${error.message}`);
      });
    }
    if (isFunctionUrlEvent(event)) return onRequest(event, context);
    log("ignored an event that is neither a function URL request nor a review");
  };
}

function isReviewEvent(event: unknown): event is ReviewEvent {
  if (!isObject(event) || !isObject(event.statefulEcsReview)) return false;
  const { body, signature } = event.statefulEcsReview;
  return typeof body === "string" && typeof signature === "string";
}

function isFunctionUrlEvent(event: unknown): event is FunctionUrlEvent {
  return isObject(event) && isObject(event.requestContext) && isObject(event.requestContext.http);
}
