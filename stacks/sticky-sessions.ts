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

    // No certificate and nothing protected from destroy: an example that `cdktf destroy` can remove. Give a
    // certificateArn (HTTPS, HTTP redirects to it) and drop allowDestroy in production.
    this.alb = new StickyAlb(this, "alb", {
      network: network.ref,
      name: `${id}-web`,
      targetPort: WEB_PORT,
      stickiness: { type: "lb_cookie", durationSeconds: 3600 },
      allowDestroy: true,
    });
    this.store = new SessionStore(this, "sessions", {
      network: network.ref,
      name: `${id}-sessions`,
      allowDestroy: true,
    });

    this.service = new FargateService(this, "web", {
      cluster,
      network: network.ref,
      roles: new TaskRoles(this, "roles", { name: `${id}-web` }),
      logs: new ContainerLogs(this, "logs", { logGroupName: `/ecs/${id}/web`, retentionInDays: 30 }),
      desiredCount: 2,
      container: {
        name: "web",
        image: "public.ecr.aws/docker/library/nginx:1.27",
        port: WEB_PORT,
        // nginx writes its cache and pid under /var.
        readonlyRootFilesystem: false,
      },
    });
    // One call each: the target group and the port on both groups; the cache port both ways, the IAM
    // grant and the SESSION_STORE_* environment the application reads (nginx stands in for it).
    this.alb.route(this.service);
    this.store.connect(this.service);
  }
}
