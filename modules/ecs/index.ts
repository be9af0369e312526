export * from "./cluster";
export * from "./container-logs";
export * from "./container-service";
export * from "./ec2-service";
export * from "./fargate-service";
export * from "./generated-secret";
export * from "./task-roles";
export * from "./task-volume";
