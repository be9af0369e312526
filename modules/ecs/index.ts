export { EcsCluster } from "./cluster";
export type { ClusterRef, ContainerInsights, EcsClusterProps } from "./cluster";
export { ContainerLogs } from "./container-logs";
export type { ContainerLogsProps, LogDestination } from "./container-logs";
export { ContainerService } from "./container-service";
export type {
  ContainerHealthCheck,
  ContainerServiceProps,
  ContainerSpec,
  DeploymentSettings,
  LaunchSettings,
  LoadBalancerTarget,
  PlacementConstraint,
} from "./container-service";
export { Ec2Service } from "./ec2-service";
export type { Ec2ServiceProps } from "./ec2-service";
export { FargateService } from "./fargate-service";
export type { FargateServiceProps } from "./fargate-service";
export { GeneratedSecret } from "./generated-secret";
export type { GeneratedSecretProps } from "./generated-secret";
export { TaskRoles } from "./task-roles";
export type { TaskRolesProps } from "./task-roles";
export type { ContainerMountPoint, TaskVolume, VolumeGuard, VolumePlacement } from "./task-volume";
