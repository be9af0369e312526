import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { run } from "../../cli/main";
import { MARKER_FILE, VENDORED_MODULES } from "../../cli/vendor/vendor";

const repo = path.resolve(__dirname, "../..");
const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), "stateful-ecs-vendor-"));

/** Every file under `dir`, relative, with its text. */
function filesUnder(dir: string): Map<string, string> {
  const files = new Map<string, string>();
  for (const entry of fs.readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const file = path.join(entry.parentPath, entry.name);
    files.set(path.relative(dir, file), fs.readFileSync(file, "utf8"));
  }
  return files;
}

/**
 * Every module, written once per test file (synthesizing all of them costs seconds): the determinism test
 * writes a second copy, and the committed modules are compared with this one.
 */
let vendoredOnce: string | undefined;
async function vendored(): Promise<string> {
  if (vendoredOnce === undefined) {
    vendoredOnce = tmp();
    expect(await run(["vendor", vendoredOnce])).toMatchObject({ code: 0 });
  }
  return vendoredOnce;
}

describe("stateful-ecs vendor", () => {
  it("writes every module, and writes them byte for byte the same when run again", async () => {
    const [first, second] = [await vendored(), tmp()];
    expect(await run(["vendor", second])).toMatchObject({ code: 0 });
    expect(fs.readdirSync(first).sort()).toEqual(VENDORED_MODULES.map((module) => module.name).sort());
    expect(filesUnder(first)).toEqual(filesUnder(second));
    for (const module of VENDORED_MODULES) {
      expect([...filesUnder(path.join(first, module.name)).keys()].sort()).toEqual(
        [
          "README.md",
          "main.tf.json",
          MARKER_FILE,
          `tests/${module.name}.tftest.hcl`,
          ...(module.submodules ?? []).map((submodule) => `${submodule.folder}/main.tf.json`),
        ].sort(),
      );
    }
    // Over its own output it needs no --force (one module is enough to show it).
    expect(await run(["vendor", second, "--module", "sticky-alb"])).toMatchObject({ code: 0 });
  });

  it("writes only the modules asked for", async () => {
    const dir = tmp();
    expect(await run(["vendor", dir, "--module", "sticky-alb"])).toMatchObject({
      code: 0,
      stdout: expect.stringContaining("sticky-alb"),
    });
    expect(fs.readdirSync(dir)).toEqual(["sticky-alb"]);
  });

  it("refuses a directory holding files it did not write, unless --force", async () => {
    const dir = tmp();
    fs.writeFileSync(path.join(dir, "main.tf"), "# mine\n");
    const refused = await run(["vendor", dir]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(
      "holds files stateful-ecs vendor did not write (main.tf); choose an empty directory or pass --force",
    );
    expect(fs.readdirSync(dir)).toEqual(["main.tf"]);
    expect(await run(["vendor", dir, "--force", "--module", "sticky-alb"])).toMatchObject({ code: 0 });
    expect(fs.readFileSync(path.join(dir, "main.tf"), "utf8")).toBe("# mine\n");
    expect(fs.readdirSync(dir).sort()).toEqual(["main.tf", "sticky-alb"]);
  });

  it.each([
    [["vendor"], "missing <outdir>"],
    [["vendor", "x", "--frobnicate"], "unknown option '--frobnicate'"],
    [["vendor", "x", "--module", "nope"], "unknown module 'nope'"],
    [["vendor", "x", "--module"], "--module needs a module name"],
    [["vendor", "x", "y"], "unexpected argument 'y'"],
    [["frobnicate"], "unknown command 'frobnicate'"],
    [[], "Usage: stateful-ecs <command>"],
  ])("prints usage and exits 2 for %j", async (args, message) => {
    const result = await run(args, tmp());
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(message);
    expect(result.stderr).toContain("Usage:");
  });

  it.each([[["--help"]], [["vendor", "--help"]]])("prints help for %j and exits 0", async (args) => {
    expect(await run(args)).toMatchObject({ code: 0, stdout: expect.stringContaining("Usage: stateful-ecs") });
  });
});

describe("the vendored modules committed in terraform/", () => {
  it.each(VENDORED_MODULES.map((module) => [module.name, module] as const))(
    "%s is what the code generates (else run `npm run vendor`)",
    async (name, module) => {
      const committed = filesUnder(path.join(repo, "terraform", name));
      expect(committed).toEqual(filesUnder(path.join(await vendored(), module.name)));
    },
  );

  it.each(VENDORED_MODULES.map((module) => [module.name, module] as const))(
    "%s: variables are typed and described, optional ones have defaults, and the README lists each",
    (name) => {
      const config = JSON.parse(fs.readFileSync(path.join(repo, "terraform", name, "main.tf.json"), "utf8"));
      const readme = fs.readFileSync(path.join(repo, "terraform", name, "README.md"), "utf8");
      expect(config.provider).toBeUndefined();
      expect(config.terraform.backend).toBeUndefined();
      expect(config.terraform.required_providers.aws).toEqual({ source: "hashicorp/aws", version: ">= 5.100, < 6.0" });
      for (const [variable, spec] of Object.entries<Record<string, unknown>>(config.variable)) {
        expect(variable).toMatch(/^[a-z][a-z0-9_]*$/);
        expect(spec).toEqual(expect.objectContaining({ type: expect.any(String), description: expect.any(String) }));
        const required = spec.default === undefined ? "yes" : "no";
        expect(readme).toMatch(new RegExp(`^\\| \`${variable}\` \\|.*\\| ${required} \\|$`, "m"));
      }
      for (const output of Object.keys(config.output)) {
        expect(output).toMatch(/^[a-z][a-z0-9_]*$/);
        expect(readme).toMatch(new RegExp(`^\\| \`${output}\` \\|`, "m"));
      }
    },
  );
});

describe("the vendored stateful-service module", () => {
  const config = JSON.parse(fs.readFileSync(path.join(repo, "terraform", "stateful-service", "main.tf.json"), "utf8"));
  const ordinals = Object.keys(config.module).filter((name) => name.startsWith("ordinal_"));

  it("calls its ordinal module once per slot: ordinal i runs when replicas > i, after ordinal i - 1", () => {
    expect(ordinals).toEqual(Array.from({ length: 7 }, (_, ordinal) => `ordinal_${ordinal}`));
    ordinals.forEach((name, ordinal) => {
      const call = config.module[name];
      expect(call.source).toBe("./ordinal");
      expect(call.count).toBe(`\${var.replicas > ${ordinal} ? 1 : 0}`);
      expect(call.depends_on.filter((address: string) => address.startsWith("module."))).toEqual(
        ordinal === 0 ? [] : [`module.ordinal_${ordinal - 1}`],
      );
      expect(call.depends_on).toEqual(
        expect.arrayContaining([
          "aws_efs_mount_target.storage_mount_target",
          "aws_efs_file_system_policy.storage_file_system_policy",
        ]),
      );
    });
  });

  it("keeps every stored ordinal's access point: one for_each instance each, with prevent_destroy", () => {
    const accessPoints = config.resource.aws_efs_access_point.storage_ordinals_access_point;
    expect(accessPoints.for_each).toBe("${local.stored_ordinals}");
    expect(accessPoints.lifecycle).toEqual({ prevent_destroy: true });
    expect(config.locals.stored_ordinals).toContain(
      "range(max(var.replicas, coalesce(var.retained_ordinals, var.replicas)))",
    );
  });
});
