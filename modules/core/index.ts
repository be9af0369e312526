export * from "./aws-context";
export * from "./errors";
export * from "./iam";
export * from "./tags";
export * from "./tokens";
export * from "./validate";
