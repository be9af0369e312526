import { Configuration, ResourceInstance } from "../config/model";
import {
  Unknown,
  Value,
  ValueObject,
  asNumber,
  asString,
  blocks,
  firstBlock,
  isObject,
  isUnknown,
  list,
} from "../config/values";
import {
  Constraint,
  SERVICE,
  TASK_DEFINITION,
  customConstraints,
  mayKeepDataOnHost,
  requiresFargate,
  satisfies,
  serviceConstraints,
} from "./ecs";
import { Reporter, Rule } from "./rule";
import { HOST_TYPES, HostUserData, advertisedAttributes, hostUserData } from "./user-data";

/** Pattern 2, EBS-pinned capacity: the rules SE101 to SE105. */

interface Advertised {
  readonly host: ResourceInstance;
  readonly attributes: Map<string, string>;
}

/** What every host advertises; unknown when any host's attributes cannot be read statically. */
function advertisedByHosts(configuration: Configuration): Advertised[] | Unknown {
  const result: Advertised[] = [];
  for (const { host, text } of hostUserData(configuration)) {
    if (isUnknown(text))
      return new Unknown(`the user data of ${host.address} is not known statically (${text.reason})`);
    const attributes = advertisedAttributes(text);
    if (isUnknown(attributes)) return new Unknown(`${host.address}: ${attributes.reason}`);
    result.push({ host, attributes });
  }
  return result;
}

const unplaceable: Rule = {
  id: "SE101",
  severity: "error",
  title: "A memberOf constraint on a custom attribute that no container instance advertises",
  help: 'Advertise the attribute in the container instance\'s user data (ECS_INSTANCE_ATTRIBUTES={"<name>":"<value>"} in /etc/ecs/ecs.config, before the agent first registers), or fix the constraint: no instance matches, so the task can never be placed.',
  reads: [SERVICE, TASK_DEFINITION, ...HOST_TYPES],
  check(configuration, report) {
    const advertised = advertisedByHosts(configuration);
    const noUserData = hostUserData(configuration).length === 0;
    for (const resource of configuration.ofType(SERVICE, TASK_DEFINITION)) {
      const constraints = customConstraints(resource);
      if (isUnknown(constraints)) {
        report.skip(resource, constraints.reason);
        continue;
      }
      for (const constraint of constraints) {
        if (isUnknown(advertised)) report.skip(resource, advertised.reason);
        else if (noUserData) {
          report.finding(
            resource,
            `places tasks only on instances with ${constraint.expression}, and this configuration holds no container instance user data to check it against. Make sure an instance advertises it (ECS_INSTANCE_ATTRIBUTES).`,
            "warning",
          );
        } else if (!advertised.some((host) => satisfies(host.attributes, constraint))) {
          report.finding(
            resource,
            `places tasks only on instances with ${constraint.expression}, which no container instance of this configuration advertises: the task can never be placed. Add ECS_INSTANCE_ATTRIBUTES=${attributesJson(constraint)} to the instance's user data.`,
          );
        }
      }
    }
  },
};

/** The `ECS_INSTANCE_ATTRIBUTES` JSON that satisfies a constraint. */
function attributesJson(constraint: Constraint): string {
  return JSON.stringify(Object.fromEntries(constraint.clauses.map((clause) => [clause.attribute, clause.value])));
}

const twoWriters: Rule = {
  id: "SE102",
  severity: "error",
  title: "A service pinned by a custom attribute deploys with a maximum above 100 %",
  help: "Set deployment_maximum_percent = 100 and deployment_minimum_healthy_percent = 0 on a pinned service: above 100 a deployment starts the new task beside the old one, two writers on one volume. Checked for services whose tasks mount a host volume (or whose task definition is not in the configuration): a stateless service pinned for other reasons may run two.",
  reads: [SERVICE, TASK_DEFINITION],
  check(configuration, report) {
    for (const service of configuration.ofType(SERVICE)) {
      const constraints = serviceConstraints(configuration, service);
      if (isUnknown(constraints) || constraints.length === 0 || service.values.scheduling_strategy === "DAEMON")
        continue;
      // CODE_DEPLOY and EXTERNAL deployments do not use the percentages; a task that keeps no data on its
      // host is pinned for other reasons (instance class), and two of it are harmless.
      if (!usesEcsDeployments(service) || !mayKeepDataOnHost(configuration, service)) continue;
      const maximum = service.values.deployment_maximum_percent;
      if (isUnknown(maximum)) {
        report.skip(service, "deployment_maximum_percent is not known statically");
        continue;
      }
      const percent = maximum === undefined || maximum === null ? 200 : asNumber(maximum);
      if (percent !== undefined && percent > 100) {
        report.finding(
          service,
          `is pinned by ${constraints[0].expression} but deploys with deployment_maximum_percent ${percent}${maximum === undefined || maximum === null ? " (the default)" : ""}: a deployment runs two writers on one volume. Set deployment_maximum_percent = 100 and deployment_minimum_healthy_percent = 0.`,
        );
      }
    }
  },
};

/** The service deploys with the ECS deployment controller (the default), which the percentages govern. */
function usesEcsDeployments(service: ResourceInstance): boolean {
  const controller = firstBlock(service.values.deployment_controller);
  return !controller || isUnknown(controller) || controller.type === undefined || controller.type === "ECS";
}

const hostPathOnFargate: Rule = {
  id: "SE103",
  severity: "error",
  title: "A host_path volume in a task definition that requires FARGATE",
  help: "Fargate has no host to bind: use EFS for data that outlives the task, or run on EC2 capacity.",
  reads: [TASK_DEFINITION],
  check(configuration, report) {
    for (const task of configuration.ofType(TASK_DEFINITION)) {
      const volumes = blocks(task.values.volume);
      if (isUnknown(volumes) || requiresFargate(task) !== true) continue;
      for (const volume of volumes) {
        const hostPath = asString(volume.host_path);
        if (hostPath) {
          report.finding(
            task,
            `volume '${String(volume.name)}' binds host path ${hostPath}, but the task definition requires FARGATE, which has no host: ECS rejects it. Use EFS, or EC2 capacity.`,
          );
        }
      }
    }
  },
};

/**
 * Hosts that advertise an attribute some constraint of this configuration pins tasks that keep data on
 * their host to (a stateless service constrained to some instances does not make them hold data).
 */
function pinnedHosts(configuration: Configuration, advertised: Advertised[]): ResourceInstance[] {
  const stateful = configuration
    .ofType(SERVICE, TASK_DEFINITION)
    .filter((resource) => mayKeepDataOnHost(configuration, resource));
  const constraints = stateful.flatMap((resource) => {
    const found = customConstraints(resource);
    return isUnknown(found) ? [] : found;
  });
  return advertised
    .filter((host) => constraints.some((constraint) => satisfies(host.attributes, constraint)))
    .map((host) => host.host);
}

/** The instances a pinned launch template launches outside an Auto Scaling group, and pinned instances. */
function pinnedInstances(configuration: Configuration, hosts: ResourceInstance[]): ResourceInstance[] {
  const templates = new Set(
    hosts.filter((host) => host.type === "aws_launch_template").map((host) => host.blockAddress),
  );
  const launched = configuration.ofType("aws_instance").filter((instance) => {
    const template = firstBlock(instance.values.launch_template);
    if (!template || isUnknown(template)) return false;
    return configuration.resolve(template.id ?? template.name).some((each) => templates.has(each.blockAddress));
  });
  return [...new Set([...hosts.filter((host) => host.type === "aws_instance"), ...launched])];
}

/**
 * An alarm with the ec2:recover action on this very instance: the alarm of `aws_instance.db[1]` does not
 * recover `aws_instance.db[0]` (a reference without a key, as a plan may give, counts for every instance).
 */
function hasRecoverAlarm(configuration: Configuration, instance: ResourceInstance): boolean {
  return configuration.ofType("aws_cloudwatch_metric_alarm").some((alarm) => {
    const actions = list(alarm.values.alarm_actions);
    const recovers =
      !isUnknown(actions) && actions.some((action) => typeof action === "string" && action.includes(":ec2:recover"));
    const dimensions = alarm.values.dimensions;
    return recovers && isObject(dimensions) && configuration.resolve(dimensions.InstanceId).includes(instance);
  });
}

/** Volumes attached to a pinned instance, or named in a pinned host's user data. */
function pinnedVolumes(
  configuration: Configuration,
  hosts: ResourceInstance[],
  instances: ResourceInstance[],
  scripts: HostUserData[],
): ResourceInstance[] {
  const volumes = configuration.ofType("aws_ebs_volume");
  const attached = configuration
    .ofType("aws_volume_attachment")
    .filter((attachment) =>
      configuration.resolve(attachment.values.instance_id).some((each) => instances.includes(each)),
    )
    .flatMap((attachment) => configuration.resolve(attachment.values.volume_id));
  const named = scripts
    .filter((script) => hosts.includes(script.host) && typeof script.text === "string")
    .flatMap((script) => configuration.referencedIn(script.text as string));
  return volumes.filter((volume) => [...attached, ...named].some((each) => each.blockAddress === volume.blockAddress));
}

/** Every tag of `target` on the resource: tags are strings in AWS, so `true` and `"true"` are one value. */
function tagsMatch(target: ValueObject, tags: ValueObject): boolean {
  return Object.entries(target).every(([key, value]) => tags[key] !== undefined && String(tags[key]) === String(value));
}

/** `*`, or an ARN pattern such as `arn:aws:ec2:*:*:volume/*`, that selects every EBS volume. */
function coversEveryVolume(resource: Value): boolean {
  return resource === "*" || (typeof resource === "string" && /^arn:[^:]+:ec2:[^:]*:[^:]*:volume\/\*$/.test(resource));
}

/** A resource's tags; undefined when they are not known statically (`merge(local.tags, ...)` of a module input). */
function tagsOf(resource: ResourceInstance): ValueObject | undefined {
  const tags = resource.values.tags;
  if (tags === undefined || tags === null) return {};
  return isObject(tags) ? tags : undefined;
}

/** The tags a pinned host's instances carry: an instance's own, or those its launch template gives them. */
function instanceTags(host: ResourceInstance): ValueObject | undefined {
  if (host.type === "aws_instance") return tagsOf(host);
  const specifications = blocks(host.values.tag_specifications);
  if (isUnknown(specifications)) return undefined;
  const forInstances = specifications.find((specification) => specification.resource_type === "instance");
  return forInstances && isObject(forInstances.tags) ? forInstances.tags : {};
}

/**
 * A DLM policy targets the volume (by its tags, or by the tags of the pinned instances it snapshots whole),
 * or an AWS Backup selection names or tags it. Undefined when tags the answer depends on are not known.
 */
function hasSnapshotSchedule(
  configuration: Configuration,
  volume: ResourceInstance,
  hosts: ResourceInstance[],
): boolean | undefined {
  const tags = tagsOf(volume);
  const hostTags = hosts.map(instanceTags);
  if (!tags || hostTags.includes(undefined)) return undefined;
  const dlm = configuration.ofType("aws_dlm_lifecycle_policy").some((policy) => {
    const details = firstBlock(policy.values.policy_details);
    if (!details || isUnknown(details) || !isObject(details.target_tags)) return false;
    const target = details.target_tags;
    const types = list(details.resource_types);
    const kinds = isUnknown(types) || types.length === 0 ? ["VOLUME"] : types;
    return (
      (kinds.includes("VOLUME") && tagsMatch(target, tags)) ||
      (kinds.includes("INSTANCE") && hostTags.some((each) => tagsMatch(target, each as ValueObject)))
    );
  });
  if (dlm) return true;
  return configuration.ofType("aws_backup_selection").some((selection) => {
    const resources = list(selection.values.resources);
    const named =
      !isUnknown(resources) &&
      resources.some((resource) => coversEveryVolume(resource) || configuration.resolve(resource).includes(volume));
    const selectionTags = blocks(selection.values.selection_tag);
    const byTag =
      !isUnknown(selectionTags) &&
      selectionTags.some((tag) => typeof tag.key === "string" && tagsMatch({ [tag.key]: tag.value }, tags));
    return named || byTag;
  });
}

const noRecovery: Rule = {
  id: "SE104",
  severity: "warning",
  title: "A pinned host without automatic recovery, or a pinned volume without a snapshot schedule",
  help: "Give a pinned instance a CloudWatch alarm on StatusCheckFailed_System with the arn:aws:automate:<region>:ec2:recover action (or launch it from an Auto Scaling group), and its volume a DLM policy or AWS Backup plan.",
  reads: [
    SERVICE,
    TASK_DEFINITION,
    ...HOST_TYPES,
    "aws_cloudwatch_metric_alarm",
    "aws_ebs_volume",
    "aws_volume_attachment",
    "aws_dlm_lifecycle_policy",
    "aws_backup_selection",
  ],
  check(configuration, report) {
    const advertised = advertisedByHosts(configuration);
    if (isUnknown(advertised)) {
      for (const host of configuration.ofType(...HOST_TYPES)) report.skip(host, advertised.reason);
      return;
    }
    const hosts = pinnedHosts(configuration, advertised);
    const instances = pinnedInstances(configuration, hosts);
    for (const instance of instances) {
      if (!hasRecoverAlarm(configuration, instance)) {
        report.finding(
          instance,
          "hosts pinned tasks but has no EC2 recover alarm and is not in an Auto Scaling group: when its host fails, the pinned tasks stay down. Add a StatusCheckFailed_System alarm with the ec2:recover action.",
        );
      }
    }
    for (const volume of pinnedVolumes(configuration, hosts, instances, hostUserData(configuration))) {
      const scheduled = hasSnapshotSchedule(configuration, volume, hosts);
      if (scheduled === undefined) report.skip(volume, "its tags, or its hosts' tags, are not known statically");
      if (scheduled === false) {
        report.finding(
          volume,
          "holds the data of pinned tasks but no snapshot schedule covers it (no DLM policy targets its tags, no AWS Backup selection names it). Add one.",
        );
      }
    }
  },
};

const MKFS = /\bmkfs(\.\w+)?\b/;
const FILE_SYSTEM_CHECK = /\bblkid\b|\bfile\s+-s\b|\blsblk\b[^\n]*(-f\b|FSTYPE)|\bwipefs\s+(-n|--no-act)\b/;

const reformats: Rule = {
  id: "SE105",
  severity: "warning",
  title: "User data formats a device without first checking for an existing file system",
  help: 'Check before formatting (blkid -p "$DEVICE" exits 2 only when the device has no signature) and run mkfs only then: a replaced instance that reattaches the volume must never wipe it.',
  reads: [...HOST_TYPES],
  check(configuration, report: Reporter) {
    for (const { host, text } of hostUserData(configuration)) {
      if (isUnknown(text)) {
        report.skip(host, `its user data is not known statically (${text.reason})`);
        continue;
      }
      const format = MKFS.exec(text);
      if (format && !FILE_SYSTEM_CHECK.test(text.slice(0, format.index))) {
        report.finding(
          host,
          `its user data runs ${format[0]} without first checking the device for a file system (blkid, file -s, lsblk -f): a replacement host would wipe the data volume. Format only a blank device.`,
        );
      }
    }
  },
};

export const PLACEMENT_RULES: readonly Rule[] = [unplaceable, twoWriters, hostPathOnFargate, noRecovery, reformats];
