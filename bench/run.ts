import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { formatted } from "../cli/docs/formatted";
import { TerraformWorkspace, terraformEnv } from "../cli/terraform/terraform";
import { Toolchain, toolchainStatus } from "../cli/terraform/toolchain";
import { VENDORED_MODULES } from "../cli/vendor/vendor";
import { writeLintRepo } from "./lint-repo";
import { measure, measureSequence, Command } from "./measure";
import { BenchResults, ScalingRow, SlowTest, benchReadme, withPerformanceSection } from "./report";
import { measureRunTaskLatency } from "./run-task-latency";
import { Budget, Sample, checkBudgets } from "./stats";

/**
 * `npm run bench`: synth cost, Terraform validate cost, scaling to 100 stateful services, and the test
 * suite's wall time, each after a warm-up run; writes bench/results.json, bench/README.md and the README's
 * Performance section, and exits 1 when a budget is exceeded.
 *
 * BENCH_RUNS (default 5) sets the runs per figure; BENCH_TEST_RUNS (default 3) those of `npm test`.
 */

const ROOT = path.resolve(__dirname, "..");
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const TEST_RUNS = Number(process.env.BENCH_TEST_RUNS ?? 3);
const SCALES = [1, 10, 50, 100];
/** The scaling stack whose plan the run task reviews: 82 services make a plan of about 1,000 resources. */
const RUN_TASK_SERVICES = 82;
const BYTES_PER_MB = 1e6;

const log = (message: string) => process.stderr.write(`bench: ${message}\n`);

/** MiB samples (as the probe reports KiB / 1024) to MB. */
function toMb(mib: Sample | undefined): Sample {
  if (!mib) throw new Error("no peak RSS was recorded");
  const factor = (1024 * 1024) / BYTES_PER_MB;
  return { ...mib, median: mib.median * factor, min: mib.min * factor, max: mib.max * factor };
}

/** `terraform validate` of every stack directory, each initialised once in a workspace of its own. */
async function measureValidate(toolchain: Toolchain, stackDirs: string[]): Promise<Sample> {
  const workdirs = await Promise.all(
    stackDirs.map((dir) => TerraformWorkspace.create({ [path.basename(dir)]: dir }, toolchain)),
  );
  try {
    const env = terraformEnv(toolchain);
    const commands: Command[] = workdirs.map((workdir) => ({
      command: toolchain.terraform,
      args: ["validate", "-no-color"],
      cwd: workdir.dir,
      env,
    }));
    return measureSequence(commands, RUNS);
  } finally {
    workdirs.forEach((workdir) => workdir.remove());
  }
}

function stackDirs(outdir: string): string[] {
  const stacks = path.join(outdir, "stacks");
  return fs.readdirSync(stacks).map((name) => path.join(stacks, name));
}

function measureScaling(services: number): ScalingRow & { dir: string } {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), `bench-scaling-${services}-`));
  log(`scaling: ${services} service(s)`);
  const measured = measure(
    {
      command: process.execPath,
      args: ["--import", "tsx", path.join(__dirname, "scaling-app.ts"), String(services), outdir],
      cwd: ROOT,
    },
    RUNS,
  );
  const file = path.join(outdir, "stacks", "scaling", "cdk.tf.json");
  const config = JSON.parse(fs.readFileSync(file, "utf8"));
  const resources = Object.values(config.resource as Record<string, object>).reduce(
    (total, byName) => total + Object.keys(byName).length,
    0,
  );
  return {
    services,
    synthSeconds: measured.wallSeconds,
    peakRssMb: toMb(measured.peakRssMib),
    resources,
    configBytes: fs.statSync(file).size,
    dir: path.dirname(file),
  };
}

/** The run task's latency on the offline plan of a scaling stack of `RUN_TASK_SERVICES` services. */
async function measureRunTask(toolchain: Toolchain): Promise<BenchResults["runTask"]> {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), "bench-run-task-"));
  execFileSync(
    process.execPath,
    ["--import", "tsx", path.join(__dirname, "scaling-app.ts"), String(RUN_TASK_SERVICES), outdir],
    {
      cwd: ROOT,
    },
  );
  const workspace = await TerraformWorkspace.create({ scaling: path.join(outdir, "stacks", "scaling") }, toolchain);
  let planText: string;
  try {
    planText = JSON.stringify(await workspace.plan());
  } finally {
    workspace.remove();
    fs.rmSync(outdir, { recursive: true, force: true });
  }
  const resources = (JSON.parse(planText).resource_changes ?? []).length;
  log(`run task: review and callback of a plan of ${resources} resources`);
  const latency = await measureRunTaskLatency(planText, RUNS);
  return { resources, planMb: Buffer.byteLength(planText) / BYTES_PER_MB, ...latency };
}

function measureTests(): { wallSeconds: Sample; slowest: SlowTest[] } {
  const report = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "bench-jest-")), "results.json");
  log(`npm test: ${TEST_RUNS} runs after a warm-up (about a minute each)`);
  const measured = measure(
    { command: "npm", args: ["test", "--", "--json", `--outputFile=${report}`], cwd: ROOT },
    TEST_RUNS,
  );
  const results = JSON.parse(fs.readFileSync(report, "utf8"));
  fs.rmSync(path.dirname(report), { recursive: true, force: true });
  const tests: SlowTest[] = results.testResults.flatMap(
    (file: { name: string; assertionResults: Array<{ fullName: string; duration?: number }> }) =>
      file.assertionResults.map((test) => ({
        file: path.relative(ROOT, file.name),
        name: test.fullName,
        seconds: (test.duration ?? 0) / 1000,
      })),
  );
  return { wallSeconds: measured.wallSeconds, slowest: tests.sort((a, b) => b.seconds - a.seconds).slice(0, 10) };
}

/** Writes a file as the project's Prettier configuration formats it, so the check stays clean. */
async function writeFormatted(file: string, text: string): Promise<void> {
  fs.writeFileSync(file, await formatted(file, text));
}

async function main(): Promise<void> {
  const status = toolchainStatus();
  if (!status.ok) throw new Error(`the benchmark needs Terraform: ${status.reason}`);
  const { toolchain } = status;

  log("npm run synth");
  const synth = measure({ command: "npm", args: ["run", "synth", "--silent"], cwd: ROOT }, RUNS);
  const exampleDirs = stackDirs(path.join(ROOT, "cdktf.out"));
  log(`terraform validate of ${exampleDirs.length} stacks`);
  const validateSeconds = await measureValidate(toolchain, exampleDirs);

  const scaling = SCALES.map(measureScaling);
  const [ten, hundred] = [scaling[1], scaling[scaling.length - 1]];
  log("terraform validate of the 100-service stack");
  const validate100Seconds = await measureValidate(toolchain, [hundred.dir]);
  // Each scaling row's dir is <outdir>/stacks/scaling.
  scaling.forEach((row) => fs.rmSync(path.resolve(row.dir, "..", ".."), { recursive: true, force: true }));
  log("stateful-ecs vendor of every module");
  const vendorDir = fs.mkdtempSync(path.join(os.tmpdir(), "stateful-ecs-bench-vendor-"));
  const vendor = measure(
    {
      command: process.execPath,
      args: [path.join(ROOT, "cli", "bin", "stateful-ecs.js"), "vendor", vendorDir, "--force"],
      cwd: ROOT,
    },
    RUNS,
  );
  fs.rmSync(vendorDir, { recursive: true, force: true });
  const lintDir = fs.mkdtempSync(path.join(os.tmpdir(), "stateful-ecs-bench-lint-"));
  const lintResources = writeLintRepo(lintDir, 100);
  log(`stateful-ecs lint of a repository of ${lintResources} resources`);
  const lint = measure(
    { command: process.execPath, args: [path.join(ROOT, "cli", "bin", "stateful-ecs.js"), "lint", lintDir], cwd: ROOT },
    RUNS,
  );
  fs.rmSync(lintDir, { recursive: true, force: true });
  const runTask = await measureRunTask(toolchain);
  const test = measureTests();

  const synthToValidate = synth.wallSeconds.median / validateSeconds.median;
  const scalingRatio100To10 = hundred.synthSeconds.median / ten.synthSeconds.median;
  const budgets: Budget[] = [
    { name: "synth / validate", value: synthToValidate, limit: 0.25, unit: "" },
    { name: "100 services: synth", value: hundred.synthSeconds.median, limit: 5, unit: "s" },
    { name: "100 services: peak RSS", value: hundred.peakRssMb.median, limit: 400, unit: "MB" },
    { name: "synth time(100) / time(10)", value: scalingRatio100To10, limit: 10, unit: "" },
    { name: "stateful-ecs vendor", value: vendor.wallSeconds.median, limit: 10, unit: "s" },
    { name: "stateful-ecs lint, 1,000 resources", value: lint.wallSeconds.median, limit: 2, unit: "s" },
    { name: "run task: review and callback after the download", value: runTask.seconds.median, limit: 2, unit: "s" },
    { name: "npm test", value: test.wallSeconds.median, limit: 120, unit: "s" },
  ];
  const results: BenchResults = {
    date: new Date().toISOString().slice(0, 10),
    machine: {
      cpu: os.cpus()[0]?.model.trim() ?? "unknown",
      cores: os.cpus().length,
      memoryGb: Math.round(os.totalmem() / 1e9),
      os: `${os.type()} ${os.release()}`,
    },
    node: process.version,
    terraform: toolchain.terraformVersion,
    runs: RUNS,
    synth: {
      stacks: exampleDirs.map((dir) => path.basename(dir)),
      wallSeconds: synth.wallSeconds,
      peakRssMb: toMb(synth.peakRssMib),
    },
    validateSeconds,
    synthToValidate,
    scaling: scaling.map(({ dir: _dir, ...row }) => row),
    scalingRatio100To10,
    validate100Seconds,
    vendor: { modules: VENDORED_MODULES.map((module) => module.name), wallSeconds: vendor.wallSeconds },
    lint: { resources: lintResources, wallSeconds: lint.wallSeconds },
    runTask,
    test,
    budgets: checkBudgets(budgets),
  };

  await writeFormatted(path.join(__dirname, "results.json"), JSON.stringify(results));
  await writeFormatted(path.join(__dirname, "README.md"), benchReadme(results));
  const readme = path.join(ROOT, "README.md");
  await writeFormatted(readme, withPerformanceSection(fs.readFileSync(readme, "utf8"), results));

  for (const budget of results.budgets) {
    log(
      `${budget.pass ? "ok  " : "FAIL"} ${budget.name}: ${budget.value.toFixed(3)}${budget.unit} (budget ${budget.limit}${budget.unit})`,
    );
  }
  if (results.budgets.some((budget) => !budget.pass)) process.exitCode = 1;
}

// Every temporary directory of the run (its own and its commands') goes under one, removed at the end.
const runTmp = fs.mkdtempSync(path.join(os.tmpdir(), "stateful-ecs-bench-"));
process.env.TMPDIR = runTmp;
main()
  .catch((error: Error) => {
    log(error.message);
    process.exitCode = 1;
  })
  .finally(() => fs.rmSync(runTmp, { recursive: true, force: true }));
