export type { Connectable, Consumer, EgressDestination, Prerequisites, WiringCheck } from "./connectable";
export type { PolicyDocument, PolicyStatement, RoleKind, RoleRef } from "./iam";
export type { GuardExceptions } from "./guard-exceptions";
