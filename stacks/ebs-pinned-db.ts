import { Construct } from "constructs";
import { ContainerLogs, Ec2Service, GeneratedSecret, TaskRoles } from "../modules/ecs";
import { PinnedEbsCapacity, RecoveryMode } from "../modules/pinned-capacity";
import { ExampleClusterStack, ExampleStackProps } from "./example-stack";

export interface EbsPinnedDbStackProps extends ExampleStackProps {
  /**
   * How the database host recovers: see `PinnedEbsCapacity`.
   * @default "self-healing"
   */
  readonly recovery?: RecoveryMode;
}

/**
 * Pattern 2, EBS-pinned EC2 capacity: PostgreSQL whose data directory is a host volume on an encrypted EBS
 * volume, pinned to the one container instance that mounts it (`role=db-primary`). The instance group heals
 * itself: a lost host is replaced, the new one attaches the same volume, and the task comes back with its
 * data. Deployments stop the old task before starting the new one, and every task holds the volume's
 * single-writer lock, so the volume never has two writers, whatever starts a task.
 * Prefer a managed database (RDS) where you can; this pattern is for workloads that cannot move yet.
 */
export class EbsPinnedDbStack extends ExampleClusterStack {
  public readonly capacity: PinnedEbsCapacity;
  public readonly service: Ec2Service;

  constructor(scope: Construct, id: string, props: EbsPinnedDbStackProps) {
    super(scope, id, props);
    const { network, cluster } = this;

    this.capacity = new PinnedEbsCapacity(this, "db", {
      network: network.ref,
      cluster,
      attributes: { role: "db-primary" },
      recovery: props.recovery,
      name: `${id}-db`,
      volume: { sizeGib: 50 },
    });

    this.service = new Ec2Service(this, "postgres", {
      cluster,
      network: network.ref,
      roles: new TaskRoles(this, "roles", { name: `${id}-postgres` }),
      logs: new ContainerLogs(this, "logs", { logGroupName: `/ecs/${id}/postgres`, retentionInDays: 30 }),
      cpu: 1024,
      memory: 2048,
      container: {
        name: "postgres",
        image: "public.ecr.aws/docker/library/postgres:16",
        port: 5432,
        environment: { PGDATA: "/var/lib/postgresql/data/pgdata" },
        // PostgreSQL writes its socket and lock files under /var/run.
        readonlyRootFilesystem: false,
      },
    });
    // One call pins the service to the host, mounts the volume with its lock and deploys one writer at a time.
    this.capacity.run(this.service, { containerPath: "/var/lib/postgresql/data", subPath: "postgres" });
    new GeneratedSecret(this, "postgres-password", { name: `${id}/postgres-password` }).injectInto(
      this.service,
      "POSTGRES_PASSWORD",
    );
  }
}
