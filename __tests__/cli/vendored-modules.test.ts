import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { installForSharedCommands, runTerraform } from "../../cli/terraform/terraform";
import { Toolchain, toolchainStatus } from "../../cli/terraform/toolchain";
import { VENDORED_MODULES } from "../../cli/vendor/vendor";
import { describeWithTerraform } from "../support/harness";

/**
 * The committed modules in terraform/, judged by Terraform as a team that vendors them would: each
 * module's own `terraform test` file (the secure defaults and every validation, against a mocked AWS
 * provider), and a root module that calls the module with no inputs at all, where `terraform validate`
 * must name every required input as missing, and nothing else.
 */
const repo = path.resolve(__dirname, "../..");

/**
 * Runs every module's own test file in one `terraform test` (each Terraform process spends seconds loading
 * the provider schema): copies of the committed folders side by side, and each module's test file with a
 * `module { source = "./<module>" }` in every run, which runs that module exactly as its own folder would.
 * Resolves to Terraform's output, where each file reports `tests/<module>.tftest.hcl... pass` or `fail`.
 */
async function ownTests(toolchain: Toolchain, names: string[]): Promise<string> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "stateful-ecs-vendored-"));
  fs.mkdirSync(path.join(root, "tests"));
  fs.writeFileSync(path.join(root, "main.tf.json"), "{}\n");
  for (const name of names) {
    fs.cpSync(path.join(repo, "terraform", name), path.join(root, name), {
      recursive: true,
      filter: (source) => !source.endsWith(`${path.sep}tests`),
    });
    const own = fs.readFileSync(path.join(repo, "terraform", name, "tests", `${name}.tftest.hcl`), "utf8");
    const alternate = own.replace(/^run "([^"]+)" \{$/gm, `run "$1" {\n  module {\n    source = "./${name}"\n  }`);
    fs.writeFileSync(path.join(root, "tests", `${name}.tftest.hcl`), alternate);
  }
  await installForSharedCommands(toolchain, root);
  return runTerraform(toolchain, root, ["test", "-no-color"], [0, 1]);
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

/** What `terraform test` printed for one test file: each run's line, then the file's verdict. */
function fileReport(output: string, file: string): string[] {
  const lines = output.split("\n");
  const start = lines.indexOf(`${file}... in progress`);
  const end = lines.indexOf(`${file}... tearing down`);
  if (start === -1 || end === -1) return [`${file}: not run`];
  return [...lines.slice(start + 1, end).filter((line) => line.startsWith("  run ")), lines[end + 1]];
}

describeWithTerraform("the vendored modules, judged by Terraform", () => {
  const withoutInputs = new Map<string, Promise<string[]>>();
  let tests: Promise<string>;
  beforeAll(() => {
    const status = toolchainStatus();
    if (!status.ok) throw new Error(status.reason);
    // Every module's Terraform work starts at once (the runner bounds it by core count); tests await it.
    tests = ownTests(
      status.toolchain,
      VENDORED_MODULES.map((module) => module.name),
    );
    tests.catch(() => undefined);
    for (const module of VENDORED_MODULES) {
      const validated = validateWithoutInputs(status.toolchain, module.name);
      validated.catch(() => undefined);
      withoutInputs.set(module.name, validated);
    }
  });

  describe.each(VENDORED_MODULES.map((module) => [module.name, module] as const))("%s", (name, module) => {
    it("passes its own terraform test: the secure defaults and every validation", async () => {
      const own = fs.readFileSync(path.join(repo, "terraform", name, "tests", `${name}.tftest.hcl`), "utf8");
      const runs = [...own.matchAll(/^run "([^"]+)"/gm)].map(([, run]) => `  run "${run}"... pass`);
      expect(fileReport(await tests, `tests/${name}.tftest.hcl`)).toEqual([
        ...runs,
        `tests/${name}.tftest.hcl... pass`,
      ]);
    });

    it("enforces every required input: called without inputs, validate names each as missing", async () => {
      const required = Object.keys(module.exampleInputs);
      expect((await withoutInputs.get(name)!).sort()).toEqual(
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
