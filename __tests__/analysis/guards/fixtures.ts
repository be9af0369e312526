import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

/**
 * The guards' Terraform fixtures. Per rule, `SE001/shared/` holds the configuration its variants have in
 * common, and each variant folder only what differs: `bad` (triggers the rule), `good` (the same
 * corrected), and for SE001 `ignore-comment` and `ignore-tag` (bad, silenced by an ignore directive). A
 * variant is read as one module: its rule's shared files and its own, copied together into a temporary
 * folder (`variantModuleDir`). Beside them, whole repositories (`repos/`) with the findings they are
 * expected to give (`expected.json`), read where they are.
 */

export const FIXTURES = path.join(__dirname, "fixtures");

/** The folder of a rule's files that every variant has. */
const SHARED = "shared";

export interface ExpectedFinding {
  readonly ruleId: string;
  readonly address: string;
}

/** The folders of `dir` (not files), sorted. */
function folders(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
}

/** The rule ids that have fixtures: `SE001/`... */
export function fixtureRuleIds(): string[] {
  return folders(FIXTURES).filter((name) => /^SE\d{3}$/.test(name));
}

/** The variants of a rule: its folders but `shared` (`bad`, `good`, `ignore-comment`...). */
export function fixtureVariants(id: string): string[] {
  return folders(path.join(FIXTURES, id)).filter((name) => name !== SHARED);
}

/** Every rule's variants, as `SE001/bad`... */
export function allVariants(): string[] {
  return fixtureRuleIds().flatMap((id) => fixtureVariants(id).map((variant) => `${id}/${variant}`));
}

let materializedRoot: string | undefined;
const materialized = new Map<string, string>();

/** The temporary folder this test process materializes the variants in (`<root>/SE001/bad`). */
export function variantsRoot(): string {
  materializedRoot ??= fs.mkdtempSync(path.join(os.tmpdir(), "stateful-ecs-guard-variants-"));
  return materializedRoot;
}

/**
 * `SE001/bad` -> a module folder holding `SE001/shared/*` and `SE001/bad/*`, made once per test process.
 * A variant's file may not have the name of a shared one (the copy fails rather than overwrite it).
 */
export function variantModuleDir(relative: string): string {
  const found = materialized.get(relative);
  if (found) return found;
  const [id, variant] = relative.split("/");
  if (!/^SE\d{3}$/.test(id) || !variant || variant === SHARED || !fs.existsSync(path.join(FIXTURES, relative))) {
    throw new Error(`${relative} is not a rule's fixture variant`);
  }
  const dir = path.join(variantsRoot(), id, variant);
  fs.mkdirSync(dir, { recursive: true });
  for (const source of [SHARED, variant]) {
    const from = path.join(FIXTURES, id, source);
    if (fs.existsSync(from)) fs.cpSync(from, dir, { recursive: true, force: false, errorOnExist: true });
  }
  materialized.set(relative, dir);
  return dir;
}

/** The module folder of a fixture: a rule's variant (`SE001/bad`) materialized, a repository (`repos/x`) as it is. */
export function fixtureModuleDir(relative: string): string {
  return relative.startsWith("repos/") ? path.join(FIXTURES, relative) : variantModuleDir(relative);
}

/** The repositories under `repos/`, by name. */
export function repoNames(): string[] {
  return folders(path.join(FIXTURES, "repos"));
}

export function expectedFindings(repo: string): ExpectedFinding[] {
  return JSON.parse(fs.readFileSync(path.join(FIXTURES, "repos", repo, "expected.json"), "utf8")) as ExpectedFinding[];
}

/**
 * Every fixture that is a Terraform root module, as `fixtureModuleDir` takes it: each rule's variants
 * (`bad`, `good`, the ignore ones) and the repositories (their local modules are checked through them).
 */
export function allFixtureModules(): string[] {
  return [...allVariants(), ...repoNames().map((name) => `repos/${name}`)];
}
