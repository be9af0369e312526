import { Fn, Token } from "cdktf";
import { Construct } from "constructs";
import { ServiceDiscoveryService } from "@cdktf/provider-aws/lib/service-discovery-service";
import { ContainerService, Ec2Service, FargateService, TaskRoles } from "../ecs";
import type { ClusterRef, ContainerSpec, LogDestination } from "../ecs";
import { isKnown, resourceAddress } from "../core/tokens";
import { NetworkRef } from "../network/network-ref";

/** Who one ordinal is: what its peers and clients call it. */
export interface OrdinalIdentity {
  /** 0 to replicas - 1. */
  readonly ordinal: number;
  /** `<name>-<ordinal>`: its ECS service, Cloud Map service and task role prefix. */
  readonly name: string;
  /** `<name>-<ordinal>.<namespace>`: resolves to its task's private IP (an A record). */
  readonly hostname: string;
}

/** What `ordinalEnvironment` is given: the ordinal's identity, and every running ordinal's. */
export interface OrdinalContext extends OrdinalIdentity {
  /** Every running ordinal, in order, this one included. */
  readonly peers: readonly OrdinalIdentity[];
}

/** The environment variables every ordinal's container receives. */
export const ORDINAL_VARIABLES = {
  ordinal: "STATEFUL_ORDINAL",
  hostname: "STATEFUL_HOSTNAME",
  peers: "STATEFUL_PEERS",
  replicas: "STATEFUL_REPLICAS",
} as const;

/** Seconds resolvers may cache an ordinal's A record: short, so a replaced task is found within seconds. */
export const DNS_TTL_SECONDS = 10;

/** What `StatefulService` gives each ordinal it creates. */
export interface StatefulOrdinalProps {
  /** Who the ordinal is: its names and its `STATEFUL_*` variables come from here (each may be a token). */
  readonly identity: OrdinalIdentity;
  /** The host name of every running ordinal, in order, this one's included (a list token too). */
  readonly peerHostnames: string[];
  /** The Cloud Map namespace its name is registered in. */
  readonly namespaceId: string;
  /** The cluster its service runs in. */
  readonly cluster: ClusterRef;
  /** Its task runs in the private subnets. */
  readonly network: NetworkRef;
  /** Where its container logs. */
  readonly logs: LogDestination;
  /** The container it runs, before the `STATEFUL_*` variables are added. */
  readonly container: ContainerSpec;
  /** `FARGATE`, or `EC2` for an ordinal pinned to a container instance of its own (block storage). */
  readonly launchType: "FARGATE" | "EC2";
  /** Task CPU units. */
  readonly cpu: number;
  /** Task memory in MiB. */
  readonly memory: number;
  /**
   * Tags for its resources.
   * @default - none
   */
  readonly tags?: Record<string, string>;
}

/**
 * One ordinal of a `StatefulService`: its own task role, an ECS service of one task that never runs two
 * (deployments stop the old task first), registered under its stable DNS name, and told who it is.
 */
export class StatefulOrdinal extends Construct {
  /** Its ordinal, names and host name. */
  public readonly identity: OrdinalIdentity;
  /** The ordinal's execution and task roles: grants made to this task role reach this ordinal only. */
  public readonly roles: TaskRoles;
  /** The ECS service `<name>-<ordinal>`: one task, stopped before its replacement starts. */
  public readonly service: ContainerService;
  /** The Cloud Map service that gives the task its DNS name, healthy only while ECS reports it healthy. */
  public readonly discoveryService: ServiceDiscoveryService;

  constructor(scope: Construct, id: string, props: StatefulOrdinalProps) {
    super(scope, id);
    const { identity } = props;
    this.identity = identity;
    this.discoveryService = new ServiceDiscoveryService(this, "discovery-service", {
      name: identity.name,
      description: `Ordinal ${identity.ordinal}: the task of ECS service ${identity.name}`,
      dnsConfig: {
        namespaceId: props.namespaceId,
        routingPolicy: "MULTIVALUE",
        dnsRecords: [{ type: "A", ttl: DNS_TTL_SECONDS }],
      },
      // ECS reports the task's health (its container health check) to Cloud Map. The threshold is spelled out:
      // the provider sends an empty block as none, and then plans to replace the service on every apply.
      healthCheckCustomConfig: { failureThreshold: 1 },
      // A task ECS has not yet deregistered must not block removing the name on a scale-down.
      forceDestroy: true,
      tags: props.tags,
    });
    this.roles = new TaskRoles(this, "roles", { name: identity.name, tags: props.tags });
    const serviceProps = {
      name: identity.name,
      cluster: props.cluster,
      network: props.network,
      roles: this.roles,
      logs: props.logs,
      container: props.container,
      cpu: props.cpu,
      memory: props.memory,
      desiredCount: 1,
      tags: props.tags,
    };
    this.service =
      props.launchType === "EC2"
        ? new Ec2Service(this, "service", serviceProps)
        : new FargateService(this, "service", serviceProps);
    // One task per identity, ever: a deployment stops the old task before it starts the new one.
    this.service.useDeployment({ minimumHealthyPercent: 0, maximumPercent: 100 });
    this.service.service.putServiceRegistries({ registryArn: this.discoveryService.arn });
    // Terraform returns only once the ordinal is steady, so the next one starts (or updates) after it.
    this.service.service.waitForSteadyState = true;
    // A deployment the circuit breaker rolled back is steady too, on the old task definition: the provider
    // reports success. Checking the task definition fails the apply there, before the next ordinal rolls.
    const taskDefinition = this.service.taskDefinition;
    this.service.service.lifecycle = {
      postcondition: [
        {
          condition: `\${self.task_definition == ${resourceAddress(taskDefinition)}.arn}`,
          errorMessage: `ECS service ${identity.name} did not reach its new task definition: the deployment circuit breaker rolled it back (see its events). The next ordinals keep their task definition.`,
        },
      ],
    };
    const peers = props.peerHostnames;
    this.service.addEnvironment({
      [ORDINAL_VARIABLES.ordinal]: isKnown(identity.ordinal)
        ? String(identity.ordinal)
        : Token.asString(identity.ordinal),
      [ORDINAL_VARIABLES.hostname]: identity.hostname,
      [ORDINAL_VARIABLES.peers]: isKnown(peers) ? peers.join(",") : Fn.join(",", peers),
      [ORDINAL_VARIABLES.replicas]: isKnown(peers) ? String(peers.length) : Token.asString(Fn.lengthOf(peers)),
    });
  }
}
