export * from "./network-ref";
export * from "./example-network";
export * from "./validate-network-ref";
