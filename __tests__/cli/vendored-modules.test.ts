import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { installForSharedCommands, runTerraform } from "../../cli/terraform/terraform";
import { Toolchain, toolchainStatus } from "../../cli/terraform/toolchain";
import { VENDORED_MODULES } from "../../cli/vendor/vendor";
import { describeWithTerraform } from "../support/harness";

/**
 * The committed modules in terraform/, judged by Terraform as a team that vendors them would: `terraform
 * test` inside each module's folder (the secure defaults and every validation, against a mocked AWS
 * provider), and a root module that calls the module with no inputs at all, where `terraform validate`
 * must name every required input as missing, and nothing else.
 */
const repo = path.resolve(__dirname, "../..");

/** Runs the module's own tests in a copy of its committed folder, so Terraform's files never land in the repo. */
async function ownTests(toolchain: Toolchain, name: string): Promise<string> {
  const dir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "stateful-ecs-vendored-")), name);
  fs.cpSync(path.join(repo, "terraform", name), dir, { recursive: true });
  await installForSharedCommands(toolchain, dir);
  return runTerraform(toolchain, dir, ["test", "-no-color"]);
}

/**
 * What `terraform validate` says about a call of the module without any input. Whether an input is required
 * depends on its variable block alone, so the call goes to a copy of the module that holds only its
 * variables: no resource, so validate loads no provider schema (0.3 s instead of 4 s of CPU). Terraform
 * stops at the first module call with errors, so each module gets a validate of its own.
 */
async function validateWithoutInputs(toolchain: Toolchain, name: string): Promise<string[]> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "stateful-ecs-vendored-inputs-"));
  const { variable } = JSON.parse(fs.readFileSync(path.join(repo, "terraform", name, "main.tf.json"), "utf8"));
  fs.mkdirSync(path.join(root, "variables-only"));
  fs.writeFileSync(path.join(root, "variables-only", "variables.tf.json"), JSON.stringify({ variable }));
  fs.writeFileSync(
    path.join(root, "main.tf.json"),
    JSON.stringify({ module: { subject: { source: "./variables-only" } } }),
  );
  await installForSharedCommands(toolchain, root);
  const result = JSON.parse(await runTerraform(toolchain, root, ["validate", "-json", "-no-color"], [0, 1]));
  return result.diagnostics.map(
    (diagnostic: { summary: string; detail: string }) => `${diagnostic.summary}: ${diagnostic.detail}`,
  );
}

describeWithTerraform("the vendored modules, judged by Terraform", () => {
  const results = new Map<string, { tests: Promise<string>; withoutInputs: Promise<string[]> }>();
  beforeAll(() => {
    const status = toolchainStatus();
    if (!status.ok) throw new Error(status.reason);
    // Every module's Terraform work starts at once (the runner bounds it by core count); tests await it.
    for (const module of VENDORED_MODULES) {
      const tests = ownTests(status.toolchain, module.name);
      const withoutInputs = validateWithoutInputs(status.toolchain, module.name);
      tests.catch(() => undefined);
      withoutInputs.catch(() => undefined);
      results.set(module.name, { tests, withoutInputs });
    }
  });

  describe.each(VENDORED_MODULES.map((module) => [module.name, module] as const))("%s", (name, module) => {
    it("passes its own terraform test: the secure defaults and every validation", async () => {
      expect(await results.get(name)!.tests).toMatch(/Success! \d+ passed, 0 failed\./);
    });

    it("enforces every required input: called without inputs, validate names each as missing", async () => {
      const required = Object.keys(module.exampleInputs);
      expect((await results.get(name)!.withoutInputs).sort()).toEqual(
        required
          .map(
            (variable) =>
              `Missing required argument: The argument "${variable}" is required, but no definition was found.`,
          )
          .sort(),
      );
    });
  });
});
