export * from "./access-point";
export * from "./alarms";
export * from "./efs-storage";
export type { GrantOptions } from "./policy";
