import * as fs from "node:fs";
import * as path from "node:path";
import { ValidateResult, installForSharedCommands, runTerraform } from "../../../cli/terraform/terraform";
import { AWS_PROVIDER_VERSION, Toolchain, toolchainStatus } from "../../../cli/terraform/toolchain";
import { describeWithTerraform } from "../../support/harness";
import {
  FIXTURES,
  allFixtureModules,
  fixtureModuleDir,
  fixtureRuleIds,
  fixtureVariants,
  variantsRoot,
} from "./fixtures";

/**
 * The guards' fixtures are real Terraform: one root module calls every fixture as a local module (each
 * rule's variants as they are read, their rule's shared files with their own, and the repositories), and
 * one `terraform init` and one `terraform validate` (offline, from the provider mirror, as every Terraform
 * test here) judge them all. The fixtures hold `required_providers` and no `provider` block, which is what
 * lets them be child modules.
 */

/** `SE001/ignore-tag` -> `se001_ignore_tag`, `repos/sticky-alb-redis` -> `repos_sticky_alb_redis`. */
function moduleName(relative: string): string {
  return relative.toLowerCase().replace(/[^a-z0-9]+/g, "_");
}

function rootModule(dir: string, fixtures: string[]): string {
  const calls = fixtures.map((relative) => {
    // A local source must start with ./ or ../: a relative path from the workspace, not an absolute one.
    const source = path.relative(dir, fixtureModuleDir(relative)).split(path.sep).join("/");
    return `module "${moduleName(relative)}" {\n  source = ${JSON.stringify(source)}\n}\n`;
  });
  const versions = [
    "terraform {",
    "  required_providers {",
    `    aws = { source = "hashicorp/aws", version = "${AWS_PROVIDER_VERSION}" }`,
    "  }",
    "}",
    "",
  ];
  return [...versions, ...calls].join("\n");
}

interface Judgement {
  readonly validation: ValidateResult;
  /** The files `terraform fmt -check` would rewrite. */
  readonly unformatted: string[];
}

async function judge(toolchain: Toolchain, fixtures: string[]): Promise<Judgement> {
  const listed = await runTerraform(toolchain, FIXTURES, ["fmt", "-check", "-recursive", "-no-color"], [0, 3]);
  return { validation: await validateAll(toolchain, fixtures), unformatted: listed.split("\n").filter(Boolean) };
}

async function validateAll(toolchain: Toolchain, fixtures: string[]): Promise<ValidateResult> {
  // Beside the materialized variants, which it calls as ../SE001/bad...
  const dir = fs.mkdtempSync(path.join(variantsRoot(), "root-"));
  try {
    fs.writeFileSync(path.join(dir, "main.tf"), rootModule(dir, fixtures));
    await installForSharedCommands(toolchain, dir);
    return JSON.parse(await runTerraform(toolchain, dir, ["validate", "-json", "-no-color"], [0, 1])) as ValidateResult;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** The `.tf` files under `dir` (relative to it), with their text. */
function terraformFiles(dir: string): [string, string][] {
  return fs
    .readdirSync(dir, { recursive: true, encoding: "utf8" })
    .filter((file) => file.endsWith(".tf"))
    .sort()
    .map((file) => [file, fs.readFileSync(path.join(dir, file), "utf8")]);
}

/** The top-level blocks a `.tf` text names: `resource "aws_efs_file_system" "data"`, `variable "name"`... */
function namedBlocks(text: string): string[] {
  return [...text.matchAll(/^(resource|data|variable|output|module)((?:\s+"[^"]*")+)\s*\{/gm)].map((match) =>
    `${match[1]}${match[2]}`.replace(/\s+/g, " "),
  );
}

describe("the guards' fixtures", () => {
  it("have no provider block (they are validated as child modules)", () => {
    const withProvider = terraformFiles(FIXTURES)
      .filter(([, text]) => /^provider\s+"/m.test(text))
      .map(([file]) => file);
    expect(withProvider).toEqual([]);
  });

  it("hold in a variant only what its rule's shared files do not define", () => {
    const redefined = fixtureRuleIds().flatMap((id) => {
      const shared = new Set(
        terraformFiles(path.join(FIXTURES, id, "shared")).flatMap(([, text]) => namedBlocks(text)),
      );
      return fixtureVariants(id).flatMap((variant) =>
        terraformFiles(path.join(FIXTURES, id, variant)).flatMap(([file, text]) =>
          namedBlocks(text)
            .filter((block) => shared.has(block))
            .map((block) => `${id}/${variant}/${file}: ${block}`),
        ),
      );
    });
    expect(redefined).toEqual([]);
  });
});

describeWithTerraform("the guards' fixtures, judged by Terraform", () => {
  let judgement: Promise<Judgement>;
  const fixtures = allFixtureModules();

  beforeAll(() => {
    const status = toolchainStatus();
    if (!status.ok) throw new Error(status.reason);
    judgement = judge(status.toolchain, fixtures);
    judgement.catch(() => undefined);
  });

  it("cover every rule's bad and good, the ignore variants and the repositories", () => {
    expect(fixtures.filter((relative) => /^SE\d{3}\/(bad|good)$/.test(relative))).toHaveLength(36);
    expect(fixtures).toEqual(expect.arrayContaining(["SE001/ignore-comment", "SE001/ignore-tag"]));
    expect(fixtures.filter((relative) => relative.startsWith("repos/")).length).toBeGreaterThanOrEqual(4);
  });

  it("are valid Terraform for the AWS provider, with no errors or warnings", async () => {
    const { diagnostics, valid } = (await judgement).validation;
    const described = diagnostics.map(
      (diagnostic) =>
        `${(diagnostic.range?.filename ?? "?").replace(/^(?:.*?fixtures\/|(?:\.\.\/)+)/, "")}: ${diagnostic.severity}: ${diagnostic.summary}: ${diagnostic.detail ?? ""}`,
    );
    expect(described).toEqual([]);
    expect(valid).toBe(true);
  });

  it("are written as terraform fmt writes them", async () => {
    expect((await judgement).unformatted).toEqual([]);
  });
});
