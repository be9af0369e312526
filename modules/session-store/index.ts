export * from "./alarms";
export * from "./dynamo-session-table";
export * from "./session-store";
