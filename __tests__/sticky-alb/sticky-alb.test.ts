import { Testing } from "cdktf";
import { Construct } from "constructs";
import { Lb } from "@cdktf/provider-aws/lib/lb";
import { LbListener } from "@cdktf/provider-aws/lib/lb-listener";
import { LbTargetGroup } from "@cdktf/provider-aws/lib/lb-target-group";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { FargateService } from "../../modules/ecs";
import { StickyAlb, StickyAlbProps } from "../../modules/sticky-alb";
import {
  existingNetwork,
  onlyResource,
  resources,
  serviceBasics,
  synthConfig,
  testStack,
  variables,
} from "../support/fixtures";

const certificateArn = "arn:aws:acm:eu-west-1:123456789012:certificate/abcd-1234";

function albIn(scope: Construct, props: Partial<StickyAlbProps> = {}): StickyAlb {
  return new StickyAlb(scope, "web", { network: existingNetwork, targetPort: 8080, ...props });
}

describe("StickyAlb with defaults (no certificate)", () => {
  const synthesized = synthConfig((scope) => albIn(scope));

  it("is an internet-facing ALB in the public subnets, dropping invalid headers, protected from deletion", () => {
    expect(synthesized.json).toHaveResourceWithProperties(Lb, {
      load_balancer_type: "application",
      internal: false,
      subnets: existingNetwork.publicSubnetIds,
      drop_invalid_header_fields: true,
      enable_deletion_protection: true,
      security_groups: [expect.stringMatching(/aws_security_group\.web_security-group_\w+\.id/)],
    });
    expect(onlyResource(synthesized, "aws_lb")).not.toHaveProperty("access_logs");
  });

  it("has its own described security group, open on 80 to the internet and nothing else yet", () => {
    expect(synthesized.json).toHaveResourceWithProperties(SecurityGroup, {
      description: expect.stringContaining("HTTP(S) in from the allowed CIDRs"),
    });
    const ingress = resources(synthesized, "aws_vpc_security_group_ingress_rule");
    expect(ingress.map((rule) => [rule.from_port, rule.cidr_ipv4, rule.count])).toEqual([
      [80, '${element(["0.0.0.0/0"], count.index)}', 1],
    ]);
    expect(resources(synthesized, "aws_vpc_security_group_egress_rule")).toEqual([]);
  });

  it("serves plain HTTP to the target group when no certificate is given", () => {
    const listeners = resources(synthesized, "aws_lb_listener");
    expect(listeners).toHaveLength(1);
    expect(listeners[0]).toMatchObject({
      port: 80,
      protocol: "HTTP",
      default_action: [{ type: "forward", target_group_arn: expect.stringMatching(/aws_lb_target_group\./) }],
    });
  });

  it("sends traffic to task IPs, checks health, drains for 30 s, and sticks with the ALB cookie for an hour", () => {
    expect(synthesized.json).toHaveResourceWithProperties(LbTargetGroup, {
      target_type: "ip",
      port: 8080,
      protocol: "HTTP",
      vpc_id: existingNetwork.vpcId,
      deregistration_delay: "30",
      health_check: {
        enabled: true,
        path: "/",
        port: "traffic-port",
        protocol: "HTTP",
        healthy_threshold: 2,
        unhealthy_threshold: 3,
        interval: 15,
        timeout: 5,
        matcher: "200-399",
      },
      stickiness: { enabled: true, type: "lb_cookie", cookie_duration: 3600 },
    });
  });
});

describe("StickyAlb with a certificate and options", () => {
  const synthesized = synthConfig((scope) =>
    albIn(scope, {
      certificateArn,
      ingressCidrs: ["203.0.113.0/24", "198.51.100.0/24"],
      stickiness: { type: "app_cookie", cookieName: "SESSIONID", durationSeconds: 600 },
      healthCheck: { path: "/healthz", healthyThreshold: 3, intervalSeconds: 30, timeoutSeconds: 10, matcher: "200" },
      deregistrationDelaySeconds: 120,
      accessLogsBucket: "my-alb-logs",
    }),
  );

  it("serves HTTPS with a TLS 1.3 policy and turns HTTP into a redirect", () => {
    expect(synthesized.json).toHaveResourceWithProperties(LbListener, {
      port: 443,
      protocol: "HTTPS",
      ssl_policy: "ELBSecurityPolicy-TLS13-1-2-2021-06",
      certificate_arn: certificateArn,
    });
    expect(synthesized.json).toHaveResourceWithProperties(LbListener, {
      port: 80,
      protocol: "HTTP",
      default_action: [{ type: "redirect", redirect: { port: "443", protocol: "HTTPS", status_code: "HTTP_301" } }],
    });
  });

  it("lets the given client ranges in on 80 and 443", () => {
    const ingress = resources(synthesized, "aws_vpc_security_group_ingress_rule");
    expect(ingress.map((rule) => [rule.from_port, rule.count]).sort(([a], [b]) => a - b)).toEqual([
      [80, 2],
      [443, 2],
    ]);
    expect(ingress[0].cidr_ipv4).toBe('${element(["203.0.113.0/24", "198.51.100.0/24"], count.index)}');
  });

  it("follows the application's cookie and takes the health check and drain settings", () => {
    expect(synthesized.json).toHaveResourceWithProperties(LbTargetGroup, {
      deregistration_delay: "120",
      stickiness: { enabled: true, type: "app_cookie", cookie_name: "SESSIONID", cookie_duration: 600 },
      health_check: expect.objectContaining({
        path: "/healthz",
        healthy_threshold: 3,
        interval: 30,
        timeout: 10,
        matcher: "200",
      }),
    });
  });

  it("writes access logs to the bucket", () => {
    expect(synthesized.json).toHaveResourceWithProperties(Lb, {
      access_logs: { bucket: "my-alb-logs", prefix: "test-web", enabled: true },
    });
  });
});

function appIn(scope: Construct, port?: number): FargateService {
  return new FargateService(scope, "app", {
    ...serviceBasics(scope),
    container: { name: "app", image: "busybox", port },
  });
}

describe("StickyAlb.route and ECS services", () => {
  const synthesized = synthConfig((scope) => {
    const alb = albIn(scope, { allowDestroy: true });
    const service = appIn(scope, 8080);
    alb.route(service);
    alb.allowTo(service.securityGroupId);
  });

  it("opens the target port out of the ALB's group and into the tasks' group, once", () => {
    const egress = resources(synthesized, "aws_vpc_security_group_egress_rule").filter((rule) =>
      String(rule.security_group_id).includes("web_security-group"),
    );
    expect(egress).toEqual([
      expect.objectContaining({
        from_port: 8080,
        to_port: 8080,
        referenced_security_group_id: expect.stringMatching(/aws_security_group\.app_security-group_\w+\.id/),
      }),
    ]);
    const ingress = resources(synthesized, "aws_vpc_security_group_ingress_rule").filter((rule) =>
      String(rule.security_group_id).includes("app_security-group"),
    );
    expect(ingress).toEqual([
      expect.objectContaining({
        from_port: 8080,
        referenced_security_group_id: expect.stringMatching(/aws_security_group\.web_security-group_\w+\.id/),
      }),
    ]);
  });

  it("registers the service's tasks in the target group after the listener and the rules to the tasks exist", () => {
    const service = onlyResource(synthesized, "aws_ecs_service");
    expect(service.load_balancer).toEqual([
      {
        target_group_arn: expect.stringMatching(/aws_lb_target_group\.web_target-group_\w+\.arn/),
        container_name: "app",
        container_port: 8080,
      },
    ]);
    expect(service.depends_on).toEqual([
      expect.stringMatching(/^aws_vpc_security_group_egress_rule\.app_egress-0_\w+$/),
      expect.stringMatching(/^aws_lb_listener\.web_http_\w+$/),
      expect.stringMatching(/^aws_vpc_security_group_egress_rule\.web_to-targets-0_\w+$/),
      expect.stringMatching(/^aws_vpc_security_group_ingress_rule\.web_into-targets-0_\w+$/),
    ]);
    expect(service.health_check_grace_period_seconds).toBe(60);
  });

  it("can be deleted when allowDestroy turns deletion protection off", () => {
    expect(synthesized.json).toHaveResourceWithProperties(Lb, { enable_deletion_protection: false });
  });
});

describe("StickyAlb fed by Terraform variables", () => {
  it("counts ingress rules over the CIDR list variable", () => {
    const synthesized = synthConfig((scope) => {
      const { list, variable } = variables(scope);
      albIn(scope, {
        network: { ...existingNetwork, publicSubnetIds: list("public_subnets") },
        ingressCidrs: list("clients"),
        targetPort: variable("port", "number").numberValue,
      });
    });
    expect(resources(synthesized, "aws_vpc_security_group_ingress_rule")[0]).toMatchObject({
      count: "${length(var.clients)}",
      cidr_ipv4: "${element(var.clients, count.index)}",
    });
    expect(onlyResource(synthesized, "aws_lb").subnets).toBe("${var.public_subnets}");
  });
});

describe("StickyAlb validation", () => {
  it.each<[string, Partial<StickyAlbProps>, string]>([
    [
      "a cookie duration of 0",
      { stickiness: { type: "lb_cookie", durationSeconds: 0 } },
      "stickiness.durationSeconds 0 is not a whole number from 1 to 604800",
    ],
    [
      "a cookie duration over a week",
      { stickiness: { type: "lb_cookie", durationSeconds: 604801 } },
      "stickiness.durationSeconds 604801 is not a whole number from 1 to 604800",
    ],
    [
      "app_cookie without a name",
      { stickiness: { type: "app_cookie" } as never },
      "stickiness.cookieName is required with type 'app_cookie'",
    ],
    [
      "an app cookie named like the ALB's",
      { stickiness: { type: "app_cookie", cookieName: "AWSALBAPP-0" } },
      "stickiness.cookieName 'AWSALBAPP-0' starts with AWSALB",
    ],
    [
      "an unknown stickiness type",
      { stickiness: { type: "source_ip" } as never },
      "stickiness.type 'source_ip' is not one of: lb_cookie, app_cookie",
    ],
    [
      "a deregistration delay over an hour",
      { deregistrationDelaySeconds: 3601 },
      "deregistrationDelaySeconds 3601 is not a whole number from 0 to 3600",
    ],
    ["a port out of range", { targetPort: 0 }, "targetPort 0 is not a whole number from 1 to 65535"],
    [
      "a certificate that is not an ACM ARN",
      { certificateArn: "my-cert" },
      "certificateArn 'my-cert' is not an ACM certificate ARN",
    ],
    ["no client ranges", { ingressCidrs: [] }, "ingressCidrs is empty; give at least one CIDR block"],
    [
      "a client range that is not a CIDR",
      { ingressCidrs: ["everyone"] },
      "ingressCidrs[0] 'everyone' is not an IPv4 CIDR block",
    ],
    [
      "a client range with a prefix over /32",
      { ingressCidrs: ["10.0.0.0/33"] },
      "ingressCidrs[0] '10.0.0.0/33' is not an IPv4 CIDR block",
    ],
    [
      "a client range with host bits set",
      { ingressCidrs: ["203.0.113.7/24"] },
      "ingressCidrs[0] '203.0.113.7/24' has host bits set; use the network address of the range",
    ],
    [
      "public subnets in one zone",
      { network: { ...existingNetwork, publicSubnetAvailabilityZones: ["eu-west-1a", "eu-west-1a"] } },
      "network.publicSubnetAvailabilityZones has only zone 'eu-west-1a'; an ALB needs subnets in at least 2 zones",
    ],
    [
      "a public subnet listed twice",
      { network: { ...existingNetwork, publicSubnetIds: ["subnet-0c", "subnet-0c"] } },
      "network.publicSubnetIds lists 'subnet-0c' twice",
    ],
    [
      "one public subnet",
      {
        network: { ...existingNetwork, publicSubnetIds: ["subnet-0c"], publicSubnetAvailabilityZones: ["eu-west-1a"] },
      },
      "network.publicSubnetIds has 1 subnet(s); an ALB needs subnets in at least 2 zones",
    ],
    [
      "a name too long for an ALB",
      { name: "a-name-that-is-far-too-long-for-alb" },
      "name 'a-name-that-is-far-too-long-for-alb' is not 1 to 28 letters, digits or hyphens",
    ],
    [
      "a health check path without '/'",
      { healthCheck: { path: "health" } },
      "healthCheck.path 'health' is not a path starting with '/'",
    ],
    [
      "a health check timeout not under the interval",
      { healthCheck: { intervalSeconds: 10, timeoutSeconds: 10 } },
      "healthCheck.timeoutSeconds 10 must be less than healthCheck.intervalSeconds 10",
    ],
    [
      "a healthy threshold of 1",
      { healthCheck: { healthyThreshold: 1 } },
      "healthCheck.healthyThreshold 1 is not a whole number from 2 to 10",
    ],
    [
      "a matcher that is not HTTP codes",
      { healthCheck: { matcher: "ok" } },
      "healthCheck.matcher 'ok' is not HTTP codes such as '200' or '200-399'",
    ],
    [
      "a bucket name S3 would refuse",
      { accessLogsBucket: "My_Bucket" },
      "accessLogsBucket 'My_Bucket' is not an S3 bucket name",
    ],
  ])("rejects %s", (_case, props, message) => {
    expect(() => albIn(testStack(), props)).toThrow(`StickyAlb 'web': ${message}`);
  });

  it("rejects allowTo with something that is not a security group id", () => {
    expect(() => albIn(testStack()).allowTo("10.0.0.0/8")).toThrow(
      "StickyAlb 'web': allowTo taskSecurityGroupId '10.0.0.0/8' is not a security group id such as 'sg-0123abcd'",
    );
  });

  it("refuses to route to a service without a container port", () => {
    const stack = testStack();
    expect(() => albIn(stack).route(appIn(stack))).toThrow(
      "FargateService 'app': container.port is not set: a load balancer target needs the port the container listens on",
    );
  });

  it("refuses to route to a container port other than the target port", () => {
    const stack = testStack();
    expect(() => albIn(stack).route(appIn(stack, 80))).toThrow(
      "StickyAlb 'web': route() port 80 of FargateService 'app' is not targetPort 8080: the target group would send traffic and health checks to a port the container does not listen on; make them equal",
    );
    expect(() => albIn(testStack()).route(appIn(testStack(), 8080), { port: 9090 })).toThrow(
      "StickyAlb 'web': route() port 9090 of FargateService 'app' is not targetPort 8080",
    );
  });

  it("fails synth for a service registered the low-level way that the load balancer may not reach", () => {
    const stack = testStack();
    const app = appIn(stack, 8080);
    const alb = albIn(stack);
    app.addLoadBalancerTarget(alb.target);
    expect(() => Testing.synth(stack, true)).toThrow(
      "FargateService 'app' registers in the target group of StickyAlb 'web', but the load balancer may not reach its security group on port 8080 (every health check fails); use alb.route(service)",
    );
    alb.allowTo(app.securityGroupId);
    expect(() => Testing.synth(stack, true)).not.toThrow();
  });
});
