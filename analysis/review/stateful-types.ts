import table from "./stateful-types.json";

/**
 * Which resource types hold data, and which protect it, each with why (`stateful-types.json`, the one
 * list the plan review and the address-stability check share).
 */

/** `holds`: deleting it loses data. `protects`: it keeps data safe or reachable (backups, identity, policy). */
export type StatefulRole = "holds" | "protects";

/** Each role in words: `holds data`, `protects data`. */
export const ROLE_WORDS: Readonly<Record<StatefulRole, string>> = { holds: "holds data", protects: "protects data" };

export interface StatefulType {
  readonly role: StatefulRole;
  /** One line on what is lost with it. */
  readonly why: string;
}

const TYPES: ReadonlyMap<string, StatefulType> = new Map<string, StatefulType>([
  ...Object.entries(table.holdsData).map(([type, why]) => [type, { role: "holds", why }] as const),
  ...Object.entries(table.protectsData).map(([type, why]) => [type, { role: "protects", why }] as const),
]);

/** What a resource type means for data, or undefined when it holds and protects none. */
export function statefulType(resourceType: string): StatefulType | undefined {
  return TYPES.get(resourceType);
}

/** Every stateful resource type, sorted. */
export const STATEFUL_TYPES: readonly string[] = [...TYPES.keys()].sort();
