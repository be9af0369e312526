import { Testing, TerraformOutput, TerraformResource, TerraformStack, TerraformVariable } from "cdktf";
import { DefaultSecurityGroup } from "@cdktf/provider-aws/lib/default-security-group";
import { Eip } from "@cdktf/provider-aws/lib/eip";
import { InternetGateway } from "@cdktf/provider-aws/lib/internet-gateway";
import { NatGateway } from "@cdktf/provider-aws/lib/nat-gateway";
import { Route } from "@cdktf/provider-aws/lib/route";
import { RouteTable } from "@cdktf/provider-aws/lib/route-table";
import { RouteTableAssociation } from "@cdktf/provider-aws/lib/route-table-association";
import { Subnet } from "@cdktf/provider-aws/lib/subnet";
import { Vpc } from "@cdktf/provider-aws/lib/vpc";
import { ExampleNetwork, ExampleNetworkProps } from "../../modules/network";
import { testStack } from "../support/fixtures";

const zones = ["eu-west-1a", "eu-west-1b"];

/** Every resource of one provider class in a synthesized config. */
function resourcesIn(synth: string, resource: { tfResourceType: string }): Array<Record<string, unknown>> {
  return Object.values(JSON.parse(synth).resource?.[resource.tfResourceType] ?? {});
}

function synthNetwork(props: ExampleNetworkProps): string {
  return Testing.synthScope((scope) => {
    new ExampleNetwork(scope, "network", props);
  });
}

describe("ExampleNetwork with defaults", () => {
  let synth: string;
  beforeAll(() => {
    synth = synthNetwork({ availabilityZones: zones });
  });

  it("creates a 10.0.0.0/16 VPC with DNS support and hostnames on", () => {
    expect(synth).toHaveResourceWithProperties(Vpc, {
      cidr_block: "10.0.0.0/16",
      enable_dns_support: true,
      enable_dns_hostnames: true,
    });
  });

  it("creates a public and a private subnet in each zone, neither assigning public IPs", () => {
    const subnets = resourcesIn(synth, Subnet);
    expect(subnets).toHaveLength(2);
    for (const subnet of subnets) {
      expect(subnet).toMatchObject({
        count: 2,
        availability_zone: '${element(["eu-west-1a", "eu-west-1b"], count.index)}',
        map_public_ip_on_launch: false,
      });
    }
    expect(subnets.map((subnet) => subnet.cidr_block).sort()).toEqual([
      '${cidrsubnet("10.0.0.0/16", 4, (count.index + 8))}',
      '${cidrsubnet("10.0.0.0/16", 4, count.index)}',
    ]);
  });

  it("strips the VPC's default security group of every rule", () => {
    const groups = resourcesIn(synth, DefaultSecurityGroup);
    expect(groups).toHaveLength(1);
    expect(groups[0]).toMatchObject({ vpc_id: expect.stringContaining("aws_vpc.") });
    expect(groups[0]).not.toHaveProperty("ingress");
    expect(groups[0]).not.toHaveProperty("egress");
  });

  it("routes public subnets to an internet gateway", () => {
    expect(synth).toHaveResource(InternetGateway);
    expect(synth).toHaveResourceWithProperties(Route, {
      destination_cidr_block: "0.0.0.0/0",
      gateway_id: expect.stringMatching(/^\$\{aws_internet_gateway\.\S+\.id\}$/),
    });
    expect(synth).toHaveResourceWithProperties(RouteTableAssociation, {
      count: 2,
      subnet_id: expect.stringMatching(/^\$\{element\(aws_subnet\.network_public_\w+\.\*\.id, count\.index\)\}$/),
    });
  });

  it("routes each private subnet through a single NAT gateway with an Elastic IP", () => {
    expect(synth).toHaveResourceWithProperties(Eip, { count: 1, domain: "vpc" });
    expect(synth).toHaveResourceWithProperties(NatGateway, {
      count: 1,
      allocation_id: expect.stringMatching(/^\$\{element\(aws_eip\.\S+\.\*\.id, count\.index\)\}$/),
      subnet_id: expect.stringMatching(/aws_subnet\.network_public_/),
    });
    expect(synth).toHaveResourceWithProperties(RouteTable, { count: 2 });
    expect(synth).toHaveResourceWithProperties(Route, {
      count: 2,
      destination_cidr_block: "0.0.0.0/0",
      nat_gateway_id: expect.stringMatching(/^\$\{element\(aws_nat_gateway\.\S+\.\*\.id, count\.index\)\}$/),
    });
    expect(synth).toHaveResourceWithProperties(RouteTableAssociation, {
      count: 2,
      subnet_id: expect.stringMatching(/aws_subnet\.network_private_/),
      route_table_id: expect.stringMatching(/aws_route_table\.network_private-routes_/),
    });
  });
});

describe("ExampleNetwork options", () => {
  it("gives each zone its own NAT gateway with natGateways 'per-az'", () => {
    const synth = synthNetwork({
      availabilityZones: ["eu-west-1a", "eu-west-1b", "eu-west-1c"],
      natGateways: "per-az",
    });
    expect(synth).toHaveResourceWithProperties(NatGateway, { count: 3 });
    expect(synth).toHaveResourceWithProperties(Eip, { count: 3 });
  });

  it("uses the given CIDR block and name", () => {
    const synth = synthNetwork({ availabilityZones: zones, cidrBlock: "172.16.0.0/20", name: "shop" });
    expect(synth).toHaveResourceWithProperties(Vpc, { cidr_block: "172.16.0.0/20", tags: { Name: "shop" } });
    expect(synth).toHaveResourceWithProperties(Subnet, {
      cidr_block: '${cidrsubnet("172.16.0.0/20", 4, count.index)}',
    });
  });

  it("exposes a NetworkRef of the VPC, the subnets and their zones", () => {
    const synth = Testing.synthScope((scope) => {
      const { ref } = new ExampleNetwork(scope, "network", { availabilityZones: zones });
      for (const [field, value] of Object.entries(ref)) {
        if (field !== "dependsOn") new TerraformOutput(scope, field, { value });
      }
    });
    const outputs = JSON.parse(synth).output;
    expect(
      Object.fromEntries(
        Object.entries(outputs).map(([field, output]) => [field, (output as { value: unknown }).value]),
      ),
    ).toEqual({
      vpcId: expect.stringMatching(/^\$\{aws_vpc\.network_vpc_\w+\.id\}$/),
      privateSubnetIds: expect.stringMatching(/^\$\{aws_subnet\.network_private_\w+\.\*\.id\}$/),
      privateSubnetAvailabilityZones: zones,
      publicSubnetIds: expect.stringMatching(/^\$\{aws_subnet\.network_public_\w+\.\*\.id\}$/),
      publicSubnetAvailabilityZones: zones,
    });
  });

  it("is ready once every private route table, with its default route through NAT, is associated", () => {
    const network = new ExampleNetwork(testStack(), "network", { availabilityZones: zones });
    expect(network.ref.dependsOn?.map((resource) => (resource as TerraformResource).terraformResourceType)).toEqual([
      "aws_route",
      "aws_route_table_association",
    ]);
  });
});

describe("ExampleNetwork fed by Terraform variables", () => {
  let synth: string;
  beforeAll(() => {
    const stack = new TerraformStack(Testing.app(), "vendored");
    const variable = (name: string, type: string) => new TerraformVariable(stack, name, { type });
    new ExampleNetwork(stack, "network", {
      availabilityZones: variable("zones", "list(string)").listValue,
      cidrBlock: variable("cidr", "string").stringValue,
      natGateways: variable("nat", "string").stringValue as "single",
      name: variable("name", "string").stringValue,
    });
    synth = Testing.synth(stack);
  });

  it("counts subnets with length() of the zone list", () => {
    expect(synth).toHaveResourceWithProperties(Subnet, {
      count: "${length(var.zones)}",
      availability_zone: "${element(var.zones, count.index)}",
      cidr_block: "${cidrsubnet(var.cidr, 4, count.index)}",
    });
  });

  it("chooses the NAT gateway count with a Terraform conditional", () => {
    expect(synth).toHaveResourceWithProperties(NatGateway, {
      count: '${(var.nat == "single") ? 1 : length(var.zones)}',
    });
  });
});

describe("ExampleNetwork validation", () => {
  it.each([
    [{ availabilityZones: ["eu-west-1a"] }, "availabilityZones has 1 zone(s) [eu-west-1a]; give 2 to 8 zones"],
    [
      { availabilityZones: "abcdefghi".split("").map((letter) => `eu-west-1${letter}`) },
      "availabilityZones has 9 zone(s)",
    ],
    [{ availabilityZones: ["eu-west-1a", "west"] }, "availabilityZones 'west' is not an availability zone name"],
    [{ availabilityZones: ["eu-west-1a", "eu-west-1a"] }, "availabilityZones lists 'eu-west-1a' twice"],
    [{ availabilityZones: zones, cidrBlock: "10.0.0/16" }, "cidrBlock '10.0.0/16' is not an IPv4 CIDR block"],
    [{ availabilityZones: zones, cidrBlock: "10.0.0.300/16" }, "cidrBlock '10.0.0.300/16' is not an IPv4 CIDR block"],
    [
      { availabilityZones: zones, cidrBlock: "10.0.0.0/8" },
      "cidrBlock '10.0.0.0/8' has prefix /8; allowed: /16 to /23",
    ],
    [
      { availabilityZones: zones, cidrBlock: "10.0.0.0/24" },
      "cidrBlock '10.0.0.0/24' has prefix /24; allowed: /16 to /23",
    ],
    [{ availabilityZones: zones, cidrBlock: "10.0.1.0/16" }, "cidrBlock '10.0.1.0/16' has host bits set"],
    [{ availabilityZones: zones, cidrBlock: "10.0.0.0/33" }, "cidrBlock '10.0.0.0/33' is not an IPv4 CIDR block"],
    [{ availabilityZones: zones, natGateways: "two" }, "natGateways 'two' is not one of: single, per-az"],
    [{ availabilityZones: zones, name: "-bad name" }, "name '-bad name' must be 1 to 63 letters, digits or hyphens"],
  ])("rejects %j", (props, message) => {
    expect(() => synthNetwork(props as ExampleNetworkProps)).toThrow(`ExampleNetwork 'network': ${message}`);
  });

  it("rejects zones of another region than the stack's provider", () => {
    expect(
      () => new ExampleNetwork(testStack(), "network", { availabilityZones: ["eu-west-1a", "eu-west-2b"] }),
    ).toThrow(
      "ExampleNetwork 'network': availabilityZones 'eu-west-2b' is not an availability zone of the stack's region 'eu-west-1'",
    );
  });
});
