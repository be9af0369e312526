import { CloudBackend, NamedCloudWorkspace, TerraformStack } from "cdktf";

/**
 * Where an example stack keeps its state: Terraform Cloud (HCP Terraform) when an organization is given,
 * one workspace per stack named `<workspacePrefix><stack>`; else cdktf's local backend.
 */

export interface CloudBackendProps {
  /** The Terraform Cloud organization: letters, digits, `-` and `_`. */
  readonly organization: string;
  /**
   * Put before the stack's name to name its workspace, `<workspacePrefix><stack>` (at most 90 characters,
   * letters, digits, `-` and `_`).
   * @default "" (the workspace is named after the stack)
   */
  readonly workspacePrefix?: string;
  /**
   * The project the workspaces belong to.
   * @default - the organization's default project
   */
  readonly project?: string;
  /**
   * The host of Terraform Enterprise, or of HCP Terraform in another region.
   * @default "app.terraform.io"
   */
  readonly hostname?: string;
}

/** The environment variables `cloudBackendFromEnv` reads, by the setting each gives. */
export const CLOUD_BACKEND_ENV = {
  organization: "TFC_ORGANIZATION",
  workspacePrefix: "TFC_WORKSPACE_PREFIX",
  project: "TFC_PROJECT",
  hostname: "TFC_HOSTNAME",
} as const;

/** The cloud backend the environment asks for (`TFC_ORGANIZATION` set), or undefined: the local backend. */
export function cloudBackendFromEnv(env: NodeJS.ProcessEnv): CloudBackendProps | undefined {
  const read = (setting: keyof typeof CLOUD_BACKEND_ENV) => env[CLOUD_BACKEND_ENV[setting]] || undefined;
  const organization = read("organization");
  if (organization === undefined) return undefined;
  return {
    organization,
    ...(read("workspacePrefix") ? { workspacePrefix: read("workspacePrefix") } : {}),
    ...(read("project") ? { project: read("project") } : {}),
    ...(read("hostname") ? { hostname: read("hostname") } : {}),
  };
}

const NAME = /^[A-Za-z0-9_-]+$/;
const HOSTNAME = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+(:\d{1,5})?$/;

/** Checks `props` (naming the setting and its environment variable), then sets the stack's backend. */
export function useCloudBackend(stack: TerraformStack, props: CloudBackendProps): CloudBackend {
  const { organization, workspacePrefix = "", project, hostname } = props;
  const fail = (setting: keyof typeof CLOUD_BACKEND_ENV, problem: string) =>
    new Error(`stack '${stack.node.id}': cloud.${setting} (${CLOUD_BACKEND_ENV[setting]}) ${problem}`);
  if (!NAME.test(organization)) throw fail("organization", `'${organization}' may hold only letters, digits, - and _`);
  const workspace = `${workspacePrefix}${stack.node.id}`;
  if (!NAME.test(workspace) || workspace.length > 90) {
    throw fail(
      "workspacePrefix",
      `'${workspacePrefix}' makes the workspace name '${workspace}', which must be 1 to 90 letters, digits, - and _`,
    );
  }
  if (project !== undefined && !/^\S(.{0,38}\S)?$/.test(project)) {
    throw fail("project", `'${project}' must be 1 to 40 characters on one line, without leading or trailing spaces`);
  }
  if (hostname !== undefined && !HOSTNAME.test(hostname)) {
    throw fail("hostname", `'${hostname}' is not a host name such as app.terraform.io`);
  }
  return new CloudBackend(stack, {
    organization,
    workspaces: new NamedCloudWorkspace(workspace, project),
    ...(hostname ? { hostname } : {}),
  });
}
