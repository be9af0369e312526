export { PinnedEbsCapacity } from "./pinned-ebs-capacity";
export type {
  PinnedEbsCapacityProps,
  PinnedVolumeOptions,
  RecoveryMode,
  RunOptions,
  SingleWriterLockOptions,
  VolumeFileSystem,
} from "./pinned-ebs-capacity";
export { VolumeSnapshots } from "./snapshots";
export type { SnapshotOptions, VolumeSnapshotsProps } from "./snapshots";
