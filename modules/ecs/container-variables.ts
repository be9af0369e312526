import { Fn, TerraformIterator, Token } from "cdktf";
import { Construct } from "constructs";
import { propError } from "../core/errors";
import { expressionOf, isKnown } from "../core/tokens";

/**
 * A container's environment variables or secrets as they are added: maps known at synth, merged name by
 * name (a name set twice to two values is an error), and maps known only at plan time (a Terraform
 * variable's), which Terraform merges in the order added, under the known ones: what the one-call
 * connections set (a store's address) always stands.
 */
export class ContainerVariables {
  private readonly known: Record<string, string> = {};
  private readonly planned: Array<Record<string, string>> = [];

  constructor(
    private readonly owner: Construct,
    /** The prop named in errors: `environment` or `secrets`. */
    private readonly prop: string,
    /** The container definition's field for the value: `value` or `valueFrom`. */
    private readonly valueField: "value" | "valueFrom",
  ) {}

  add(variables: Record<string, string> | undefined): void {
    if (variables === undefined) return;
    if (!isKnown(variables)) {
      this.planned.push(variables);
      return;
    }
    for (const [name, value] of Object.entries(variables)) {
      const known = this.known[name];
      if (known !== undefined && expressionOf(this.owner, known) !== expressionOf(this.owner, value)) {
        throw propError(this.owner, `${this.prop}.${name} is set twice, to two different values`);
      }
      this.known[name] = value;
    }
  }

  /** Whether every variable is known at synth, so the container definition can be plain JSON. */
  get allKnown(): boolean {
    return this.planned.length === 0;
  }

  /** The container definition's list: `[{ name, value }]`, or a Terraform `for` over the merged maps. */
  entries(): unknown {
    if (this.allKnown) {
      return Object.entries(this.known).map(([name, value]) => ({ name, [this.valueField]: value }));
    }
    const merged = Fn.merge([...this.planned, this.known]);
    return Token.asAny(
      TerraformIterator.fromMap(Token.asAnyMap(merged)).forExpressionForList(
        `{ name = key, ${this.valueField} = val }`,
      ),
    );
  }
}
