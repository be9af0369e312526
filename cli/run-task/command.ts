import { AddressInfo } from "node:net";
import { parseArguments, required } from "../arguments";
import { CliResult } from "../result";
import { runTaskServer } from "./handler";

/** The environment variable that holds the run task's HMAC key: never an argument, which `ps` would show. */
export const HMAC_KEY_ENV = "STATEFUL_ECS_RUN_TASK_HMAC_KEY";

export const RUN_TASK_USAGE = `Usage: stateful-ecs run-task serve [--port <port>] [--host <address>]

Serves the Terraform Cloud run task endpoint: it checks each request's X-TFC-Task-Signature, answers 200 at
once, reviews the plan of a post_plan stage (stateful-ecs review's data safety section and guards), and
sends the result to the run: failed when the plan destroys or replaces data or the guards report errors.

The HMAC key, the one the run task was registered with, is read from ${HMAC_KEY_ENV}.

Options:
  --port <port>     the TCP port to listen on (default 8080; 0 picks a free one)
  --host <address>  the address to listen on (default 127.0.0.1; 0.0.0.0 for every interface)`;

/**
 * `stateful-ecs run-task serve`: listens until SIGINT or SIGTERM. `started` hears the address once it
 * listens (the tests stop it through `stop`).
 */
export async function runTaskCommand(
  args: string[],
  env: NodeJS.ProcessEnv = process.env,
  started: (url: string, stop: () => void) => void = () => undefined,
): Promise<CliResult> {
  const refuse = (message: string): CliResult => ({
    code: 1,
    stdout: "",
    stderr: `stateful-ecs run-task: ${message}\n\n${RUN_TASK_USAGE}`,
  });
  const parsed = parseArguments(args, {
    positional: "serve",
    options: { "--port": port, "--host": required("--host", "an address") },
  });
  if ("help" in parsed) return { code: 0, stdout: RUN_TASK_USAGE, stderr: "" };
  if ("refused" in parsed) return refuse(parsed.refused);
  if (parsed.positional !== "serve") return refuse(`unknown subcommand '${parsed.positional}'`);
  const hmacKey = env[HMAC_KEY_ENV];
  if (!hmacKey) return refuse(`${HMAC_KEY_ENV} is not set: the endpoint cannot check any request without the key`);
  const server = runTaskServer({ hmacKey });
  const listening = await new Promise<string | Error>((resolve) => {
    server.once("error", resolve);
    server.listen(Number(parsed.options["--port"] ?? 8080), parsed.options["--host"] ?? "127.0.0.1", () => {
      const { address, port: bound } = server.address() as AddressInfo;
      resolve(`http://${address.includes(":") ? `[${address}]` : address}:${bound}/`);
    });
  });
  if (listening instanceof Error) return { code: 1, stdout: "", stderr: `stateful-ecs run-task: ${listening.message}` };
  const closed = new Promise<void>((resolve) => server.once("close", () => resolve()));
  const stop = () => server.close();
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
  process.stderr.write(`stateful-ecs run-task: listening on ${listening}\n`);
  started(listening, stop);
  await closed;
  process.off("SIGINT", stop);
  process.off("SIGTERM", stop);
  return { code: 0, stdout: "", stderr: "" };
}

/** `--port`: a whole number from 0 to 65535. */
function port(value: string | undefined): string | undefined {
  return value !== undefined && /^\d{1,5}$/.test(value) && Number(value) <= 65535
    ? undefined
    : "--port takes a port number from 0 to 65535";
}
