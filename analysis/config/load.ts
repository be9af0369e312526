import * as fs from "node:fs";
import * as path from "node:path";
import { parse as parseHcl } from "@cdktf/hcl2json";
import { Configuration, unreadNote } from "./model";
import { isPlan, planConfiguration } from "./plan-configuration";
import { ModuleDocument, ReadOptions, TerraformModule, readModuleFiles } from "./terraform-module";
import { Value } from "./values";

/**
 * Reads what `stateful-ecs lint` is pointed at: a directory of `.tf` / `.tf.json` files (a repository's
 * module, or a synthesized cdktf stack), one such file (`cdk.tf.json`), or a `terraform show -json` plan.
 */

/** The input cannot be read at all (missing, empty, not Terraform): the linter exits 2 with this message. */
export class UnreadableInput extends Error {}

export async function readConfiguration(input: string, options: ReadOptions = {}): Promise<Configuration> {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(input);
  } catch {
    throw new UnreadableInput(`${input}: no such file or directory`);
  }
  const notes: string[] = [];
  if (stat.isDirectory()) {
    const documents = await readModuleFiles(input, notes);
    if (documents.length === 0)
      throw new UnreadableInput(`${input}: no readable .tf or .tf.json files in this directory`);
    return moduleConfiguration(input, documents, await rootInputs(input, notes), options, notes);
  }
  let text: string;
  try {
    text = fs.readFileSync(input, "utf8");
  } catch (error) {
    throw new UnreadableInput(`${input}: ${(error as Error).message}`);
  }
  if (input.endsWith(".tf")) {
    const body = await parseHcl(path.basename(input), text).catch((error: Error) => {
      throw new UnreadableInput(`${input}: not valid HCL (${error.message.split("\n")[0]})`);
    });
    return moduleConfiguration(path.dirname(input), [{ file: input, body, text }], new Map(), options, notes);
  }
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    throw new UnreadableInput(`${input}: neither a .tf file nor JSON (${(error as Error).message})`);
  }
  if (isPlan(document)) return planConfiguration(document as Parameters<typeof planConfiguration>[0], input);
  if (!isConfiguration(document)) {
    throw new UnreadableInput(
      `${input}: the JSON is not a Terraform configuration (no ${TOP_LEVEL_BLOCKS.join(", ")} block) or plan (no resource_changes)`,
    );
  }
  return moduleConfiguration(
    path.dirname(input),
    [{ file: input, body: document as Record<string, unknown> }],
    new Map(),
    options,
    notes,
  );
}

/** The top-level blocks of a Terraform configuration: JSON with none of them is something else. */
const TOP_LEVEL_BLOCKS = ["resource", "data", "module", "variable", "locals", "output", "provider", "terraform"];

function isConfiguration(document: unknown): document is Record<string, unknown> {
  return (
    typeof document === "object" &&
    document !== null &&
    !Array.isArray(document) &&
    TOP_LEVEL_BLOCKS.some((block) => block in document)
  );
}

async function moduleConfiguration(
  dir: string,
  documents: ModuleDocument[],
  tfvars: ReadonlyMap<string, Value>,
  options: ReadOptions,
  notes: string[],
): Promise<Configuration> {
  const root = path.resolve(dir);
  const given = (name: string) => (tfvars.has(name) ? Promise.resolve(tfvars.get(name) as Value) : undefined);
  const module = new TerraformModule(root, root, "", documents, given, options, notes);
  return new Configuration(await module.instances(), notes);
}

/**
 * Variable values from `terraform.tfvars`, `terraform.tfvars.json`, then `*.auto.tfvars(.json)` in lexical
 * order: the order Terraform loads them in, a later file overriding an earlier one.
 */
async function rootInputs(dir: string, notes: string[]): Promise<Map<string, Value>> {
  const files = fs.readdirSync(dir);
  const auto = files.filter((name) => /\.auto\.tfvars(\.json)?$/.test(name)).sort();
  const names = [...["terraform.tfvars", "terraform.tfvars.json"].filter((name) => files.includes(name)), ...auto];
  const inputs = new Map<string, Value>();
  for (const name of names) {
    try {
      const text = fs.readFileSync(path.join(dir, name), "utf8");
      const values = name.endsWith(".json") ? JSON.parse(text) : await parseHcl(name, text);
      for (const [key, value] of Object.entries(values as Record<string, Value>)) inputs.set(key, value);
    } catch (error) {
      notes.push(unreadNote(name, (error as Error).message));
    }
  }
  return inputs;
}
