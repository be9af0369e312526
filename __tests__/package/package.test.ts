import { execFile, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";
import { MODULES } from "../../cli/docs/readme-tables";
import { describeWithTerraform, validate } from "../support/harness";

/**
 * The library as others install it: `npm pack`, then the tarball installed into a copy of
 * `examples/cdktf-app` outside the repo, offline. npm installs the tarball itself; the peer dependencies
 * (cdktf, constructs, the 362 MB AWS provider bindings, and the HCL parser cdktf-cli also brings) are linked from this repo's node_modules instead
 * of being unpacked again, which would cost half a minute per run and prove nothing more. The app is
 * type-checked against the package's declarations with `node16` resolution (which honours `exports`),
 * run, and its stack judged by `terraform validate`.
 */
const run = promisify(execFile);
const repo = path.resolve(__dirname, "../..");
const PEERS = ["cdktf", "constructs", "@cdktf/provider-aws", "@cdktf/hcl2json"];

interface Packed {
  readonly files: string[];
  readonly app: string;
  readonly stackDir: string;
}

let packed: Promise<Packed> | undefined;

/** Packs, installs into a fresh app and synthesizes it, once per test file. */
function packAndInstall(): Promise<Packed> {
  packed ??= (async () => {
    const work = fs.mkdtempSync(path.join(os.tmpdir(), "stateful-ecs-package-"));
    // What `npm pack` runs as `prepack`, without its type check: `npm test` type-checks the same sources.
    const tsc = path.join(repo, "node_modules", "typescript", "bin", "tsc");
    await run(process.execPath, [tsc, "-p", "tsconfig.build.json", "--noCheck"], { cwd: repo });
    const packArgs = ["pack", "--json", "--ignore-scripts", "--pack-destination", work];
    const { stdout } = await run("npm", packArgs, { cwd: repo });
    const [tarball] = JSON.parse(stdout.slice(stdout.indexOf("[")));
    const app = path.join(work, "app");
    fs.cpSync(path.join(repo, "examples", "cdktf-app"), app, { recursive: true });
    const manifest = JSON.parse(fs.readFileSync(path.join(app, "package.json"), "utf8"));
    manifest.dependencies = { "stateful-ecs": `file:${path.join(work, tarball.filename)}` };
    delete manifest.devDependencies;
    fs.writeFileSync(path.join(app, "package.json"), JSON.stringify(manifest, null, 2));
    await run("npm", ["install", "--offline", "--no-audit", "--no-fund", "--ignore-scripts", "--legacy-peer-deps"], {
      cwd: app,
    });
    for (const peer of PEERS) {
      fs.mkdirSync(path.dirname(path.join(app, "node_modules", peer)), { recursive: true });
      fs.symlinkSync(path.join(repo, "node_modules", peer), path.join(app, "node_modules", peer), "dir");
    }
    await run(process.execPath, [tsc, "-p", app], { cwd: app });
    await run(process.execPath, [path.join(app, "dist", "main.js")], { cwd: app });
    return {
      files: tarball.files.map((file: { path: string }) => file.path),
      app,
      stackDir: path.join(app, "cdktf.out", "stacks", "stateful-app"),
    };
  })();
  return packed;
}

/** What `require(specifier)` gives in the installed app, as the names it exports. */
async function exportsOf(app: string, specifier: string): Promise<string[]> {
  const script = `console.log(JSON.stringify(Object.keys(require(${JSON.stringify(specifier)})).sort()))`;
  const { stdout } = await run(process.execPath, ["-e", script], { cwd: app });
  return JSON.parse(stdout);
}

describe("the npm package", () => {
  jest.setTimeout(120_000);

  it("ships compiled JavaScript and type declarations of every module, the review's data file, the README and nothing else", async () => {
    const { files } = await packAndInstall();
    expect(files).toContain("dist/analysis/review/stateful-types.json");
    const strays = files.filter(
      (file) =>
        !/^dist\/.+\.(js|d\.ts)$/.test(file) &&
        file !== "dist/analysis/review/stateful-types.json" &&
        !["README.md", "package.json", "cli/bin/stateful-ecs.js"].includes(file),
    );
    expect(strays).toEqual([]);
    for (const module of MODULES) {
      expect(files).toEqual(
        expect.arrayContaining([`dist/modules/${module}/index.js`, `dist/modules/${module}/index.d.ts`]),
      );
    }
    expect(files.filter((file) => /__tests__|\.test\.|fixtures|support\//.test(file))).toEqual([]);
  });

  it("declares cdktf, constructs, the AWS provider and the HCL parser as peer dependencies, and nothing as a dependency", () => {
    const manifest = JSON.parse(fs.readFileSync(path.join(repo, "package.json"), "utf8"));
    expect(Object.keys(manifest.peerDependencies).sort()).toEqual([...PEERS].sort());
    expect(manifest.dependencies).toBeUndefined();
    expect(Object.keys(manifest.exports).sort()).toEqual(
      [...MODULES.map((module) => `./${module}`), "./package.json"].sort(),
    );
  });

  it("exports the constructs by module, and keeps helpers and internal files out of reach", async () => {
    const { app } = await packAndInstall();
    expect(await exportsOf(app, "stateful-ecs/ecs")).toEqual([
      "ContainerLogs",
      "ContainerService",
      "Ec2Service",
      "EcsCluster",
      "FargateService",
      "GeneratedSecret",
      "TaskRoles",
    ]);
    expect(await exportsOf(app, "stateful-ecs/efs-storage")).toEqual([
      "EfsAccessPoint",
      "EfsAccessPointMap",
      "EfsStorage",
    ]);
    expect(await exportsOf(app, "stateful-ecs/core")).toEqual([]);
    await expect(exportsOf(app, "stateful-ecs/dist/modules/core/validate")).rejects.toThrow(
      /ERR_PACKAGE_PATH_NOT_EXPORTED/,
    );
  });

  it("installs the stateful-ecs command, which runs from the compiled package", async () => {
    const { app } = await packAndInstall();
    const bin = path.join(app, "node_modules", ".bin", "stateful-ecs");
    const { stdout } = await run(bin, ["vendor", "vendored", "--module", "sticky-alb"], { cwd: app });
    expect(stdout).toContain("wrote vendored/sticky-alb");
    expect(fs.readFileSync(path.join(app, "vendored", "sticky-alb", "main.tf.json"), "utf8")).toBe(
      fs.readFileSync(path.join(repo, "terraform", "sticky-alb", "main.tf.json"), "utf8"),
    );
  });

  it("installs the linter with its HCL parser: the app's stack lints clean", async () => {
    const { app, stackDir } = await packAndInstall();
    const bin = path.join(app, "node_modules", ".bin", "stateful-ecs");
    const { stdout } = await run(bin, ["lint", stackDir], { cwd: app });
    expect(stdout).toMatch(/^0 errors, 0 warnings, 0 silenced in \d+ resources$/m);
  });

  it("installs the plan review with its list of stateful types: a replaced file system exits 2", async () => {
    const { app } = await packAndInstall();
    const bin = path.join(app, "node_modules", ".bin", "stateful-ecs");
    const plan = fs.readFileSync(path.join(repo, "__tests__", "cli", "fixtures", "efs-replaced-plan.json"), "utf8");
    fs.writeFileSync(path.join(app, "plan.json"), plan);
    const review = (args: string[], input?: string) =>
      spawnSync(bin, ["review", ...args], { cwd: app, input, encoding: "utf8", timeout: 30_000 });
    const markdown = review(["plan.json"]);
    expect(markdown.status).toBe(2);
    expect(markdown.stdout).toContain("- **`aws_efs_file_system.files` is replaced** (holds data:");
    // '-' reads the plan from standard input.
    const json = review(["-", "--format", "json"], plan);
    expect({ status: json.status, stderr: json.stderr }).toEqual({ status: 2, stderr: "" });
    expect(JSON.parse(json.stdout)).toMatchObject({ exitCode: 2, counts: { replace: 1 } });
  });

  it("exits 1 on a file that is not a plan, with one line and no stack trace", async () => {
    const { app } = await packAndInstall();
    fs.writeFileSync(path.join(app, "plan.txt"), "Terraform will perform the following actions:");
    const result = spawnSync(path.join(app, "node_modules", ".bin", "stateful-ecs"), ["review", "plan.txt"], {
      cwd: app,
      encoding: "utf8",
      timeout: 30_000,
    });
    expect({ status: result.status, stdout: result.stdout }).toEqual({ status: 1, stdout: "" });
    expect(result.stderr).toMatch(
      /^stateful-ecs review: plan\.txt: not JSON \(.+\); give the output of 'terraform show -json <planfile>'\n$/,
    );
  });

  it("type-checks and synthesizes an app that uses every module through the package's entry points", async () => {
    const { stackDir } = await packAndInstall();
    const config = JSON.parse(fs.readFileSync(path.join(stackDir, "cdk.tf.json"), "utf8"));
    expect(Object.keys(config.resource)).toEqual(
      expect.arrayContaining([
        "aws_efs_file_system",
        "aws_ebs_volume",
        "aws_elasticache_replication_group",
        "aws_dynamodb_table",
        "aws_lb",
        "aws_ecs_service",
      ]),
    );
  });
});

describeWithTerraform("the npm package, judged by Terraform", () => {
  it("synthesizes a stack that passes terraform validate", async () => {
    const result = await validate((await packAndInstall()).stackDir);
    expect(result.diagnostics).toEqual([]);
    expect(result.valid).toBe(true);
  });
});
