import { BudgetResult, Sample } from "./stats";

export interface ScalingRow {
  readonly services: number;
  readonly synthSeconds: Sample;
  readonly peakRssMb: Sample;
  readonly resources: number;
  readonly configBytes: number;
}

export interface SlowTest {
  readonly file: string;
  readonly name: string;
  readonly seconds: number;
}

/** Everything `npm run bench` measured, as written to `bench/results.json`. */
export interface BenchResults {
  readonly date: string;
  readonly machine: { readonly cpu: string; readonly cores: number; readonly memoryGb: number; readonly os: string };
  readonly node: string;
  readonly terraform: string;
  readonly runs: number;
  readonly synth: { readonly stacks: string[]; readonly wallSeconds: Sample; readonly peakRssMb: Sample };
  readonly validateSeconds: Sample;
  readonly synthToValidate: number;
  readonly scaling: ScalingRow[];
  readonly scalingRatio100To10: number;
  readonly validate100Seconds: Sample;
  /** `stateful-ecs vendor` of every module into an empty directory. */
  readonly vendor: { readonly modules: string[]; readonly wallSeconds: Sample };
  /** `stateful-ecs lint` of a generated `.tf` repository (bench/lint-repo.ts), the whole command. */
  readonly lint: { readonly resources: number; readonly wallSeconds: Sample };
  /**
   * The run task endpoint on a scaling stack's offline plan: seconds from the end of the plan download to the
   * arrival of the result (review and callback), and what the result said.
   */
  readonly runTask: {
    readonly resources: number;
    readonly planMb: number;
    readonly seconds: Sample;
    readonly status: string;
    readonly outcomes: number;
  };
  readonly test: { readonly wallSeconds: Sample; readonly slowest: SlowTest[] };
  readonly budgets: BudgetResult[];
}

const seconds = (value: number) => `${value.toFixed(2)} s`;
const megabytes = (value: number) => `${value.toFixed(0)} MB`;

/** `median (min–max, n runs)`. */
export function describeSample(value: Sample, unit: (value: number) => string): string {
  return `${unit(value.median)} (${unit(value.min)}–${unit(value.max)}, ${value.runs} runs)`;
}

/** The markdown table of the headline figures and budgets, for `bench/README.md` and the project README. */
export function summaryTable(results: BenchResults): string {
  const rows = [
    ["Figure", "Result", "Budget"],
    ["---", "---", "---"],
    [
      `\`npm run synth\` (${results.synth.stacks.length} stacks): wall time`,
      describeSample(results.synth.wallSeconds, seconds),
      "",
    ],
    ["`npm run synth`: peak RSS", describeSample(results.synth.peakRssMb, megabytes), ""],
    ["`terraform validate` of the same stacks", describeSample(results.validateSeconds, seconds), ""],
    ["synth / validate", results.synthToValidate.toFixed(3), "≤ 0.25"],
    [
      "100-service stack: synth",
      describeSample(results.scaling[results.scaling.length - 1].synthSeconds, seconds),
      "≤ 5 s",
    ],
    [
      "100-service stack: peak RSS",
      describeSample(results.scaling[results.scaling.length - 1].peakRssMb, megabytes),
      "≤ 400 MB",
    ],
    ["synth time(100) / time(10)", results.scalingRatio100To10.toFixed(2), "≤ 10"],
    [
      `\`stateful-ecs vendor\` (${results.vendor.modules.length} modules)`,
      describeSample(results.vendor.wallSeconds, seconds),
      "≤ 10 s",
    ],
    [
      `\`stateful-ecs lint\` of a .tf repository (${results.lint.resources.toLocaleString("en")} resources)`,
      describeSample(results.lint.wallSeconds, seconds),
      "≤ 2 s",
    ],
    ["100-service stack: `terraform validate`", describeSample(results.validate100Seconds, seconds), ""],
    [
      `run task: review and callback after the plan download (${results.runTask.resources.toLocaleString("en")} ` +
        `resources, ${results.runTask.planMb.toFixed(1)} MB; ${results.runTask.status}, ` +
        `${results.runTask.outcomes} outcomes)`,
      describeSample(results.runTask.seconds, seconds),
      "≤ 2 s",
    ],
    ["`npm test`", describeSample(results.test.wallSeconds, seconds), "≤ 120 s"],
  ];
  return rows.map((row) => `| ${row.join(" | ")} |`).join("\n");
}

export function scalingTable(results: BenchResults): string {
  const rows = [
    ["Services", "Synth (median)", "Peak RSS (median)", "Resources", "`cdk.tf.json`"],
    ["---:", "---:", "---:", "---:", "---:"],
    ...results.scaling.map((row) => [
      String(row.services),
      seconds(row.synthSeconds.median),
      megabytes(row.peakRssMb.median),
      String(row.resources),
      `${(row.configBytes / 1024).toFixed(0)} KiB`,
    ]),
  ];
  return rows.map((row) => `| ${row.join(" | ")} |`).join("\n");
}

export function environmentLine(results: BenchResults): string {
  const { machine } = results;
  return (
    `${results.date}, ${machine.cpu} (${machine.cores} cores, ${machine.memoryGb} GB), ${machine.os}, ` +
    `Node ${results.node}, Terraform ${results.terraform}; each figure after one warm-up run.`
  );
}

/** `bench/README.md`. */
export function benchReadme(results: BenchResults): string {
  const failed = results.budgets.filter((budget) => !budget.pass);
  return [
    "# Benchmarks",
    "",
    "Written by `npm run bench` (`bench/run.ts`); the raw figures are in `results.json`. Run it again to",
    "refresh both. It fails when a budget is exceeded.",
    "",
    environmentLine(results),
    "",
    summaryTable(results),
    "",
    failed.length === 0
      ? "Every budget holds."
      : `Budgets exceeded: ${failed.map((budget) => budget.name).join(", ")}.`,
    "",
    "## Scaling",
    "",
    "One stack holding N EFS-backed Fargate services (each with its access point, grant, roles, log group,",
    "task definition, service and security group rules), synthesized in a fresh Node process.",
    "",
    scalingTable(results),
    "",
    "## Slowest tests",
    "",
    "The Terraform suite starts every stack's Terraform work at once and its tests await it, so the first",
    "Terraform test of a file carries the wait for the queue, not only its own work.",
    "",
    "| Test | File | Time |",
    "| --- | --- | ---: |",
    ...results.test.slowest.map((test) => `| ${test.name} | \`${test.file}\` | ${seconds(test.seconds)} |`),
    "",
    "## How it measures",
    "",
    "- Wall time: from process start to exit (`process.hrtime`), `npm run synth` exactly as users run it.",
    "- Peak RSS: every Node process under the command reports `process.resourceUsage().maxRSS` at exit",
    "  (`bench/rss-probe.cjs`, preloaded through `NODE_OPTIONS`); the largest counts.",
    "- `terraform validate`: each stack copied and initialised once in a workspace of its own, then",
    "  `terraform validate` of every stack, one after another, per run (the test suite validates all stacks",
    "  in one workspace; this figure is the cost of validating each stack alone).",
    "- Run task: the endpoint of `stateful-ecs run-task serve`, in the bench process, on loopback against the",
    "  tests' fake Terraform Cloud, which serves the offline plan of a scaling stack; timed from the moment the",
    "  plan download was sent to the moment the result's PATCH had arrived.",
    "- `npm test`: the whole suite, Terraform checks included; the slowest tests come from Jest's JSON report.",
    "",
  ].join("\n");
}

const START = "<!-- bench:start -->";
const END = "<!-- bench:end -->";

/** Replaces the text between the bench markers of a README with the current summary table. */
export function withPerformanceSection(readme: string, results: BenchResults): string {
  const start = readme.indexOf(START);
  const end = readme.indexOf(END);
  if (start < 0 || end < start) throw new Error(`the README has no ${START} ... ${END} section`);
  const section = [START, "", environmentLine(results), "", summaryTable(results), "", END].join("\n");
  return readme.slice(0, start) + section + readme.slice(end + END.length);
}
