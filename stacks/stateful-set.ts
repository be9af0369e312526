import { Construct } from "constructs";
import { EfsStorage } from "../modules/efs-storage";
import { StatefulService } from "../modules/stateful-service";
import { ExampleClusterStack, ExampleStackProps } from "./example-stack";

/** ZooKeeper's ports: clients, followers to the leader, leader election. */
const CLIENT_PORT = 2181;
const QUORUM_PORT = 2888;
const ELECTION_PORT = 3888;
/** The image's `zookeeper` user, which the access points enforce too. */
const ZOOKEEPER_UID = 1000;

export interface StatefulSetStackProps extends ExampleStackProps {
  /**
   * How many ZooKeeper servers run: an odd number keeps a majority through a failure.
   * @default 3
   */
  readonly replicas?: number;
  /**
   * Ordinals whose storage stays after a scale-down (see `StatefulService`).
   * @default - `replicas`
   */
  readonly retainedOrdinals?: number;
}

/**
 * A StatefulSet for ECS: a 3-server ZooKeeper ensemble, each server an ordinal of a `StatefulService` with a
 * stable DNS name (`<stack>-zk-<i>.<stack>.internal`), its own directory on EFS (`/<stack>-zk/<i>`, its
 * `myid`, snapshots and transaction log), started in order. The ensemble's configuration names the peers by
 * those DNS names, and its ports are open between the servers only.
 */
export class StatefulSetStack extends ExampleClusterStack {
  public readonly storage: EfsStorage;
  public readonly zookeeper: StatefulService;

  constructor(scope: Construct, id: string, props: StatefulSetStackProps) {
    super(scope, id, props);
    const { network, cluster } = this;
    this.storage = new EfsStorage(this, "data", { network: network.ref, name: `${id}-data` });
    this.zookeeper = new StatefulService(this, "zookeeper", {
      name: `${id}-zk`,
      namespace: `${id}.internal`,
      replicas: props.replicas ?? 3,
      retainedOrdinals: props.retainedOrdinals,
      cluster,
      network: network.ref,
      cpu: 512,
      memory: 1024,
      peerPorts: [QUORUM_PORT, ELECTION_PORT],
      efs: { storage: this.storage, containerPath: "/data", uid: ZOOKEEPER_UID, gid: ZOOKEEPER_UID },
      container: {
        name: "zookeeper",
        image: "public.ecr.aws/docker/library/zookeeper:3.9.3",
        user: `${ZOOKEEPER_UID}:${ZOOKEEPER_UID}`,
        port: CLIENT_PORT,
        // The image writes zoo.cfg under /conf at every start, from the environment below.
        readonlyRootFilesystem: false,
        environment: {
          // The transaction log lives beside the snapshots, on the ordinal's own EFS directory.
          ZOO_DATA_LOG_DIR: "/data/txlog",
          ZOO_4LW_COMMANDS_WHITELIST: "ruok,srvr",
          ZOO_ADMINSERVER_ENABLED: "false",
          // zkEnv.sh gives the JVM 1000 MiB by default, all of the task's memory: half leaves room for the rest.
          ZK_SERVER_HEAP: "512",
          // Listen on every address: a server's own DNS name resolves only once ECS registers its task.
          ZOO_CFG_EXTRA: "quorumListenOnAllIPs=true",
        },
        // Ready once the server answers, before it has a quorum: ordinal 0 must be ready alone for 1 to start.
        healthCheck: {
          command: ["CMD-SHELL", `echo ruok | nc -w 2 localhost ${CLIENT_PORT} | grep -q imok`],
          startPeriodSeconds: 60,
        },
      },
      ordinalEnvironment: ({ ordinal, peers }) => ({
        // ZooKeeper ids run from 1 to 255; the entrypoint writes it to /data/myid once.
        ZOO_MY_ID: String(ordinal + 1),
        ZOO_SERVERS: peers
          .map((peer) => `server.${peer.ordinal + 1}=${peer.hostname}:${QUORUM_PORT}:${ELECTION_PORT};${CLIENT_PORT}`)
          .join(" "),
      }),
    });
    this.storage.addOutputs();
  }
}
