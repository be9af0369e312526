import * as fs from "node:fs";
import * as path from "node:path";
import { parse as parseHcl } from "@cdktf/hcl2json";
import { BlockAnnotation, annotateBlocks, ignoreDirectives, tagDirectives } from "./annotations";
import { Bindings, ModuleScope, evaluate, evaluateBlock } from "./expressions";
import { ResourceInstance } from "./model";
import { Unknown, Value, ValueObject, blockAddress, isObject, parseReference } from "./values";

/**
 * Reads one Terraform module from its files (`.tf` through hcl2json, `.tf.json` as they are) and expands
 * it into resource instances: `count` and `for_each` when they are known, local `module` sources followed
 * (with their inputs), remote ones skipped with a note. Never throws on what it cannot read: it notes it.
 */

type Body = Record<string, unknown>;

export interface ModuleDocument {
  readonly file: string;
  readonly body: Body;
  /** Source text of a `.tf` file, for lines and comments. */
  readonly text?: string;
}

export interface ReadOptions {
  /** Resource types whose arguments are evaluated (the others are listed with no values). Default: all. */
  readonly evaluateTypes?: ReadonlySet<string>;
}

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
        if (name.endsWith(".json")) return { file, body: JSON.parse(text) as Body };
        return { file, body: (await parseHcl(name, text)) as Body, text };
      } catch (error) {
        notes.push(`${file}: not read (${(error as Error).message.split("\n")[0]})`);
        return undefined;
      }
    }),
  );
  return documents.filter((document): document is ModuleDocument => document !== undefined);
}

/** `x` or `[x, y]` (HCL gives lists of blocks, Terraform JSON objects) as a list. */
function each(value: unknown): Body[] {
  if (Array.isArray(value)) return value.filter((item): item is Body => typeof item === "object" && item !== null);
  return typeof value === "object" && value !== null ? [value as Body] : [];
}

/** `{ name: body | [body] }` blocks of one kind across all documents. */
function named(
  documents: readonly ModuleDocument[],
  kind: string,
): Array<{ name: string; body: Body; document: ModuleDocument }> {
  return documents.flatMap((document) =>
    Object.entries((document.body[kind] as Body | undefined) ?? {}).flatMap(([name, value]) =>
      each(value).map((body) => ({ name, body, document })),
    ),
  );
}

interface InstanceKey {
  readonly suffix: string;
  readonly bindings: Bindings;
}

interface ModuleCall {
  readonly module?: TerraformModule;
  readonly skipped?: string;
}

export class TerraformModule implements ModuleScope {
  private readonly variables = new Map<string, Value>();
  private readonly rawLocals = new Map<string, unknown>();
  private readonly locals = new Map<string, Promise<Value>>();
  private readonly outputs = new Map<string, unknown>();
  private readonly calls = new Map<string, Promise<ModuleCall>>();
  private readonly annotations = new Map<string, BlockAnnotation>();
  private readonly keys = new Map<string, Promise<InstanceKey[]>>();

  /**
   * @param inputs the values a parent module passes (evaluated), or tfvars for the root module
   */
  constructor(
    readonly dir: string,
    readonly rootDir: string,
    readonly prefix: string,
    private readonly documents: readonly ModuleDocument[],
    inputs: ReadonlyMap<string, Value>,
    private readonly options: ReadOptions,
    private readonly notes: string[],
  ) {
    for (const { name, body } of named(documents, "variable")) {
      const value = inputs.get(name) ?? ("default" in body ? (body.default as Value) : undefined);
      this.variables.set(name, value ?? new Unknown(`var.${name} has no default and no value is given`));
    }
    for (const document of documents) {
      for (const block of each(document.body.locals))
        for (const [name, raw] of Object.entries(block)) this.rawLocals.set(name, raw);
      for (const [key, annotation] of annotateBlocks(document.text ?? "")) this.annotations.set(key, annotation);
    }
    for (const { name, body } of named(documents, "output")) this.outputs.set(name, body.value);
  }

  variable(name: string): Value {
    return this.variables.get(name) ?? new Unknown(`var.${name} is not declared`);
  }

  local(name: string): Promise<Value> {
    let value = this.locals.get(name);
    if (!value) {
      if (!this.rawLocals.has(name)) return Promise.resolve(new Unknown(`local.${name} is not declared`));
      // Placed before evaluating, so a local that refers to itself ends as unknown instead of looping.
      this.locals.set(name, Promise.resolve(new Unknown(`local.${name} refers to itself`)));
      value = evaluate(this.rawLocals.get(name), this);
      this.locals.set(name, value);
    }
    return value;
  }

  async moduleOutput(module: string, output: string): Promise<Value> {
    const call = await this.call(module);
    if (!call.module) return new Unknown(`module.${module}: ${call.skipped}`);
    if (!call.module.outputs.has(output)) return new Unknown(`module.${module} has no output ${output}`);
    return evaluate(call.module.outputs.get(output), call.module);
  }

  async resourceKeys(block: string): Promise<string[] | undefined> {
    const [type, name] = block.slice(this.prefix.length).split(".");
    const found = named(this.documents, "resource").find((each) => each.name === type && name in each.body);
    const body = found && each(found.body[name])[0];
    if (!body) return undefined;
    const keys = await this.instanceKeys(block, body);
    return keys.some((key) => key.suffix === "") ? undefined : keys.map((key) => key.suffix);
  }

  /** Every managed resource instance of this module and the local modules it calls. */
  async instances(): Promise<ResourceInstance[]> {
    const own = await Promise.all(
      named(this.documents, "resource").map(({ name, body, document }) => this.expand(name, body, document)),
    );
    const children = await Promise.all(named(this.documents, "module").map(({ name }) => this.call(name)));
    const nested = await Promise.all(children.map((child) => child.module?.instances() ?? []));
    return [...own.flat(), ...nested.flat()];
  }

  /** The blocks of one resource type in one document (`named` yields a type with its blocks by name). */
  private async expand(type: string, byName: Body, document: ModuleDocument): Promise<ResourceInstance[]> {
    const results = await Promise.all(
      Object.entries(byName).flatMap(([name, value]) =>
        each(value).map((body) => this.expandBlock(type, name, body, document)),
      ),
    );
    return results.flat();
  }

  private async expandBlock(
    type: string,
    name: string,
    body: Body,
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
    return Promise.all(
      keys.map(async ({ suffix, bindings }) => {
        const values = evaluateValues ? await this.arguments(body, bindings) : {};
        const ignores = new Map([...commentIgnores, ...tagDirectives(values.tags)]);
        return { address: block + suffix, blockAddress: block, type, name, values, location, ignores };
      }),
    );
  }

  private async arguments(body: Body, bindings: Bindings): Promise<ValueObject> {
    const entries = Object.entries(body).filter(
      ([key]) => !["//", "count", "for_each", "lifecycle", "depends_on", "provider"].includes(key),
    );
    return evaluateBlock(Object.fromEntries(entries), this, bindings);
  }

  /** One entry per instance: `[0]`, `["key"]`, or the block itself when neither count nor for_each is known. */
  private instanceKeys(block: string, body: Body): Promise<InstanceKey[]> {
    let keys = this.keys.get(block);
    if (!keys) {
      keys = this.evaluateInstanceKeys(block, body);
      this.keys.set(block, keys);
    }
    return keys;
  }

  private async evaluateInstanceKeys(block: string, body: Body): Promise<InstanceKey[]> {
    if (body.count !== undefined) {
      const count = await evaluate(body.count, this);
      if (typeof count === "number")
        return Array.from({ length: count }, (_, index) => ({ suffix: `[${index}]`, bindings: { count: index } }));
      this.notes.push(`${block}: count is not known statically (${describe(count)}); read as one instance`);
      return [{ suffix: "", bindings: { count: new Unknown(`count of ${block} is not known`) } }];
    }
    if (body.for_each !== undefined) {
      const forEach = await this.instancesOf(await evaluate(body.for_each, this));
      const entries: [string, Value][] | undefined = Array.isArray(forEach)
        ? forEach.map((item) => [String(item), item as Value])
        : isObject(forEach)
          ? Object.entries(forEach)
          : undefined;
      if (entries)
        return entries.map(([key, value]) => ({
          suffix: `[${JSON.stringify(key)}]`,
          bindings: { each: { key, value } },
        }));
      this.notes.push(`${block}: for_each is not known statically (${describe(forEach)}); read as one instance`);
      const unknown = new Unknown(`for_each of ${block} is not known`);
      return [{ suffix: "", bindings: { each: { key: unknown, value: unknown } } }];
    }
    return [{ suffix: "", bindings: {} }];
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
    let call = this.calls.get(name);
    if (!call) {
      call = this.loadCall(name);
      this.calls.set(name, call);
    }
    return call;
  }

  private async loadCall(name: string): Promise<ModuleCall> {
    const found = named(this.documents, "module").find((call) => call.name === name);
    const address = `${this.prefix}module.${name}`;
    if (!found) return { skipped: "is not declared" };
    const source = typeof found.body.source === "string" ? found.body.source : "";
    if (!/^\.\.?\//.test(source)) {
      this.notes.push(`${address}: source '${source}' is not a local path; not followed`);
      return { skipped: `source '${source}' is not followed` };
    }
    const dir = path.resolve(this.dir, source);
    if (!fs.existsSync(dir)) {
      this.notes.push(`${address}: source '${source}' does not exist`);
      return { skipped: `source '${source}' does not exist` };
    }
    if (found.body.count !== undefined || found.body.for_each !== undefined) {
      this.notes.push(`${address}: count or for_each on a module is read as one instance`);
    }
    const reserved = new Set(["source", "version", "count", "for_each", "providers", "depends_on", "//"]);
    const inputs = new Map<string, Value>();
    for (const [key, raw] of Object.entries(found.body))
      if (!reserved.has(key)) inputs.set(key, await evaluate(raw, this));
    const documents = await readModuleFiles(dir, this.notes);
    return {
      module: new TerraformModule(dir, this.rootDir, `${address}.`, documents, inputs, this.options, this.notes),
    };
  }
}

function describe(value: Value): string {
  return value instanceof Unknown ? value.reason : "not a number, list or map";
}
