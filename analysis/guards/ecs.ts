import { Configuration, ResourceInstance } from "../config/model";
import {
  Unknown,
  ValueObject,
  asString,
  blocks,
  decodeJson,
  firstBlock,
  isObject,
  isUnknown,
  list,
} from "../config/values";

/** What several rules read from ECS task definitions and services. */

export const TASK_DEFINITION = "aws_ecs_task_definition";
export const SERVICE = "aws_ecs_service";

export interface EfsVolume {
  readonly name: string;
  readonly config: ValueObject;
  /** `authorization_config`, when the volume has one. */
  readonly authorization?: ValueObject;
}

/** The task definition's EFS volumes (Fargate ephemeral, bind-mount and Docker volumes are not EFS). */
export function efsVolumes(taskDefinition: ResourceInstance): EfsVolume[] | Unknown {
  const volumes = blocks(taskDefinition.values.volume);
  if (isUnknown(volumes)) return volumes;
  const result: EfsVolume[] = [];
  for (const volume of volumes) {
    const config = firstBlock(volume.efs_volume_configuration);
    if (isUnknown(config)) return config;
    if (!config) continue;
    const authorization = firstBlock(config.authorization_config);
    if (isUnknown(authorization)) return authorization;
    result.push({ name: asString(volume.name) ?? "", config, authorization });
  }
  return result;
}

/** The container definitions, parsed; unknown when they are not readable statically. */
export function containers(taskDefinition: ResourceInstance): ValueObject[] | Unknown {
  const decoded = decodeJson(taskDefinition.values.container_definitions);
  if (isUnknown(decoded)) return decoded;
  if (!Array.isArray(decoded)) return new Unknown("container_definitions is not a list");
  return decoded.filter(isObject);
}

/** The task definition a service (or task set) runs, when it references one of this configuration. */
export function taskDefinitionOf(
  configuration: Configuration,
  service: ResourceInstance,
): ResourceInstance | undefined {
  return configuration.referencedIn(service.values.task_definition).find((each) => each.type === TASK_DEFINITION);
}

/**
 * Whether a task definition keeps data on its host: a `host_path` bind mount or a Docker volume. Only then
 * does pinning its tasks to an instance pin them to data: a stateless service may be constrained to some
 * instances for other reasons (instance class, role). Undefined when its volumes are not known statically.
 */
export function keepsDataOnHost(taskDefinition: ResourceInstance): boolean | undefined {
  const volumes = blocks(taskDefinition.values.volume);
  if (isUnknown(volumes)) return undefined;
  let unknown = false;
  for (const volume of volumes) {
    const docker = blocks(volume.docker_volume_configuration);
    if (isUnknown(volume.host_path) || isUnknown(docker)) unknown = true;
    else if (asString(volume.host_path) !== undefined || docker.length > 0) return true;
  }
  return unknown ? undefined : false;
}

/**
 * Whether a service's or task definition's tasks may keep data on their host: false only when its task
 * definition is in this configuration and mounts no host volume (see keepsDataOnHost).
 */
export function mayKeepDataOnHost(configuration: Configuration, resource: ResourceInstance): boolean {
  const taskDefinition = resource.type === TASK_DEFINITION ? resource : taskDefinitionOf(configuration, resource);
  return !taskDefinition || keepsDataOnHost(taskDefinition) !== false;
}

/** Whether a service or task set runs on Fargate (launch type or capacity providers); undefined if unknown. */
export function runsOnFargate(service: ResourceInstance): boolean | undefined {
  const launchType = service.values.launch_type;
  if (typeof launchType === "string" && launchType !== "") return launchType === "FARGATE";
  const strategy = blocks(service.values.capacity_provider_strategy);
  if (isUnknown(strategy)) return undefined;
  if (strategy.length === 0)
    return launchType === undefined || launchType === null || launchType === "" ? false : undefined;
  const providers = strategy.map((item) => asString(item.capacity_provider));
  if (providers.some((provider) => provider === undefined)) return undefined;
  return providers.some((provider) => provider!.startsWith("FARGATE"));
}

/** Whether the task definition requires Fargate. */
export function requiresFargate(taskDefinition: ResourceInstance): boolean | undefined {
  const compatibilities = list(taskDefinition.values.requires_compatibilities);
  if (isUnknown(compatibilities)) return undefined;
  return compatibilities.includes("FARGATE");
}

/** One `attribute:<name> == <value>` clause of a placement constraint. */
export interface AttributeClause {
  readonly attribute: string;
  readonly value: string;
}

/** A `memberOf` constraint on custom attributes: a host must advertise every clause. */
export interface Constraint {
  readonly expression: string;
  /** Its clauses on custom attributes (not `ecs.*`), all of which one host must advertise. */
  readonly clauses: readonly AttributeClause[];
  /** The resource the constraint is written on (the service or its task definition). */
  readonly on: ResourceInstance;
}

const CLAUSE = /attribute:([\w.:-]+)\s*==\s*['"]?([^'"\s)]+)['"]?/g;
/** What makes an expression more than a conjunction of equalities: it cannot be decided here. */
const NOT_A_CONJUNCTION = /\s(or|in|not)\s|!|=~|\|\|/i;

/**
 * The `memberOf` constraints of a resource whose expression requires custom attributes (`attribute:role ==
 * db-primary`, clauses joined by `and`). An expression with `or`, `in`, `!` or a regular expression cannot
 * be decided here and is left out; one that still holds a `${...}` is unknown.
 */
export function customConstraints(resource: ResourceInstance): Constraint[] | Unknown {
  const constraints = blocks(resource.values.placement_constraints);
  if (isUnknown(constraints)) return constraints;
  const result: Constraint[] = [];
  for (const constraint of constraints) {
    if (constraint.type !== "memberOf") continue;
    const written = constraint.expression;
    const expression = asString(written);
    if (isUnknown(written)) return new Unknown(`its memberOf expression is not known statically (${written.reason})`);
    if (expression === undefined || expression.includes("${"))
      return new Unknown(`the memberOf expression ${JSON.stringify(written ?? null)} is only known at apply`);
    if (NOT_A_CONJUNCTION.test(expression)) continue;
    const clauses = [...expression.matchAll(CLAUSE)]
      .map(([, attribute, value]) => ({ attribute, value }))
      .filter((clause) => !clause.attribute.startsWith("ecs."));
    if (clauses.length > 0) result.push({ expression, clauses, on: resource });
  }
  return result;
}

/** Whether a host's attributes satisfy every clause of the constraint. */
export function satisfies(attributes: ReadonlyMap<string, string>, constraint: Constraint): boolean {
  return constraint.clauses.every((clause) => attributes.get(clause.attribute) === clause.value);
}

/** The custom attribute constraints that apply to a service's tasks: its own and its task definition's. */
export function serviceConstraints(configuration: Configuration, service: ResourceInstance): Constraint[] | Unknown {
  const own = customConstraints(service);
  const taskDefinition = taskDefinitionOf(configuration, service);
  const inherited = taskDefinition ? customConstraints(taskDefinition) : [];
  if (isUnknown(own)) return own;
  if (isUnknown(inherited)) return inherited;
  return [...own, ...inherited];
}
