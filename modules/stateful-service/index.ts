export { StatefulOrdinal } from "./ordinal";
export type { OrdinalContext, OrdinalIdentity, StatefulOrdinalProps } from "./ordinal";
export { StatefulService } from "./stateful-service";
export type { NamespaceRef, OrdinalEbsStorage, OrdinalEfsStorage, StatefulServiceProps } from "./stateful-service";
