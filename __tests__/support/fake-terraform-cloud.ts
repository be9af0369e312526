import * as http from "node:http";
import { AddressInfo } from "node:net";
import { signatureOf } from "../../cli/run-task/protocol";
import { TaskResultBody } from "../../cli/run-task/task-result";

/**
 * A fake Terraform Cloud on loopback, for the run task endpoint: it serves plan JSON behind the run's bearer
 * token (redirecting to the download, as Terraform Cloud does; `/plans/broken` answers 500) and records
 * the task result callbacks. Plans are set by name (`/plans/<name>`), callbacks read by task id
 * (`/callbacks/<id>`).
 */

export interface Callback {
  readonly authorization?: string;
  readonly contentType?: string;
  readonly body: TaskResultBody;
  /** When the whole callback had arrived (`performance.now()`). */
  readonly receivedAt: number;
}

/** The fake Terraform Cloud: plans by name, and every callback received, by task id. */
export class FakeTerraformCloud {
  readonly plans = new Map<string, string>();
  readonly callbacks = new Map<string, Callback>();
  /** When the last download of each plan had been sent (`performance.now()`), by plan name. */
  readonly downloadedAt = new Map<string, number>();
  private readonly server = http.createServer((request, response) => this.serve(request, response));
  url = "";

  /** `token`: the run's access token, which the plan download requires. */
  constructor(private readonly token: string) {}

  async start(): Promise<void> {
    this.url = await listenOnLoopback(this.server);
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  /** A post_plan request (payload version 1) for the plan `planName`, whose result goes to callback `id`. */
  taskRequest(id: string, planName: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
    return {
      payload_version: 1,
      stage: "post_plan",
      access_token: this.token,
      capabilities: { outcomes: true },
      plan_json_api_url: `${this.url}/plans/${planName}`,
      task_result_callback_url: `${this.url}/callbacks/${id}`,
      run_id: `run-${id}`,
      workspace_name: "stateful-ecs-efs-fargate",
      ...extra,
    };
  }

  private serve(request: http.IncomingMessage, response: http.ServerResponse): void {
    const [, area, name] = (request.url ?? "").split("/");
    const end = (status: number, body = "", headers: http.OutgoingHttpHeaders = {}) => {
      response.writeHead(status, headers);
      response.end(body);
    };
    if (area === "plans") {
      if (request.headers.authorization !== `Bearer ${this.token}`) return end(401);
      if (name === "broken") return end(500);
      return end(307, "", { Location: `/downloads/${name}` });
    }
    if (area === "downloads") {
      response.on("finish", () => this.downloadedAt.set(name, performance.now()));
      return end(200, this.plans.get(name) ?? "", { "Content-Type": "application/json" });
    }
    if (area === "callbacks" && request.method === "PATCH") {
      const chunks: Buffer[] = [];
      request.on("data", (chunk: Buffer) => chunks.push(chunk));
      request.on("end", () => {
        this.callbacks.set(name, {
          authorization: request.headers.authorization,
          contentType: request.headers["content-type"],
          body: JSON.parse(Buffer.concat(chunks).toString("utf8")),
          receivedAt: performance.now(),
        });
        end(200);
      });
      return;
    }
    end(404);
  }

  /** The callback of task `id`, once it arrives (or undefined after `waitMs`). */
  async callback(id: string, waitMs = 5000): Promise<Callback | undefined> {
    for (const started = Date.now(); Date.now() - started < waitMs;) {
      const found = this.callbacks.get(id);
      if (found) return found;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    return undefined;
  }
}

/** Starts `server` on a free port of 127.0.0.1; resolves to its URL, `http://127.0.0.1:<port>`. */
export async function listenOnLoopback(server: http.Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** POSTs `body` to a run task endpoint as Terraform Cloud does, signed with `key` (or with `signature` as given). */
export async function postSigned(
  url: string,
  body: string | Buffer,
  signing: { key: string } | { signature: string },
): Promise<{ status: number; text: string }> {
  const bytes = typeof body === "string" ? Buffer.from(body) : body;
  const signature = "signature" in signing ? signing.signature : signatureOf(bytes, signing.key);
  const response = await fetch(url, {
    method: "POST",
    headers: { "Content-Type": "application/json", "X-TFC-Task-Signature": signature },
    body: new Uint8Array(bytes),
  });
  return { status: response.status, text: await response.text() };
}
