import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

/**
 * Finds what the Terraform-level tests need: the `terraform` binary and the AWS provider that
 * `@cdktf/provider-aws` was generated for, installed from a local filesystem mirror so tests run offline.
 * Nothing here hard-codes a path of any machine: the mirror comes from `TF_PLUGIN_MIRROR_DIR` or is
 * discovered; with neither, `STATEFUL_ECS_TF_REGISTRY=1` lets `terraform init` use the public registry.
 */

/** The AWS provider version `@cdktf/provider-aws` was generated for (and pins in `required_providers`). */
export const AWS_PROVIDER_VERSION: string = JSON.parse(
  fs.readFileSync(require.resolve("@cdktf/provider-aws/package.json"), "utf8"),
).cdktf.provider.version;

const AWS_PROVIDER_ADDRESS = "registry.terraform.io/hashicorp/aws";
/** `terraform test` with `mock_provider` arrived in Terraform 1.7. */
const MIN_TERRAFORM = [1, 7];

/** Whether a `major.minor.patch` version is at least `[major, minor]`. */
export function atLeast(version: string, [major, minor]: number[]): boolean {
  const [actualMajor, actualMinor] = version.split(".").map(Number);
  return actualMajor > major || (actualMajor === major && actualMinor >= minor);
}

export interface Toolchain {
  /** The terraform command (`TERRAFORM_BINARY_NAME`, as cdktf's matchers use, else `terraform`). */
  readonly terraform: string;
  readonly terraformVersion: string;
  /** The filesystem mirror the AWS provider installs from; undefined when the registry is used. */
  readonly mirrorDir?: string;
  /** A Terraform CLI config that installs the AWS provider from `mirrorDir`; undefined with the registry. */
  readonly cliConfigFile?: string;
  /**
   * The `TF_REATTACH_PROVIDERS` value of a running AWS provider that commands which never configure it may
   * share (see `provider-server.ts`), handed down by the process that started it (`shareToolchain`);
   * undefined: each starts its own.
   */
  readonly sharedProvider?: string;
}

export type ToolchainStatus = { ok: true; toolchain: Toolchain } | { ok: false; reason: string };

/** `linux_amd64` and the like: the platform folder of a provider in an unpacked mirror. */
export function terraformPlatform(): string {
  const arch: Record<string, string> = { x64: "amd64", arm64: "arm64", ia32: "386", arm: "arm" };
  return `${process.platform}_${arch[process.arch] ?? process.arch}`;
}

/**
 * True when `mirrorDir` holds the AWS provider at `version` for this platform, in either layout Terraform
 * reads: unpacked (`<version>/<platform>/terraform-provider-aws_*`) or packed (the zip that
 * `terraform providers mirror` writes).
 */
export function mirrorHoldsProvider(mirrorDir: string, version = AWS_PROVIDER_VERSION): boolean {
  const packed = path.join(
    mirrorDir,
    AWS_PROVIDER_ADDRESS,
    `terraform-provider-aws_${version}_${terraformPlatform()}.zip`,
  );
  return unpackedProviderBinary(mirrorDir, version) !== undefined || fs.existsSync(packed);
}

/** The provider's executable in the unpacked layout of `mirrorDir`, if it is there. */
export function unpackedProviderBinary(mirrorDir: string, version = AWS_PROVIDER_VERSION): string | undefined {
  const unpacked = path.join(mirrorDir, AWS_PROVIDER_ADDRESS, version, terraformPlatform());
  const binary = fs.existsSync(unpacked)
    ? fs.readdirSync(unpacked).find((file) => file.startsWith("terraform-provider-aws"))
    : undefined;
  return binary && path.join(unpacked, binary);
}

/** The directories Terraform itself searches as implied local mirrors, searched first. */
export function impliedMirrorDirs(home = os.homedir()): string[] {
  return [
    path.join(home, ".terraform.d", "plugins"),
    path.join(home, ".local", "share", "terraform", "plugins"),
    "/usr/local/share/terraform/plugins",
    "/usr/share/terraform/plugins",
  ];
}

/**
 * Looks for a directory named `registry.terraform.io` at most `maxDepth` levels below each root (breadth
 * first, skipping virtual file systems and dependency trees) and returns the mirror that holds the provider.
 */
export function discoverMirror(roots: string[] = ["/"], maxDepth = 4): string | undefined {
  const skip = new Set(["proc", "sys", "dev", "run", "node_modules", ".git", "cdktf.out", ".terraform"]);
  let level = roots;
  for (let depth = 1; depth <= maxDepth && level.length > 0; depth++) {
    const next: string[] = [];
    for (const dir of level) {
      for (const entry of readDirs(dir)) {
        const child = path.join(dir, entry);
        if (entry === "registry.terraform.io" && mirrorHoldsProvider(dir)) return dir;
        if (!skip.has(entry)) next.push(child);
      }
    }
    level = next;
  }
  return undefined;
}

function readDirs(dir: string): string[] {
  try {
    return fs
      .readdirSync(dir, { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => entry.name);
  } catch {
    return []; // unreadable directories are simply not searched
  }
}

/**
 * The mirror to use: `TF_PLUGIN_MIRROR_DIR` if set (and then it must hold the provider), else one of
 * Terraform's implied mirror directories, else one found by searching below `/`.
 */
export function findMirror(env: NodeJS.ProcessEnv = process.env): { dir?: string; problem?: string } {
  const configured = env.TF_PLUGIN_MIRROR_DIR && path.resolve(env.TF_PLUGIN_MIRROR_DIR);
  if (configured) {
    return mirrorHoldsProvider(configured)
      ? { dir: configured }
      : {
          problem:
            `TF_PLUGIN_MIRROR_DIR=${configured} does not hold ` +
            `${AWS_PROVIDER_ADDRESS} ${AWS_PROVIDER_VERSION} for ${terraformPlatform()}`,
        };
  }
  const discovered = impliedMirrorDirs().find((dir) => mirrorHoldsProvider(dir)) ?? discoverMirror();
  return discovered
    ? { dir: discovered }
    : {
        problem:
          `no filesystem mirror holding ${AWS_PROVIDER_ADDRESS} ${AWS_PROVIDER_VERSION} was found; ` +
          `set TF_PLUGIN_MIRROR_DIR to one, or STATEFUL_ECS_TF_REGISTRY=1 to download the provider`,
      };
}

/**
 * A CLI config that installs the AWS provider from the mirror and every other provider as usual, so a
 * stack that adds another provider still works for users who are online.
 */
export function mirrorCliConfig(mirrorDir: string): string {
  return [
    "provider_installation {",
    "  filesystem_mirror {",
    `    path    = ${JSON.stringify(mirrorDir)}`,
    `    include = [${JSON.stringify(AWS_PROVIDER_ADDRESS)}]`,
    "  }",
    "  direct {",
    `    exclude = [${JSON.stringify(AWS_PROVIDER_ADDRESS)}]`,
    "  }",
    "}",
    "",
  ].join("\n");
}

function terraformVersion(terraform: string): string | undefined {
  try {
    const out = execFileSync(terraform, ["version", "-json"], {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "ignore"],
      env: { ...process.env, CHECKPOINT_DISABLE: "1" },
    });
    return JSON.parse(out).terraform_version;
  } catch {
    return undefined;
  }
}

function writeCliConfig(mirrorDir: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "stateful-ecs-terraformrc-"));
  const file = path.join(dir, "terraformrc");
  fs.writeFileSync(file, mirrorCliConfig(mirrorDir));
  return file;
}

let cached: ToolchainStatus | undefined;

/**
 * The environment variable through which a process hands the toolchain it found to its children
 * (`shareToolchain`), so each does not run `terraform version` and search for the mirror again.
 */
export const INHERITED_TOOLCHAIN = "STATEFUL_ECS_TOOLCHAIN_JSON";

/** Lets this process's children reuse `status`, the toolchain this process found (with a provider process to share). */
export function shareToolchain(status: ToolchainStatus): void {
  process.env[INHERITED_TOOLCHAIN] = JSON.stringify(status);
}

/**
 * The toolchain, found once per test file (Jest loads modules afresh for each). When a mirror is used,
 * `TF_CLI_CONFIG_FILE` is set in this process's environment as well, so a terraform started without
 * `terraformEnv` (cdktf's own matchers, a child process of a test) installs from it too.
 */
export function toolchainStatus(): ToolchainStatus {
  if (cached) return cached;
  // Found by a parent process already (the test run's global setup): the same machine, the same answer.
  const inherited = process.env[INHERITED_TOOLCHAIN];
  if (inherited) {
    cached = JSON.parse(inherited) as ToolchainStatus;
    if (cached.ok && cached.toolchain.cliConfigFile) process.env.TF_CLI_CONFIG_FILE = cached.toolchain.cliConfigFile;
    return cached;
  }
  const terraform = process.env.TERRAFORM_BINARY_NAME || "terraform";
  const version = terraformVersion(terraform);
  if (!version) {
    cached = { ok: false, reason: `the '${terraform}' command was not found or did not run` };
    return cached;
  }
  if (!atLeast(version, MIN_TERRAFORM)) {
    cached = {
      ok: false,
      reason: `Terraform ${version} is too old; mock providers in terraform test need ${MIN_TERRAFORM.join(".")} or later`,
    };
    return cached;
  }
  if (process.env.STATEFUL_ECS_TF_REGISTRY === "1") {
    cached = { ok: true, toolchain: { terraform, terraformVersion: version } };
    return cached;
  }
  const mirror = findMirror();
  if (!mirror.dir) {
    cached = { ok: false, reason: mirror.problem ?? "no provider mirror" };
    return cached;
  }
  const cliConfigFile = writeCliConfig(mirror.dir);
  process.env.TF_CLI_CONFIG_FILE = cliConfigFile;
  process.env.CHECKPOINT_DISABLE = "1";
  cached = { ok: true, toolchain: { terraform, terraformVersion: version, mirrorDir: mirror.dir, cliConfigFile } };
  return cached;
}
