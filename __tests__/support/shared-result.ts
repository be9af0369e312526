import * as fs from "node:fs";
import * as path from "node:path";

/**
 * A result computed once per test run and shared by every Jest worker: the first caller of a key claims it
 * (an atomic `mkdir`), computes it and writes it to a file; callers in other workers wait for that file.
 * Terraform work on the same synthesized stacks therefore runs once, whichever test files need it.
 */

type Outcome<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly message: string };

const POLL_MS = 100;
const inProcess = new Map<string, Promise<unknown>>();

/** The value of `key` in `dir`: computed here if no worker has claimed it yet, else awaited from the claimant. */
export function sharedResult<T>(dir: string, key: string, compute: () => Promise<T>, timeoutMs: number): Promise<T> {
  const id = path.join(dir, key);
  if (!inProcess.has(id)) inProcess.set(id, claimOrWait(dir, key, compute, timeoutMs));
  return inProcess.get(id) as Promise<T>;
}

async function claimOrWait<T>(dir: string, key: string, compute: () => Promise<T>, timeoutMs: number): Promise<T> {
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${key}.json`);
  if (claim(path.join(dir, `${key}.claimed`))) {
    let outcome: Outcome<T>;
    try {
      outcome = { ok: true, value: await compute() };
    } catch (error) {
      outcome = { ok: false, message: error instanceof Error ? error.message : String(error) };
    }
    const partial = `${file}.${process.pid}.partial`;
    fs.writeFileSync(partial, JSON.stringify(outcome));
    fs.renameSync(partial, file); // readers see the whole file or none
  } else {
    await waitForFile(file, timeoutMs);
  }
  const outcome = JSON.parse(fs.readFileSync(file, "utf8")) as Outcome<T>;
  if (!outcome.ok) throw new Error(outcome.message);
  return outcome.value;
}

function claim(marker: string): boolean {
  try {
    fs.mkdirSync(marker);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST") return false;
    throw error;
  }
}

async function waitForFile(file: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!fs.existsSync(file)) {
    if (Date.now() > deadline) {
      throw new Error(`gave up after ${timeoutMs / 1000} s waiting for another test worker to write ${file}`);
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

/**
 * A folder made once per test run and shared by every Jest worker, synchronously (for what test files need
 * while Jest collects their tests): the first caller of `key` claims it as `sharedResult` does, makes it with
 * `make` in a folder of its own and renames that into place, so the others, polling, see all of it or
 * nothing; a failure is written beside it for them to throw.
 */
export function sharedFolder(dir: string, key: string, make: (folder: string) => void, timeoutMs: number): string {
  fs.mkdirSync(dir, { recursive: true });
  const folder = path.join(dir, key);
  const failure = `${folder}.failed`;
  if (claim(`${folder}.claimed`)) {
    const partial = `${folder}.${process.pid}.partial`;
    try {
      make(partial);
    } catch (error) {
      fs.writeFileSync(failure, error instanceof Error ? error.message : String(error));
      throw error;
    }
    fs.renameSync(partial, folder);
    return folder;
  }
  const deadline = Date.now() + timeoutMs;
  while (!fs.existsSync(folder)) {
    if (fs.existsSync(failure)) throw new Error(fs.readFileSync(failure, "utf8"));
    if (Date.now() > deadline) {
      throw new Error(`gave up after ${timeoutMs / 1000} s waiting for another test worker to make ${folder}`);
    }
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, POLL_MS);
  }
  return folder;
}
