import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { Testing } from "cdktf";
import { readConfiguration } from "../../analysis/config/load";
import { RULE_TYPES, runGuards } from "../../analysis/guards";
import { writeLintRepo } from "../../bench/lint-repo";
import { ScalingStack } from "../../bench/scaling-stack";
import { BenchResults, benchReadme, summaryTable, withPerformanceSection } from "../../bench/report";
import { checkBudgets, sample } from "../../bench/stats";

describe("bench statistics", () => {
  it("takes the median of odd and even run counts, and the spread between the extremes", () => {
    expect(sample([3, 1, 2])).toEqual({ runs: 3, median: 2, min: 1, max: 3, spread: 1 });
    expect(sample([4, 1, 3, 2])).toEqual({ runs: 4, median: 2.5, min: 1, max: 4, spread: 1.2 });
  });

  it("refuses an empty sample", () => {
    expect(() => sample([])).toThrow("a sample needs at least one run");
  });

  it("passes a budget at its limit and fails one above it", () => {
    const results = checkBudgets([
      { name: "at", value: 5, limit: 5, unit: "s" },
      { name: "over", value: 5.01, limit: 5, unit: "s" },
    ]);
    expect(results.map((result) => result.pass)).toEqual([true, false]);
  });
});

const one = sample([1]);
const results: BenchResults = {
  date: "2026-11-22",
  machine: { cpu: "Test CPU", cores: 2, memoryGb: 24, os: "Linux" },
  node: "v20.20.2",
  terraform: "1.11.4",
  runs: 1,
  synth: { stacks: ["a", "b"], wallSeconds: sample([0.5]), peakRssMb: sample([180]) },
  validateSeconds: sample([5]),
  synthToValidate: 0.1,
  scaling: [10, 100].map((services) => ({
    services,
    synthSeconds: one,
    peakRssMb: one,
    resources: services,
    configBytes: 2048,
  })),
  scalingRatio100To10: 1,
  validate100Seconds: one,
  vendor: { modules: ["efs-storage", "sticky-alb"], wallSeconds: sample([1.5]) },
  lint: { resources: 1008, wallSeconds: sample([1.25]) },
  runTask: { resources: 1004, planMb: 3.21, seconds: sample([0.4]), status: "passed", outcomes: 0 },
  test: { wallSeconds: sample([60]), slowest: [{ file: "__tests__/x.test.ts", name: "slow one", seconds: 9 }] },
  budgets: checkBudgets([{ name: "npm test", value: 130, limit: 120, unit: "s" }]),
};

describe("bench report", () => {
  it("shows each figure with its median, range and run count, and the budgets", () => {
    const table = summaryTable(results);
    expect(table).toContain("| `npm run synth` (2 stacks): wall time | 0.50 s (0.50 s–0.50 s, 1 runs) |  |");
    expect(table).toContain("| synth / validate | 0.100 | ≤ 0.25 |");
    expect(table).toContain("| `stateful-ecs vendor` (2 modules) | 1.50 s (1.50 s–1.50 s, 1 runs) | ≤ 10 s |");
    expect(table).toContain("| `npm test` | 60.00 s (60.00 s–60.00 s, 1 runs) | ≤ 120 s |");
    expect(table).toContain(
      "| `stateful-ecs lint` of a .tf repository (1,008 resources) | 1.25 s (1.25 s–1.25 s, 1 runs) | ≤ 2 s |",
    );
    expect(table).toContain(
      "| run task: review and callback after the plan download (1,004 resources, 3.2 MB; passed, 0 outcomes) | " +
        "0.40 s (0.40 s–0.40 s, 1 runs) | ≤ 2 s |",
    );
  });

  it("names the budgets exceeded and lists the slowest tests", () => {
    const readme = benchReadme(results);
    expect(readme).toContain("Budgets exceeded: npm test.");
    expect(readme).toContain("| slow one | `__tests__/x.test.ts` | 9.00 s |");
    expect(readme).toContain("Test CPU (2 cores, 24 GB)");
  });

  it("replaces only the Performance section of the project README", () => {
    const readme = "intro\n<!-- bench:start -->\nold\n<!-- bench:end -->\nrest\n";
    const updated = withPerformanceSection(readme, results);
    expect(updated.startsWith("intro\n<!-- bench:start -->\n")).toBe(true);
    expect(updated.endsWith("<!-- bench:end -->\nrest\n")).toBe(true);
    expect(updated).not.toContain("old");
    expect(updated).toContain("| synth / validate | 0.100 | ≤ 0.25 |");
    expect(() => withPerformanceSection("no markers", results)).toThrow("the README has no <!-- bench:start -->");
  });
});

describe("bench lint repository", () => {
  it("holds ten resources per service around eight shared ones, and lints clean", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bench-lint-repo-"));
    expect(writeLintRepo(dir, 3)).toBe(38);
    const configuration = await readConfiguration(dir, { evaluateTypes: RULE_TYPES });
    expect(configuration.resources).toHaveLength(38);
    // Every value the rules read is known: the benchmark times real work, not skipped rules.
    expect(runGuards(configuration)).toEqual({ findings: [], notes: [] });
  });
});

describe("bench scaling stack", () => {
  const synthFor = (services: number) =>
    JSON.parse(
      Testing.synth(
        new ScalingStack(Testing.app(), "scaling", {
          region: "eu-west-1",
          availabilityZones: ["eu-west-1a", "eu-west-1b"],
          services,
        }),
      ),
    );

  it("holds one service, access point, grant and NFS rule per requested service, around one file system", () => {
    const config = synthFor(3);
    const count = (type: string) => Object.keys(config.resource[type] ?? {}).length;
    expect([
      count("aws_efs_file_system"),
      count("aws_ecs_service"),
      count("aws_efs_access_point"),
      count("aws_iam_role_policy"),
      count("aws_vpc_security_group_ingress_rule"),
    ]).toEqual([1, 3, 3, 3, 3]);
  });

  it("refuses a service count outside 1 to 1000", () => {
    expect(() => synthFor(0)).toThrow("ScalingStack 'scaling': services 0 is not a whole number from 1 to 1000");
  });
});
