export * from "./network-ref";
export * from "./example-network";
