import * as fs from "node:fs";
import * as path from "node:path";
import { getExpressionAst, parse as parseHcl, TFExpressionSyntaxTree as Ast } from "@cdktf/hcl2json";
import { FILE_FUNCTIONS, callFunction } from "./functions";
import { decodeLiteral, flushHeredocIndent, unindent } from "./literals";
import { mapInOrder } from "./one-at-a-time";
import {
  PartialJson,
  Unknown,
  Value,
  asBoolean,
  asNumber,
  asString,
  holdsApplyTimeText,
  isObject,
  parseReference,
} from "./values";

/**
 * Evaluates Terraform expressions statically: the `${...}` strings of Terraform JSON (which is also what
 * `@cdktf/hcl2json` makes of `.tf` files), through the expression AST hcl2json gives. Variables take their
 * defaults or the values passed to the module, locals and module outputs are evaluated on demand, a
 * resource attribute stays a reference (`${aws_x.name.id}`), and the rest is `Unknown` with a reason.
 */

/** What an expression can see outside itself: one module instance of the configuration. */
export interface ModuleScope {
  /** The module's directory (`path.module`); files are read relative to it. */
  readonly dir: string;
  /** `path.root`. */
  readonly rootDir: string;
  /** Prefix of this module's addresses: `""` for the root module, `module.<name>.` for a child. */
  readonly prefix: string;
  variable(name: string): Promise<Value>;
  local(name: string): Promise<Value>;
  moduleOutput(module: string, output: string): Promise<Value>;
  /** The instance keys (`[0]`, `["a"]`) of a resource block of this module; undefined when not known. */
  resourceKeys(block: string): Promise<string[] | undefined>;
}

/** `count.index`, `each.key` / `each.value`, and names bound by `for` expressions and `templatefile`. */
export interface Bindings {
  readonly count?: Value;
  readonly each?: { readonly key: Value; readonly value: Value };
  readonly names?: Readonly<Record<string, Value>>;
}

/** A reference to a resource attribute while it is being built; it leaves evaluation as `${path}`. */
class Ref {
  constructor(readonly path: string) {}
}

type Result = Value | Ref;

interface Context {
  readonly scope: ModuleScope;
  readonly bindings: Bindings;
  readonly source: Buffer;
  /** Only the bindings are visible (a `templatefile` template). */
  readonly isolated: boolean;
}

const HEREDOC = "STATEFUL_ECS_EOT";
const TRAVERSAL = /^[A-Za-z_][\w-]*(?:\.[A-Za-z_][\w-]*|\[(?:\d+|"[^"\\]*")\])*$/;
const INTERPOLATION = /\$\{([^{}]*)\}/g;

/** Evaluates every `${...}` string inside `raw` (a Terraform JSON value). */
export async function evaluate(raw: unknown, scope: ModuleScope, bindings: Bindings = {}): Promise<Value> {
  if (typeof raw === "string") return evaluateString(raw, scope, bindings);
  if (Array.isArray(raw)) return mapInOrder(raw, (item) => evaluate(item, scope, bindings));
  if (typeof raw === "object" && raw !== null) {
    const entries = await mapInOrder(Object.entries(raw), async ([key, item]) => {
      // hcl2json writes a key given as an expression (`(local.k) = ...`, `"${local.k}_2" = ...`) as a template.
      const name = key.includes("${") ? await evaluateString(key, scope, bindings) : key;
      return [name, await evaluate(item, scope, bindings)] as const;
    });
    const unknownKey = entries.find(([name]) => typeof name !== "string" || name.includes("${"));
    if (unknownKey) return new Unknown("an object key only known at apply");
    return Object.fromEntries(entries);
  }
  return (raw ?? null) as Value;
}

/** A Terraform template string: literal text, `$${` escapes, `${...}` interpolations and `%{...}` directives. */
export async function evaluateString(
  text: string,
  scope: ModuleScope,
  bindings: Bindings,
  isolated = false,
): Promise<Value> {
  if (!text.includes("${") && !text.includes("%{")) return text;
  const context = (source: string): Context => ({ scope, bindings, source: Buffer.from(source), isolated });
  const simple = await evaluateSimpleTemplate(text, (expression) =>
    traverse(parseTraversal(expression), context(expression)),
  );
  if (simple !== undefined) return finish(simple);
  try {
    const whole = /^\$\{([\s\S]*)\}$/.exec(text);
    if (whole) {
      const encoded = await jsonencodeOfCollection(whole[1], scope, bindings);
      if (encoded !== undefined) return encoded;
      const inner = await parseExpression(whole[1]).catch(() => undefined);
      if (inner) return finish(await evaluateNode(inner, context(whole[1])));
    }
    const source = `<<${HEREDOC}\n${text}\n${HEREDOC}\n`;
    const result = await evaluateNode(await parseExpression(source), context(source));
    return finish(typeof result === "string" ? result.slice(0, -1) : result);
  } catch (error) {
    return new Unknown(
      `could not read ${JSON.stringify(abbreviate(text))}: ${(error as Error).message.split("\n")[0]}`,
    );
  }
}

/**
 * `jsonencode([...])` or `jsonencode({...})`, what most container definitions and policies are, read by
 * hcl2json's document parser instead of its expression AST (a quarter of the cost: the AST carries every
 * node's source and range): the collection comes back as Terraform JSON, `${...}` strings inside, which
 * `evaluate` reads. Undefined when the expression is not that shape.
 */
async function jsonencodeOfCollection(
  expression: string,
  scope: ModuleScope,
  bindings: Bindings,
): Promise<Value | undefined> {
  const call = /^\s*jsonencode\(\s*([[{][\s\S]*[\]}])\s*\)\s*$/.exec(expression);
  if (!call) return undefined;
  const body = await parseHcl("expression.tf", `value = ${call[1]}\n`).catch(() => undefined);
  if (!body || typeof body.value !== "object" || body.value === null) return undefined;
  return callFunction("jsonencode", [await evaluate(body.value, scope, bindings)]);
}

/**
 * Templates whose interpolations are all plain traversals (`${aws_x.a.id}`, `${var.name}-db`), most of
 * what cdktf and real repositories write, are evaluated without the parser; `undefined` when not so.
 */
async function evaluateSimpleTemplate(
  text: string,
  resolve: (expression: string) => Promise<Result>,
): Promise<Result | undefined> {
  if (text.includes("%{") || text.includes("$${")) return undefined;
  const parts = [...text.matchAll(INTERPOLATION)];
  if (parts.length === 0 || !parts.every((part) => TRAVERSAL.test(part[1].trim()))) return undefined;
  const outside = text.replace(INTERPOLATION, "");
  if (outside.includes("${")) return undefined;
  const values = await mapInOrder(parts, (part) => resolve(part[1].trim()));
  if (parts.length === 1 && parts[0][0] === text) return values[0];
  let result = "";
  let last = 0;
  for (const [index, part] of parts.entries()) {
    result += text.slice(last, part.index) + templatePiece(values[index], part[1]);
    last = part.index! + part[0].length;
  }
  return result + text.slice(last);
}

function abbreviate(text: string): string {
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

export async function parseExpression(source: string): Promise<Ast.ExpressionType> {
  const ast = await getExpressionAst("expression.tf", source);
  if (!ast) throw new Error("empty expression");
  return ast;
}

/** A reference becomes `${path}` once it leaves the evaluator; everything else is already a value. */
function finish(result: Result): Value {
  if (result instanceof Ref) return `\${${result.path}}`;
  if (Array.isArray(result)) return result.map((item) => finish(item as Result));
  if (isObject(result))
    return Object.fromEntries(Object.entries(result).map(([key, item]) => [key, finish(item as Result)]));
  if (result instanceof PartialJson) return new PartialJson(finish(result.value as Result));
  return result;
}

/**
 * One interpolation's text inside a longer template. A reference, or a value only known at apply, stays
 * as its expression (`${aws_x.a.id}`, `${var.cluster}`), so the rest of a script or document is still read.
 */
function templatePiece(value: Result, expression: string): string {
  if (value instanceof Ref) return `\${${value.path}}`;
  return asString(value as Value) ?? `\${${expression.trim()}}`;
}

/**
 * A `["key"]` step. In a value it looks up the same thing as `.key`, but in a resource address it must stay
 * an instance key: `aws_x.this["a"].id` is not `aws_x.this.a.id`, which names no instance.
 */
class Key {
  constructor(readonly name: string) {}

  toString(): string {
    return this.name;
  }
}

type Segment = string | number | Key;

/** `a.b[0]["k"]` as segments, without the parser (the caller checked it is a plain traversal). */
function parseTraversal(expression: string): Segment[] {
  const segments: Segment[] = [];
  for (const match of expression.matchAll(/([A-Za-z_][\w-]*)|\[(\d+)\]|\["([^"]*)"\]/g)) {
    if (match[1] !== undefined) segments.push(match[1]);
    else if (match[2] !== undefined) segments.push(Number(match[2]));
    else segments.push(new Key(match[3]));
  }
  return segments;
}

function astSegments(traversal: Ast.TerraformTraversalPart[]): Segment[] {
  return traversal.map((part) => {
    if (part.type === "nameTraversal") return part.segment;
    const key = part.segment.trim();
    return /^".*"$/.test(key) ? new Key(JSON.parse(key) as string) : /^\d+$/.test(key) ? Number(key) : new Key(key);
  });
}

function segmentText(segment: Segment): string {
  if (typeof segment === "number") return `[${segment}]`;
  return segment instanceof Key || !/^[A-Za-z_][\w-]*$/.test(segment)
    ? `[${JSON.stringify(String(segment))}]`
    : `.${segment}`;
}

function refTo(path: string, rest: Segment[]): Ref {
  return new Ref(path + rest.map(segmentText).join(""));
}

/** The value of a traversal from a root name: `var.x`, `local.y`, `aws_x.name.id`, `each.value.path`. */
async function traverse(segments: Segment[], context: Context): Promise<Result> {
  const [root, ...rest] = segments;
  const { scope, bindings } = context;
  if (typeof root !== "string") return new Unknown("not a traversal");
  if (bindings.names && root in bindings.names) return access(bindings.names[root], rest);
  if (context.isolated) return new Unknown(`${root} is not available inside a template file`);
  switch (root) {
    case "var":
      return access(await scope.variable(String(rest[0])), rest.slice(1));
    case "local":
      return access(await scope.local(String(rest[0])), rest.slice(1));
    case "count":
      return rest[0] === "index" && bindings.count !== undefined
        ? bindings.count
        : new Unknown("count.index outside a counted resource");
    case "each":
      if (!bindings.each) return new Unknown("each outside a for_each resource");
      return access(rest[0] === "key" ? bindings.each.key : bindings.each.value, rest.slice(1));
    case "path":
      return rest[0] === "root" ? context.scope.rootDir : rest[0] === "cwd" ? process.cwd() : scope.dir;
    case "terraform":
      // The workspace is chosen when Terraform runs, not written in the configuration.
      return new Unknown(`terraform.${String(rest[0])} is chosen at run time`);
    case "module":
      return access(await scope.moduleOutput(String(rest[0]), String(rest[1])), rest.slice(2));
    case "data":
      return refTo(`${scope.prefix}data.${String(rest[0])}.${String(rest[1])}`, rest.slice(2));
    case "self":
      return new Unknown("self is only known at apply");
    default:
      if (rest.length === 0 || typeof rest[0] !== "string") return new Unknown(`unknown name ${root}`);
      return refTo(`${scope.prefix}${root}.${rest[0]}`, rest.slice(1));
  }
}

/** `value` followed by attribute and index steps. */
function access(value: Result, steps: Segment[]): Result {
  let current = value;
  for (const [index, step] of steps.entries()) {
    // A reference that reached here as a value (through `each.value`, a variable, a module output) is
    // still one: `each.value.arn` of `for_each = aws_x.a` is `${aws_x.a["k"].arn}`.
    const passed = typeof current === "string" ? parseReference(current) : undefined;
    if (passed) current = new Ref(passed.address + passed.attribute);
    if (current instanceof Ref) return refTo(current.path, steps.slice(index));
    if (current instanceof Unknown) return current;
    if (Array.isArray(current) && typeof step === "number")
      current = current[step] ?? new Unknown(`index ${step} is out of range`, true);
    else if (isObject(current) && Object.hasOwn(current, String(step))) current = current[String(step)];
    // Not an error for try(): a variable's object type may add the attribute with its default.
    else return new Unknown(`no ${segmentText(step)} in the value`);
  }
  return current;
}

async function evaluateChildren(node: Ast.ExpressionType, context: Context): Promise<Result[]> {
  return mapInOrder(node.children, (child) => evaluateNode(child, context));
}

/** What a constant expression sees: nothing but itself (a type's default values, in variable-types.ts). */
const NOTHING: ModuleScope = {
  dir: ".",
  rootDir: ".",
  prefix: "",
  variable: async (name) => new Unknown(`var.${name} in a constant`),
  local: async (name) => new Unknown(`local.${name} in a constant`),
  moduleOutput: async (module) => new Unknown(`module.${module} in a constant`),
  resourceKeys: async () => undefined,
};

/** The value of a node of `source` that refers to nothing (a literal, a tuple or object of literals). */
export async function evaluateConstant(node: Ast.ExpressionType, source: string): Promise<Value> {
  return finish(
    await evaluateNode(node, { scope: NOTHING, bindings: {}, source: Buffer.from(source), isolated: false }),
  );
}

async function evaluateNode(node: Ast.ExpressionType, context: Context): Promise<Result> {
  // hcl2json also emits "" (parentheses, object keys) and "templateJoin" (template loops), not in its types.
  switch (node.type as string) {
    case "literalValue":
      return literal(node as Ast.LiteralValueExpression);
    case "template":
      return template(await evaluateChildren(node, context), node);
    case "templateWrap":
    case "":
      return node.children.length === 1 ? evaluateNode(node.children[0], context) : new Unknown("unsupported syntax");
    case "templateJoin": {
      const [parts] = await evaluateChildren(node, context);
      if (!Array.isArray(parts)) return parts instanceof Unknown ? parts : new Unknown("unsupported template loop");
      return parts.map((part) => templatePiece(part as Result, node.meta.value)).join("");
    }
    case "tuple":
      return (await evaluateChildren(node, context)) as Value[];
    case "object":
      return object(node, context);
    case "function":
      return functionCall(node as Ast.FunctionCallExpression, context);
    case "scopeTraversal":
      return traverse(astSegments((node as Ast.ScopeTraversalExpression).meta.traversal), context);
    case "relativeTraversal": {
      const [source] = await evaluateChildren(node, context);
      return access(source, astSegments((node as Ast.RelativeTraversalExpression).meta.traversal));
    }
    case "index": {
      const [collection, key] = await evaluateChildren(node, context);
      if (key instanceof Unknown) return key;
      if (key instanceof Ref) return new Unknown("an index that is only known at apply");
      return access(collection, [typeof key === "number" ? key : new Key(String(key))]);
    }
    case "splat":
      return splat(node, context);
    case "conditional":
      return conditional(node, context);
    case "binaryOp":
      return binary((node.meta as Ast.BinaryOpExpressionMeta).operator, await evaluateChildren(node, context));
    case "unaryOp": {
      const [operand] = await evaluateChildren(node, context);
      const operator = (node.meta as Ast.UnaryOpExpressionMeta).operator;
      if (operator === "logicalNot" && typeof operand === "boolean") return !operand;
      if (operator === "negate" && typeof operand === "number") return -operand;
      return operand instanceof Unknown ? operand : new Unknown(`${operator} of a value only known at apply`);
    }
    case "for":
      return forExpression(node as Ast.ForExpression, context);
    default:
      return new Unknown(`unsupported expression ${node.type}`);
  }
}

function literal(node: Ast.LiteralValueExpression): Value {
  const { type, value } = node.meta;
  if (type === "number") return Number(value);
  if (type === "bool") return value === "true";
  if (type === "string") return value;
  return value === "null" ? null : value;
}

function template(values: Result[], node: Ast.ExpressionType): Result {
  const { children } = node;
  if (values.length === 1 && children[0].type !== "literalValue") return values[0];
  const indent = flushHeredocIndent(node.meta.value);
  const heredoc = node.meta.value.startsWith("<<");
  return values
    .map((value, index) => {
      const piece = templatePiece(value, children[index].meta.value);
      if (children[index].type !== "literalValue") return piece;
      return decodeLiteral(indent > 0 ? unindent(piece, indent) : piece, heredoc);
    })
    .join("");
}

async function object(node: Ast.ExpressionType, context: Context): Promise<Result> {
  const result: Record<string, Value> = {};
  for (let index = 0; index + 1 < node.children.length; index += 2) {
    const keyNode = node.children[index];
    const key =
      (keyNode.type as string) === "" && keyNode.children.length === 0
        ? context.source.subarray(keyNode.range.start.byte, keyNode.range.end.byte).toString()
        : await evaluateNode(keyNode, context);
    if (typeof key !== "string") return new Unknown("an object key only known at apply");
    result[key] = (await evaluateNode(node.children[index + 1], context)) as Value;
  }
  return result;
}

async function functionCall(node: Ast.FunctionCallExpression, context: Context): Promise<Result> {
  // A whole counted resource (`length(aws_subnet.private)`) is passed as the list of its instances.
  const evaluated = await evaluateChildren(node, context);
  const args = await mapInOrder(evaluated, async (arg) =>
    finish(arg instanceof Ref ? await resourceInstances(arg, context) : arg),
  );
  const name = node.meta.name;
  if (FILE_FUNCTIONS.has(name)) return readFileFunction(name, args, context);
  return callFunction(
    name,
    node.meta.expandedFinalArgument && Array.isArray(args.at(-1))
      ? [...args.slice(0, -1), ...(args.at(-1) as Value[])]
      : args,
  );
}

/** `file(path)` and `templatefile(path, vars)`, read relative to the module (as `path.module` paths are). */
async function readFileFunction(name: string, [file, vars]: Value[], context: Context): Promise<Value> {
  if (typeof file !== "string")
    return file instanceof Unknown ? file : new Unknown(`${name}() of a path only known at apply`);
  // As Terraform does: a relative path is relative to the working directory, the root module's.
  const resolved = path.resolve(context.scope.rootDir, file);
  let text: string;
  try {
    text = fs.readFileSync(resolved, "utf8");
  } catch {
    return new Unknown(`${name}() cannot read ${file}`);
  }
  if (name === "file") return text;
  if (!isObject(vars)) return new Unknown("templatefile() variables only known at apply");
  return evaluateString(text, context.scope, { names: vars }, true);
}

async function splat(node: Ast.ExpressionType, context: Context): Promise<Result> {
  const [source] = await evaluateChildren(node, context);
  const each = node.children[1];
  const steps =
    each?.type === "relativeTraversal" ? astSegments((each as Ast.RelativeTraversalExpression).meta.traversal) : [];
  if (source instanceof Ref) {
    const keys = await context.scope.resourceKeys(source.path);
    if (!keys) return new Unknown(`the instances of ${source.path} are not known statically`);
    return keys.map((key) => access(new Ref(source.path + key), steps)) as Value[];
  }
  if (source instanceof Unknown) return source;
  const list = Array.isArray(source) ? source : source === null ? [] : [source];
  return list.map((item) => access(item as Result, steps)) as Value[];
}

/**
 * A counted or for_each resource as a collection of its instances (`[aws_x.a[0], ...]`, `{ k = aws_x.a["k"] }`),
 * so `{ for k, ap in aws_efs_access_point.this : k => ap.id }` gives references; the reference as it was
 * when it is not such a resource or its instances are not known statically.
 */
async function resourceInstances(ref: Ref, context: Context): Promise<Result> {
  const isBlock = /^[a-z][\w-]*\.[\w-]+$/.test(ref.path.slice(context.scope.prefix.length));
  const keys = isBlock ? await context.scope.resourceKeys(ref.path) : undefined;
  if (!keys) return ref;
  if (keys.every((key) => /^\[\d+\]$/.test(key)))
    return keys.map((key) => new Ref(ref.path + key)) as unknown as Value[];
  return Object.fromEntries(
    keys.map((key) => [JSON.parse(key.slice(1, -1)) as string, new Ref(ref.path + key) as unknown as Value]),
  );
}

async function conditional(node: Ast.ExpressionType, context: Context): Promise<Result> {
  const [condition, whenTrue, whenFalse] = await evaluateChildren(node, context);
  if (typeof condition === "boolean") return condition ? whenTrue : whenFalse;
  if (JSON.stringify(finish(whenTrue)) === JSON.stringify(finish(whenFalse))) return whenTrue;
  return condition instanceof Unknown ? condition : new Unknown("a condition only known at apply");
}

function binary(operator: string, [left, right]: Result[]): Result {
  for (const side of [left, right]) if (side instanceof Unknown) return side;
  const applyTime = (side: Result) => side instanceof Ref || holdsApplyTimeText(side);
  if (applyTime(left) || applyTime(right)) return new Unknown(`${operator} of a value only known at apply`);
  const same = JSON.stringify(left) === JSON.stringify(right);
  const [a, b] = [asNumber(left as Value), asNumber(right as Value)];
  const [p, q] = [asBoolean(left as Value), asBoolean(right as Value)];
  const numeric = a !== undefined && b !== undefined;
  switch (operator) {
    case "equal":
      return same || (numeric && a === b);
    case "notEqual":
      return !(same || (numeric && a === b));
    case "logicalAnd":
    case "logicalOr":
      if (p === undefined || q === undefined) return new Unknown(`${operator} of values that are not booleans`);
      return operator === "logicalAnd" ? p && q : p || q;
  }
  if (!numeric) return new Unknown(`${operator} of values that are not numbers`);
  const arithmetic: Record<string, () => Value> = {
    add: () => a + b,
    subtract: () => a - b,
    multiply: () => a * b,
    divide: () => a / b,
    modulo: () => a % b,
    greaterThan: () => a > b,
    greaterThanOrEqual: () => a >= b,
    lessThan: () => a < b,
    lessThanOrEqual: () => a <= b,
  };
  return arithmetic[operator]?.() ?? new Unknown(`operator ${operator}`);
}

async function forExpression(node: Ast.ForExpression, context: Context): Promise<Result> {
  const { keyVar, valVar, keyExpression, conditionalExpression, openRangeValue } = node.meta;
  const [collectionNode, ...rest] = node.children;
  const keyNode = keyExpression ? rest.shift() : undefined;
  const valueNode = rest.shift();
  const conditionNode = conditionalExpression ? rest.shift() : undefined;
  const evaluated = await evaluateNode(collectionNode, context);
  const collection = evaluated instanceof Ref ? await resourceInstances(evaluated, context) : evaluated;
  if (!Array.isArray(collection) && !isObject(collection))
    return new Unknown("a for expression over a value only known at apply");
  const entries: [Value, Value][] = Array.isArray(collection)
    ? collection.map((item, index) => [index, item as Value])
    : Object.entries(collection);
  const list: Result[] = [];
  const map: Record<string, Value> = {};
  for (const [key, value] of entries) {
    const names = { ...context.bindings.names, ...(keyVar ? { [keyVar]: key } : {}), [valVar]: value };
    const inner: Context = { ...context, bindings: { ...context.bindings, names } };
    if (conditionNode) {
      const keep = await evaluateNode(conditionNode, inner);
      if (typeof keep !== "boolean") return new Unknown("a for condition only known at apply");
      if (!keep) continue;
    }
    const item = valueNode ? await evaluateNode(valueNode, inner) : null;
    if (openRangeValue === "{" && keyNode) {
      const name = await evaluateNode(keyNode, inner);
      if (typeof name !== "string" || name.includes("${")) return new Unknown("a for key only known at apply");
      // `k => v...` groups the values of equal keys into lists.
      if (node.meta.groupedValue) map[name] = [...((map[name] as Value[] | undefined) ?? []), item as Value];
      else map[name] = item as Value;
    } else list.push(item);
  }
  return openRangeValue === "{" ? map : (list as Value[]);
}
