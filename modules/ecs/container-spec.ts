import { Construct } from "constructs";
import { propError } from "../core/errors";
import { isKnown } from "../core/tokens";
import { checkInteger, checkPattern } from "../core/validate";
import type { ContainerHealthCheck, ContainerSpec } from "./container-service";

/**
 * Checks of a container's settings that ECS or Docker would otherwise reject only when a task starts
 * (the task definition registers, the task fails): image references, users, variable names, secret ARNs
 * and mount paths.
 */

const NAME = /^[A-Za-z0-9][A-Za-z0-9_-]{0,254}$/;
/** ECS: up to 255 letters, digits, hyphens, underscores, colons, periods, slashes and number signs (`@` for digests). */
export const IMAGE = /^[A-Za-z0-9][A-Za-z0-9._:/#@-]{0,254}$/;
/** `user`, `uid`, `user:group` or `uid:gid`, as Docker's `--user` takes them. */
const USER = /^([a-z_][a-z0-9_.-]{0,31}|\d{1,10})(:([a-z_][a-z0-9_.-]{0,31}|\d{1,10}))?$/i;
const VARIABLE = /^[A-Za-z_][A-Za-z0-9_]{0,254}$/;
/** ECS `valueFrom`: a Secrets Manager secret ARN (with an optional `:json-key:version-stage:version-id`) or an SSM parameter ARN. */
const SECRET_ARN =
  /^arn:aws[a-z-]*:(secretsmanager:[a-z0-9-]+:\d{12}:secret:\S+|ssm:[a-z0-9-]+:\d{12}:parameter\/\S+)$/;

export function validateContainer(owner: Construct, container: ContainerSpec): void {
  checkPattern(owner, "container.name", container.name, NAME, "1 to 255 letters, digits, '_' or '-'");
  checkPattern(
    owner,
    "container.image",
    container.image,
    IMAGE,
    "an image reference such as 'public.ecr.aws/docker/library/nginx:1.27': up to 255 letters, digits and ._:/#@-",
  );
  checkPattern(owner, "container.user", container.user, USER, "a user: 'name', 'uid', 'name:group' or 'uid:gid'");
  checkInteger(owner, "container.port", container.port, 1, 65535);
  if (container.environment !== undefined) checkEnvironmentNames(owner, "container.environment", container.environment);
  if (container.secrets !== undefined) checkSecretReferences(owner, "container.secrets", container.secrets);
  if (container.healthCheck !== undefined) checkHealthCheck(owner, container.healthCheck);
}

/** ECS's limits on a container health check; the command must say how Docker runs it. */
function checkHealthCheck(owner: Construct, check: ContainerHealthCheck): void {
  const { command } = check;
  if (isKnown(command) && (command.length < 2 || !["CMD", "CMD-SHELL"].includes(command[0]))) {
    throw propError(
      owner,
      `container.healthCheck.command ${JSON.stringify(command)} must be 'CMD' or 'CMD-SHELL' followed by what to run, such as ["CMD-SHELL", "curl -f http://localhost:8080/ready || exit 1"]`,
    );
  }
  checkInteger(owner, "container.healthCheck.intervalSeconds", check.intervalSeconds, 5, 300);
  checkInteger(owner, "container.healthCheck.timeoutSeconds", check.timeoutSeconds, 2, 60);
  checkInteger(owner, "container.healthCheck.retries", check.retries, 1, 10);
  checkInteger(owner, "container.healthCheck.startPeriodSeconds", check.startPeriodSeconds, 0, 300);
}

/** Variable names must be shell names (letters, digits, `_`, not starting with a digit). */
export function checkEnvironmentNames(owner: Construct, prop: string, variables: Record<string, string>): void {
  if (!isKnown(variables)) return;
  for (const name of Object.keys(variables)) {
    checkPattern(
      owner,
      `${prop} name`,
      name,
      VARIABLE,
      "a variable name: letters, digits and '_', not starting with a digit",
    );
  }
}

/** Each secret must come from an ARN: ECS resolves a bare name only for SSM parameters of its own region. */
export function checkSecretReferences(owner: Construct, prop: string, secrets: Record<string, string>): void {
  if (!isKnown(secrets)) return;
  checkEnvironmentNames(owner, prop, secrets);
  for (const [name, valueFrom] of Object.entries(secrets)) {
    checkPattern(
      owner,
      `${prop}.${name}`,
      valueFrom,
      SECRET_ARN,
      "a Secrets Manager secret ARN or an SSM parameter ARN",
    );
  }
}

/** A mount point's path in the container: absolute, never `/` itself, no `.` or `..` segments. */
export function checkContainerPath(owner: Construct, prop: string, path: string): void {
  if (!isKnown(path)) return;
  if (path === "/" || /^\/+$/.test(path)) {
    throw propError(
      owner,
      `${prop} '${path}' would mount over the container's root file system; mount a directory such as '/data'`,
    );
  }
  checkPattern(owner, prop, path, /^(\/[^/\s]+)+\/?$/, "an absolute path such as '/data'");
  if (path.split("/").some((segment) => segment === "." || segment === "..")) {
    throw propError(owner, `${prop} '${path}' must not contain '.' or '..' segments`);
  }
}
