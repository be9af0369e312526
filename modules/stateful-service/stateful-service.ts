import { DataResource, Fn, Op, TerraformIterator, TerraformStack, Token } from "cdktf";
import { Construct } from "constructs";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { ServiceDiscoveryPrivateDnsNamespace } from "@cdktf/provider-aws/lib/service-discovery-private-dns-namespace";
import { propError } from "../core/errors";
import { GroupIngress } from "../core/group-ingress";
import { GuardExceptions, applyGuardExceptions } from "../core/guard-exceptions";
import { scopedName } from "../core/names";
import { ContainerLogs, Ec2Service } from "../ecs";
import type { ClusterRef, ContainerService, ContainerSpec, LogDestination } from "../ecs";
import { EfsAccessPointMap, EfsStorage } from "../efs-storage";
import { NetworkRef } from "../network/network-ref";
import { PinnedEbsCapacity } from "../pinned-capacity";
import type { PinnedVolumeOptions, RecoveryMode, SnapshotOptions } from "../pinned-capacity";
import { isKnown } from "../core/tokens";
import { OrdinalContext, OrdinalIdentity, StatefulOrdinal } from "./ordinal";
import { membersGroup, privateNamespace } from "./members";
import { checkOrdinalEnvironments, validateStatefulService } from "./validate";

/** A Cloud Map private DNS namespace that exists already. */
export interface NamespaceRef {
  /** The namespace id (`ns-...`). */
  readonly id: string;
  /** Its DNS name, such as `cluster.internal`: the ordinals' host names end with it. */
  readonly name: string;
}

/** Storage per ordinal on EFS: one access point each, at `/<name>/<ordinal>`, mounted by that ordinal only. */
export interface OrdinalEfsStorage {
  /** The file system (shared by every ordinal; each sees only its own directory). */
  readonly storage: EfsStorage;
  /** Where each ordinal's directory is mounted in its container: absolute, not `/`. */
  readonly containerPath: string;
  /** The POSIX user id every file operation runs as (run the container as this user too), 0 to 4294967295. */
  readonly uid: number;
  /** The POSIX group id every file operation runs as, 0 to 4294967295. */
  readonly gid: number;
  /**
   * The mode of each ordinal's directory when EFS creates it.
   * @default "750"
   */
  readonly permissions?: string;
}

/**
 * Block storage per ordinal: a `PinnedEbsCapacity` each (an ECS container instance and its encrypted,
 * snapshotted EBS volume, never reformatted), the ordinal's task pinned to it and holding its single-writer lock.
 */
export interface OrdinalEbsStorage {
  /** Where each ordinal's volume is mounted in its container: absolute, not `/`. */
  readonly containerPath: string;
  /**
   * A directory of the volume to mount instead of its root (relative, without `..`).
   * @default - the volume's root
   */
  readonly subPath?: string;
  /**
   * How each host recovers (see `PinnedEbsCapacity`).
   * @default "self-healing"
   */
  readonly recovery?: RecoveryMode;
  /**
   * Each host's instance type; the task's `cpu` and `memory` must fit in it.
   * @default "t3.medium"
   */
  readonly instanceType?: string;
  /**
   * Each ordinal's volume.
   * @default - the defaults of `PinnedVolumeOptions`
   */
  readonly volume?: PinnedVolumeOptions;
  /**
   * Each volume's snapshot schedule.
   * @default - the defaults of `SnapshotOptions`: daily, 7 kept
   */
  readonly snapshots?: SnapshotOptions;
}

export interface StatefulServiceProps {
  /** The cluster the ordinals' services run in. */
  readonly cluster: ClusterRef;
  /** The ordinals' tasks run in its private subnets; the namespace is created in its VPC. */
  readonly network: NetworkRef;
  /**
   * The container every ordinal runs. It also receives `STATEFUL_ORDINAL`, `STATEFUL_HOSTNAME`,
   * `STATEFUL_PEERS` (every running ordinal's host name, comma-separated, in order) and `STATEFUL_REPLICAS`.
   * `port` is the client port: open between the ordinals, like `peerPorts`.
   */
  readonly container: ContainerSpec;
  /**
   * How many ordinals run, 1 to 50: ordinals `0` to `replicas - 1`, each an ECS service of one task.
   * Known at synth (it decides how many services exist).
   */
  readonly replicas: number;
  /**
   * The name of every ordinal's service (`<name>-<ordinal>`), DNS name, roles and directory: lower-case
   * letters, digits and `-`, starting with a letter, short enough that `<name>-<replicas - 1>` is a DNS
   * label (63 characters) and a role name prefix (54).
   * @default - `<stack id>-<construct path>`, unique per stack (see `scopedName`)
   */
  readonly name?: string;
  /**
   * The Cloud Map private DNS namespace the names are registered in: a name to create one in the network's
   * VPC, or an existing namespace.
   * @default - a new namespace `<name>.internal`
   */
  readonly namespace?: string | NamespaceRef;
  /**
   * Further TCP ports the ordinals use between themselves (quorum, election, replication), 1 to 65535,
   * at most 10. They and `container.port` are open between the ordinals, and to nothing else.
   * @default - none
   */
  readonly peerPorts?: number[];
  /**
   * Environment variables that differ per ordinal, computed from its identity and its peers', such as
   * `ZOO_MY_ID` or an etcd `ETCD_INITIAL_CLUSTER`.
   * @default - none besides the `STATEFUL_*` variables
   */
  readonly ordinalEnvironment?: (ordinal: OrdinalContext) => Record<string, string>;
  /**
   * Storage per ordinal on EFS.
   * @default - none: the ordinals keep nothing across task replacements
   */
  readonly efs?: OrdinalEfsStorage;
  /**
   * Block storage per ordinal instead of `efs`: one host and EBS volume per retained ordinal, in the zone
   * of private subnet `ordinal % subnets`; the ordinals run on EC2, each pinned to its own host.
   * @default - none
   */
  readonly ebs?: OrdinalEbsStorage;
  /**
   * How many ordinals keep their storage, running or not: from `replicas` to 50. To scale down, lower
   * `replicas` and leave this at the old count: the removed ordinals' access points (or hosts and volumes)
   * stay, and an ordinal that comes back finds its data. A plan that would remove an ordinal's storage
   * stops with an error instead (`prevent_destroy` on the access points, or on `retainedOrdinals`).
   * @default - `replicas`
   */
  readonly retainedOrdinals?: number;
  /**
   * Task CPU units, as `FargateService` (or with `ebs`, `Ec2Service`) takes them.
   * @default 256
   */
  readonly cpu?: number;
  /**
   * Task memory in MiB, as `FargateService` (or with `ebs`, `Ec2Service`) takes it.
   * @default 512
   */
  readonly memory?: number;
  /**
   * Where the ordinals log, one stream per task under the container's name.
   * @default - a new log group `/ecs/<name>`, kept 30 days
   */
  readonly logs?: LogDestination;
  /**
   * Lets Terraform delete the namespace and the ordinals' access points (a scale-down below
   * `retainedOrdinals`, or `terraform destroy`): without it they carry `prevent_destroy`. The files in
   * an ordinal's directory stay on the file system either way. Must be a literal.
   * @default false
   */
  readonly allowDestroy?: boolean;
  /**
   * Tags for every resource the construct creates.
   * @default - none
   */
  readonly tags?: Record<string, string>;
  /**
   * Deliberate exceptions to the guards that run at synth: rule id -> reason.
   * @default - none: every guard applies
   */
  readonly guardExceptions?: GuardExceptions;
}

/**
 * A StatefulSet for ECS: `replicas` ordinals, each its own ECS service of one task (`<name>-<ordinal>`)
 * that never runs two tasks at once, reachable at a stable DNS name `<name>-<ordinal>.<namespace>`,
 * with its own storage that only it can mount, started and updated in order: ordinal `i` is created, and
 * rolls to a new task definition, only once ordinal `i - 1` is steady.
 */
export class StatefulService extends Construct {
  /** The prefix of every ordinal's name. */
  public readonly name: string;
  /** The id of the Cloud Map namespace the ordinals are registered in. */
  public readonly namespaceId: string;
  /** The DNS name of that namespace. */
  public readonly namespaceName: string;
  /** The namespace, when this construct created it. */
  public readonly namespace?: ServiceDiscoveryPrivateDnsNamespace;
  /** The group every ordinal's tasks are in: the client and peer ports, open between its members only. */
  public readonly membersSecurityGroup: SecurityGroup;
  /** The running ordinals, in order. */
  public readonly ordinals: readonly StatefulOrdinal[];
  /** With `efs`: the access points of every retained ordinal, one `for_each` instance per ordinal. */
  public readonly accessPoints?: EfsAccessPointMap;
  /** With `ebs`: the host and volume of every retained ordinal, by ordinal. */
  public readonly capacities: readonly PinnedEbsCapacity[] = [];
  /**
   * With `ebs`: one `terraform_data` instance per retained ordinal, with `prevent_destroy` unless
   * `allowDestroy`, so a plan that drops an ordinal's host and volume stops instead.
   */
  public readonly retainedOrdinals?: DataResource;
  private readonly clientPort?: number;
  private readonly tags?: Record<string, string>;
  private clientIngress?: GroupIngress;
  /** The name of the namespace this service creates, as given. */
  private readonly createdNamespace?: string;

  constructor(scope: Construct, id: string, props: StatefulServiceProps) {
    super(scope, id);
    applyGuardExceptions(this, "guardExceptions", props.guardExceptions);
    // The default, made a DNS label: construct ids may hold upper case and '_'.
    this.name =
      props.name ??
      scopedName(this)
        .toLowerCase()
        .replace(/[^a-z0-9-]/g, "-");
    const namespace = props.namespace ?? `${this.name}.internal`;
    const retained = props.retainedOrdinals ?? props.replicas;
    validateStatefulService(this, props, this.name, namespace, retained);
    const namespaceName = typeof namespace === "string" ? namespace : namespace.name;
    const identities: OrdinalIdentity[] = range(props.replicas).map((ordinal) => ({
      ordinal,
      name: `${this.name}-${ordinal}`,
      hostname: `${this.name}-${ordinal}.${namespaceName}`,
    }));
    this.checkUniqueInStack(props, namespace);
    if (typeof namespace === "string") this.createdNamespace = namespace;
    const contexts: OrdinalContext[] = identities.map((identity) => ({ ...identity, peers: identities }));
    const environments = contexts.map((context) => props.ordinalEnvironment?.(context) ?? {});
    checkOrdinalEnvironments(this, props.container, environments);
    const tags = props.tags;
    this.tags = tags;
    this.clientPort = props.container.port;
    const preventDestroy = props.allowDestroy !== true;

    const members = { name: this.name, vpcId: props.network.vpcId, tags };
    if (typeof namespace === "string") {
      this.namespace = privateNamespace(this, members, namespace, preventDestroy);
      this.namespaceId = this.namespace.id;
      this.namespaceName = this.namespace.name;
    } else {
      this.namespaceId = namespace.id;
      this.namespaceName = namespace.name;
    }

    const ports = [props.container.port, ...(props.peerPorts ?? [])].filter(
      (port): port is number => port !== undefined,
    );
    const { securityGroup, rules: memberRules } = membersGroup(this, members, ports);
    this.membersSecurityGroup = securityGroup;

    const logs =
      props.logs ?? new ContainerLogs(this, "logs", { logGroupName: `/ecs/${this.name}`, retentionInDays: 30, tags });

    const efs = props.efs;
    if (efs) {
      // Named after the service, unique among every service sharing the storage (the construct id may not be).
      this.accessPoints = efs.storage.addAccessPointMap(
        isKnown(this.name) ? this.name : id,
        Object.fromEntries(
          range(retained).map((ordinal) => [
            String(ordinal),
            { path: `/${this.name}/${ordinal}`, uid: efs.uid, gid: efs.gid, permissions: efs.permissions },
          ]),
        ),
        // Named after the ordinal, not the bare map key, among the storage's other access points; shrinking
        // the map below an ordinal that has storage stops the plan, instead of deleting its access point.
        // The service's tags, not the storage's (none when it has none).
        { tags: tags ?? {}, namePrefix: this.name, preventDestroy },
      );
    }

    if (props.ebs) {
      this.capacities = this.ordinalCapacities(props, props.ebs, retained);
      const each = TerraformIterator.fromList(range(retained).map(String));
      // Each instance names the ordinal whose host and volume must stay: what a refused plan points at.
      this.retainedOrdinals = new DataResource(this, "retained-ordinals", {
        forEach: each,
        input: { storageOf: `${this.name}-${each.value}` },
        lifecycle: { preventDestroy },
      });
    }

    const ordinals: StatefulOrdinal[] = [];
    for (const context of contexts) {
      const ordinal = new StatefulOrdinal(this, `ordinal-${context.ordinal}`, {
        identity: { ordinal: context.ordinal, name: context.name, hostname: context.hostname },
        peerHostnames: identities.map((identity) => identity.hostname),
        namespaceId: this.namespaceId,
        cluster: props.cluster,
        network: props.network,
        logs,
        container: props.container,
        launchType: props.ebs ? "EC2" : "FARGATE",
        cpu: props.cpu ?? 256,
        memory: props.memory ?? 512,
        tags,
      });
      ordinal.service.joinSecurityGroup(this.membersSecurityGroup.id);
      ordinal.service.waitFor(() => memberRules);
      ordinal.service.addEnvironment(environments[context.ordinal]);
      if (efs && this.accessPoints) {
        efs.storage.mount(ordinal.service, this.accessPoints.accessPoint(String(context.ordinal)), {
          containerPath: efs.containerPath,
        });
      }
      const capacity = this.capacities[context.ordinal];
      if (capacity && ordinal.service instanceof Ec2Service) {
        capacity.run(ordinal.service, { containerPath: props.ebs!.containerPath, subPath: props.ebs!.subPath });
      }
      // Ordered start and update: this ordinal is created, and updated, only once the previous one is steady.
      const previous = ordinals[ordinals.length - 1];
      if (previous) ordinal.service.waitFor(() => [previous.service.service]);
      ordinals.push(ordinal);
    }
    this.ordinals = ordinals;
  }

  /**
   * Lets a service's tasks connect to every ordinal on the client port (`container.port`), in one call:
   * the port opens into the members' group from the client's group only, and out of the client's group to
   * it; the client's first task waits for both rules.
   */
  allowClient(client: ContainerService): void {
    const port = this.clientPort;
    if (port === undefined) {
      throw propError(this, `allowClient(${client.node.id}): container.port is not set, so there is no client port`);
    }
    this.clientIngress ??= new GroupIngress(this, {
      securityGroupId: this.membersSecurityGroup.id,
      port,
      idPrefix: "client-from",
      tags: this.tags,
    });
    const ingress = this.clientIngress;
    ingress.allow(client.securityGroupId, `Clients of ${this.name} from ${client.name}`);
    client.allowEgressTo({ securityGroupId: this.membersSecurityGroup.id }, port, `To the ordinals of ${this.name}`);
    client.waitFor((consumer) => [ingress.ruleFrom(consumer.securityGroupId)].filter((rule) => rule !== undefined));
  }

  /** The host names of the running ordinals, in order. */
  get hostnames(): string[] {
    return this.ordinals.map((ordinal) => ordinal.identity.hostname);
  }

  /**
   * Two services of a stack must not create the same namespace (Route 53 refuses a second private zone of one
   * name in a VPC at apply) nor share one file system under the same name (their access points would clash).
   */
  private checkUniqueInStack(props: StatefulServiceProps, namespace: string | NamespaceRef): void {
    const others = TerraformStack.of(this)
      .node.findAll()
      .filter((node): node is StatefulService => node instanceof StatefulService && node !== this);
    const sameNamespace = others.find(
      (other) => typeof namespace === "string" && isKnown(namespace) && other.createdNamespace === namespace,
    );
    if (sameNamespace) {
      throw propError(
        this,
        `namespace '${namespace}' is created by StatefulService '${sameNamespace.node.id}' already; give its namespace as { id, name } (its namespaceId and namespaceName) to share it`,
      );
    }
    const storage = props.efs?.storage;
    if (storage && isKnown(this.name) && storage.node.tryFindChild(this.name)) {
      throw propError(
        this,
        `name '${this.name}' is used by another service of EfsStorage '${storage.node.id}'; give each service sharing a file system its own name`,
      );
    }
  }

  /** One host and volume per retained ordinal, each in the zone of private subnet `ordinal % subnets`. */
  private ordinalCapacities(props: StatefulServiceProps, ebs: OrdinalEbsStorage, retained: number) {
    const subnets = props.network.privateSubnetIds;
    return range(retained).map(
      (ordinal) =>
        new PinnedEbsCapacity(this, `capacity-${ordinal}`, {
          network: props.network,
          cluster: props.cluster,
          subnetIndex: isKnown(subnets)
            ? ordinal % subnets.length
            : Token.asNumber(Op.mod(ordinal, Fn.lengthOf(subnets))),
          attributes: { "stateful-service": `${this.name}-${ordinal}` },
          name: `${this.name}-${ordinal}`,
          recovery: ebs.recovery,
          instanceType: ebs.instanceType,
          volume: ebs.volume,
          snapshots: ebs.snapshots,
          allowDestroy: props.allowDestroy,
          tags: props.tags,
        }),
    );
  }
}

/** 0, 1, ..., count - 1. */
function range(count: number): number[] {
  return Array.from({ length: count }, (_, index) => index);
}
