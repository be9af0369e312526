import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { Toolchain } from "./toolchain";

/**
 * Terraform as the judge of a synthesized stack, offline: `validate`, `plan` (parsed `terraform show -json`)
 * and `mockApply` (`terraform test` with `mock_provider "aws" {}`). Each runs in a temporary copy of the
 * stack directory, initialised once, with an override file that points the backend at a local state file
 * and turns off the AWS provider's credential and account lookups. The stacks users deploy are never changed.
 */

export interface Diagnostic {
  readonly severity: "error" | "warning";
  readonly summary: string;
  readonly detail?: string;
}

export interface ValidateResult {
  readonly valid: boolean;
  readonly error_count: number;
  readonly warning_count: number;
  readonly diagnostics: Diagnostic[];
}

export interface ResourceChange {
  readonly address: string;
  readonly mode: "managed" | "data";
  readonly type: string;
  readonly name: string;
  readonly index?: number | string;
  readonly change: {
    readonly actions: string[];
    readonly after: Record<string, unknown> | null;
    readonly after_unknown?: Record<string, unknown>;
  };
}

/** A resource of the plan's `configuration`: its arguments as expressions, with what they reference. */
export interface ConfiguredResource {
  readonly address: string;
  readonly expressions?: Record<string, { readonly references?: string[]; readonly constant_value?: unknown }>;
}

/** The parts of Terraform's plan JSON representation the tests read. */
export interface Plan {
  readonly format_version: string;
  readonly terraform_version: string;
  readonly resource_changes?: ResourceChange[];
  readonly configuration?: { readonly root_module: { readonly resources?: ConfiguredResource[] } };
  readonly output_changes?: Record<string, { actions: string[]; after: unknown; after_unknown: unknown }>;
}

export interface MockApplyResult {
  /** The status of the `mock_apply` run: `pass` when the whole stack applied against the mock. */
  readonly runStatus: string;
  /** Diagnostics of the apply, as `severity: summary: detail`. */
  readonly applyDiagnostics: string[];
  /**
   * Resources whose destruction Terraform refused when the test tore the stack down, because they carry
   * `lifecycle.prevent_destroy` (Terraform then leaves the whole mocked state in place).
   */
  readonly teardownRefused: string[];
  /** Any other diagnostic of the teardown. */
  readonly teardownDiagnostics: string[];
}

/** The AWS provider settings that keep `plan` from calling AWS; dummy credentials come from the env. */
const OFFLINE_PROVIDER = {
  skip_credentials_validation: true,
  skip_requesting_account_id: true,
  skip_metadata_api_check: true,
};
const OVERRIDE_FILE = "zz_stateful_ecs_offline_override.tf.json";
const MOCK_TEST_FILE = path.join("tests", "stateful_ecs_mock_apply.tftest.hcl");

interface AwsProviderConfig {
  readonly alias?: string;
  readonly region?: string;
  readonly [setting: string]: unknown;
}

/** Provider settings that make the provider read real credentials or call STS, even with dummy keys. */
const CREDENTIAL_SETTINGS = [
  "profile",
  "assume_role",
  "assume_role_with_web_identity",
  "shared_credentials_files",
  "shared_config_files",
];

/** Refuses a config whose AWS provider would reach for real credentials: its plan would not be offline. */
export function assertOffline(config: TerraformJson): void {
  for (const provider of awsProviders(config)) {
    const found = CREDENTIAL_SETTINGS.filter((setting) => provider[setting] !== undefined);
    if (found.length > 0) {
      throw new Error(
        `the AWS provider${provider.alias ? ` '${provider.alias}'` : ""} sets ${found.join(", ")}: an offline plan ` +
          "would read real credentials; configure them outside the stack (environment, CLI config)",
      );
    }
  }
}

/** Every AWS provider configuration of a synthesized config (one default one if it declares none). */
function awsProviders(config: TerraformJson): AwsProviderConfig[] {
  const providers = config.provider?.aws ?? [];
  return providers.length > 0 ? providers : [{}];
}

/** The override file: a local backend in the temporary copy, and no AWS calls from the provider. */
export function offlineOverride(config: TerraformJson): object {
  return {
    terraform: { backend: { local: { path: "terraform.tfstate" } } },
    provider: {
      aws: awsProviders(config).map(({ alias }) => (alias ? { alias, ...OFFLINE_PROVIDER } : OFFLINE_PROVIDER)),
    },
  };
}

/** A well-formed ARN for a mocked resource type: the provider validates ARNs consumed by other resources. */
function mockArn(resourceType: string, region: string): string {
  return `arn:aws:${resourceType.split("_")[1]}:${region}:123456789012:${resourceType}/mock`;
}

/**
 * Ids in the format AWS gives them, for resource types whose id other resources' arguments validate
 * (a launch template id must start with `lt-`, for example); other types keep the mock's random id. Every
 * instance of a type gets the same id and ARN: the mock apply is a smoke test of the whole stack's wiring
 * and validation, not a check of which instance references which (the matchers and the plan do that).
 */
const MOCK_IDS: Record<string, string> = {
  aws_ebs_volume: "vol-0123456789abcdef0",
  aws_efs_access_point: "fsap-0123456789abcdef0",
  aws_efs_file_system: "fs-0123456789abcdef0",
  aws_instance: "i-0123456789abcdef0",
  aws_launch_template: "lt-0123456789abcdef0",
  aws_security_group: "sg-0123456789abcdef0",
  aws_subnet: "subnet-0123456789abcdef0",
  aws_vpc: "vpc-0123456789abcdef0",
};

/** The `defaults` of a mocked resource type: a well-formed ARN and id where the type has them. */
function mockDefaults(resourceType: string, region: string, arnResourceTypes: ReadonlySet<string>): string[] {
  return [
    ...(arnResourceTypes.has(resourceType) ? [`arn = ${JSON.stringify(mockArn(resourceType, region))}`] : []),
    ...(MOCK_IDS[resourceType] ? [`id = ${JSON.stringify(MOCK_IDS[resourceType])}`] : []),
  ];
}

/**
 * A `terraform test` file that applies the whole stack against a mocked AWS provider. The mock still runs
 * the provider's validation on known values, so mocked values that other resources consume must look real:
 * the partition and region data sources, the `arn` of every resource type in `arnResourceTypes` that the
 * config uses, and the ids in `MOCK_IDS` (random strings otherwise, which fail the provider's validation).
 */
export function mockApplyTestFile(config: TerraformJson, arnResourceTypes: ReadonlySet<string>): string {
  const usedTypes = Object.keys(config.resource ?? {});
  const mocks = awsProviders(config).map(({ alias, region }) => {
    const regionName = region && !region.includes("${") ? region : "us-east-1";
    const block = (kind: string, type: string, defaults: string) => [
      `  ${kind} ${JSON.stringify(type)} {`,
      `    defaults = { ${defaults} }`,
      `  }`,
    ];
    return [
      `mock_provider "aws" {`,
      ...(alias ? [`  alias = ${JSON.stringify(alias)}`] : []),
      ...block("mock_data", "aws_partition", `partition = "aws", dns_suffix = "amazonaws.com"`),
      ...block("mock_data", "aws_region", `name = ${JSON.stringify(regionName)}`),
      ...usedTypes.flatMap((type) => {
        const defaults = mockDefaults(type, regionName, arnResourceTypes);
        return defaults.length > 0 ? block("mock_resource", type, defaults.join(", ")) : [];
      }),
      `}`,
    ].join("\n");
  });
  return `${[...mocks, `run "mock_apply" {\n  command = apply\n}`].join("\n\n")}\n`;
}

/** The parts of a synthesized Terraform JSON config the harness reads. */
export interface TerraformJson {
  readonly resource?: Record<string, unknown>;
  readonly provider?: { readonly aws?: AwsProviderConfig[] };
}

/** The environment of every terraform process: dummy credentials, no prompts, nothing inherited that redirects. */
export function terraformEnv(toolchain: Toolchain, base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(base)) {
    const redirects = /^(TF_CLI_ARGS|TF_DATA_DIR|TF_WORKSPACE|TF_VAR_|AWS_)/.test(key);
    if (!redirects) env[key] = value;
  }
  return {
    ...env,
    ...(toolchain.cliConfigFile ? { TF_CLI_CONFIG_FILE: toolchain.cliConfigFile } : {}),
    TF_IN_AUTOMATION: "1",
    TF_INPUT: "0",
    CHECKPOINT_DISABLE: "1",
    AWS_ACCESS_KEY_ID: "AKIAOFFLINEPLANNING0",
    AWS_SECRET_ACCESS_KEY: "offline-planning-only",
    AWS_EC2_METADATA_DISABLED: "true",
    AWS_CONFIG_FILE: "/dev/null",
    AWS_SHARED_CREDENTIALS_FILE: "/dev/null",
  };
}

/** A terraform command that runs longer is killed: a hung process must fail the test, not hold the run. */
const COMMAND_TIMEOUT_MS = 10 * 60 * 1000;

/** At most this many terraform processes at once per test worker: they are CPU-bound. */
const MAX_PARALLEL = Math.max(1, os.availableParallelism());
let running = 0;
const waiting: Array<() => void> = [];

async function withSlot<T>(work: () => Promise<T>): Promise<T> {
  if (running >= MAX_PARALLEL) await new Promise<void>((resolve) => waiting.push(resolve));
  running++;
  try {
    return await work();
  } finally {
    running--;
    waiting.shift()?.();
  }
}

let arnResourceTypes: Promise<Set<string>> | undefined;

/** A temporary, initialised copy of one stack directory; its terraform commands run one at a time. */
export class TerraformWorkdir {
  private queue: Promise<unknown> = Promise.resolve();
  private readonly memo = new Map<string, Promise<unknown>>();

  /** Copies `stackDir`, adds the override and mock test files, and runs `terraform init`. */
  static async create(stackDir: string, toolchain: Toolchain): Promise<TerraformWorkdir> {
    const config = JSON.parse(fs.readFileSync(path.join(stackDir, "cdk.tf.json"), "utf8"));
    assertOffline(config);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), `stateful-ecs-${path.basename(stackDir)}-`));
    fs.cpSync(stackDir, dir, {
      recursive: true,
      filter: (source) => !/(^|[\\/])(\.terraform|.*\.tfstate.*|\.terraform\.lock\.hcl)$/.test(source),
    });
    fs.writeFileSync(path.join(dir, OVERRIDE_FILE), JSON.stringify(offlineOverride(config), null, 2));
    const workdir = new TerraformWorkdir(dir, toolchain);
    try {
      await workdir.terraform(["init", "-input=false", "-no-color"]);
      fs.mkdirSync(path.join(dir, "tests"));
      fs.writeFileSync(path.join(dir, MOCK_TEST_FILE), mockApplyTestFile(config, await workdir.arnResourceTypes()));
      return workdir;
    } catch (error) {
      await workdir.remove();
      throw error;
    }
  }

  private constructor(
    readonly dir: string,
    private readonly toolchain: Toolchain,
  ) {}

  /** `terraform validate -json`, parsed. */
  validate(): Promise<ValidateResult> {
    return this.once("validate", async () =>
      JSON.parse(await this.terraform(["validate", "-json", "-no-color"], [0, 1])),
    );
  }

  /** `terraform plan -refresh=false`, then the plan as `terraform show -json` prints it. */
  plan(): Promise<Plan> {
    return this.once("plan", async () => {
      await this.terraform(["plan", "-refresh=false", "-input=false", "-lock=false", "-no-color", "-out=tfplan"]);
      return JSON.parse(await this.terraform(["show", "-json", "-no-color", "tfplan"]));
    });
  }

  /** `terraform test` of a run that applies the stack with a mocked AWS provider. */
  mockApply(): Promise<MockApplyResult> {
    return this.once("mockApply", async () =>
      parseTestOutput(await this.terraform(["test", "-json", "-no-color"], [0, 1])),
    );
  }

  /** Resource types of the installed AWS provider that have a computed `arn`, read once per process. */
  private arnResourceTypes(): Promise<Set<string>> {
    arnResourceTypes ??= this.terraform(["providers", "schema", "-json"]).then((out) => {
      const schemas = JSON.parse(out).provider_schemas;
      const aws = Object.entries(schemas).find(([address]) => address.endsWith("/hashicorp/aws"))?.[1] as
        | { resource_schemas: Record<string, { block: { attributes?: Record<string, { computed?: boolean }> } }> }
        | undefined;
      const types = Object.entries(aws?.resource_schemas ?? {});
      return new Set(types.filter(([, schema]) => schema.block.attributes?.arn?.computed).map(([type]) => type));
    });
    return arnResourceTypes;
  }

  /** Removes the temporary copy once the terraform commands queued in it have finished. */
  async remove(): Promise<void> {
    await this.queue;
    fs.rmSync(this.dir, { recursive: true, force: true });
  }

  private once<T>(step: string, run: () => Promise<T>): Promise<T> {
    if (!this.memo.has(step)) this.memo.set(step, run());
    return this.memo.get(step) as Promise<T>;
  }

  /** Runs terraform in the copy after the commands queued before it; rejects on an unexpected exit code. */
  private terraform(args: string[], okExitCodes: number[] = [0]): Promise<string> {
    const run = () =>
      withSlot(
        () =>
          new Promise<string>((resolve, reject) => {
            const options = {
              cwd: this.dir,
              env: terraformEnv(this.toolchain),
              maxBuffer: 512 * 1024 * 1024,
              timeout: COMMAND_TIMEOUT_MS,
            };
            execFile(this.toolchain.terraform, args, options, (error, stdout, stderr) => {
              const code = error ? (typeof error.code === "number" ? error.code : -1) : 0;
              if (okExitCodes.includes(code)) return resolve(stdout);
              const output = `${stderr}\n${stdout}`.trim().slice(-6000);
              reject(new Error(`terraform ${args.join(" ")} exited ${code} in ${this.dir}:\n${output}`));
            });
          }),
      );
    const result = this.queue.then(run, run);
    this.queue = result.catch(() => undefined);
    return result;
  }
}

/** Reads `terraform test -json` lines: the run's status and the diagnostics of the apply and of the teardown. */
export function parseTestOutput(jsonLines: string): MockApplyResult {
  let runStatus = "not run";
  let tearingDown = false;
  const applyDiagnostics: string[] = [];
  const teardownRefused: string[] = [];
  const teardownDiagnostics: string[] = [];
  for (const line of jsonLines.split("\n").filter((text) => text.startsWith("{"))) {
    const message = JSON.parse(line);
    const progress = message.test_run?.progress ?? message.test_file?.progress;
    if (progress === "teardown") tearingDown = true;
    if (message.type === "test_run" && message.test_run.status) runStatus = message.test_run.status;
    if (message.type !== "diagnostic") continue;
    const { severity, summary, detail } = message.diagnostic;
    const text = `${severity}: ${summary}${detail ? `: ${detail}` : ""}`;
    const refused = /Resource (\S+) has lifecycle\.prevent_destroy set/.exec(detail ?? "");
    if (!tearingDown) applyDiagnostics.push(text);
    else if (refused) teardownRefused.push(refused[1]);
    else teardownDiagnostics.push(text);
  }
  return { runStatus, applyDiagnostics, teardownRefused, teardownDiagnostics };
}
