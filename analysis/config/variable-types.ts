import { TFExpressionSyntaxTree as Ast } from "@cdktf/hcl2json";
import { evaluateConstant, parseExpression } from "./expressions";
import { toSet } from "./functions";
import { mapInOrder } from "./one-at-a-time";
import { Value, isObject } from "./values";

/**
 * A variable's value as its type makes it: Terraform fills the attributes an object type declares with
 * `optional(<type>, <default>)` (null without a default) when the value leaves them out, however deep in
 * maps, lists and sets, and a set holds each element once. Rules read those values like any other.
 */
export async function withTypeDefaults(value: Value, type: unknown): Promise<Value> {
  if (typeof type !== "string" || !/\b(optional|set)\(/.test(type)) return value;
  const source = type.replace(/^\$\{([\s\S]*)\}$/, "$1");
  const ast = await parseExpression(source).catch(() => undefined);
  return ast ? fill(value, ast, source) : value;
}

async function fill(value: Value, type: Ast.ExpressionType, source: string): Promise<Value> {
  if (type.type !== "function") return value;
  const [element] = type.children;
  switch ((type as Ast.FunctionCallExpression).meta.name) {
    case "map":
      if (!isObject(value)) return value;
      return Object.fromEntries(
        await mapInOrder(Object.entries(value), async ([key, item]) => [key, await fill(item, element, source)]),
      );
    case "list":
      return Array.isArray(value) ? mapInOrder(value, (item) => fill(item, element, source)) : value;
    case "set":
      return Array.isArray(value) ? toSet(await mapInOrder(value, (item) => fill(item, element, source))) : value;
    case "object":
      return isObject(value) && element?.type === "object" ? fillObject(value, element, source) : value;
    default:
      return value;
  }
}

async function fillObject(
  value: Record<string, Value>,
  attributes: Ast.ExpressionType,
  source: string,
): Promise<Value> {
  const bytes = Buffer.from(source);
  const result: Record<string, Value> = { ...value };
  for (let index = 0; index + 1 < attributes.children.length; index += 2) {
    const key = bytes
      .subarray(attributes.children[index].range.start.byte, attributes.children[index].range.end.byte)
      .toString();
    let type = attributes.children[index + 1];
    if (type.type === "function" && (type as Ast.FunctionCallExpression).meta.name === "optional") {
      const [inner, fallback] = type.children;
      // An attribute left out, or set to null, takes the default.
      if (result[key] === undefined || result[key] === null)
        result[key] = fallback ? await evaluateConstant(fallback, source) : null;
      type = inner;
    }
    if (Object.hasOwn(result, key)) result[key] = await fill(result[key], type, source);
  }
  return result;
}
