import { ProviderServer } from "../../cli/terraform/provider-server";

/**
 * The shared provider process, from global setup to global teardown. Jest loads those two files in separate
 * module registries of one process, so the handle lives on `globalThis`.
 */
const KEY = Symbol.for("stateful-ecs.provider-server");

export function setProviderServer(server: ProviderServer): void {
  (globalThis as Record<symbol, unknown>)[KEY] = server;
}

export function providerServer(): ProviderServer | undefined {
  return (globalThis as Record<symbol, unknown>)[KEY] as ProviderServer | undefined;
}
