import { ChildProcess, spawn } from "node:child_process";
import { terraformEnv } from "./terraform";
import { Toolchain, unpackedProviderBinary } from "./toolchain";

/**
 * One AWS provider process shared by many terraform commands. Every terraform process otherwise starts the
 * provider's 700 MB plugin for itself, and `terraform test` starts it about twice per `run` block: about a
 * second of CPU each time, most of a module test's cost. Started in debug mode, the provider prints the
 * `TF_REATTACH_PROVIDERS` value that lets terraform use it instead of starting its own.
 *
 * Only commands that never configure the real provider may share it (`SHARED_PROVIDER_COMMANDS` in
 * terraform.ts): configuring sets the process's one provider configuration, so concurrent plans with
 * different settings would see each other's.
 */

export interface ProviderServer {
  /** The `TF_REATTACH_PROVIDERS` value. */
  readonly reattach: string;
  stop(): void;
}

/** How long the provider may take to start and print where it listens. */
const START_TIMEOUT_MS = 30_000;

/**
 * Starts the toolchain's AWS provider in debug mode, in the environment terraform itself gets (dummy
 * credentials, nothing of the caller's AWS settings), and resolves once it prints its reattach settings;
 * undefined when the provider is not an unpacked executable in the mirror (a registry install, a zip).
 */
export async function startProviderServer(toolchain: Toolchain): Promise<ProviderServer | undefined> {
  const binary = toolchain.mirrorDir && unpackedProviderBinary(toolchain.mirrorDir);
  if (!binary) return undefined;
  const child: ChildProcess = spawn(binary, ["-debug"], {
    env: terraformEnv(toolchain),
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
