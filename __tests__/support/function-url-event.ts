import { FunctionUrlEvent } from "../../cli/run-task/lambda";
import { signatureOf } from "../../cli/run-task/protocol";

/**
 * A Lambda function URL request (payload format 2.0) as Terraform Cloud's POST arrives: `body` signed with
 * `key` (or with `options.signature` as given), as text or, with `base64`, base64-encoded.
 */
export function functionUrlEvent(
  body: string | Buffer,
  key: string,
  options: { signature?: string; method?: string; base64?: boolean } = {},
): FunctionUrlEvent {
  const bytes = typeof body === "string" ? Buffer.from(body) : body;
  return {
    body: options.base64 ? bytes.toString("base64") : bytes.toString("utf8"),
    isBase64Encoded: options.base64 ?? false,
    headers: {
      "content-type": "application/json",
      "x-tfc-task-signature": options.signature ?? signatureOf(bytes, key),
    },
    requestContext: { http: { method: options.method ?? "POST" } },
  };
}
