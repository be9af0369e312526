import { ChildProcess, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { AWS_PROVIDER_VERSION, terraformPlatform } from "./toolchain";

/**
 * One AWS provider process shared by many terraform commands. Every terraform process otherwise starts the
 * provider's 700 MB plugin for itself, and `terraform test` starts it about twice per `run` block: about a
 * second of CPU each time, most of a module test's cost. Started in debug mode, the provider prints the
 * `TF_REATTACH_PROVIDERS` value that lets terraform use it instead of starting its own.
 *
 * Only commands that never configure the real provider may share it (see `SHARED_PROVIDER_COMMANDS`):
 * configuring sets the process's one provider configuration, so concurrent plans with different settings
 * would see each other's. `validate` and `show` never configure it, and `terraform test` here always mocks it.
 */

/** The terraform commands that may use a shared provider: they never configure it (`show` reads schemas). */
export const SHARED_PROVIDER_COMMANDS: readonly string[] = ["validate", "test", "show"];

export interface ProviderServer {
  /** The `TF_REATTACH_PROVIDERS` value. */
  readonly reattach: string;
  stop(): void;
}

/** The provider binary in an unpacked filesystem mirror, if there is one. */
export function mirroredProviderBinary(mirrorDir: string): string | undefined {
  const dir = path.join(mirrorDir, "registry.terraform.io", "hashicorp", "aws", AWS_PROVIDER_VERSION, terraformPlatform());
  const binary = fs.existsSync(dir) ? fs.readdirSync(dir).find((file) => file.startsWith("terraform-provider-aws")) : undefined;
  return binary && path.join(dir, binary);
}

/** How long the provider may take to start and print where it listens. */
const START_TIMEOUT_MS = 30_000;

/**
 * Starts `binary` in debug mode with no credentials of the caller's (nothing that may share it calls AWS),
 * and resolves once it prints its reattach settings.
 */
export function startProviderServer(binary: string): Promise<ProviderServer> {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) if (!key.startsWith("AWS_")) env[key] = value;
  const child: ChildProcess = spawn(binary, ["-debug"], {
    env: { ...env, AWS_EC2_METADATA_DISABLED: "true", AWS_CONFIG_FILE: "/dev/null", AWS_SHARED_CREDENTIALS_FILE: "/dev/null" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  return new Promise((resolve, reject) => {
    let output = "";
    const timer = setTimeout(() => fail(new Error(`the provider did not start within ${START_TIMEOUT_MS / 1000} s`)), START_TIMEOUT_MS);
    const fail = (error: Error) => {
      clearTimeout(timer);
      child.kill();
      reject(error);
    };
    child.on("error", fail);
    child.on("exit", (code) => fail(new Error(`the provider exited (${code}) before it listened:\n${output.slice(-2000)}`)));
    child.stdout?.on("data", (chunk: Buffer) => {
      output += chunk.toString();
      const reattach = /TF_REATTACH_PROVIDERS='([^']+)'/.exec(output)?.[1];
      if (!reattach) return;
      clearTimeout(timer);
      child.removeAllListeners("exit");
      // Keep draining what it prints, without keeping it.
      for (const stream of [child.stdout, child.stderr]) {
        stream?.removeAllListeners("data");
        stream?.resume();
      }
      child.unref();
      // Stopped by its owner; if the owner exits first, with it.
      const stop = () => child.kill();
      process.once("exit", stop);
      resolve({ reattach, stop });
    });
    child.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  });
}
