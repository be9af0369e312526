import * as fs from "node:fs";
import * as path from "node:path";
import { parse as parseHcl } from "@cdktf/hcl2json";
import { BlockAnnotation, annotateBlocks, ignoreDirectives, tagDirectives } from "./annotations";
import { RawBody, evaluateBlock, isRawBody, rawBodies } from "./blocks";
import { Bindings, ModuleScope, evaluate } from "./expressions";
import { ResourceInstance, unreadNote } from "./model";
import { toSet } from "./functions";
import { withOverrides } from "./overrides";
import { Memo, mapInOrder } from "./one-at-a-time";
import { Unknown, Value, ValueObject, asNumber, blockAddress, isObject, parseReference } from "./values";
import { withTypeDefaults } from "./variable-types";

/**
 * Reads one Terraform module from its files (`.tf` through hcl2json, `.tf.json` as they are) and expands
 * it into resource instances: `count` and `for_each` when they are known, local `module` sources followed
 * (their inputs evaluated when the module reads them), remote ones skipped with a note. Never throws on
 * what it cannot read, and never waits on itself: a value that depends on itself is unknown (Memo).
 */

export interface ModuleDocument {
  readonly file: string;
  readonly body: RawBody;
  /** Source text of a `.tf` file, for lines and comments. */
  readonly text?: string;
}

export interface ReadOptions {
  /** Resource types whose arguments are evaluated (the others are listed with no values). Default: all. */
  readonly evaluateTypes?: ReadonlySet<string>;
}

/** The value of a module input, evaluated in the calling module when first read; undefined if not given. */
export type ModuleInputs = (name: string) => Promise<Value> | undefined;

/**
 * The `.tf` and `.tf.json` files of `dir` (not its subdirectories), parsed; unreadable files are noted.
 * The files are parsed concurrently: hcl2json's WebAssembly bridge idles between calls made one by one
 * (100 files: 0.9 s one by one, 0.2 s at once).
 */
export async function readModuleFiles(dir: string, notes: string[]): Promise<ModuleDocument[]> {
  const names = fs
    .readdirSync(dir)
    .filter((name) => /\.tf(\.json)?$/.test(name))
    .sort();
  const documents = await Promise.all(
    names.map(async (name): Promise<ModuleDocument | undefined> => {
      const file = path.join(dir, name);
      try {
        const text = fs.readFileSync(file, "utf8");
        const body: unknown = name.endsWith(".json") ? JSON.parse(text) : await parseHcl(name, text);
        if (isRawBody(body)) return { file, body, text: name.endsWith(".json") ? undefined : text };
        notes.push(unreadNote(file, "not a JSON object"));
      } catch (error) {
        notes.push(unreadNote(file, (error as Error).message));
      }
      return undefined;
    }),
  );
  return withOverrides(documents.filter((document): document is ModuleDocument => document !== undefined));
}

/** `{ name: body | [body] }` blocks of one kind across all documents. */
function named(
  documents: readonly ModuleDocument[],
  kind: string,
): Array<{ name: string; body: RawBody; document: ModuleDocument }> {
  return documents.flatMap((document) => {
    const blocks = document.body[kind];
    return isRawBody(blocks)
      ? Object.entries(blocks).flatMap(([name, value]) => rawBodies(value).map((body) => ({ name, body, document })))
      : [];
  });
}

interface InstanceKey {
  readonly suffix: string;
  readonly bindings: Bindings;
}

interface ModuleCall {
  readonly module?: TerraformModule;
  readonly skipped?: string;
}

/** Arguments of a `module` block that are not inputs of the module. */
const MODULE_META = new Set(["source", "version", "count", "for_each", "providers", "depends_on", "//"]);
/** Arguments of a resource block that are Terraform's, not the resource type's. */
const RESOURCE_META = new Set(["//", "count", "for_each", "lifecycle", "depends_on", "provider"]);

export class TerraformModule implements ModuleScope {
  private readonly declared = new Map<string, RawBody>();
  private readonly rawLocals = new Map<string, unknown>();
  private readonly outputs = new Map<string, unknown>();
  private readonly annotations = new Map<string, BlockAnnotation>();
  private readonly memo = new Memo<Value>();
  private readonly keys = new Memo<InstanceKey[]>();
  private readonly calls = new Memo<ModuleCall>();

  /**
   * @param inputs what the calling module passes (tfvars for the root module)
   * @param ancestors the directories of the modules that call this one, root first: a module that calls
   *   one of them (or itself) is not followed
   */
  constructor(
    readonly dir: string,
    readonly rootDir: string,
    readonly prefix: string,
    private readonly documents: readonly ModuleDocument[],
    private readonly inputs: ModuleInputs,
    private readonly options: ReadOptions,
    private readonly notes: string[],
    private readonly ancestors: readonly string[] = [],
  ) {
    for (const { name, body } of named(documents, "variable")) this.declared.set(name, body);
    for (const document of documents) {
      for (const block of rawBodies(document.body.locals))
        for (const [name, raw] of Object.entries(block)) this.rawLocals.set(name, raw);
      for (const [key, annotation] of annotateBlocks(document.text ?? "")) this.annotations.set(key, annotation);
    }
    for (const { name, body } of named(documents, "output")) this.outputs.set(name, body.value);
  }

  variable(name: string): Promise<Value> {
    const declaration = this.declared.get(name);
    if (!declaration) return Promise.resolve(new Unknown(`var.${name} is not declared`));
    return this.memo.get(
      `var.${name}`,
      async () => {
        const given = this.inputs(name);
        // `default = null` is a default: the variable is null, not unknown.
        const value = given
          ? await given
          : "default" in declaration
            ? ((declaration.default ?? null) as Value)
            : undefined;
        if (value === undefined) return new Unknown(`var.${name} has no default and no value is given`);
        return withTypeDefaults(value, declaration.type);
      },
      () => new Unknown(`var.${name} depends on itself`),
    );
  }

  local(name: string): Promise<Value> {
    if (!this.rawLocals.has(name)) return Promise.resolve(new Unknown(`local.${name} is not declared`));
    return this.memo.get(
      `local.${name}`,
      () => evaluate(this.rawLocals.get(name), this),
      () => new Unknown(`local.${name} depends on itself`),
    );
  }

  async moduleOutput(module: string, output: string): Promise<Value> {
    const call = await this.call(module);
    if (!call.module) return new Unknown(`module.${module}: ${call.skipped}`);
    return call.module.output(output);
  }

  /** One of this module's outputs, as its calling module reads it. */
  output(name: string): Promise<Value> {
    if (!this.outputs.has(name)) return Promise.resolve(new Unknown(`${this.prefix}${name}: no such output`));
    return this.memo.get(
      `output.${name}`,
      () => evaluate(this.outputs.get(name), this),
      () => new Unknown(`output ${name} of ${this.prefix.slice(0, -1)} depends on itself`),
    );
  }

  async resourceKeys(block: string): Promise<string[] | undefined> {
    const [type, name] = block.slice(this.prefix.length).split(".");
    const body = this.resourceBody(type, name);
    if (!body) return undefined;
    const keys = await this.instanceKeys(block, body);
    return keys.some((key) => key.suffix === "") ? undefined : keys.map((key) => key.suffix);
  }

  /** Every managed resource instance of this module and the local modules it calls. */
  async instances(): Promise<ResourceInstance[]> {
    const own = await mapInOrder(named(this.documents, "resource"), ({ name: type, body: byName, document }) =>
      mapInOrder(
        Object.entries(byName).flatMap(([name, value]) => rawBodies(value).map((body) => ({ name, body }))),
        ({ name, body }) => this.expandBlock(type, name, body, document),
      ),
    );
    const children = await mapInOrder(named(this.documents, "module"), ({ name }) => this.call(name));
    const nested = await mapInOrder(children, (child) => child.module?.instances() ?? Promise.resolve([]));
    return [...own.flat(2), ...nested.flat()];
  }

  private resourceBody(type: string, name: string): RawBody | undefined {
    const found = named(this.documents, "resource").find((block) => block.name === type && name in block.body);
    return found && rawBodies(found.body[name])[0];
  }

  private async expandBlock(
    type: string,
    name: string,
    body: RawBody,
    document: ModuleDocument,
  ): Promise<ResourceInstance[]> {
    const block = `${this.prefix}${type}.${name}`;
    const keys = await this.instanceKeys(block, body);
    const annotation = this.annotations.get(`${type}.${name}`);
    const commentIgnores = new Map([
      ...(annotation?.ignores ?? []),
      ...ignoreDirectives(JSON.stringify(body["//"] ?? "")),
    ]);
    const evaluateValues = this.options.evaluateTypes?.has(type) ?? true;
    const location = {
      file: path.relative(this.rootDir, document.file) || path.basename(document.file),
      line: annotation?.line,
    };
    return mapInOrder(keys, async ({ suffix, bindings }) => {
      const values = evaluateValues ? await this.arguments(body, bindings) : {};
      const ignores = new Map([...commentIgnores, ...tagDirectives(values.tags)]);
      return { address: block + suffix, blockAddress: block, type, name, values, location, ignores };
    });
  }

  private arguments(body: RawBody, bindings: Bindings): Promise<ValueObject> {
    const entries = Object.entries(body).filter(([key]) => !RESOURCE_META.has(key));
    return evaluateBlock(Object.fromEntries(entries), this, bindings);
  }

  /** One entry per instance: `[0]`, `["key"]`, or the block itself when neither count nor for_each is known. */
  private instanceKeys(block: string, body: RawBody): Promise<InstanceKey[]> {
    return this.keys.get(
      block,
      async () => {
        const keys = await expansion(body, this, (value) => this.instancesOf(value));
        if (typeof keys === "string") this.notes.push(`${block}: ${keys}; read as one instance`);
        return typeof keys === "string" ? [{ suffix: "", bindings: unknownBindings(body, block) }] : keys;
      },
      () => [{ suffix: "", bindings: unknownBindings(body, block) }],
    );
  }

  /**
   * `for_each = aws_x.a` (a resource with for_each) as the map of its instances, `{ k = "${aws_x.a["k"]}" }`,
   * so the resources chained on it expand with the same keys; any other value as it is.
   */
  private async instancesOf(value: Value): Promise<Value> {
    const reference = parseReference(value);
    if (!reference || reference.attribute !== "" || reference.address !== blockAddress(reference.address)) return value;
    const keys = await this.resourceKeys(reference.address);
    if (!keys || keys.some((key) => !key.startsWith('["'))) return value;
    return Object.fromEntries(
      keys.map((key) => [JSON.parse(key.slice(1, -1)) as string, `\${${reference.address}${key}}`]),
    );
  }

  private call(name: string): Promise<ModuleCall> {
    return this.calls.get(
      name,
      () => this.loadCall(name),
      () => ({ skipped: "depends on itself" }),
    );
  }

  private async loadCall(name: string): Promise<ModuleCall> {
    const found = named(this.documents, "module").find((call) => call.name === name);
    const address = `${this.prefix}module.${name}`;
    if (!found) return { skipped: "is not declared" };
    const skip = (why: string): ModuleCall => {
      this.notes.push(`${address}: ${why}`);
      return { skipped: why };
    };
    const source = typeof found.body.source === "string" ? found.body.source : "";
    if (!/^\.\.?\//.test(source)) return skip(`source '${source}' is not a local path; not followed`);
    const dir = path.resolve(this.dir, source);
    if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) return skip(`source '${source}' is not a directory`);
    if (dir === this.dir || this.ancestors.includes(dir)) return skip(`source '${source}' calls itself; not followed`);
    const keys = await expansion(found.body, this, async (value) => value);
    if (Array.isArray(keys) && keys.length === 0) return skip("count or for_each makes no instance; nothing to read");
    if (typeof keys === "string") this.notes.push(`${address}: ${keys}; read as one instance`);
    else if (keys.length > 1 || keys[0].suffix !== "") this.notes.push(`${address}: its instances are read as one`);
    const inputs: ModuleInputs = (input) =>
      input in found.body && !MODULE_META.has(input) ? evaluate(found.body[input], this) : undefined;
    const documents = await readModuleFiles(dir, this.notes);
    const ancestors = [...this.ancestors, this.dir];
    return {
      module: new TerraformModule(
        dir,
        this.rootDir,
        `${address}.`,
        documents,
        inputs,
        this.options,
        this.notes,
        ancestors,
      ),
    };
  }
}

/**
 * The instances a block's `count` or `for_each` makes (one with no key when it has neither), or why they
 * are not known statically. `resolveForEach` turns a `for_each` value into the collection it stands for.
 */
async function expansion(
  body: RawBody,
  scope: ModuleScope,
  resolveForEach: (value: Value) => Promise<Value>,
): Promise<InstanceKey[] | string> {
  if (body.count !== undefined) {
    const value = await evaluate(body.count, scope);
    const count = asNumber(value);
    if (count !== undefined && Number.isInteger(count) && count >= 0)
      return Array.from({ length: count }, (_, index) => ({ suffix: `[${index}]`, bindings: { count: index } }));
    return `count is not known statically (${value instanceof Unknown ? value.reason : "not a whole number"})`;
  }
  if (body.for_each !== undefined) {
    const forEach = await resolveForEach(await evaluate(body.for_each, scope));
    // A list given to for_each is a set in Terraform: each element once.
    const entries: [string, Value][] | undefined = Array.isArray(forEach)
      ? toSet(forEach).map((item) => [String(item), item])
      : isObject(forEach)
        ? Object.entries(forEach)
        : undefined;
    if (entries)
      return entries.map(([key, value]) => ({
        suffix: `[${JSON.stringify(key)}]`,
        bindings: { each: { key, value } },
      }));
    return `for_each is not known statically (${forEach instanceof Unknown ? forEach.reason : "not a list or map"})`;
  }
  return [{ suffix: "", bindings: {} }];
}

/** `count.index` or `each` of a block whose instances are not known: unknown. */
function unknownBindings(body: RawBody, block: string): Bindings {
  const unknown = new Unknown(`the instances of ${block} are not known statically`);
  if (body.count !== undefined) return { count: unknown };
  return body.for_each !== undefined ? { each: { key: unknown, value: unknown } } : {};
}
