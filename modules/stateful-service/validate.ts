import { Construct } from "constructs";
import { propError } from "../core/errors";
import { isKnown } from "../core/tokens";
import { checkInteger, checkLiteral, checkPattern } from "../core/validate";
import { checkContainerPath, checkEnvironmentNames, validateContainer } from "../ecs/container-spec";
import type { ContainerSpec } from "../ecs";
import { ORDINAL_VARIABLES } from "./ordinal";
import { checkEc2Size } from "../ecs/ec2-service";
import { fargateSizeProblem } from "../ecs/fargate-service";
import { MAX_POSIX_ID, checkPermissions } from "../efs-storage/access-point";
import { isRelativeSubPath } from "../pinned-capacity/pinned-ebs-capacity";
import { validateNetworkRef } from "../network/validate-network-ref";
import type { NamespaceRef, StatefulServiceProps } from "./stateful-service";

/** Limits that a name derived from `name` must fit, for the highest ordinal. */
const MAX_DNS_LABEL = 63;
const MAX_DNS_NAME = 253;
/** `TaskRoles` names its roles `<prefix>-execution`: IAM allows 64 characters. */
const MAX_ROLE_PREFIX = 54;
const MAX_PEER_PORTS = 10;
/** The most ordinals a service may have. */
export const MAX_REPLICAS = 50;
/** The most with EFS storage: the file system policy's statements stay within its 20,000 characters. */
const MAX_EFS_ORDINALS = 30;
/** `PinnedEbsCapacity` names: at most 46 characters. */
const MAX_HOST_PREFIX = 46;
/** A DNS label a host name may use: lower-case letters, digits and inner hyphens. */
export const SERVICE_NAME = /^[a-z]([a-z0-9-]*[a-z0-9])?$/;
/** A DNS name of such labels, as a namespace's name. */
export const DNS_NAME = /^([a-z0-9]([a-z0-9-]*[a-z0-9])?\.)*[a-z]([a-z0-9-]*[a-z0-9])?$/;

/** Checks every prop of a `StatefulService` before anything is created; errors name the construct and prop. */
export function validateStatefulService(
  owner: Construct,
  props: StatefulServiceProps,
  name: string,
  namespace: string | NamespaceRef,
  retained: number,
): void {
  const { replicas } = props;
  if (!isKnown(replicas)) {
    throw propError(owner, "replicas must be known at synth: it decides how many ECS services exist");
  }
  checkInteger(owner, "replicas", replicas, 1, MAX_REPLICAS);
  if (!isKnown(retained)) throw propError(owner, "retainedOrdinals must be known at synth");
  checkInteger(owner, "retainedOrdinals", retained, replicas, MAX_REPLICAS);
  // With EFS, each ordinal adds a statement to the file system policy, which EFS limits to 20,000 characters.
  if (props.efs && retained > MAX_EFS_ORDINALS) {
    throw propError(
      owner,
      `${retained > replicas ? "retainedOrdinals" : "replicas"} ${retained} is more than ${MAX_EFS_ORDINALS} with efs: each ordinal's grant is a statement of the file system policy, which EFS limits to 20,000 characters`,
    );
  }
  checkLiteral(owner, "allowDestroy", props.allowDestroy, "it sets lifecycle.prevent_destroy");
  checkPattern(
    owner,
    "name",
    name,
    SERVICE_NAME,
    "lower-case letters, digits and '-', starting with a letter, as a DNS label",
  );
  const highest = `${name}-${replicas - 1}`;
  if (isKnown(name) && highest.length > MAX_ROLE_PREFIX) {
    throw propError(
      owner,
      `name '${name}' is too long for ${replicas} replicas: '${highest}' must fit a DNS label and a role name prefix (at most ${MAX_ROLE_PREFIX} characters), so name may have at most ${MAX_ROLE_PREFIX - 1 - String(replicas - 1).length}`,
    );
  }
  // With ebs, every retained ordinal has a host named `<name>-<ordinal>`, which PinnedEbsCapacity limits.
  const highestHost = `${name}-${retained - 1}`;
  if (props.ebs && isKnown(name) && highestHost.length > MAX_HOST_PREFIX) {
    throw propError(
      owner,
      `name '${name}' is too long with ebs and ${retained} retained ordinals: the host name prefix '${highestHost}' may have at most ${MAX_HOST_PREFIX} characters, so name may have at most ${MAX_HOST_PREFIX - 1 - String(retained - 1).length}`,
    );
  }
  const namespaceName = typeof namespace === "string" ? namespace : namespace.name;
  if (typeof namespace !== "string") {
    checkPattern(
      owner,
      "namespace.id",
      namespace.id,
      /^ns-[a-z0-9]{1,64}$/,
      "a Cloud Map namespace id such as 'ns-abcdef0123456789'",
    );
  }
  checkPattern(
    owner,
    "namespace",
    namespaceName,
    DNS_NAME,
    "a DNS name such as 'cluster.internal': lower-case labels of letters, digits and inner '-', joined by '.'",
  );
  if (isKnown(namespaceName)) {
    const longLabel = namespaceName.split(".").find((label) => label.length > MAX_DNS_LABEL);
    if (longLabel !== undefined) {
      throw propError(
        owner,
        `namespace '${namespaceName}' has the label '${longLabel}', longer than ${MAX_DNS_LABEL} characters`,
      );
    }
    const hostname = `${highest}.${namespaceName}`;
    if (isKnown(name) && hostname.length > MAX_DNS_NAME) {
      throw propError(
        owner,
        `namespace '${namespaceName}' makes the host name '${hostname}' ${hostname.length} characters long; DNS allows at most ${MAX_DNS_NAME}`,
      );
    }
  }
  validateNetworkRef(owner, props.network, ["private"]);
  validateContainer(owner, props.container);
  const peerPorts = props.peerPorts ?? [];
  if (isKnown(peerPorts)) {
    if (peerPorts.length > MAX_PEER_PORTS) {
      throw propError(owner, `peerPorts has ${peerPorts.length} ports; allowed: at most ${MAX_PEER_PORTS}`);
    }
    peerPorts.forEach((port, index) => checkInteger(owner, `peerPorts[${index}]`, port, 1, 65535));
    const all = [props.container.port, ...peerPorts].filter((port) => port !== undefined && isKnown(port));
    const repeated = all.find((port, index) => all.indexOf(port) !== index);
    if (repeated !== undefined) {
      throw propError(owner, `peerPorts has port ${repeated} twice (container.port counts too); give each port once`);
    }
  }
  if (props.efs) {
    checkContainerPath(owner, "efs.containerPath", props.efs.containerPath);
    checkInteger(owner, "efs.uid", props.efs.uid, 0, MAX_POSIX_ID);
    checkInteger(owner, "efs.gid", props.efs.gid, 0, MAX_POSIX_ID);
    checkPermissions(owner, "efs.permissions", props.efs.permissions);
  }
  if (props.efs && props.ebs) {
    throw propError(owner, "efs and ebs are both set; give each ordinal one kind of storage");
  }
  const cpu = props.cpu ?? 256;
  const memory = props.memory ?? 512;
  if (props.ebs) {
    checkContainerPath(owner, "ebs.containerPath", props.ebs.containerPath);
    const subPath = props.ebs.subPath;
    if (subPath !== undefined && isKnown(subPath) && !isRelativeSubPath(subPath)) {
      throw propError(owner, `ebs.subPath '${subPath}' must be a relative path below the volume's root, without '..'`);
    }
    // The ordinals run on their own hosts, as Ec2Services.
    checkEc2Size(owner, cpu, memory);
  } else if (isKnown(cpu) && isKnown(memory)) {
    const problem = fargateSizeProblem(cpu, memory);
    if (problem) throw propError(owner, problem);
  }
}

/**
 * The per-ordinal variables must be shell names, must not take the `STATEFUL_*` names every ordinal gets,
 * and must not give a variable of `container.environment` another value.
 */
export function checkOrdinalEnvironments(
  owner: Construct,
  container: ContainerSpec,
  environments: Array<Record<string, string>>,
): void {
  const reserved: readonly string[] = Object.values(ORDINAL_VARIABLES);
  const given = { ...container.environment, ...container.secrets };
  for (const name of Object.keys(given)) {
    if (reserved.includes(name)) {
      throw propError(
        owner,
        `container.environment.${name} is set for each ordinal by StatefulService; use another name`,
      );
    }
  }
  environments.forEach((environment, ordinal) => {
    checkEnvironmentNames(owner, `ordinalEnvironment (ordinal ${ordinal})`, environment);
    for (const [name, value] of Object.entries(environment)) {
      if (reserved.includes(name)) {
        throw propError(
          owner,
          `ordinalEnvironment (ordinal ${ordinal}) sets ${name}, which StatefulService sets; use another name`,
        );
      }
      const fixed = given[name];
      if (fixed !== undefined && fixed !== value) {
        throw propError(
          owner,
          `ordinalEnvironment (ordinal ${ordinal}) sets ${name}, which container.environment or container.secrets sets to another value`,
        );
      }
    }
  });
}
