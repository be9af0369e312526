export * from "./cluster";
export * from "./container-logs";
export * from "./fargate-service";
export * from "./task-roles";
export * from "./task-volume";
