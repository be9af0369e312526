import { App, TerraformStack } from "cdktf";
import { CLOUD_BACKEND_ENV, cloudBackendFromEnv, useCloudBackend } from "../../stacks/cloud-backend";
import { SynthesizedStack, exampleStacks, synthesizeExampleApp } from "../support/example-app";
import { describeWithTerraform, initAsWritten, validate } from "../support/harness";

/**
 * Every example stack keeps its state in Terraform Cloud when `TFC_ORGANIZATION` is set (one workspace
 * per stack, `<TFC_WORKSPACE_PREFIX><stack>`, in `TFC_PROJECT`), else in the local backend. Both ways
 * synthesize, and Terraform validates each stack as a root module with its cloud block
 * (`init -backend=false`: nothing contacts Terraform Cloud).
 */
const CLOUD_ENV = {
  TFC_ORGANIZATION: "acme-platform",
  TFC_WORKSPACE_PREFIX: "stateful-ecs-",
  TFC_PROJECT: "Stateful ECS",
};
const local: SynthesizedStack[] = exampleStacks();
const cloud: SynthesizedStack[] = synthesizeExampleApp(CLOUD_ENV);

it("uses the local backend when TFC_ORGANIZATION is not set", () => {
  for (const stack of local) {
    expect({ stack: stack.name, terraform: stack.config.terraform }).toEqual({
      stack: stack.name,
      terraform: expect.objectContaining({
        backend: { local: { path: expect.stringMatching(`terraform.${stack.name}.tfstate$`) } },
      }),
    });
    expect(stack.config.terraform).not.toHaveProperty("cloud");
  }
});

it("uses Terraform Cloud when TFC_ORGANIZATION is set: one workspace per stack, named with the prefix, in the project", () => {
  expect(cloud.map((stack) => stack.name)).toEqual(local.map((stack) => stack.name));
  for (const [index, stack] of cloud.entries()) {
    // Nothing but the backend (and cdktf's metadata naming it) differs from the local variant.
    const { cloud: _cloud, ...settings } = stack.config.terraform as Record<string, unknown>;
    const { backend: _backend, ...localSettings } = local[index].config.terraform as Record<string, unknown>;
    const { "//": _metadata, ...rest } = stack.config as Record<string, unknown>;
    const { "//": _localMetadata, ...localRest } = local[index].config as Record<string, unknown>;
    expect({ ...rest, terraform: settings }).toEqual({ ...localRest, terraform: localSettings });
    expect(stack.config.terraform).toMatchObject({
      cloud: {
        organization: "acme-platform",
        workspaces: { name: `stateful-ecs-${stack.name}`, project: "Stateful ECS" },
      },
    });
    expect(stack.config.terraform).not.toHaveProperty("backend");
  }
});

it("reads the organization, prefix, project and host from the environment; an empty organization means local", () => {
  expect(cloudBackendFromEnv({})).toBeUndefined();
  expect(cloudBackendFromEnv({ TFC_ORGANIZATION: "", TFC_PROJECT: "p" })).toBeUndefined();
  expect(cloudBackendFromEnv({ ...CLOUD_ENV, TFC_HOSTNAME: "tfe.example.com" })).toEqual({
    organization: "acme-platform",
    workspacePrefix: "stateful-ecs-",
    project: "Stateful ECS",
    hostname: "tfe.example.com",
  });
  expect(Object.values(CLOUD_BACKEND_ENV).sort()).toEqual([
    "TFC_HOSTNAME",
    "TFC_ORGANIZATION",
    "TFC_PROJECT",
    "TFC_WORKSPACE_PREFIX",
  ]);
});

describe("refuses settings Terraform Cloud would reject, naming the setting and its variable", () => {
  const backendOf = (props: Parameters<typeof useCloudBackend>[1]) => () =>
    useCloudBackend(new TerraformStack(new App({ outdir: "/tmp/unused" }), "efs-fargate"), props);

  it.each([
    [
      { organization: "acme corp" },
      "stack 'efs-fargate': cloud.organization (TFC_ORGANIZATION) 'acme corp' may hold only letters, digits, - and _",
    ],
    [
      { organization: "acme", workspacePrefix: "team/" },
      "stack 'efs-fargate': cloud.workspacePrefix (TFC_WORKSPACE_PREFIX) 'team/' makes the workspace name 'team/efs-fargate', which must be 1 to 90 letters, digits, - and _",
    ],
    [{ organization: "acme", workspacePrefix: "p".repeat(80) }, "which must be 1 to 90 letters, digits, - and _"],
    [
      { organization: "acme", project: " padded" },
      "cloud.project (TFC_PROJECT) ' padded' must be 1 to 40 characters on one line",
    ],
    [{ organization: "acme", project: "p".repeat(41) }, "must be 1 to 40 characters on one line"],
    [
      { organization: "acme", hostname: "https://app.terraform.io" },
      "cloud.hostname (TFC_HOSTNAME) 'https://app.terraform.io' is not a host name such as app.terraform.io",
    ],
  ])("%j", (props, message) => {
    expect(backendOf(props)).toThrow(message);
  });

  it("accepts the longest workspace name and a Terraform Enterprise host", () => {
    expect(
      backendOf({ organization: "acme_1", workspacePrefix: "p".repeat(79), hostname: "tfe.example.com:8443" }),
    ).not.toThrow();
  });
});

/**
 * Terraform reads a `cloud` block's content only when it initialises the backend, which
 * `init -backend=false` skips (a block with a misspelt argument still validates): the tests above assert
 * the content. Here each stack initialises as a root module with its cloud block, and `validate` judges the
 * stacks in the harness's workspace, which leaves where the state lives out of what it judges
 * (`judgedContent`): the cloud variant shares the local variant's result, computed once.
 */
describeWithTerraform("Terraform with every stack's Terraform Cloud backend", () => {
  it("initialises each stack as a root module with its cloud block (init -backend=false)", async () => {
    const outputs = await Promise.all(cloud.map((stack) => initAsWritten(stack.dir, { backend: false })));
    for (const output of outputs) expect(output).toMatch(/Terraform has been successfully initialized!/);
  });

  it("validates every stack without errors or warnings", async () => {
    const results = await Promise.all(
      cloud.map(async (stack) => [stack.name, (await validate(stack.dir)).diagnostics]),
    );
    expect(Object.fromEntries(results)).toEqual(Object.fromEntries(cloud.map((stack) => [stack.name, []])));
  });
});
