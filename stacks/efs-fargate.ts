import { Construct } from "constructs";
import { ContainerLogs, FargateService, TaskRoles } from "../modules/ecs";
import { EfsStorage } from "../modules/efs-storage";
import { ExampleClusterStack, ExampleStackProps } from "./example-stack";

/**
 * Pattern 1, EFS + access points: a Fargate `data-processor` that keeps its files on EFS through the
 * `processing` access point (uid/gid 1000, directory /processing, mode 755), mounted at /data. A replaced
 * task finds its files where the old one left them.
 */
export class EfsFargateStack extends ExampleClusterStack {
  public readonly storage: EfsStorage;
  public readonly service: FargateService;

  constructor(scope: Construct, id: string, props: ExampleStackProps) {
    super(scope, id, props);
    const { network, cluster } = this;

    this.storage = new EfsStorage(this, "data", { network: network.ref, name: `${id}-data` });
    const processing = this.storage.addAccessPoint("processing", {
      path: "/processing",
      uid: 1000,
      gid: 1000,
      permissions: "755",
    });

    this.service = new FargateService(this, "data-processor", {
      cluster,
      network: network.ref,
      roles: new TaskRoles(this, "roles", { name: `${id}-data-processor` }),
      logs: new ContainerLogs(this, "logs", { logGroupName: `/ecs/${id}/data-processor`, retentionInDays: 30 }),
      cpu: 512,
      memory: 1024,
      container: {
        name: "data-processor",
        image: "public.ecr.aws/docker/library/busybox:1.36",
        user: "1000:1000",
        // Appends a line a minute: after a task replacement the file keeps growing instead of starting over.
        command: [
          "sh",
          "-c",
          "while true; do date >> /data/heartbeat.log; tail -n 1 /data/heartbeat.log; sleep 60; done",
        ],
      },
    });
    // One call wires both sides: the grant, NFS in and out, the volume and its mount point.
    this.storage.mount(this.service, processing, { containerPath: "/data" });
    this.storage.addOutputs();
  }
}
