import { GuardExceptions, applyGuardExceptions } from "../core/guard-exceptions";
import { Fn, TerraformCount } from "cdktf";
import { Construct } from "constructs";
import { Lb } from "@cdktf/provider-aws/lib/lb";
import { LbListener } from "@cdktf/provider-aws/lib/lb-listener";
import { LbTargetGroup, LbTargetGroupStickiness } from "@cdktf/provider-aws/lib/lb-target-group";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { VpcSecurityGroupEgressRule } from "@cdktf/provider-aws/lib/vpc-security-group-egress-rule";
import { VpcSecurityGroupIngressRule } from "@cdktf/provider-aws/lib/vpc-security-group-ingress-rule";
import { Consumer } from "../core/connectable";
import { propError } from "../core/errors";
import { scopedName } from "../core/names";
import { withTags } from "../core/tags";
import { countOf, expressionOf, isKnown } from "../core/tokens";
import { checkInteger, checkIpv4Cidr, checkLiteral, checkPattern, checkSecurityGroupId } from "../core/validate";
import { ContainerService, LoadBalancerTarget } from "../ecs/container-service";
import { NetworkRef } from "../network/network-ref";
import { checkTwoZones, validateNetworkRef } from "../network/validate-network-ref";

/**
 * Stickiness keeps a client on one task, which makes caches warm; it is never where session state lives.
 * `lb_cookie`: the ALB's own cookie (AWSALB), for `durationSeconds`. `app_cookie`: follows the application's
 * cookie `cookieName` (which may not start with `AWSALB`, a prefix the ALB keeps for itself).
 */
export type Stickiness =
  | { readonly type: "lb_cookie"; readonly durationSeconds?: number }
  | { readonly type: "app_cookie"; readonly cookieName: string; readonly durationSeconds?: number };

export interface HealthCheckOptions {
  /**
   * The path health checks request.
   * @default "/"
   */
  readonly path?: string;
  /**
   * The port health checks go to.
   * @default "traffic-port" (the target port)
   */
  readonly port?: string;
  /** Successes in a row before a target is healthy, 2 to 10. @default 2 */
  readonly healthyThreshold?: number;
  /** Failures in a row before a target is unhealthy, 2 to 10. @default 3 */
  readonly unhealthyThreshold?: number;
  /** Seconds between checks, 5 to 300. @default 15 */
  readonly intervalSeconds?: number;
  /** Seconds to wait for an answer, 2 to 120, less than the interval. @default 5 */
  readonly timeoutSeconds?: number;
  /** HTTP codes that mean healthy. @default "200-399" */
  readonly matcher?: string;
}

export interface StickyAlbProps {
  /** The load balancer goes into the public subnets (at least two zones). */
  readonly network: NetworkRef;
  /** The port the tasks listen on. */
  readonly targetPort: number;
  /**
   * An ACM certificate ARN: HTTPS on 443, and HTTP on 80 only redirects to it. Without one, plain HTTP on 80
   * (for examples only).
   * @default - none: plain HTTP
   */
  readonly certificateArn?: string;
  /**
   * Who may connect: IPv4 CIDR blocks allowed in on 80 (and 443 with a certificate).
   * @default ["0.0.0.0/0"] (the internet)
   */
  readonly ingressCidrs?: string[];
  /**
   * How clients stick to a task.
   * @default { type: "lb_cookie", durationSeconds: 3600 }
   */
  readonly stickiness?: Stickiness;
  /**
   * How the target group checks the tasks' health.
   * @default - the defaults of `HealthCheckOptions`
   */
  readonly healthCheck?: HealthCheckOptions;
  /**
   * Seconds a deregistering task keeps its in-flight requests, 0 to 3600.
   * @default 30 (web requests are short; ECS deployments wait this long per task)
   */
  readonly deregistrationDelaySeconds?: number;
  /**
   * Lets `terraform destroy` (or a change that replaces it, such as a new `name`) delete the load balancer,
   * and with it its DNS name, which clients and DNS records point at: turns off its deletion protection.
   * For examples. Must be a literal, so a reviewer sees it in the code.
   * @default false
   */
  readonly allowDestroy?: boolean;
  /**
   * An S3 bucket for access logs (its policy must let the region's ELB account write).
   * @default - no access logs
   */
  readonly accessLogsBucket?: string;
  /**
   * The load balancer's name, and the prefix of its target group's and security group's: 1 to 28 letters,
   * digits or hyphens (the target group adds `-tg`).
   * @default - `<stack id>-<construct path>`, unique per stack (see `scopedName`)
   */
  readonly name?: string;
  /**
   * Tags for every resource the construct creates.
   * @default - none
   */
  readonly tags?: Record<string, string>;
  /**
   * Deliberate exceptions to the guards that run at synth: rule id -> reason, for example
   * `{ SE007: "read-only copy of a dump" }`. The guards then report the rule's findings on this construct's
   * resources as silenced, with the reason, instead of failing synth.
   * @default - none: every guard applies
   */
  readonly guardExceptions?: GuardExceptions;
}

const HTTP = 80;
const HTTPS = 443;
/** TLS 1.3 with TLS 1.2 fallback: AWS's recommended policy. */
const SSL_POLICY = "ELBSecurityPolicy-TLS13-1-2-2021-06";
const MAX_COOKIE_SECONDS = 604800;

/**
 * An internet-facing Application Load Balancer for ECS tasks, with stickiness as a performance aid: its
 * own security group (in from the given CIDRs; out only to the tasks allowed with `allowTo`), invalid
 * headers dropped, deletion protection on, HTTPS with an HTTP redirect when given a certificate, and an
 * IP target group with health checks and stickiness. Pair it with a `SessionStore`.
 */
export class StickyAlb extends Construct {
  /** The load balancer's name, and the prefix of its target group's and security group's. */
  public readonly name: string;
  /** The `aws_lb` resource. */
  public readonly loadBalancer: Lb;
  /** The load balancer's security group: in from `ingressCidrs`, out to routed services only. */
  public readonly securityGroup: SecurityGroup;
  /** The `aws_lb_target_group` resource. */
  public readonly targetGroup: LbTargetGroup;
  /** The listener that forwards to the target group (HTTPS with a certificate, else HTTP). */
  public readonly listener: LbListener;
  private readonly targetPort: number;
  /**
   * The rules `allowTo()` made, by the task group id's Terraform expression: tasks registered here wait for
   * their group's, or they fail their health checks.
   */
  private readonly targetRules = new Map<string, Array<VpcSecurityGroupEgressRule | VpcSecurityGroupIngressRule>>();

  constructor(scope: Construct, id: string, props: StickyAlbProps) {
    super(scope, id);
    applyGuardExceptions(this, "guardExceptions", props.guardExceptions);
    this.name = props.name ?? scopedName(this);
    this.targetPort = props.targetPort;
    const stickiness = props.stickiness ?? { type: "lb_cookie", durationSeconds: 3600 };
    const healthCheck = props.healthCheck ?? {};
    const ingressCidrs = props.ingressCidrs ?? ["0.0.0.0/0"];
    this.validate(props, stickiness, healthCheck, ingressCidrs);

    this.securityGroup = new SecurityGroup(this, "security-group", {
      name: `${this.name}-alb`,
      description: `Load balancer ${this.name}: HTTP(S) in from the allowed CIDRs, out to its targets only`,
      vpcId: props.network.vpcId,
      tags: withTags(props.tags, { Name: `${this.name}-alb` }),
    });
    const listenerPorts = props.certificateArn === undefined ? [HTTP] : [HTTP, HTTPS];
    for (const port of listenerPorts) {
      const perCidr = TerraformCount.of(countOf(ingressCidrs));
      new VpcSecurityGroupIngressRule(this, `ingress-${port}`, {
        count: perCidr,
        securityGroupId: this.securityGroup.id,
        cidrIpv4: Fn.element(ingressCidrs, perCidr.index),
        ipProtocol: "tcp",
        fromPort: port,
        toPort: port,
        description: `${port === HTTPS ? "HTTPS" : "HTTP"} from an allowed client range`,
      });
    }

    this.loadBalancer = new Lb(this, "load-balancer", {
      name: this.name,
      loadBalancerType: "application",
      internal: false,
      subnets: props.network.publicSubnetIds,
      securityGroups: [this.securityGroup.id],
      dropInvalidHeaderFields: true,
      enableDeletionProtection: props.allowDestroy !== true,
      accessLogs: props.accessLogsBucket
        ? { bucket: props.accessLogsBucket, prefix: this.name, enabled: true }
        : undefined,
      tags: props.tags,
    });

    this.targetGroup = new LbTargetGroup(this, "target-group", {
      name: `${this.name}-tg`,
      targetType: "ip",
      port: props.targetPort,
      protocol: "HTTP",
      vpcId: props.network.vpcId,
      deregistrationDelay: String(props.deregistrationDelaySeconds ?? 30),
      healthCheck: {
        enabled: true,
        path: healthCheck.path ?? "/",
        port: healthCheck.port ?? "traffic-port",
        protocol: "HTTP",
        healthyThreshold: healthCheck.healthyThreshold ?? 2,
        unhealthyThreshold: healthCheck.unhealthyThreshold ?? 3,
        interval: healthCheck.intervalSeconds ?? 15,
        timeout: healthCheck.timeoutSeconds ?? 5,
        matcher: healthCheck.matcher ?? "200-399",
      },
      stickiness: stickinessBlock(stickiness),
      tags: props.tags,
    });

    const forward = [{ type: "forward", targetGroupArn: this.targetGroup.arn }];
    if (props.certificateArn === undefined) {
      this.listener = new LbListener(this, "http", {
        loadBalancerArn: this.loadBalancer.arn,
        port: HTTP,
        protocol: "HTTP",
        defaultAction: forward,
        tags: props.tags,
      });
    } else {
      this.listener = new LbListener(this, "https", {
        loadBalancerArn: this.loadBalancer.arn,
        port: HTTPS,
        protocol: "HTTPS",
        sslPolicy: SSL_POLICY,
        certificateArn: props.certificateArn,
        defaultAction: forward,
        tags: props.tags,
      });
      new LbListener(this, "http-redirect", {
        loadBalancerArn: this.loadBalancer.arn,
        port: HTTP,
        protocol: "HTTP",
        defaultAction: [
          { type: "redirect", redirect: { port: String(HTTPS), protocol: "HTTPS", statusCode: "HTTP_301" } },
        ],
        tags: props.tags,
      });
    }
  }

  /**
   * Routes the load balancer's traffic to a service in one call: registers its tasks in the target group
   * and opens the target port out of the load balancer's group and into the service's. `port` is the port
   * the container listens on; it must be the target group's `targetPort`. The service's first task waits
   * for the listener and these rules.
   */
  route(service: ContainerService, options: { readonly port?: number } = {}): void {
    const port = options.port ?? service.containerPort;
    checkInteger(this, "route() port", port, 1, 65535);
    if (port !== undefined && isKnown(port) && isKnown(this.targetPort) && port !== this.targetPort) {
      throw propError(
        this,
        `route() port ${port} of ${service.consumer.description} is not targetPort ${this.targetPort}: the target group would send traffic and health checks to a port the container does not listen on; make them equal`,
      );
    }
    this.allowTo(service.securityGroupId);
    service.addLoadBalancerTarget(this.target);
  }

  /** What an ECS service needs to register its tasks here, and what it must wait for. Low level: use `route()`. */
  get target(): LoadBalancerTarget {
    return {
      targetGroupArn: this.targetGroup.arn,
      port: this.targetPort,
      prerequisites: (consumer) => [this.listener, ...(this.rulesTo(consumer) ?? [])],
      check: (consumer) =>
        this.rulesTo(consumer)
          ? []
          : [
              `${consumer.description} registers in the target group of StickyAlb '${this.node.id}', but the load balancer may not reach its security group on port ${this.targetPort} (every health check fails); use alb.route(service)`,
            ],
    };
  }

  private rulesTo(consumer: Consumer) {
    return this.targetRules.get(String(expressionOf(this, consumer.securityGroupId)));
  }

  /** The load balancer's DNS name, where clients connect. */
  get dnsName(): string {
    return this.loadBalancer.dnsName;
  }

  /** The load balancer's security group id. */
  get securityGroupId(): string {
    return this.securityGroup.id;
  }

  /** The target group's ARN. */
  get targetGroupArn(): string {
    return this.targetGroup.arn;
  }

  /**
   * Opens the target port from the load balancer to the tasks' security group: out of the load balancer's
   * group, and into the tasks' group from it, nothing wider. Low level: `route()` does it.
   */
  allowTo(taskSecurityGroupId: string): void {
    checkSecurityGroupId(this, "allowTo taskSecurityGroupId", taskSecurityGroupId);
    const key = String(expressionOf(this, taskSecurityGroupId));
    if (this.targetRules.has(key)) return;
    const index = this.targetRules.size;
    const rule = { ipProtocol: "tcp", fromPort: this.targetPort, toPort: this.targetPort };
    const egress = new VpcSecurityGroupEgressRule(this, `to-targets-${index}`, {
      ...rule,
      securityGroupId: this.securityGroup.id,
      referencedSecurityGroupId: taskSecurityGroupId,
      description: `To the ${this.name} targets on their port`,
    });
    const ingress = new VpcSecurityGroupIngressRule(this, `into-targets-${index}`, {
      ...rule,
      securityGroupId: taskSecurityGroupId,
      referencedSecurityGroupId: this.securityGroup.id,
      description: `From load balancer ${this.name}`,
    });
    this.targetRules.set(key, [egress, ingress]);
  }

  private validate(
    props: StickyAlbProps,
    stickiness: Stickiness,
    healthCheck: HealthCheckOptions,
    ingressCidrs: string[],
  ): void {
    validateNetworkRef(this, props.network, ["public"]);
    checkTwoZones(this, props.network, "public", "an ALB");
    checkPattern(
      this,
      "name",
      this.name,
      /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,26}[A-Za-z0-9])?$/,
      "1 to 28 letters, digits or hyphens, not starting or ending with a hyphen",
    );
    checkInteger(this, "targetPort", props.targetPort, 1, 65535);
    checkPattern(
      this,
      "certificateArn",
      props.certificateArn,
      /^arn:aws[a-z-]*:acm:[a-z0-9-]+:\d{12}:certificate\/.+$/,
      "an ACM certificate ARN",
    );
    if (isKnown(ingressCidrs)) {
      if (ingressCidrs.length === 0) throw propError(this, "ingressCidrs is empty; give at least one CIDR block");
      ingressCidrs.forEach((cidr, index) => checkIpv4Cidr(this, `ingressCidrs[${index}]`, cidr));
    }
    checkInteger(this, "deregistrationDelaySeconds", props.deregistrationDelaySeconds, 0, 3600);
    checkLiteral(this, "allowDestroy", props.allowDestroy, "a reviewer must see it in the code");
    checkPattern(
      this,
      "accessLogsBucket",
      props.accessLogsBucket,
      /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/,
      "an S3 bucket name",
    );
    this.validateStickiness(stickiness);
    checkPattern(this, "healthCheck.path", healthCheck.path, /^\/\S{0,1023}$/, "a path starting with '/'");
    checkPattern(
      this,
      "healthCheck.port",
      healthCheck.port,
      /^(traffic-port|\d{1,5})$/,
      "'traffic-port' or a port number",
    );
    checkInteger(this, "healthCheck.healthyThreshold", healthCheck.healthyThreshold, 2, 10);
    checkInteger(this, "healthCheck.unhealthyThreshold", healthCheck.unhealthyThreshold, 2, 10);
    checkInteger(this, "healthCheck.intervalSeconds", healthCheck.intervalSeconds, 5, 300);
    checkInteger(this, "healthCheck.timeoutSeconds", healthCheck.timeoutSeconds, 2, 120);
    const interval = healthCheck.intervalSeconds ?? 15;
    const timeout = healthCheck.timeoutSeconds ?? 5;
    if (isKnown(interval) && isKnown(timeout) && timeout >= interval) {
      throw propError(
        this,
        `healthCheck.timeoutSeconds ${timeout} must be less than healthCheck.intervalSeconds ${interval}`,
      );
    }
    checkPattern(
      this,
      "healthCheck.matcher",
      healthCheck.matcher,
      /^\d{3}(-\d{3})?(,\d{3}(-\d{3})?)*$/,
      "HTTP codes such as '200' or '200-399'",
    );
  }

  private validateStickiness(stickiness: Stickiness): void {
    if (stickiness.type !== "lb_cookie" && stickiness.type !== "app_cookie") {
      throw propError(
        this,
        `stickiness.type '${(stickiness as { type: string }).type}' is not one of: lb_cookie, app_cookie`,
      );
    }
    checkInteger(this, "stickiness.durationSeconds", stickiness.durationSeconds, 1, MAX_COOKIE_SECONDS);
    if (stickiness.type === "app_cookie") {
      const { cookieName } = stickiness;
      if (cookieName === undefined || cookieName === "") {
        throw propError(
          this,
          "stickiness.cookieName is required with type 'app_cookie': the application's session cookie",
        );
      }
      if (isKnown(cookieName) && /^AWSALB/i.test(cookieName)) {
        throw propError(
          this,
          `stickiness.cookieName '${cookieName}' starts with AWSALB, a prefix the load balancer keeps for its own cookies`,
        );
      }
      checkPattern(
        this,
        "stickiness.cookieName",
        cookieName,
        /^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,255}$/,
        "a cookie name (letters, digits and !#$%&'*+.^_`|~-)",
      );
    }
  }
}

function stickinessBlock(stickiness: Stickiness): LbTargetGroupStickiness {
  const cookieDuration = stickiness.durationSeconds ?? 3600;
  return stickiness.type === "app_cookie"
    ? { enabled: true, type: "app_cookie", cookieName: stickiness.cookieName, cookieDuration }
    : { enabled: true, type: "lb_cookie", cookieDuration };
}
