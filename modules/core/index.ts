export * from "./errors";
export * from "./tokens";
