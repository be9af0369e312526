import { statefulType } from "./stateful-types";

/**
 * Address stability of stateful resources. Terraform knows a resource by its address, and cdktf derives
 * addresses from construct paths: renaming a construct that holds data plans its destruction unless a
 * `moved` block (cdktf: `moveTo` / `moveFromId`) carries its state to the new address. This compares a
 * committed list of stateful addresses per stack with what the stacks synthesize now.
 */

/** The parts of a synthesized Terraform JSON config read here. */
export interface AddressedConfig {
  readonly resource?: Record<string, Record<string, unknown>>;
  readonly moved?: ReadonlyArray<{ readonly from: string; readonly to: string }>;
}

/** Stack name -> the `type.name` address of every resource in it that holds or protects data, sorted. */
export type AddressList = Record<string, string[]>;

export interface AddressCheck {
  /** Committed addresses gone without a move: their data would be destroyed. */
  readonly lost: ReadonlyArray<{ readonly stack: string; readonly address: string; readonly candidates: string[] }>;
  /** Committed addresses a `moved` block carries to a current address: safe; the list is to be updated. */
  readonly moved: ReadonlyArray<{ readonly stack: string; readonly from: string; readonly to: string }>;
  /** Current stateful addresses the list does not have yet (new resources, or the targets of moves). */
  readonly added: ReadonlyArray<{ readonly stack: string; readonly address: string }>;
}

/** The stateful addresses of one synthesized stack, sorted. */
function statefulAddresses(config: AddressedConfig): string[] {
  return Object.entries(config.resource ?? {})
    .filter(([type]) => statefulType(type) !== undefined)
    .flatMap(([type, byName]) => Object.keys(byName).map((name) => `${type}.${name}`))
    .sort();
}

/** The stateful addresses of every stack. */
function addressList(configs: Record<string, AddressedConfig>): AddressList {
  return Object.fromEntries(Object.entries(configs).map(([stack, config]) => [stack, statefulAddresses(config)]));
}

export function checkAddresses(committed: AddressList, configs: Record<string, AddressedConfig>): AddressCheck {
  const current = addressList(configs);
  const lost: Array<AddressCheck["lost"][number]> = [];
  const moved: Array<AddressCheck["moved"][number]> = [];
  const added: Array<AddressCheck["added"][number]> = [];
  for (const [stack, addresses] of Object.entries(committed)) {
    const present = new Set(current[stack] ?? []);
    for (const address of addresses) {
      if (present.has(address)) continue;
      const target = moveTarget(configs[stack] ?? {}, address);
      if (target !== undefined && present.has(target)) moved.push({ stack, from: address, to: target });
      else {
        const type = address.split(".")[0];
        const candidates = [...present].filter((other) => other.startsWith(`${type}.`) && !addresses.includes(other));
        lost.push({ stack, address, candidates });
      }
    }
  }
  for (const [stack, addresses] of Object.entries(current)) {
    const known = new Set(committed[stack] ?? []);
    for (const address of addresses) if (!known.has(address)) added.push({ stack, address });
  }
  return { lost, moved, added };
}

/** Where the `moved` blocks of `config` take `address`, following a chain of moves. */
function moveTarget(config: AddressedConfig, address: string): string | undefined {
  let current = address;
  const seen = new Set<string>();
  for (;;) {
    const next = (config.moved ?? []).find((block) => block.from === current)?.to;
    if (next === undefined || seen.has(next)) return current === address ? undefined : current;
    seen.add(next);
    current = next;
  }
}

/** Why a lost address fails the check, and how to keep its data. */
export function lostMessage(entry: AddressCheck["lost"][number]): string {
  const hint =
    entry.candidates.length > 0
      ? ` If it was renamed to ${entry.candidates.join(" or ")}, call moveFromId("${entry.address}") on the new resource (or moveTo on the old) so a moved block carries its state.`
      : " If it was renamed, call moveFromId on the new resource (or moveTo on the old) so a moved block carries its state.";
  return `${entry.stack}: ${entry.address} holds or protects data and is no longer in the stack: applying would destroy it.${hint}`;
}

/**
 * The list to commit for `configs`: refused (with the reasons) while a committed address is lost without a
 * move, unless that address is in `acceptLoss` (its data may go).
 */
export function updatedAddressList(
  committed: AddressList,
  configs: Record<string, AddressedConfig>,
  acceptLoss: readonly string[] = [],
): { list: AddressList; check: AddressCheck } | { refused: string[] } {
  const check = checkAddresses(committed, configs);
  const refused = check.lost.filter((entry) => !acceptLoss.includes(entry.address)).map(lostMessage);
  return refused.length > 0 ? { refused } : { list: addressList(configs), check };
}
