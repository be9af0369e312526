import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import {
  AWS_PROVIDER_VERSION,
  atLeast,
  discoverMirror,
  findMirror,
  impliedMirrorDirs,
  mirrorCliConfig,
  terraformPlatform,
  toolchainStatus,
} from "../../../cli/terraform/toolchain";
import { isCi } from "../../support/harness";

/** Makes `<root>/<relative>/registry.terraform.io/hashicorp/aws/<version>/<platform>` and returns the mirror. */
function fakeMirror(root: string, relative: string, version = AWS_PROVIDER_VERSION): string {
  const mirror = path.join(root, relative);
  const platformDir = path.join(mirror, "registry.terraform.io/hashicorp/aws", version, terraformPlatform());
  fs.mkdirSync(platformDir, { recursive: true });
  fs.writeFileSync(path.join(platformDir, `terraform-provider-aws_v${version}_x5`), "");
  return mirror;
}

describe("provider mirror discovery", () => {
  let root: string;
  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), "mirror-test-"));
  });
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  it("reads the AWS provider version from @cdktf/provider-aws", () => {
    expect(AWS_PROVIDER_VERSION).toBe("5.100.0");
  });

  it("finds a mirror holding the provider version, passing over one with another version", () => {
    fakeMirror(root, "a/old", "5.1.0");
    const mirror = fakeMirror(root, "b/plugins");
    expect(discoverMirror([root])).toBe(mirror);
  });

  it("recognises the packed layout that terraform providers mirror writes", () => {
    const mirror = path.join(root, "packed");
    const providerDir = path.join(mirror, "registry.terraform.io/hashicorp/aws");
    fs.mkdirSync(providerDir, { recursive: true });
    fs.writeFileSync(
      path.join(providerDir, `terraform-provider-aws_${AWS_PROVIDER_VERSION}_${terraformPlatform()}.zip`),
      "",
    );
    expect(discoverMirror([root])).toBe(mirror);
  });

  it("searches no deeper than maxDepth", () => {
    fakeMirror(root, "one/two/three");
    expect(discoverMirror([root], 3)).toBeUndefined();
    expect(discoverMirror([root], 4)).toBe(path.join(root, "one/two/three"));
  });

  it("takes TF_PLUGIN_MIRROR_DIR when it holds the provider, relative paths resolved", () => {
    const mirror = fakeMirror(root, "configured");
    expect(findMirror({ TF_PLUGIN_MIRROR_DIR: mirror })).toEqual({ dir: mirror });
    expect(findMirror({ TF_PLUGIN_MIRROR_DIR: path.relative(process.cwd(), mirror) })).toEqual({ dir: mirror });
  });

  it("passes over a version directory without the provider binary", () => {
    const empty = path.join(root, "empty-version");
    fs.mkdirSync(path.join(empty, "registry.terraform.io/hashicorp/aws", AWS_PROVIDER_VERSION, terraformPlatform()), {
      recursive: true,
    });
    expect(discoverMirror([root])).toBeUndefined();
  });

  it("looks in Terraform's implied mirror directories first", () => {
    expect(impliedMirrorDirs("/home/dev")).toEqual([
      "/home/dev/.terraform.d/plugins",
      "/home/dev/.local/share/terraform/plugins",
      "/usr/local/share/terraform/plugins",
      "/usr/share/terraform/plugins",
    ]);
  });

  it("requires Terraform 1.7 or later, for mock providers", () => {
    expect(["1.6.6", "1.7.0", "1.11.4", "2.0.0"].map((version) => atLeast(version, [1, 7]))).toEqual([
      false,
      true,
      true,
      true,
    ]);
  });

  it("reports a TF_PLUGIN_MIRROR_DIR that lacks the provider instead of searching elsewhere", () => {
    const empty = path.join(root, "empty");
    expect(findMirror({ TF_PLUGIN_MIRROR_DIR: empty })).toEqual({
      problem: `TF_PLUGIN_MIRROR_DIR=${empty} does not hold registry.terraform.io/hashicorp/aws ${AWS_PROVIDER_VERSION} for ${terraformPlatform()}`,
    });
  });

  it("writes a CLI config that installs only the AWS provider from the mirror", () => {
    expect(mirrorCliConfig("/srv/mirror")).toBe(
      [
        "provider_installation {",
        "  filesystem_mirror {",
        '    path    = "/srv/mirror"',
        '    include = ["registry.terraform.io/hashicorp/aws"]',
        "  }",
        "  direct {",
        '    exclude = ["registry.terraform.io/hashicorp/aws"]',
        "  }",
        "}",
        "",
      ].join("\n"),
    );
  });
});

describe("toolchain on this machine", () => {
  it("is found (required when CI is set), or the reason it is not is given", () => {
    const status = toolchainStatus();
    if (isCi()) expect(status).toMatchObject({ ok: true });
    if (status.ok) {
      expect(status.toolchain.terraformVersion).toMatch(/^\d+\.\d+\.\d+/);
      if (status.toolchain.cliConfigFile) {
        expect(process.env.TF_CLI_CONFIG_FILE).toBe(status.toolchain.cliConfigFile);
        expect(fs.readFileSync(status.toolchain.cliConfigFile, "utf8")).toBe(
          mirrorCliConfig(status.toolchain.mirrorDir as string),
        );
      }
    } else {
      expect(status.reason).toMatch(/terraform|Terraform|mirror|TF_PLUGIN_MIRROR_DIR/);
    }
  });
});
