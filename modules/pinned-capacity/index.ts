export * from "./attributes";
export * from "./bootstrap-script";
export * from "./pinned-ebs-capacity";
export * from "./snapshots";
