export { EfsAccessPoint } from "./access-point";
export type { AccessPointOptions, AccessPointRef } from "./access-point";
export { EfsAccessPointMap } from "./access-point-map";
export type { AccessPointMapEntry, AccessPointMapOptions } from "./access-point-map";
export type { EfsAlarmOptions } from "./alarms";
export { EfsStorage } from "./efs-storage";
export type {
  EfsLifecycle,
  EfsStorageProps,
  MountOptions,
  PerformanceMode,
  ThroughputMode,
  TransitionAge,
} from "./efs-storage";
export type { GrantOptions } from "./policy";
export type { ExternalAccessPoint, ExternalMountOptions } from "./external-access-point";
