export type { CacheAlarmOptions } from "./alarms";
export { DynamoSessionTable } from "./dynamo-session-table";
export type { DynamoSessionTableProps } from "./dynamo-session-table";
export { SessionStore } from "./session-store";
export type { CacheEngine, MaxmemoryPolicy, SessionAuth, SessionStoreProps } from "./session-store";
