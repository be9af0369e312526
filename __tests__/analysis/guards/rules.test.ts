import * as fs from "node:fs";
import * as path from "node:path";
import { readConfiguration } from "../../../analysis/config/load";
import { Finding, GuardReport, RULES, RULE_TYPES, runGuards } from "../../../analysis/guards";
import {
  ExpectedFinding,
  allVariants,
  expectedFindings,
  fixtureModuleDir,
  fixtureRuleIds,
  fixtureVariants,
  repoNames,
} from "./fixtures";

/**
 * Every rule against Terraform written as repositories write it (fixtures/): each rule's `bad`
 * configuration reports it, on the resource at fault, at the rule's severity, and nothing else that is an
 * error; its `good` twin, the same configuration corrected, reports no error at all. (Each is read as one
 * module: the rule's `shared` files with the variant's own.) Ignore directives silence a finding with
 * their reason, and whole repositories give exactly the findings they should.
 */

/** The error findings that count: not silenced. */
const errors = (report: GuardReport): Finding[] =>
  report.findings.filter((finding) => finding.severity === "error" && finding.silenced === undefined);

interface RuleExpectation {
  /** The resources the bad fixture's findings of the rule are on. */
  readonly addresses: string[];
  /** What one of those findings' messages names. */
  readonly mentions?: RegExp;
}

const EXPECTED: Record<string, RuleExpectation> = {
  SE001: { addresses: ["aws_ecs_task_definition.app"], mentions: /transit_encryption/ },
  SE002: {
    addresses: ["aws_ecs_task_definition.app"],
    mentions: /aws_efs_access_point\.reports.*aws_efs_file_system\.this\["archive"\]/,
  },
  SE003: { addresses: ["aws_ecs_task_definition.wiki"], mentions: /root_directory "\/pages"/ },
  SE004: { addresses: ["aws_ecs_task_definition.media"], mentions: /task_role_arn/ },
  SE005: { addresses: ["aws_ecs_service.cms"], mentions: /TCP 2049/ },
  SE006: { addresses: ["aws_ecs_task_definition.jupyter"], mentions: /uid 33 .* uid 1000/ },
  SE007: { addresses: ["aws_ecs_task_definition.postgres"], mentions: /\/var\/lib\/postgresql\/data/ },
  SE008: { addresses: ["aws_vpc_security_group_ingress_rule.nfs"], mentions: /0\.0\.0\.0\/0/ },
  SE009: { addresses: ["aws_efs_file_system.home"] },
  SE010: { addresses: ["aws_ecs_service.gitea"], mentions: /platform version 1\.3\.0/ },
  SE101: { addresses: ["aws_ecs_service.prometheus"], mentions: /attribute:data-volume == prometheus/ },
  SE102: { addresses: ["aws_ecs_service.opensearch"], mentions: /deployment_maximum_percent 200/ },
  SE103: { addresses: ["aws_ecs_task_definition.app"], mentions: /\/opt\/uptime-kuma\/data/ },
  SE104: { addresses: ["aws_ebs_volume.data", "aws_instance.db"] },
  SE105: { addresses: ["aws_launch_template.jenkins"], mentions: /mkfs/ },
  SE201: { addresses: ["aws_lb_target_group.web"], mentions: /aws_ecs_service\.web/ },
  SE202: { addresses: ["aws_elasticache_replication_group.redis"], mentions: /transit_encryption_enabled/ },
  SE203: { addresses: ["aws_security_group_rule.cache_ingress"], mentions: /11211/ },
};

const IGNORE_REASONS: Record<string, string> = {
  "SE001/ignore-comment": "the nginx image serves public files only; TLS is added with the access point in JIRA-1234",
  "SE001/ignore-tag": "public files only; TLS comes with the access point",
};

const reports = new Map<string, GuardReport>();

/** The report of a fixture read in beforeAll. */
function report(relative: string): GuardReport {
  const found = reports.get(relative);
  if (!found) throw new Error(`${relative} was not read`);
  return found;
}

const pairs = (findings: readonly Finding[]): ExpectedFinding[] =>
  [
    ...new Map(
      findings.map((finding) => [
        `${finding.ruleId} ${finding.address}`,
        { ruleId: finding.ruleId, address: finding.address },
      ]),
    ).values(),
  ].sort(byRuleThenAddress);

/** By rule id, then address, in code unit order (as `sort` with no comparer orders strings). */
function byRuleThenAddress(a: ExpectedFinding, b: ExpectedFinding): number {
  const [left, right] = [`${a.ruleId} ${a.address}`, `${b.ruleId} ${b.address}`];
  return left < right ? -1 : left > right ? 1 : 0;
}

beforeAll(async () => {
  const fixtures = [
    ...fixtureRuleIds().flatMap((id) => [`${id}/bad`, `${id}/good`]),
    ...Object.keys(IGNORE_REASONS),
    ...repoNames().map((name) => `repos/${name}`),
  ];
  // One after the other: hcl2json's WebAssembly parser is shared, and they take a few ms each.
  for (const relative of fixtures) {
    const dir = fixtureModuleDir(relative);
    reports.set(relative, runGuards(await readConfiguration(dir, { evaluateTypes: RULE_TYPES })));
  }
});

it("has a bad and a good fixture for every rule, and an expectation for each", () => {
  const ids = RULES.map((rule) => rule.id).sort();
  expect(fixtureRuleIds()).toEqual(ids);
  for (const id of ids) expect(fixtureVariants(id)).toEqual(expect.arrayContaining(["bad", "good"]));
  expect(Object.keys(EXPECTED).sort()).toEqual(ids);
  // Every other variant is an ignore directive's, and is checked below.
  expect(allVariants().filter((relative) => !/\/(bad|good)$/.test(relative))).toEqual(
    Object.keys(IGNORE_REASONS).sort(),
  );
});

describe.each(RULES.map((rule) => [rule.id, rule] as const))("%s", (id, rule) => {
  const expected = EXPECTED[id];

  it(`bad: reports ${id} on the resource at fault, as ${rule.severity === "error" ? "an error" : "a warning"}`, () => {
    const findings = report(`${id}/bad`).findings.filter((finding) => finding.ruleId === id);
    expect([...new Set(findings.map((finding) => finding.address))].sort()).toEqual(expected.addresses);
    expect(findings.filter((finding) => finding.severity !== rule.severity || finding.silenced !== undefined)).toEqual(
      [],
    );
    if (expected.mentions) {
      expect(findings.map((finding) => finding.message)).toContainEqual(expect.stringMatching(expected.mentions));
    }
  });

  it("bad: reports no error of another rule", () => {
    expect(errors(report(`${id}/bad`)).filter((finding) => finding.ruleId !== id)).toEqual([]);
  });

  it(`good: reports no ${id} and no error`, () => {
    const { findings } = report(`${id}/good`);
    expect(findings.filter((finding) => finding.ruleId === id)).toEqual([]);
    expect(errors(report(`${id}/good`))).toEqual([]);
  });

  it("good: reports no warning of another rule either", () => {
    expect(report(`${id}/good`).findings).toEqual([]);
  });

  it(`good: is checked by ${id}, not skipped as unknown`, () => {
    expect(report(`${id}/good`).notes.filter((note) => note.startsWith(`${id} `))).toEqual([]);
  });
});

it("reads every fixture completely: no file, count, for_each or module left unread", () => {
  const readerNotes = [...reports].flatMap(([relative, { notes }]) =>
    notes.filter((note) => !/^SE\d{3} /.test(note)).map((note) => `${relative}: ${note}`),
  );
  expect(readerNotes).toEqual([]);
});

describe("findings of .tf files", () => {
  it("point at the line of the resource block", () => {
    const [finding] = report("SE001/bad").findings;
    const text = fs.readFileSync(path.join(fixtureModuleDir("SE001/bad"), "task.tf"), "utf8");
    const line = text.split("\n").findIndex((each) => each.startsWith('resource "aws_ecs_task_definition" "app"')) + 1;
    expect(line).toBeGreaterThan(0);
    expect(finding.location).toEqual({ file: "task.tf", line });
  });
});

describe("ignore directives (SE001/bad with one added)", () => {
  it.each(Object.entries(IGNORE_REASONS))("%s silences SE001 with its reason", (relative, reason) => {
    const { findings } = report(relative);
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({
      ruleId: "SE001",
      address: "aws_ecs_task_definition.app",
      severity: "error",
      silenced: reason,
    });
    expect(errors(report(relative))).toEqual([]);
  });
});

describe("repositories", () => {
  it("include the Fargate + EFS walkthrough, which is correct", () => {
    expect(repoNames()).toContain("fargate-efs-walkthrough");
    expect(expectedFindings("fargate-efs-walkthrough")).toEqual([]);
  });

  it.each(repoNames())("%s gives exactly the findings of its expected.json", (name) => {
    const expected = expectedFindings(name);
    expect(expected).toEqual([...expected].sort(byRuleThenAddress));
    expect(pairs(report(`repos/${name}`).findings)).toEqual(expected);
  });
});
