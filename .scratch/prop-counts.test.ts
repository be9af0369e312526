import * as fc from "fast-check";
import { App, TerraformStack } from "cdktf";
import { Construct } from "constructs";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { PROPERTY_CASES } from "../__tests__/properties/arbitraries";
it("counts", () => {
  const app = new App();
  for (const c of PROPERTY_CASES) {
    const t0 = Date.now();
    const stack = new TerraformStack(app, c.construct.toLowerCase());
    new AwsProvider(stack, "aws", { region: "eu-west-1" });
    const msgs = new Map<string, number>();
    let built = 0;
    fc.sample(c.props, { numRuns: 200, seed: 20261123 }).forEach((p, i) => {
      const h = new Construct(stack, `p${i}`);
      try { c.build(h, "subject", p); built++; } catch (e) { stack.node.tryRemoveChild(`p${i}`); const m=(e as Error).message.split(" ").slice(2,3).join(" "); msgs.set(m,(msgs.get(m)??0)+1); }
    });
    console.log(c.construct, built, Date.now() - t0, "ms", JSON.stringify([...msgs]));
  }
});
