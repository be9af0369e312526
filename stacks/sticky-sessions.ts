import { Construct } from "constructs";
import { ContainerLogs, FargateService, TaskRoles } from "../modules/ecs";
import { SessionStore } from "../modules/session-store";
import { StickyAlb } from "../modules/sticky-alb";
import { ExampleClusterStack, ExampleStackProps } from "./example-stack";

const WEB_PORT = 80;

/**
 * Pattern 3, stickiness for speed, never for correctness: a Fargate web service of two tasks behind a
 * sticky ALB (load balancer cookie, one hour), with session state in an encrypted, IAM-authenticated,
 * Multi-AZ Valkey store that only the web tasks can reach. A task that restarts loses nothing: the next
 * request, on whichever task, finds the session in the store.
 */
export class StickySessionsStack extends ExampleClusterStack {
  public readonly alb: StickyAlb;
  public readonly store: SessionStore;
  public readonly service: FargateService;

  constructor(scope: Construct, id: string, props: ExampleStackProps) {
    super(scope, id, props);
    const { network, cluster } = this;

    // No certificate and no deletion protection: an example that `cdktf destroy` can remove. Give a
    // certificateArn (HTTPS, HTTP redirects to it) and drop disableDeletionProtection in production.
    this.alb = new StickyAlb(this, "alb", {
      network: network.ref,
      name: `${id}-web`,
      targetPort: WEB_PORT,
      stickiness: { type: "lb_cookie", durationSeconds: 3600 },
      disableDeletionProtection: true,
    });
    this.store = new SessionStore(this, "sessions", { network: network.ref, name: `${id}-sessions` });

    const roles = new TaskRoles(this, "roles", { name: `${id}-web` });
    this.store.grantConnect(roles.taskRole);

    this.service = new FargateService(this, "web", {
      clusterArn: cluster.arn,
      network: network.ref,
      roles,
      logs: new ContainerLogs(this, "logs", { logGroupName: `/ecs/${id}/web`, retentionInDays: 30 }),
      desiredCount: 2,
      container: {
        name: "web",
        image: "public.ecr.aws/docker/library/nginx:1.27",
        port: WEB_PORT,
        // The application reads where its sessions live from here; nginx stands in for it.
        environment: this.store.environment(),
        // nginx writes its cache and pid under /var.
        readonlyRootFilesystem: false,
      },
      loadBalancer: this.alb.target,
    });
    this.alb.allowTo(this.service.securityGroupId);
    this.store.allowFrom(this.service.securityGroupId, "Sessions from the web tasks");
    this.service.allowEgressTo(
      { securityGroupId: this.store.securityGroup.id },
      this.store.port,
      "To the session store",
    );
  }
}
