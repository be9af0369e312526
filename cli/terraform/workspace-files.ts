/**
 * The files of a Terraform workspace that checks several synthesized stacks at once: a root module that
 * calls each stack as a child module, so one `terraform validate`, `plan` and `test` covers them all (each
 * terraform process spends about 3 s loading the AWS provider's schema; once per check instead of once per
 * stack and check is what keeps the suite within its time budget). Pure functions: no I/O.
 *
 * Provider configurations move to the root, where stacks share them: configurations that are equal once
 * `alias` and `default_tags` are left out become one root configuration (the AWS ones with the settings
 * that keep the provider from calling AWS), passed to each child through `providers`. Every root
 * configuration starts a provider process of its own (about 700 MB and 3 s of CPU each) at plan and test
 * time, so one per stack would cost more than the rest of the check; stacks of one app differ only in the
 * default tags that name the stack, and the shared configuration keeps the default tags they all agree on.
 * The stack's own backend is dropped: the root has a local one.
 */

/** The parts of a synthesized Terraform JSON config the workspace reads and rewrites. */
export interface TerraformJson {
  readonly terraform?: {
    readonly required_providers?: Record<string, RequiredProvider>;
    readonly backend?: unknown;
    readonly [setting: string]: unknown;
  };
  readonly provider?: Record<string, ProviderConfig[]>;
  readonly resource?: Record<string, unknown>;
  readonly variable?: Record<string, { readonly default?: unknown }>;
  readonly [block: string]: unknown;
}

interface RequiredProvider {
  readonly source?: string;
  readonly version?: string;
  readonly configuration_aliases?: string[];
}

export interface ProviderConfig {
  readonly alias?: string;
  readonly region?: string;
  readonly [setting: string]: unknown;
}

export interface WorkspaceStack {
  /** The stack's name: its child module's name and the folder it is copied to. */
  readonly name: string;
  readonly config: TerraformJson;
}

/** The AWS provider settings that keep `plan` from calling AWS; dummy credentials come from the env. */
export const OFFLINE_PROVIDER = {
  skip_credentials_validation: true,
  skip_requesting_account_id: true,
  skip_metadata_api_check: true,
};

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
  for (const provider of config.provider?.aws ?? []) {
    const found = CREDENTIAL_SETTINGS.filter((setting) => provider[setting] !== undefined);
    if (found.length > 0) {
      throw new Error(
        `the AWS provider${provider.alias ? ` '${provider.alias}'` : ""} sets ${found.join(", ")}: an offline plan ` +
          "would read real credentials; configure them outside the stack (environment, CLI config)",
      );
    }
  }
}

/** One provider configuration of the root, shared by the stack configurations equal to it. */
interface RootProvider {
  readonly type: string;
  /** Its alias in the root: `<type>_<n>`, numbered per type in the order first met. */
  readonly alias: string;
  readonly config: ProviderConfig;
  /** The stack configurations it stands for: stack name and the alias in that stack (undefined: default). */
  readonly users: Array<{ readonly stack: string; readonly alias?: string }>;
}

/** A configuration without what stacks may differ in and still share it, as a key. */
function sharingKey(config: ProviderConfig): string {
  const { alias: _alias, default_tags: _tags, ...rest } = config;
  return stableJson(rest);
}

function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(",")}]`;
  if (value === null || typeof value !== "object") return JSON.stringify(value);
  const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1));
  return `{${entries.map(([key, inner]) => `${JSON.stringify(key)}:${stableJson(inner)}`).join(",")}}`;
}

/** The default tags (key and value) that every one of `configs` sets, as a `default_tags` block. */
function commonDefaultTags(configs: ProviderConfig[]): Record<string, unknown> {
  const tagsOf = (config: ProviderConfig) =>
    ((config.default_tags as Array<{ tags?: Record<string, string> }> | undefined)?.[0]?.tags ?? {}) as Record<
      string,
      string
    >;
  const [first, ...others] = configs.map(tagsOf);
  const common = Object.fromEntries(
    Object.entries(first).filter(([key, value]) => others.every((tags) => tags[key] === value)),
  );
  return Object.keys(common).length > 0 ? { default_tags: [{ tags: common }] } : {};
}

/** The root's provider configurations, each shared by every stack configuration equal to it. */
function rootProviders(stacks: WorkspaceStack[]): RootProvider[] {
  const byKey = new Map<string, { type: string; configs: ProviderConfig[]; users: RootProvider["users"] }>();
  for (const stack of stacks) {
    for (const [type, configs] of Object.entries(stack.config.provider ?? {})) {
      for (const config of configs) {
        const key = `${type}\n${sharingKey(config)}`;
        const entry = byKey.get(key) ?? { type, configs: [], users: [] };
        byKey.set(key, entry);
        entry.configs.push(config);
        entry.users.push({ stack: stack.name, ...(config.alias ? { alias: config.alias } : {}) });
      }
    }
  }
  const perType = new Map<string, number>();
  return [...byKey.values()].map(({ type, configs, users }) => {
    const index = perType.get(type) ?? 0;
    perType.set(type, index + 1);
    const { alias: _alias, default_tags: _tags, ...shared } = configs[0];
    const offline = type === "aws" ? OFFLINE_PROVIDER : {};
    return {
      type,
      alias: `${type}_${index}`,
      config: { ...shared, ...commonDefaultTags(configs), ...offline },
      users,
    };
  });
}

/** The root module: the shared providers, and one module call per stack passing it its providers. */
export function rootModule(stacks: WorkspaceStack[]): object {
  checkNames(stacks);
  const requiredProviders: Record<string, RequiredProvider> = {};
  for (const stack of stacks) {
    for (const [type, required] of Object.entries(stack.config.terraform?.required_providers ?? {})) {
      const known = requiredProviders[type];
      if (known && known.version !== required.version) {
        throw new Error(
          `stacks pin different versions of provider '${type}' (${known.version}, ${required.version}); ` +
            "the harness checks stacks together, so they must agree",
        );
      }
      requiredProviders[type] = { source: required.source, version: required.version };
    }
  }
  const roots = rootProviders(stacks);
  const provider: Record<string, object[]> = {};
  for (const { type, alias, config } of roots) (provider[type] ??= []).push({ ...config, alias });
  const module = Object.fromEntries(
    stacks.map((stack) => {
      const providers = Object.fromEntries(
        roots.flatMap(({ type, alias, users }) =>
          users
            .filter((user) => user.stack === stack.name)
            .map((user) => [user.alias ? `${type}.${user.alias}` : type, `${type}.${alias}`]),
        ),
      );
      return [stack.name, { source: `./${stack.name}`, providers }];
    }),
  );
  return {
    terraform: { required_providers: requiredProviders, backend: { local: { path: "terraform.tfstate" } } },
    ...(Object.keys(provider).length > 0 ? { provider } : {}),
    module,
  };
}

/**
 * What a workspace judges of a stack: all of it but where its state lives (`backend`, `cloud`: the root has a
 * local backend, and Terraform ignores a child module's) and cdktf's metadata, which names the backend. Two
 * stacks that differ only there get the same validate, plan and test results.
 */
export function judgedContent(config: TerraformJson): TerraformJson {
  const { "//": _metadata, terraform, ...rest } = config;
  if (!terraform) return rest;
  const { backend: _backend, cloud: _cloud, ...settings } = terraform;
  return { ...rest, terraform: settings };
}

/** The stack as a child module: no provider configurations (the root passes them) and no backend. */
export function childModule(config: TerraformJson): object {
  const required = { ...(config.terraform?.required_providers ?? {}) };
  for (const [type, configs] of Object.entries(config.provider ?? {})) {
    const aliases = configs.filter((provider) => provider.alias).map((provider) => `${type}.${provider.alias}`);
    if (aliases.length > 0) required[type] = { ...required[type], configuration_aliases: aliases };
  }
  const { provider: _provider, terraform = {}, ...rest } = judgedContent(config);
  const settings = terraform as Record<string, unknown>;
  for (const [name, variable] of Object.entries(config.variable ?? {})) {
    if (variable.default === undefined) {
      throw new Error(`variable '${name}' has no default: the harness plans stacks without inputs`);
    }
  }
  return { ...rest, terraform: { ...settings, required_providers: required } };
}

function checkNames(stacks: WorkspaceStack[]): void {
  const seen = new Set<string>();
  for (const { name } of stacks) {
    if (!/^[A-Za-z][A-Za-z0-9_-]*$/.test(name)) {
      throw new Error(`stack name '${name}' is not a Terraform identifier (a letter, then letters, digits, _ or -)`);
    }
    if (seen.has(name)) throw new Error(`two stacks are named '${name}'`);
    seen.add(name);
  }
}

/** A well-formed ARN for a mocked resource type: the provider validates ARNs consumed by other resources. */
export function mockArn(resourceType: string, region: string): string {
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

/**
 * The `defaults` of a mocked resource type: a well-formed ARN, and an id where `MOCK_IDS` has one. Every
 * type gets the ARN: a mock applies a default only to a computed attribute the type has, and ignores it on
 * a type without a computed `arn` (which saves reading the provider's whole schema to tell them apart).
 */
function mockDefaults(resourceType: string, region: string): string[] {
  return [
    `arn = ${JSON.stringify(mockArn(resourceType, region))}`,
    ...(MOCK_IDS[resourceType] ? [`id = ${JSON.stringify(MOCK_IDS[resourceType])}`] : []),
  ];
}

/** The mocked defaults of each of `types` (see `mockDefaults`), for `awsMockProvider`'s `resources`. */
export function mockedResources(types: readonly string[], region: string): Record<string, string[]> {
  return Object.fromEntries(types.map((type) => [type, mockDefaults(type, region)]));
}

/**
 * A `mock_provider "aws"` block whose data sources the modules read look real (the partition and region
 * feed ARNs the provider validates), with `resources` giving each resource type's mocked defaults
 * (`name = value` pairs; types without any are left out).
 */
export function awsMockProvider(options: {
  readonly alias?: string;
  readonly region: string;
  readonly resources?: Record<string, string[]>;
}): string {
  const block = (kind: string, type: string, defaults: string) => [
    `  ${kind} ${JSON.stringify(type)} {`,
    `    defaults = { ${defaults} }`,
    `  }`,
  ];
  return [
    `mock_provider "aws" {`,
    ...(options.alias === undefined ? [] : [`  alias = ${JSON.stringify(options.alias)}`]),
    ...block("mock_data", "aws_partition", `partition = "aws", dns_suffix = "amazonaws.com"`),
    ...block("mock_data", "aws_region", `name = ${JSON.stringify(options.region)}`),
    ...Object.entries(options.resources ?? {}).flatMap(([type, defaults]) =>
      defaults.length > 0 ? block("mock_resource", type, defaults.join(", ")) : [],
    ),
    `}`,
  ].join("\n");
}

/**
 * A `terraform test` file that applies every stack against a mocked AWS provider, one `mock_provider` per
 * root alias. The mock still runs the provider's validation on known values, so mocked values that other
 * resources consume must look real: the partition and region data sources, the `arn` of every resource
 * type a stack uses, and the ids in `MOCK_IDS`.
 */
export function mockApplyTestFile(stacks: WorkspaceStack[]): string {
  const usedTypes = [...new Set(stacks.flatMap((stack) => Object.keys(stack.config.resource ?? {})))].sort();
  const mocks = rootProviders(stacks)
    .filter(({ type }) => type === "aws")
    .map(({ alias, config }) => {
      const region = typeof config.region === "string" && !config.region.includes("${") ? config.region : "us-east-1";
      return awsMockProvider({ alias, region, resources: mockedResources(usedTypes, region) });
    });
  return mockApplyFile(mocks);
}

/** A `terraform test` file: the mock providers, then one run that applies, checking `assertions` (HCL). */
export function mockApplyFile(mockProviders: string[], assertions = ""): string {
  return `${[...mockProviders, `run "mock_apply" {\n  command = apply\n${assertions}}`].join("\n\n")}\n`;
}

/**
 * A stack planned alone and offline, as `stateful-ecs plan --offline` does: no backend nor Terraform Cloud
 * (so a local, empty state), and every AWS provider configuration with the settings that keep it from
 * calling AWS.
 */
export function offlineStack(config: TerraformJson): TerraformJson {
  assertOffline(config);
  const local = judgedContent(config);
  const provider = local.provider && {
    ...local.provider,
    ...(local.provider.aws ? { aws: local.provider.aws.map((aws) => ({ ...aws, ...OFFLINE_PROVIDER })) } : {}),
  };
  return { ...local, ...(provider ? { provider } : {}) };
}
