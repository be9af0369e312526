import * as path from "node:path";
import { Testing } from "cdktf";
import { Construct } from "constructs";
import { readConfiguration } from "../../../analysis/config/load";
import { GuardReport, RULE_TYPES, runGuards } from "../../../analysis/guards";
import { GuardExceptions } from "../../../modules/core";
import { FargateService } from "../../../modules/ecs";
import { EfsStorage } from "../../../modules/efs-storage";
import { SessionStore } from "../../../modules/session-store";
import { StickyAlb } from "../../../modules/sticky-alb";
import { existingNetwork, serviceBasics, testStack } from "../../support/fixtures";

/**
 * The pitfalls our constructs can still express (a database image on EFS, a container user other than the
 * access point's, a sticky ALB with no session store), caught by the guards in what they synthesize, and
 * the `guardExceptions` prop that silences a rule for one construct with a reason.
 */

/** Builds constructs in a test stack, synthesizes it as `cdktf synth` does (Testing.synth drops the `"//"`
 * comments that carry guard exceptions) and runs the guards on its cdk.tf.json. */
async function guard(build: (scope: Construct) => void): Promise<GuardReport> {
  const stack = testStack();
  build(stack);
  const outdir = Testing.fullSynth(stack);
  const file = path.join(outdir, "stacks", stack.node.id, "cdk.tf.json");
  return runGuards(await readConfiguration(file, { evaluateTypes: RULE_TYPES }));
}

const findingsOf = (report: GuardReport, ruleId: string) =>
  report.findings.filter((finding) => finding.ruleId === ruleId);

function postgresOnEfs(
  scope: Construct,
  options: { user?: string; guardExceptions?: GuardExceptions; containerPath?: string } = {},
) {
  const storage = new EfsStorage(scope, "data", { network: existingNetwork });
  const point = storage.addAccessPoint("pgdata", { path: "/pgdata", uid: 999, gid: 999 });
  const service = new FargateService(scope, "db", {
    ...serviceBasics(scope),
    container: { name: "postgres", image: "postgres:16", port: 5432, user: options.user },
    guardExceptions: options.guardExceptions,
  });
  storage.mount(service, point, { containerPath: options.containerPath ?? "/var/lib/postgresql/data" });
}

function stickyApp(scope: Construct, withStore: boolean) {
  const alb = new StickyAlb(scope, "web", { network: existingNetwork, targetPort: 8080, allowDestroy: true });
  const service = new FargateService(scope, "app", {
    ...serviceBasics(scope),
    container: { name: "app", image: "busybox", port: 8080 },
  });
  alb.route(service);
  alb.allowTo(service.securityGroupId);
  if (withStore) new SessionStore(scope, "sessions", { network: existingNetwork, allowDestroy: true }).connect(service);
}

describe("the guards on what our constructs synthesize", () => {
  it("SE007: a database image mounting EFS as its data directory", async () => {
    const [finding] = findingsOf(await guard((scope) => postgresOnEfs(scope)), "SE007");
    expect(finding).toMatchObject({
      severity: "error",
      address: expect.stringMatching(/^aws_ecs_task_definition\.db_task-definition/),
    });
    expect(finding.message).toContain("/var/lib/postgresql/data is a database data directory");
    expect(finding.silenced).toBeUndefined();
  });

  it("SE007 corrected: the same database keeps only its dumps on EFS", async () => {
    const report = await guard((scope) => postgresOnEfs(scope, { containerPath: "/backups" }));
    expect(report.findings).toEqual([]);
  });

  it("SE007 silenced by the service's guardExceptions, with the reason", async () => {
    const report = await guard((scope) =>
      postgresOnEfs(scope, { guardExceptions: { SE007: "scratch copy, rebuilt nightly" } }),
    );
    expect(findingsOf(report, "SE007")).toEqual([
      expect.objectContaining({ silenced: "scratch copy, rebuilt nightly" }),
    ]);
  });

  it("SE006: a container user other than the access point's POSIX user", async () => {
    const mismatched = findingsOf(await guard((scope) => postgresOnEfs(scope, { user: "1000:1000" })), "SE006");
    expect(mismatched).toEqual([
      expect.objectContaining({ severity: "warning", message: expect.stringContaining("runs as uid 1000") }),
    ]);
    expect(findingsOf(await guard((scope) => postgresOnEfs(scope, { user: "999:999" })), "SE006")).toEqual([]);
  });

  it("SE201: a sticky ALB whose service has no session store, and none once a store is connected", async () => {
    const [finding] = findingsOf(await guard((scope) => stickyApp(scope, false)), "SE201");
    expect(finding).toMatchObject({ severity: "warning", address: expect.stringMatching(/^aws_lb_target_group\./) });
    expect(findingsOf(await guard((scope) => stickyApp(scope, true)), "SE201")).toEqual([]);
  });
});

describe("guardExceptions validation", () => {
  it.each([
    [
      "a key that is no rule id",
      { SE7: "why" },
      "FargateService 'db': guardExceptions key 'SE7' is not a guard rule id such as 'SE007'",
    ],
    [
      "a blank reason",
      { SE007: " " },
      "FargateService 'db': guardExceptions.SE007 needs a reason: 1 to 200 characters on one line",
    ],
    ["a reason over 200 characters", { SE007: "x".repeat(201) }, "guardExceptions.SE007 needs a reason"],
    ["a reason with a double quote", { SE007: 'say "no"' }, "guardExceptions.SE007 needs a reason"],
  ])("refuses %s", (_case, guardExceptions, message) => {
    expect(() => postgresOnEfs(testStack(), { guardExceptions })).toThrow(message);
  });
});
