// Runs once before the test run: every temporary directory the run makes (cdktf's Testing apps, synthesized
// stacks, Terraform working copies, CLI configs) goes under one directory of its own, removed at the end.
// It also starts the AWS provider process that validate and mock-provider tests share (provider-server.ts).
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { startProviderServer } from "../../cli/terraform/provider-server";
import { shareToolchain, toolchainStatus } from "../../cli/terraform/toolchain";
import { setProviderServer } from "./provider-server-handle";

export default async function globalSetup(): Promise<void> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "stateful-ecs-test-run-"));
  process.env.STATEFUL_ECS_TEST_TMP = root;
  process.env.TMPDIR = root; // os.tmpdir() reads it on every call, here and in the test workers

  const status = toolchainStatus();
  if (!status.ok) return;
  let sharedProvider: string | undefined;
  try {
    const server = await startProviderServer(status.toolchain);
    if (server) {
      setProviderServer(server);
      sharedProvider = server.reattach;
    }
  } catch (error) {
    // Only slower: every terraform process starts its own provider.
    console.warn(`stateful-ecs: no shared AWS provider process (${(error as Error).message})`);
  }
  // The workers inherit the toolchain, with the shared provider: none runs `terraform version` again.
  shareToolchain({ ok: true, toolchain: { ...status.toolchain, sharedProvider } });
}
