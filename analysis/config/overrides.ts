import * as path from "node:path";
import type { ModuleDocument } from "./terraform-module";

/**
 * Terraform's override files (`override.tf`, `*_override.tf`, and their `.tf.json` twins): each block in one
 * merges into the block of the same kind and name in the other files, argument by argument (a nested block
 * type given in the override replaces all of that type), and `locals` replace the values they name. The
 * override files themselves then hold nothing of their own.
 */

type Body = Record<string, unknown>;

const OVERRIDE = /(^|_)override\.tf(\.json)?$/;
/** Block kinds keyed by type and name (`resource "t" "n"`), and those keyed by name alone. */
const TWO_LABELS = ["resource", "data"];
const ONE_LABEL = ["variable", "output", "module", "provider"];

export function isOverrideFile(file: string): boolean {
  return OVERRIDE.test(path.basename(file));
}

const isBody = (value: unknown): value is Body => typeof value === "object" && value !== null && !Array.isArray(value);

/** The first block body under `path` (`["resource", type, name]`) in the base documents. */
function baseBlock(documents: readonly ModuleDocument[], keys: string[]): Body | undefined {
  for (const document of documents) {
    let value: unknown = document.body;
    for (const key of keys) value = isBody(value) ? value[key] : undefined;
    const body = Array.isArray(value) ? value[0] : value;
    if (isBody(body)) return body;
  }
  return undefined;
}

/** Each block body of an override document with the labels that name it. */
function overrideBlocks(body: Body): Array<{ keys: string[]; block: Body }> {
  const found: Array<{ keys: string[]; block: Body }> = [];
  const bodies = (value: unknown) => (Array.isArray(value) ? value : [value]).filter(isBody);
  for (const kind of [...TWO_LABELS, ...ONE_LABEL]) {
    if (!isBody(body[kind])) continue;
    for (const [first, byFirst] of Object.entries(body[kind] as Body)) {
      if (ONE_LABEL.includes(kind)) bodies(byFirst).forEach((block) => found.push({ keys: [kind, first], block }));
      else if (isBody(byFirst))
        for (const [second, value] of Object.entries(byFirst))
          bodies(value).forEach((block) => found.push({ keys: [kind, first, second], block }));
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
    const locals = (Array.isArray(override.body.locals) ? override.body.locals : [override.body.locals]).filter(isBody);
    for (const replacement of locals) {
      for (const [name, value] of Object.entries(replacement)) {
        const owner = base
          .flatMap((document) => (Array.isArray(document.body.locals) ? document.body.locals : [document.body.locals]))
          .find((block) => isBody(block) && Object.hasOwn(block, name));
        if (owner) (owner as Body)[name] = value;
      }
    }
  }
  return base;
}
