// Stops the shared provider process and removes the run's temporary directory (kept with
// STATEFUL_ECS_KEEP_WORKDIRS=1, to look at failures).
import * as fs from "node:fs";
import { providerServer } from "./provider-server-handle";

export default async function globalTeardown(): Promise<void> {
  providerServer()?.stop();
  const root = process.env.STATEFUL_ECS_TEST_TMP;
  if (root && process.env.STATEFUL_ECS_KEEP_WORKDIRS !== "1") fs.rmSync(root, { recursive: true, force: true });
}
