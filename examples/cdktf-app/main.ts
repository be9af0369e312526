// A cdktf app of your own, using stateful-ecs from its package entry points: an existing VPC, one cluster,
// and each pattern wired with its one-call connection. The test suite installs the packed library into a
// copy of this folder and runs `terraform validate` on what it synthesizes.
import { App, TerraformStack } from "cdktf";
import { Construct } from "constructs";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import type { Connectable } from "stateful-ecs/core";
import { ContainerLogs, Ec2Service, EcsCluster, FargateService, GeneratedSecret, TaskRoles } from "stateful-ecs/ecs";
import { EfsStorage } from "stateful-ecs/efs-storage";
import { NetworkRef } from "stateful-ecs/network";
import { PinnedEbsCapacity } from "stateful-ecs/pinned-capacity";
import { DynamoSessionTable, SessionStore } from "stateful-ecs/session-store";
import { StickyAlb } from "stateful-ecs/sticky-alb";

/** Your VPC: replace with your ids (or feed them from another stack's outputs). */
const network: NetworkRef = {
  vpcId: "vpc-0123456789abcdef0",
  privateSubnetIds: ["subnet-0aaaaaaaaaaaaaaa1", "subnet-0bbbbbbbbbbbbbbb2"],
  privateSubnetAvailabilityZones: ["eu-west-1a", "eu-west-1b"],
  publicSubnetIds: ["subnet-0ccccccccccccccc3", "subnet-0ddddddddddddddd4"],
  publicSubnetAvailabilityZones: ["eu-west-1a", "eu-west-1b"],
};

class StatefulApp extends TerraformStack {
  constructor(scope: Construct, id: string) {
    super(scope, id);
    new AwsProvider(this, "aws", { region: "eu-west-1" });
    const cluster = new EcsCluster(this, "cluster");

    // Pattern 1: files on EFS through an access point.
    const files = new EfsStorage(this, "files", { network });
    const uploads = files.addAccessPoint("uploads", { path: "/uploads", uid: 1000, gid: 1000 });
    const worker = new FargateService(this, "worker", {
      cluster,
      network,
      roles: new TaskRoles(this, "worker-roles"),
      logs: new ContainerLogs(this, "worker-logs"),
      container: { name: "worker", image: "public.ecr.aws/docker/library/busybox:1.36", user: "1000:1000" },
    });
    files.mount(worker, uploads, { containerPath: "/uploads" });

    // Pattern 2: a database pinned to its EBS volume.
    const db = new PinnedEbsCapacity(this, "db", { network, cluster, attributes: { role: "db-primary" } });
    const postgres = new Ec2Service(this, "postgres", {
      cluster,
      network,
      roles: new TaskRoles(this, "postgres-roles"),
      logs: new ContainerLogs(this, "postgres-logs"),
      cpu: 1024,
      memory: 2048,
      container: {
        name: "postgres",
        image: "public.ecr.aws/docker/library/postgres:16",
        port: 5432,
        environment: { PGDATA: "/var/lib/postgresql/data/pgdata" },
        readonlyRootFilesystem: false,
      },
    });
    db.run(postgres, { containerPath: "/var/lib/postgresql/data" });
    new GeneratedSecret(this, "postgres-password").injectInto(postgres, "POSTGRES_PASSWORD");

    // Pattern 3: a sticky ALB in front, sessions in Valkey (or DynamoDB).
    const alb = new StickyAlb(this, "alb", { network, targetPort: 8080 });
    const sessions = new SessionStore(this, "sessions", { network });
    const web = new FargateService(this, "web", {
      cluster,
      network,
      roles: new TaskRoles(this, "web-roles"),
      logs: new ContainerLogs(this, "web-logs"),
      desiredCount: 2,
      container: { name: "web", image: "public.ecr.aws/docker/library/nginx:1.27", port: 8080 },
    });
    alb.route(web);
    sessions.connect(web);
    new DynamoSessionTable(this, "session-table").connect(web);

    // Every service is a Connectable: open egress your own way where no module does it for you.
    const connectable: Connectable = web;
    connectable.allowEgressTo({ cidrIpv4: "10.20.0.0/16" }, 443, "HTTPS to the partner network");
  }
}

const app = new App();
new StatefulApp(app, "stateful-app");
app.synth();
