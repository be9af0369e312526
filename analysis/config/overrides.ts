import * as path from "node:path";
import { RawBody, isRawBody, rawBodies } from "./blocks";
import type { ModuleDocument } from "./terraform-module";

/**
 * Terraform's override files (`override.tf`, `*_override.tf`, and their `.tf.json` twins): each block in one
 * merges into the block of the same kind and name in the other files, argument by argument (a nested block
 * type given in the override replaces all of that type), and `locals` replace the values they name. The
 * override files themselves then hold nothing of their own.
 */

const OVERRIDE = /(^|_)override\.tf(\.json)?$/;
/** Block kinds keyed by type and name (`resource "t" "n"`), and those keyed by name alone. */
const TWO_LABELS = ["resource", "data"];
const ONE_LABEL = ["variable", "output", "module", "provider"];

export function isOverrideFile(file: string): boolean {
  return OVERRIDE.test(path.basename(file));
}

/** The first block body under `path` (`["resource", type, name]`) in the base documents. */
function baseBlock(documents: readonly ModuleDocument[], keys: string[]): RawBody | undefined {
  for (const document of documents) {
    let value: unknown = document.body;
    for (const key of keys) value = isRawBody(value) ? value[key] : undefined;
    const [body] = rawBodies(value);
    if (body) return body;
  }
  return undefined;
}

/** Each block body of an override document with the labels that name it. */
function overrideBlocks(body: RawBody): Array<{ keys: string[]; block: RawBody }> {
  const found: Array<{ keys: string[]; block: RawBody }> = [];
  for (const kind of [...TWO_LABELS, ...ONE_LABEL]) {
    if (!isRawBody(body[kind])) continue;
    for (const [first, byFirst] of Object.entries(body[kind] as RawBody)) {
      if (ONE_LABEL.includes(kind)) rawBodies(byFirst).forEach((block) => found.push({ keys: [kind, first], block }));
      else if (isRawBody(byFirst))
        for (const [second, value] of Object.entries(byFirst))
          rawBodies(value).forEach((block) => found.push({ keys: [kind, first, second], block }));
    }
  }
  return found;
}

/** The documents with their override files merged in (and left out). */
export function withOverrides(documents: readonly ModuleDocument[]): ModuleDocument[] {
  const base = documents.filter((document) => !isOverrideFile(document.file));
  for (const override of documents.filter((document) => isOverrideFile(document.file))) {
    for (const { keys, block } of overrideBlocks(override.body)) {
      const target = baseBlock(base, keys);
      if (target) Object.assign(target, block);
    }
    const locals = rawBodies(override.body.locals);
    for (const replacement of locals) {
      for (const [name, value] of Object.entries(replacement)) {
        const owner = base
          .flatMap((document) => rawBodies(document.body.locals))
          .find((block) => Object.hasOwn(block, name));
        if (owner) owner[name] = value;
      }
    }
  }
  return base;
}
