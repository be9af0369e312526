import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import {
  TestRun,
  ValidateResult,
  isConfigurationFile,
  parseTestOutput,
  runTerraform,
} from "../../cli/terraform/terraform";
import { Toolchain, toolchainStatus } from "../../cli/terraform/toolchain";
import { OFFLINE_PROVIDER, awsMockProvider, mockApplyFile, mockedResources } from "../../cli/terraform/workspace-files";
import { VENDORED_MODULES, vendor } from "../../cli/vendor/vendor";
import { describeWithTerraform } from "../support/harness";

/**
 * The proof that a team without TypeScript can use the modules: `vendor` (what `stateful-ecs vendor` runs) writes them into a
 * fresh directory laid out like this repository, and `examples/terraform-consumer`, an ordinary HCL root
 * module written only against the modules' documented inputs and outputs, is judged there by Terraform:
 * `init`, `validate`, an offline `plan` (dummy credentials, and the provider's skip flags in an override
 * file, as the harness does) and a mock apply (`terraform test` with a mocked AWS provider).
 */
const repo = path.resolve(__dirname, "../..");
const REGION = "eu-west-1";

/** A `planned_change` line of `terraform plan -json`. */
interface PlannedChange {
  readonly resource: {
    readonly addr: string;
    readonly module: string;
    readonly resource_type: string;
    readonly resource: string;
  };
  readonly action: string;
}

interface Judgement {
  readonly vendored: string[];
  readonly validation: ValidateResult;
  /** The managed resources' planned changes. */
  readonly plan: PlannedChange[];
  readonly mockApply: TestRun;
}

/**
 * Checks of the applied consumer that need values Terraform computes: the task definition's volumes, made
 * by the `dynamic "volume"` block from the module's output.
 */
const VOLUME_ASSERTIONS = `
  assert {
    condition     = join(",", sort([for volume in aws_ecs_task_definition.app.volume : volume.name])) == "reports,uploads"
    error_message = "one volume per access point, named by its key"
  }

  assert {
    condition = alltrue([for volume in aws_ecs_task_definition.app.volume :
      volume.efs_volume_configuration[0].transit_encryption == "ENABLED" &&
      volume.efs_volume_configuration[0].authorization_config[0].iam == "ENABLED" &&
      startswith(volume.efs_volume_configuration[0].authorization_config[0].access_point_id, "fsap-")
    ])
    error_message = "every EFS volume uses TLS, IAM authorization and its access point"
  }
`;

async function judgeConsumer(toolchain: Toolchain): Promise<Judgement> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "stateful-ecs-consumer-"));
  // What `stateful-ecs vendor <dir>` runs (the command is tested in cli/vendor.test.ts and, installed, in
  // package.test.ts), called directly: a child process would load TypeScript and cdktf again.
  vendor(path.join(root, "terraform"));
  const dir = path.join(root, "examples", "terraform-consumer");
  fs.cpSync(path.join(repo, "examples", "terraform-consumer"), dir, { recursive: true, filter: isConfigurationFile });
  fs.writeFileSync(
    path.join(dir, "zz_offline_override.tf.json"),
    JSON.stringify({ provider: { aws: OFFLINE_PROVIDER } }),
  );
  const terraform = (args: string[], ok?: number[]) => runTerraform(toolchain, dir, [...args, "-no-color"], ok);
  await terraform(["init", "-input=false"]);
  const validation: ValidateResult = JSON.parse(await terraform(["validate", "-json"], [0, 1]));
  // The plan's JSON lines (not `show -json` of a saved plan: one schema load fewer) give every change.
  const planLines = await terraform(["plan", "-json", "-refresh=false", "-input=false", "-lock=false"]);
  const plan: PlannedChange[] = planLines
    .split("\n")
    .filter((line) => line.startsWith("{"))
    .map((line) => JSON.parse(line))
    .filter((message) => message.type === "planned_change" && !message.change.resource.resource.startsWith("data."))
    .map((message) => message.change);
  const types = [...new Set(plan.map((change) => change.resource.resource_type))].sort();
  fs.mkdirSync(path.join(dir, "tests"));
  fs.writeFileSync(
    path.join(dir, "tests", "mock_apply.tftest.hcl"),
    mockApplyFile([awsMockProvider({ region: REGION, resources: mockedResources(types, REGION) })], VOLUME_ASSERTIONS),
  );
  const mockApply = parseTestOutput(await terraform(["test", "-json"], [0, 1]));
  return { vendored: fs.readdirSync(path.join(root, "terraform")).sort(), validation, plan, mockApply };
}

describeWithTerraform("examples/terraform-consumer, a plain HCL repository using the vendored modules", () => {
  let judgement: Promise<Judgement>;
  beforeAll(() => {
    const status = toolchainStatus();
    if (!status.ok) throw new Error(status.reason);
    judgement = judgeConsumer(status.toolchain);
    judgement.catch(() => undefined);
  });

  const changes = async () => (await judgement).plan;

  it("gets every module from vendor", async () => {
    expect((await judgement).vendored).toEqual(VENDORED_MODULES.map((module) => module.name).sort());
  });

  it("passes terraform validate with no errors or warnings", async () => {
    const { validation } = await judgement;
    expect(validation.diagnostics).toEqual([]);
    expect(validation.valid).toBe(true);
  });

  it("plans offline: everything is created, in every module, and nothing else happens", async () => {
    const all = await changes();
    expect(all.filter((change) => change.action !== "create")).toEqual([]);
    for (const module of ["files", "sessions", "web", "db"]) {
      expect(all.some((change) => change.resource.module === `module.${module}`)).toBe(true);
    }
  });

  it("keys access points and their grants by the map's keys", async () => {
    const addresses = (await changes()).map((change) => change.resource.addr);
    const accessPoints = addresses.filter((address) => address.startsWith("module.files.aws_efs_access_point."));
    expect(accessPoints.map((address) => address.replace(/^[^[]*/, "")).sort()).toEqual(['["reports"]', '["uploads"]']);
    const grants = addresses.filter((address) => address.startsWith("module.files.aws_iam_role_policy."));
    expect(grants.map((address) => address.replace(/^[^[]*/, "")).sort()).toEqual([
      '["reports/consumer-app-task"]',
      '["uploads/consumer-app-task"]',
    ]);
  });

  it("mounts one EFS volume per access point from the module's output, with TLS and IAM authorization", async () => {
    // Asserted inside the mock apply run (VOLUME_ASSERTIONS), where the volumes' values are known.
    const { mockApply } = await judgement;
    const failedAssertions = mockApply.diagnostics.filter((diagnostic) =>
      /Test assertion failed/.test(diagnostic.text),
    );
    expect(failedAssertions).toEqual([]);
    expect(mockApply.runStatus).toBe("pass");
  });

  it("passes a mock apply, and the teardown stops at exactly the resources that hold data", async () => {
    const { mockApply } = await judgement;
    expect(mockApply.diagnostics.filter((diagnostic) => diagnostic.phase === "apply")).toEqual([]);
    expect(mockApply.runStatus).toBe("pass");
    const refused = mockApply.diagnostics.flatMap((diagnostic) => (diagnostic.refused ? [diagnostic.refused] : []));
    expect(refused.sort()).toEqual([
      "module.db.aws_ebs_volume.capacity_volume",
      "module.files.aws_efs_file_system.storage_file_system",
      "module.sessions.aws_elasticache_replication_group.store_replication_group",
    ]);
  });
});
