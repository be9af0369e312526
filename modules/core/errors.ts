import { Construct } from "constructs";

/**
 * The error every module raises for a bad prop. The message names the construct class, its id, the prop and
 * what is allowed, for example: `ExampleNetwork 'network': cidrBlock '10.0.0.0/8' ... allowed: /16 to /23`.
 */
export function propError(construct: Construct, message: string): Error {
  return new Error(`${construct.constructor.name} '${construct.node.id}': ${message}`);
}
