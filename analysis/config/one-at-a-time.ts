/**
 * The reader evaluates one value at a time, in order. That keeps cycles detectable: a value asked for
 * while its own computation is still under way can only be asked for by that computation (a local that
 * refers to itself, two modules that pass each other's outputs), never by a concurrent one, so `Memo` can
 * answer it with an unknown value instead of waiting on itself forever.
 */

/** `items` mapped one at a time, in order. */
export async function mapInOrder<T, R>(items: readonly T[], map: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results: R[] = [];
  for (const [index, item] of items.entries()) results.push(await map(item, index));
  return results;
}

/** Values computed once each, on demand; a key asked for during its own computation gets `onCycle()`. */
export class Memo<T> {
  private readonly values = new Map<string, Promise<T>>();
  private readonly computing = new Set<string>();

  get(key: string, compute: () => Promise<T>, onCycle: () => T): Promise<T> {
    if (this.computing.has(key)) return Promise.resolve(onCycle());
    let value = this.values.get(key);
    if (!value) {
      this.computing.add(key);
      value = compute().finally(() => this.computing.delete(key));
      this.values.set(key, value);
    }
    return value;
  }
}
