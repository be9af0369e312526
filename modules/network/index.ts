export { ExampleNetwork } from "./example-network";
export type { ExampleNetworkProps, NatGatewayMode } from "./example-network";
export type { NetworkRef } from "./network-ref";
