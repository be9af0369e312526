import { Token } from "cdktf";
import { StickyAlb } from "../../../modules/sticky-alb";
import { ModuleStack } from "../module-stack";
import { VPC_ID, SUBNET_ID, atLeast, eachMatches, expression, matches, wholeNumber } from "../validations";
import { VendoredModule } from "../vendored-module";

export const stickyAlbModule: VendoredModule = {
  name: "sticky-alb",
  summary:
    "An internet-facing Application Load Balancer with stickiness as a performance aid (never where session state lives): its own security group, invalid headers dropped, deletion protection on, and an IP target group with health checks.",
  build(stack: ModuleStack) {
    const name = stack.variable("name", {
      type: "string",
      description: "The load balancer's name, and the prefix of its target group's and security group's.",
      validation: [
        matches(
          "name",
          "^[A-Za-z0-9]([A-Za-z0-9-]{0,26}[A-Za-z0-9])?$",
          "1 to 28 letters, digits or hyphens, not starting or ending with a hyphen",
        ),
      ],
    });
    const vpcId = stack.variable("vpc_id", {
      type: "string",
      description: "The VPC of the load balancer and its targets.",
      validation: [matches("vpc_id", VPC_ID, "a VPC id such as vpc-0123abcd")],
    });
    const subnets = stack.variable("public_subnet_ids", {
      type: "list(string)",
      description: "Public subnets in at least two zones.",
      validation: [
        atLeast("public_subnet_ids", 2, "an ALB needs subnets in at least 2 zones"),
        eachMatches("public_subnet_ids", SUBNET_ID, "a subnet id such as subnet-0123abcd"),
      ],
    });
    const targetPort = stack.variable("target_port", {
      type: "number",
      description: "The port the tasks listen on.",
      default: 80,
      validation: [wholeNumber("target_port", 1, 65535)],
    });
    const ingressCidrs = stack.variable("ingress_cidrs", {
      type: "list(string)",
      description: "IPv4 CIDR blocks allowed in on port 80.",
      default: ["0.0.0.0/0"],
      validation: [
        atLeast("ingress_cidrs", 1, "give at least one CIDR block"),
        {
          condition: expression(
            "alltrue([for cidr in var.ingress_cidrs : can(cidrsubnet(cidr, 0, 0)) && try(cidrsubnet(cidr, 0, 0) == cidr, false)])",
          ),
          errorMessage:
            "every element of ingress_cidrs must be an IPv4 CIDR block written as its network address, such as 10.0.0.0/16.",
        },
      ],
    });
    const duration = stack.variable("stickiness_duration_seconds", {
      type: "number",
      description: "How long the load balancer's cookie keeps a client on one task.",
      default: 3600,
      validation: [wholeNumber("stickiness_duration_seconds", 1, 604800)],
    });
    const delay = stack.variable("deregistration_delay_seconds", {
      type: "number",
      description: "Seconds a deregistering task keeps its in-flight requests.",
      default: 30,
      validation: [wholeNumber("deregistration_delay_seconds", 0, 3600)],
    });
    const healthCheckPath = stack.variable("health_check_path", {
      type: "string",
      description: "The path health checks request.",
      default: "/",
      // RE2 repeats at most 1000 times: the length is checked on its own.
      validation: [
        matches("health_check_path", "^/\\S*$", "a path starting with /, without spaces"),
        {
          condition: expression("length(var.health_check_path) <= 1024"),
          errorMessage: "health_check_path must be at most 1024 characters.",
        },
      ],
    });
    const tags = stack.variable("tags", {
      type: "map(string)",
      description: "Tags for every resource, besides the provider's default tags.",
      default: {},
    });
    const alb = new StickyAlb(stack, "alb", {
      network: {
        vpcId: vpcId.stringValue,
        publicSubnetIds: subnets.listValue,
        publicSubnetAvailabilityZones: [],
        privateSubnetIds: [],
        privateSubnetAvailabilityZones: [],
      },
      name: name.stringValue,
      targetPort: targetPort.numberValue,
      ingressCidrs: ingressCidrs.listValue,
      stickiness: { type: "lb_cookie", durationSeconds: duration.numberValue },
      deregistrationDelaySeconds: delay.numberValue,
      healthCheck: { path: healthCheckPath.stringValue },
      tags: Token.asStringMap(tags.value),
    });
    stack.output(
      "target_group_arn",
      alb.targetGroupArn,
      "Register the ECS service's tasks here (load_balancer block).",
    );
    stack.output(
      "security_group_id",
      alb.securityGroupId,
      "The load balancer's security group: allow it into the tasks' group on the target port.",
    );
    stack.output("dns_name", alb.dnsName, "Where clients connect.");
  },
  exampleInputs: {
    name: "web",
    vpc_id: "vpc-0123456789abcdef0",
    public_subnet_ids: ["subnet-0ccccccccccccccc3", "subnet-0ddddddddddddddd4"],
  },
  badInputs: {
    name: ["-web"],
    vpc_id: ["vpc-nothex!"],
    public_subnet_ids: [["subnet-0ccccccccccccccc3"], ["subnet-0ccccccccccccccc3", "sub-1"]],
    target_port: [70000],
    ingress_cidrs: [[], ["10.0.0.1/8"]],
    stickiness_duration_seconds: [0],
    deregistration_delay_seconds: [3601],
    health_check_path: ["health", `/${"a".repeat(1024)}`],
  },
  assertions: [
    {
      condition: "aws_lb.alb_load_balancer.enable_deletion_protection == true",
      errorMessage: "deletion protection must be on",
    },
    {
      condition: "aws_lb.alb_load_balancer.drop_invalid_header_fields == true",
      errorMessage: "invalid headers must be dropped",
    },
    {
      condition: "aws_lb_target_group.alb_target_group.stickiness[0].enabled == true",
      errorMessage: "stickiness must be on",
    },
  ],
  notes:
    "Deletion protection is on and cannot be turned off through a variable: set `enable_deletion_protection` off with `terraform state` tooling or by editing your copy, on purpose. The load balancer's egress to the tasks is not opened by this module: add an egress rule from `security_group_id` and an ingress rule into the tasks' group on the target port.",
};
