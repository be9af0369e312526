import * as fs from "node:fs";
import * as path from "node:path";

/**
 * The guards' Terraform fixtures: per rule a `bad` configuration that triggers it and a `good` one, the
 * same corrected; copies of a bad one silenced by an ignore directive; and whole repositories with the
 * findings they are expected to give (`expected.json`).
 */

export const FIXTURES = path.join(__dirname, "fixtures");

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

/** `SE001/bad` -> its absolute path. */
export function fixtureDir(relative: string): string {
  return path.join(FIXTURES, relative);
}

/** The repositories under `repos/`, by name. */
export function repoNames(): string[] {
  return folders(path.join(FIXTURES, "repos"));
}

export function expectedFindings(repo: string): ExpectedFinding[] {
  return JSON.parse(fs.readFileSync(path.join(FIXTURES, "repos", repo, "expected.json"), "utf8")) as ExpectedFinding[];
}

/**
 * Every fixture that is a Terraform root module, relative to `FIXTURES`: each rule's `bad` and `good`,
 * the ignore copies, and the repositories (their local modules are checked through them).
 */
export function allFixtureDirs(): string[] {
  return [
    ...fixtureRuleIds().flatMap((id) => folders(path.join(FIXTURES, id)).map((variant) => `${id}/${variant}`)),
    ...folders(path.join(FIXTURES, "ignore")).map((name) => `ignore/${name}`),
    ...repoNames().map((name) => `repos/${name}`),
  ];
}
