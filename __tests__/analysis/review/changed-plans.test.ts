import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { App } from "cdktf";
import { EXAMPLE_STACKS, EXAMPLE_TARGET } from "../../../main";
import { PlanJson, PlannedResource } from "../../../analysis/plan-json";
import { PlanReview, ReviewedChange, reviewPlan } from "../../../analysis/review/plan-review";
import { statefulType } from "../../../analysis/review/stateful-types";
import { run } from "../../../cli/main";
import { reviewMarkdown } from "../../../cli/review/markdown";
import { stackPlan } from "../../../cli/terraform/stack-results";
import { TerraformWorkspace } from "../../../cli/terraform/terraform";
import { toolchainStatus } from "../../../cli/terraform/toolchain";
import { EfsFargateStack } from "../../../stacks/efs-fargate";
import { StatefulSetStack } from "../../../stacks/stateful-set";
import { onlyResource, synthesizeChanged, withConstructRenamed } from "../../support/changed-stacks";
import { TerraformConfig, exampleStack } from "../../support/example-app";
import { describeWithTerraform, plan } from "../../support/harness";
import { StateResource, resourcesFromPlan, standInId, stateFile } from "../../support/prior-state";

/**
 * Real plans of changed copies of the example stacks, against a prior state, reviewed.
 *
 * The prior state: nothing here can apply, and `terraform test`'s mock apply keeps its state in memory, so
 * the state is built from the offline plan of the unchanged stacks (the harness's): the planned values of
 * every resource that holds or protects data, as if applied, with stand-in ids (see `prior-state.ts`). The
 * other resources are not in it and plan as creates, which the review never flags: the data safety
 * section shows exactly what the change does to the data. One workspace plans every changed copy at once.
 *
 * Terraform itself refuses to plan the destruction of a resource that carries `prevent_destroy`, the first
 * line of defence. The review is the next one, for what gets past it: a renamed construct (the old address
 * and its `prevent_destroy` leave the configuration together) and a removed map key plan without any
 * error; the force-new copies drop `prevent_destroy`, as a stack with `allowDestroy` has none.
 *
 * The StatefulSet scale-down (3 to 2 ordinals, ordinal 2's storage retained) starts from a state that also
 * holds every resource of ordinal 2, so the review shows what a scale-down removes. A scale-down that forgets
 * `retainedOrdinals` drops ordinal 2's access point key, whose instance carries `prevent_destroy`: Terraform
 * refuses to plan it, as the mock apply's teardown of the stack shows for that instance (terraform.test.ts).
 */

const PROVIDER = 'provider["registry.terraform.io/hashicorp/aws"].aws_0';
const createStack = (id: string) => (app: App) =>
  EXAMPLE_STACKS.find((stack) => stack.id === id)!.create(app, id, EXAMPLE_TARGET);
const dropPreventDestroy = (resource: Record<string, unknown>) => delete resource.lifecycle;

/** What the StatefulSet copy's state holds: data, ordinal 2 whole, and the VPC the namespace names (else it would be replaced). */
const statefulSetState = (resource: PlannedResource) =>
  holdsOrProtects(resource) || resource.address.includes("_ordinal-2_") || resource.type === "aws_vpc";

/** Each changed copy: the stack it copies, its directory, and what of the copied stack's plan the state holds. */
function changedCopies(): Record<string, { base: string; dir: string; keep?: (resource: PlannedResource) => boolean }> {
  return {
    // (a) The EFS construct `data` renamed `files`, without a moved block.
    renamed: {
      base: "efs-fargate",
      dir: synthesizeChanged(
        (app) => new (withConstructRenamed(EfsFargateStack, "data", "files"))(app, "efs-fargate", EXAMPLE_TARGET),
      ),
    },
    // (b) A force-new argument of the file system changed.
    "efs-performance-mode": {
      base: "efs-fargate",
      dir: synthesizeChanged(createStack("efs-fargate"), (config) => {
        const [, fileSystem] = onlyResource(config, "aws_efs_file_system");
        fileSystem.performance_mode = "maxIO";
        dropPreventDestroy(fileSystem);
      }),
    },
    // (b) The database volume moved to the other zone.
    "ebs-availability-zone": {
      base: "ebs-pinned-db",
      dir: synthesizeChanged(createStack("ebs-pinned-db"), (config) => {
        const [, volume] = onlyResource(config, "aws_ebs_volume");
        volume.availability_zone = EXAMPLE_TARGET.availabilityZones[1];
        dropPreventDestroy(volume);
      }),
    },
    // (d) Scaled down the documented way: ordinal 2's storage retained.
    "scale-down": {
      base: "stateful-set",
      dir: synthesizeChanged(
        (app) => new StatefulSetStack(app, "stateful-set", { ...EXAMPLE_TARGET, replicas: 2, retainedOrdinals: 3 }),
      ),
      keep: statefulSetState,
    },
    // (c) An access point map that held `reports` and now holds `analytics` only (the state adds `reports`).
    "access-point-removed": {
      base: "efs-fargate",
      dir: synthesizeChanged(
        (app) =>
          new (class extends EfsFargateStack {
            constructor() {
              super(app, "efs-fargate", EXAMPLE_TARGET);
              this.storage.addAccessPointMap("teams", {
                analytics: { path: "/teams/analytics", uid: 2001, gid: 2001 },
              });
            }
          })(),
      ),
    },
  };
}

/** The `reports` access point of the map in `dir`, as applied before it left the map: crafted, its block exists. */
function removedAccessPoint(dir: string): StateResource {
  const config: TerraformConfig = JSON.parse(fs.readFileSync(path.join(dir, "cdk.tf.json"), "utf8"));
  const [name] = Object.entries(config.resource?.aws_efs_access_point ?? {}).find(([, body]) => body.for_each)!;
  const [fileSystem] = onlyResource(config, "aws_efs_file_system");
  return {
    module: "module.access-point-removed",
    mode: "managed",
    type: "aws_efs_access_point",
    name,
    provider: PROVIDER,
    instances: [
      {
        index_key: "reports",
        schema_version: 0,
        attributes: {
          id: standInId(`aws_efs_access_point.${name}["reports"]`),
          file_system_id: standInId(`aws_efs_file_system.${fileSystem}`),
          posix_user: [{ uid: 2002, gid: 2002, secondary_gids: null }],
          root_directory: [
            { path: "/teams/reports", creation_info: [{ owner_uid: 2002, owner_gid: 2002, permissions: "750" }] },
          ],
        },
      },
    ],
  };
}

const holdsOrProtects = (resource: { type: string }) => statefulType(resource.type) !== undefined;

describeWithTerraform("the plan review of changed stacks, planned against a prior state", () => {
  let plans: Record<string, PlanJson>;
  let reviews: Record<string, PlanReview>;

  beforeAll(async () => {
    const status = toolchainStatus();
    if (!status.ok) throw new Error(status.reason);
    const copies = changedCopies();
    const bases = new Map<string, PlanJson>();
    for (const base of new Set(Object.values(copies).map((copy) => copy.base))) {
      bases.set(base, await plan(exampleStack(base).dir));
    }
    const resources = Object.entries(copies).flatMap(([name, copy]) =>
      resourcesFromPlan(bases.get(copy.base)!, {
        module: `module.${name}`,
        keep: copy.keep ?? holdsOrProtects,
        region: EXAMPLE_TARGET.region,
        provider: PROVIDER,
      }),
    );
    const workspace = await TerraformWorkspace.create(
      Object.fromEntries(Object.entries(copies).map(([name, copy]) => [name, copy.dir])),
      status.toolchain,
    );
    try {
      const removed = removedAccessPoint(copies["access-point-removed"].dir);
      const full = await workspace.plan(stateFile([...resources, removed], status.toolchain.terraformVersion));
      plans = Object.fromEntries(Object.keys(copies).map((name) => [name, stackPlan(full, name)]));
      reviews = Object.fromEntries(Object.entries(plans).map(([name, changed]) => [name, reviewPlan(changed)]));
    } finally {
      workspace.remove();
    }
  });

  /** `action address` of every entry of a review's data safety section. */
  const flagged = (name: string) =>
    reviews[name].dataSafety.map((change: ReviewedChange) => `${change.action} ${change.address}`).sort();
  const entry = (name: string, address: string) =>
    reviews[name].dataSafety.find((change) => change.address === address);
  const efs = exampleStack("efs-fargate");
  const [fileSystem] = onlyResource(efs.config, "aws_efs_file_system");
  const [accessPoint] = onlyResource(efs.config, "aws_efs_access_point");

  it("(a) a renamed construct: every resource of the old name is destroyed, the new one created empty", async () => {
    const review = reviews.renamed;
    expect(review.exitCode).toBe(2);
    expect(flagged("renamed")).toEqual([
      `delete aws_efs_access_point.${accessPoint}`,
      "delete aws_efs_backup_policy.data_backup-policy_C5812D35",
      `delete aws_efs_file_system.${fileSystem}`,
      "delete aws_efs_file_system_policy.data_file-system-policy_864B071B",
    ]);
    expect(entry("renamed", `aws_efs_file_system.${fileSystem}`)).toMatchObject({
      actionReason: "delete_because_no_resource_config",
      reason: expect.stringContaining("renamed without a moved block"),
      stateful: { role: "holds" },
      possibleNewAddresses: [expect.stringMatching(/^aws_efs_file_system\.files_file-system_/)],
    });
    expect(reviewMarkdown(review)).toContain(
      `- **\`aws_efs_file_system.${fileSystem}\` is destroyed** (holds data: ${statefulType("aws_efs_file_system")!.why})`,
    );
  });

  it("(b) a force-new argument of the file system: it is replaced, and so is everything that names its id", () => {
    expect(reviews["efs-performance-mode"].exitCode).toBe(2);
    expect(entry("efs-performance-mode", `aws_efs_file_system.${fileSystem}`)).toMatchObject({
      action: "replace",
      actionReason: "replace_because_cannot_update",
      forcedBy: [{ path: "performance_mode", before: '"generalPurpose"', after: '"maxIO"' }],
    });
    expect(entry("efs-performance-mode", `aws_efs_access_point.${accessPoint}`)).toMatchObject({
      action: "replace",
      forcedBy: [{ path: "file_system_id", after: "(known after apply)" }],
    });
    expect(reviewMarkdown(reviews["efs-performance-mode"])).toContain(
      '  - Forced by `performance_mode`: `"generalPurpose"` → `"maxIO"`',
    );
  });

  it("(b) the database volume's zone: the volume is replaced, forced by availability_zone, and nothing else", () => {
    const [volume] = onlyResource(exampleStack("ebs-pinned-db").config, "aws_ebs_volume");
    expect(reviews["ebs-availability-zone"].exitCode).toBe(2);
    expect(flagged("ebs-availability-zone")).toEqual([`replace aws_ebs_volume.${volume}`]);
    expect(entry("ebs-availability-zone", `aws_ebs_volume.${volume}`)).toMatchObject({
      actionReason: "replace_because_cannot_update",
      forcedBy: [{ path: "availability_zone", before: '"eu-west-1a"', after: '"eu-west-1b"' }],
    });
  });

  it("(c) a key removed from an access point map: that access point alone is destroyed", () => {
    expect(reviews["access-point-removed"].exitCode).toBe(2);
    expect(flagged("access-point-removed")).toEqual([
      expect.stringMatching(/^delete aws_efs_access_point\.data_teams_access-point_\w+\["reports"\]$/),
    ]);
    expect(reviews["access-point-removed"].dataSafety[0]).toMatchObject({
      actionReason: "delete_because_each_key",
      reason: "its for_each key is no longer in the map",
      stateful: { role: "protects" },
    });
  });

  it("(d) a StatefulSet scaled from 3 to 2, storage retained: ordinal 2's service and name go, its data stays", () => {
    const review = reviews["scale-down"];
    expect(review.exitCode).toBe(0);
    expect(review.dataSafety).toEqual([]);
    const deleted = review.changes.filter((change) => change.action === "delete").map((change) => change.address);
    expect(deleted.filter((address) => !address.includes("_ordinal-2_"))).toEqual([]);
    expect(deleted.map((address) => address.split(".")[0])).toEqual(
      expect.arrayContaining([
        "aws_ecs_service",
        "aws_ecs_task_definition",
        "aws_service_discovery_service",
        "aws_iam_role",
        "aws_security_group",
      ]),
    );
    expect(
      review.changes.filter((change) => change.type === "aws_efs_access_point" && change.action !== "update"),
    ).toEqual([]);
    expect(reviewMarkdown(review)).toContain("zookeeper_ordinal-2_service_");
  });

  it("stateful-ecs review exits 2 on each changed plan and names the resource, the reason and the forcing attribute", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "stateful-ecs-review-"));
    for (const [name, expected] of [
      ["renamed", "delete_because_no_resource_config"],
      ["efs-performance-mode", "`performance_mode`"],
      ["ebs-availability-zone", "`availability_zone`"],
      ["access-point-removed", "delete_because_each_key"],
    ]) {
      fs.writeFileSync(path.join(dir, `${name}.json`), JSON.stringify(plans[name]));
      const result = await run(["review", `${name}.json`], dir);
      expect({ name, code: result.code }).toEqual({ name, code: 2 });
      expect(result.stdout).toContain(expected);
      expect(result.stdout).toContain(reviews[name].dataSafety[0].address);
    }
  });
});
