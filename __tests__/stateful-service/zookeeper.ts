import { Construct } from "constructs";
import { EfsStorage } from "../../modules/efs-storage";
import { StatefulServiceProps } from "../../modules/stateful-service";
import { existingNetwork } from "../support/fixtures";

export const CLIENT_PORT = 2181;
export const PEER_PORTS = [2888, 3888];

/** ZooKeeper-like props: three ordinals named `zk`, a client port and two peer ports. */
export function zookeeper(overrides: Partial<StatefulServiceProps> = {}): StatefulServiceProps {
  return {
    name: "zk",
    replicas: 3,
    cluster: { name: "main" },
    network: existingNetwork,
    peerPorts: PEER_PORTS,
    container: {
      name: "zookeeper",
      image: "public.ecr.aws/docker/library/zookeeper:3.9.3",
      port: CLIENT_PORT,
    },
    ...overrides,
  };
}

/** The ordinals' storage, `EfsStorage 'data'` in `scope` (which must hold no other storage named `data`). */
export function storageIn(scope: Construct): EfsStorage {
  return new EfsStorage(scope, "data", { network: existingNetwork });
}
