import { Fn, Op, TerraformCount, Token } from "cdktf";
import { Construct } from "constructs";
import { DefaultSecurityGroup } from "@cdktf/provider-aws/lib/default-security-group";
import { Eip } from "@cdktf/provider-aws/lib/eip";
import { InternetGateway } from "@cdktf/provider-aws/lib/internet-gateway";
import { NatGateway } from "@cdktf/provider-aws/lib/nat-gateway";
import { Route } from "@cdktf/provider-aws/lib/route";
import { RouteTable } from "@cdktf/provider-aws/lib/route-table";
import { RouteTableAssociation } from "@cdktf/provider-aws/lib/route-table-association";
import { Subnet } from "@cdktf/provider-aws/lib/subnet";
import { Vpc } from "@cdktf/provider-aws/lib/vpc";
import { propError } from "../core/errors";
import { scopedName } from "../core/names";
import { countOf, firstRepeated, isKnown } from "../core/tokens";
import { checkIpv4Cidr, checkOneOf, checkZonesInRegion } from "../core/validate";
import { NetworkRef } from "./network-ref";

/** How many NAT gateways carry the private subnets' outbound traffic. */
export type NatGatewayMode = "single" | "per-az";
const NAT_GATEWAY_MODES: readonly string[] = ["single", "per-az"] satisfies NatGatewayMode[];

export interface ExampleNetworkProps {
  /**
   * Availability zone names of the provider's region; the network gets one public and one private subnet
   * in each. Names are inputs rather than an `aws_availability_zones` lookup, so stacks plan offline.
   * 2 to 8 distinct zones: load balancers and multi-AZ stores need two.
   */
  readonly availabilityZones: string[];

  /**
   * The VPC's IPv4 range, a network address with a prefix from /16 to /23 (subnets of /20 to /27). Public subnets take the first
   * half of it and private subnets the second, each subnet one sixteenth of the VPC.
   * @default "10.0.0.0/16"
   */
  readonly cidrBlock?: string;

  /**
   * `single` routes every private subnet through one NAT gateway (cheapest: one hourly charge, but the
   * private subnets lose outbound traffic if its zone fails); `per-az` gives each zone its own.
   * @default "single"
   */
  readonly natGateways?: NatGatewayMode;

  /**
   * Prefix of the `Name` tag of every resource.
   * @default - `<stack id>-<construct path>`, unique per stack (see `scopedName`)
   */
  readonly name?: string;
}

const AVAILABILITY_ZONE = /^[a-z]{2}(-[a-z]+)+-\d+[a-z]$/;
const NAME = /^[A-Za-z0-9][A-Za-z0-9-]{0,62}$/;
const MIN_ZONES = 2;
/** Each subnet is a /4 split of the VPC: 16 subnets, half public and half private, so at most 8 zones. */
const SUBNET_NEWBITS = 4;
const MAX_ZONES = 2 ** SUBNET_NEWBITS / 2;
const MIN_PREFIX = 16;
/** /23 leaves /27 subnets: the smallest an ALB accepts (it needs 8 free addresses per subnet). */
const MAX_PREFIX = 23;

/**
 * A VPC for the example stacks only: DNS support and hostnames on (EFS mount target names resolve), public
 * and private subnets in each zone, an internet gateway, and NAT so tasks in private subnets can pull public
 * images and write to CloudWatch Logs. The VPC's default security group is stripped of its rules, so nothing
 * lands in an open group by accident. Production stacks pass their own VPC to the modules as a `NetworkRef`.
 */
export class ExampleNetwork extends Construct {
  /** What the stateful-ecs modules take. */
  public readonly ref: NetworkRef;
  /** The `aws_vpc` resource. */
  public readonly vpc: Vpc;
  /** One subnet per zone (a counted resource). */
  public readonly publicSubnets: Subnet;
  /** One subnet per zone (a counted resource). */
  public readonly privateSubnets: Subnet;
  /** One, or one per zone (a counted resource). */
  public readonly natGateways: NatGateway;

  constructor(scope: Construct, id: string, props: ExampleNetworkProps) {
    super(scope, id);
    const cidrBlock = props.cidrBlock ?? "10.0.0.0/16";
    const natGatewayMode = props.natGateways ?? "single";
    const name = props.name ?? scopedName(this);
    this.validate(props.availabilityZones, cidrBlock, natGatewayMode, name);

    const zones = props.availabilityZones;
    const perZone = TerraformCount.of(countOf(zones));
    const zoneOf = (count: TerraformCount) => Fn.element(zones, count.index);

    this.vpc = new Vpc(this, "vpc", {
      cidrBlock,
      enableDnsSupport: true,
      enableDnsHostnames: true,
      tags: { Name: name },
    });
    const vpcId = this.vpc.id;

    new DefaultSecurityGroup(this, "default-security-group", {
      vpcId,
      tags: { Name: `${name}-default-no-rules` },
    });

    const internetGateway = new InternetGateway(this, "internet-gateway", { vpcId, tags: { Name: name } });

    this.publicSubnets = new Subnet(this, "public", {
      count: perZone,
      vpcId,
      availabilityZone: zoneOf(perZone),
      cidrBlock: Fn.cidrsubnet(cidrBlock, SUBNET_NEWBITS, perZone.index),
      mapPublicIpOnLaunch: false,
      tags: { Name: `${name}-public-${zoneOf(perZone)}` },
    });
    this.privateSubnets = new Subnet(this, "private", {
      count: perZone,
      vpcId,
      availabilityZone: zoneOf(perZone),
      cidrBlock: Fn.cidrsubnet(cidrBlock, SUBNET_NEWBITS, Op.add(perZone.index, MAX_ZONES)),
      mapPublicIpOnLaunch: false,
      tags: { Name: `${name}-private-${zoneOf(perZone)}` },
    });
    const publicSubnetIds = this.publicSubnets.getListAttribute("*.id");
    const privateSubnetIds = this.privateSubnets.getListAttribute("*.id");

    const publicRoutes = new RouteTable(this, "public-routes", { vpcId, tags: { Name: `${name}-public` } });
    new Route(this, "public-default-route", {
      routeTableId: publicRoutes.id,
      destinationCidrBlock: "0.0.0.0/0",
      gatewayId: internetGateway.id,
    });
    new RouteTableAssociation(this, "public-route-association", {
      count: perZone,
      subnetId: Fn.element(publicSubnetIds, perZone.index),
      routeTableId: publicRoutes.id,
    });

    const perNat = TerraformCount.of(natGatewayCount(natGatewayMode, zones));
    const natAddresses = new Eip(this, "nat-address", {
      count: perNat,
      domain: "vpc",
      tags: { Name: `${name}-nat-${zoneOf(perNat)}` },
      dependsOn: [internetGateway],
    });
    this.natGateways = new NatGateway(this, "nat", {
      count: perNat,
      allocationId: Fn.element(natAddresses.getListAttribute("*.id"), perNat.index),
      subnetId: Fn.element(publicSubnetIds, perNat.index),
      tags: { Name: `${name}-nat-${zoneOf(perNat)}` },
      dependsOn: [internetGateway],
    });

    // One route table per zone, so `per-az` keeps each zone's traffic on its own NAT gateway; with a single
    // gateway, element() wraps around and every table points at it.
    const privateRoutes = new RouteTable(this, "private-routes", {
      count: perZone,
      vpcId,
      tags: { Name: `${name}-private-${zoneOf(perZone)}` },
    });
    const privateRouteTableIds = privateRoutes.getListAttribute("*.id");
    const privateDefaultRoutes = new Route(this, "private-default-route", {
      count: perZone,
      routeTableId: Fn.element(privateRouteTableIds, perZone.index),
      destinationCidrBlock: "0.0.0.0/0",
      natGatewayId: Fn.element(this.natGateways.getListAttribute("*.id"), perZone.index),
    });
    const privateRouteAssociations = new RouteTableAssociation(this, "private-route-association", {
      count: perZone,
      subnetId: Fn.element(privateSubnetIds, perZone.index),
      routeTableId: Fn.element(privateRouteTableIds, perZone.index),
    });

    this.ref = {
      vpcId,
      privateSubnetIds,
      privateSubnetAvailabilityZones: zones,
      publicSubnetIds,
      publicSubnetAvailabilityZones: zones,
      // A private subnet gets out once its route table, with the default route through NAT, is associated.
      dependsOn: [privateDefaultRoutes, privateRouteAssociations],
    };
  }

  private validate(zones: string[], cidrBlock: string, natGatewayMode: string, name: string): void {
    if (isKnown(zones)) {
      if (zones.length < MIN_ZONES || zones.length > MAX_ZONES) {
        throw propError(
          this,
          `availabilityZones has ${zones.length} zone(s) [${zones.join(", ")}]; give ${MIN_ZONES} to ${MAX_ZONES} zones`,
        );
      }
      for (const zone of zones.filter(isKnown)) {
        if (!AVAILABILITY_ZONE.test(zone)) {
          throw propError(this, `availabilityZones '${zone}' is not an availability zone name such as 'eu-west-1a'`);
        }
      }
      const repeated = firstRepeated(zones);
      if (repeated !== undefined) {
        throw propError(this, `availabilityZones lists '${repeated}' twice; each zone gets one subnet per tier`);
      }
    }
    checkZonesInRegion(this, "availabilityZones", zones);
    checkIpv4Cidr(this, "cidrBlock", cidrBlock, MIN_PREFIX, MAX_PREFIX);
    checkOneOf(this, "natGateways", natGatewayMode, NAT_GATEWAY_MODES);
    if (isKnown(name) && !NAME.test(name)) {
      throw propError(
        this,
        `name '${name}' must be 1 to 63 letters, digits or hyphens, starting with a letter or digit`,
      );
    }
  }
}

/** 1 for `single`, one per zone for `per-az`; a Terraform conditional when the mode is a token. */
function natGatewayCount(mode: string, zones: string[]): number {
  if (isKnown(mode)) return mode === "single" ? 1 : countOf(zones);
  return Token.asNumber(Fn.conditional(Op.eq(mode, "single"), 1, countOf(zones)));
}
