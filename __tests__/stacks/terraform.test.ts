import { exampleStacks, protectedResources, resourceAddresses } from "../support/example-app";
import { describeWithTerraform, initAsWritten, mockApply, plan, validate } from "../support/harness";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { run } from "../../cli/main";
import { blockAddress } from "../../analysis/config/values";
import { DependencyGraph } from "../../analysis/dependency-graph";

/**
 * Terraform judges every stack of the App in `main.ts`: `terraform init` of the stack as synthesized, then
 * `terraform validate`, an offline `terraform plan` and a mock apply through the harness. A stack added to
 * `main.ts` is covered here without new code. (cdktf's `toBeValidTerraform()` ran init and the same
 * validate per stack: about 5 s of CPU each, the most expensive duplicate of the suite.)
 */
const stacks = exampleStacks();

it("main.ts defines at least one example stack", () => {
  expect(stacks.length).toBeGreaterThan(0);
});

describeWithTerraform("Terraform checks of every stack in main.ts", () => {
  beforeAll(() => {
    // Start every stack's Terraform work at once (the harness bounds it by core count) so stacks overlap;
    // the tests below await the same memoized results. Failures surface in those tests.
    for (const { dir } of stacks) {
      for (const step of [validate, plan, mockApply]) step(dir).catch(() => undefined);
    }
  });

  describe.each(stacks.map((stack) => [stack.name, stack] as const))("stack %s", (_name, stack) => {
    it("initialises as synthesized, with its own backend and providers", async () => {
      expect(await initAsWritten(stack.dir)).toMatch(/Terraform has been successfully initialized!/);
    });

    it("passes terraform validate with no errors or warnings", async () => {
      const result = await validate(stack.dir);
      expect(result.diagnostics).toEqual([]);
      expect(result.valid).toBe(true);
    });

    it("plans offline: every synthesized resource is planned for creation, and nothing else", async () => {
      const changes = (await plan(stack.dir)).resource_changes ?? [];
      const planned = new Set(changes.map((change) => `${change.type}.${change.name}`));
      expect([...planned].sort()).toEqual(resourceAddresses(stack.config).sort());
      expect(changes.filter((change) => change.mode !== "managed")).toEqual([]);
      expect(changes.filter((change) => change.change.actions.join() !== "create")).toEqual([]);
    });

    it("reviews clean with stateful-ecs review: plan.json and plan.md written, nothing at risk, no guard finding, exit 0", async () => {
      const out = fs.mkdtempSync(path.join(os.tmpdir(), `stateful-ecs-review-${stack.name}-`));
      fs.writeFileSync(path.join(out, "plan.json"), JSON.stringify(await plan(stack.dir)));
      const result = await run(["review", "plan.json", "--out", "plan.md"], out);
      expect(result).toEqual({
        code: 0,
        stdout: expect.stringMatching(
          /^plan\.md: \d+ to add, 0 to change, 0 to replace, 0 to destroy, 0 moved, 0 imported \(exit 0: nothing risky\)$/,
        ),
        stderr: "",
      });
      const markdown = fs.readFileSync(path.join(out, "plan.md"), "utf8");
      expect(markdown).toContain("No resource that holds or protects data is destroyed or replaced.");
      expect(markdown).toMatch(/No finding on the planned values \(\d+ planned resources read\)\./);
    });

    it('passes a mock apply (terraform test with mock_provider "aws")', async () => {
      const result = await mockApply(stack.dir);
      expect(result.applyDiagnostics).toEqual([]);
      expect(result.runStatus).toBe("pass");
    });

    it("refuses to tear down, in the mock, each resource that carries prevent_destroy, or what it stands on", async () => {
      const result = await mockApply(stack.dir);
      expect(result.teardownDiagnostics).toEqual([]);
      const protectedOnes = protectedResources(stack.config);
      const refused = result.teardownRefused;
      expect(refused.filter((address) => !protectedOnes.includes(address))).toEqual([]);
      // Terraform never reaches the destroy of what a refused resource depends on (a file system under its
      // refused access point instances), so it reports only the refused one; that one keeps it.
      const graph = new DependencyGraph((await plan(stack.dir)).configuration?.root_module ?? {});
      const keptByRefused = (address: string) =>
        refused.some((other) => graph.dependenciesOf(blockAddress(other)).has(blockAddress(address)));
      expect(protectedOnes.filter((address) => !refused.includes(address) && !keptByRefused(address))).toEqual([]);
    });
  });
});
