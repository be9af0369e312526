import { run } from "../../../cli/main";
import { HMAC_KEY_ENV, RUN_TASK_USAGE, runTaskCommand } from "../../../cli/run-task/command";
import { signatureOf } from "../../../cli/run-task/protocol";

describe("stateful-ecs run-task", () => {
  it("prints its usage for --help, naming the key's variable and the flags", async () => {
    const result = await run(["run-task", "--help"]);
    expect(result).toEqual({ code: 0, stdout: RUN_TASK_USAGE, stderr: "" });
    expect(RUN_TASK_USAGE).toContain(HMAC_KEY_ENV);
    expect(RUN_TASK_USAGE).toMatch(/--port <port>[\s\S]*--host <address>/);
  });

  it.each([
    [[], "missing serve"],
    [["listen"], "unknown subcommand 'listen'"],
    [["serve", "--port", "http"], "--port takes a port number from 0 to 65535"],
    [["serve", "--port", "70000"], "--port takes a port number from 0 to 65535"],
    [["serve", "--verbose"], "unknown option '--verbose'"],
  ])("refuses %j with exit 1 and the usage", async (args, message) => {
    expect(await runTaskCommand(args, { [HMAC_KEY_ENV]: "k" })).toEqual({
      code: 1,
      stdout: "",
      stderr: `stateful-ecs run-task: ${message}\n\n${RUN_TASK_USAGE}`,
    });
  });

  it("refuses to start without the HMAC key", async () => {
    const result = await runTaskCommand(["serve", "--port", "0"], {});
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`${HMAC_KEY_ENV} is not set`);
  });

  it("serves the endpoint with the key from the environment until stopped", async () => {
    let stop = () => undefined as void;
    const url = new Promise<string>((resolve) => {
      void runTaskCommand(["serve", "--port", "0"], { [HMAC_KEY_ENV]: "the-key" }, (listening, stopServer) => {
        stop = stopServer;
        resolve(listening);
      }).then((result) => expect(result.code).toBe(0));
    });
    const endpoint = await url;
    expect(endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    const body = JSON.stringify({ payload_version: 1, access_token: "test-token" });
    const signed = await fetch(endpoint, {
      method: "POST",
      headers: { "X-TFC-Task-Signature": signatureOf(Buffer.from(body), "the-key") },
      body,
    });
    expect(signed.status).toBe(200);
    const forged = await fetch(endpoint, {
      method: "POST",
      headers: { "X-TFC-Task-Signature": signatureOf(Buffer.from(body), "not-the-key") },
      body,
    });
    expect(forged.status).toBe(401);
    stop();
  });
});
