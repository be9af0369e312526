import { Construct } from "constructs";
import { ContainerLogs, FargateService, TaskRoles } from "../modules/ecs";
import { EfsStorage } from "../modules/efs-storage";
import { ExampleClusterStack, ExampleStackProps } from "../stacks/example-stack";

export interface ScalingStackProps extends ExampleStackProps {
  /** How many EFS-backed stateful services the stack holds, 1 to 1000. */
  readonly services: number;
}

/**
 * The benchmark's scaling subject: one EFS file system shared by `services` Fargate services, each with its
 * own access point, grant, task and execution roles, log group, task definition, service and security group
 * rules: what a team running many small stateful services ends up synthesizing.
 */
export class ScalingStack extends ExampleClusterStack {
  constructor(scope: Construct, id: string, props: ScalingStackProps) {
    if (!Number.isInteger(props.services) || props.services < 1 || props.services > 1000) {
      throw new Error(`ScalingStack '${id}': services ${props.services} is not a whole number from 1 to 1000`);
    }
    super(scope, id, props);
    const storage = new EfsStorage(this, "data", { network: this.network.ref, name: `${id}-data` });
    for (let index = 0; index < props.services; index++) {
      const name = `svc-${index}`;
      const accessPoint = storage.addAccessPoint(name, { path: `/${name}`, uid: 10000 + index, gid: 10000 + index });
      const service = new FargateService(this, name, {
        cluster: this.cluster,
        network: this.network.ref,
        roles: new TaskRoles(this, `${name}-roles`, { name: `${id}-${name}` }),
        logs: new ContainerLogs(this, `${name}-logs`, { logGroupName: `/ecs/${id}/${name}` }),
        container: { name, image: "public.ecr.aws/docker/library/busybox:1.36", command: ["sleep", "infinity"] },
      });
      storage.mount(service, accessPoint, { containerPath: "/data" });
    }
  }
}
