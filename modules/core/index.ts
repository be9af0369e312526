export * from "./aws-context";
export * from "./dependencies";
export * from "./errors";
export * from "./group-ingress";
export * from "./iam";
export * from "./tags";
export * from "./tokens";
export * from "./validate";
