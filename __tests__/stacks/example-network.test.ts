import { App } from "cdktf";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { Subnet } from "@cdktf/provider-aws/lib/subnet";
import { Vpc } from "@cdktf/provider-aws/lib/vpc";
import { ExampleNetworkStack } from "../../stacks/example-network";
import { exampleStack } from "../support/example-app";
import { describeWithTerraform, plan } from "../support/harness";
import { ResourceChange } from "../../analysis/plan-json";

const stack = exampleStack("example-network");

describe("stack example-network", () => {
  it("configures the AWS provider for its region with tags naming the project and stack", () => {
    expect(stack.json).toHaveProviderWithProperties(AwsProvider, {
      region: "eu-west-1",
      default_tags: [{ tags: { Project: "stateful-ecs", Stack: "example-network", ManagedBy: "cdktf" } }],
    });
  });

  it("holds the example network", () => {
    expect(stack.json).toHaveResourceWithProperties(Vpc, { enable_dns_hostnames: true });
    expect(stack.json).toHaveResourceWithProperties(Subnet, {
      availability_zone: '${element(["eu-west-1a", "eu-west-1b"], count.index)}',
    });
  });

  it("outputs every NetworkRef field, for stacks that use the modules in this VPC", () => {
    const outputs = stack.config.output ?? {};
    expect(Object.keys(outputs).sort()).toEqual([
      "private_subnet_availability_zones",
      "private_subnet_ids",
      "public_subnet_availability_zones",
      "public_subnet_ids",
      "vpc_id",
    ]);
    expect(outputs.private_subnet_availability_zones.value).toEqual(["eu-west-1a", "eu-west-1b"]);
    expect(outputs.private_subnet_ids.value).toMatch(/^\$\{aws_subnet\.network_private_\w+\.\*\.id\}$/);
  });

  it("refuses zones outside its region", () => {
    expect(
      () =>
        new ExampleNetworkStack(new App(), "bad", {
          region: "eu-west-1",
          availabilityZones: ["us-east-1a", "us-east-1b"],
        }),
    ).toThrow(
      "ExampleNetwork 'network': availabilityZones 'us-east-1a' is not an availability zone of the stack's region 'eu-west-1'",
    );
  });
});

describeWithTerraform("stack example-network, planned offline", () => {
  let changes: ResourceChange[];
  beforeAll(async () => {
    changes = (await plan(stack.dir)).resource_changes ?? [];
  });

  const planned = (type: string, name: RegExp) =>
    changes.filter((change) => change.type === type && name.test(change.name)).map((change) => change.change.after);

  it("places one public and one private subnet in each zone, in separate halves of the VPC", () => {
    const subnets = (name: RegExp) =>
      planned("aws_subnet", name).map((after) => [after?.availability_zone, after?.cidr_block]);
    expect(subnets(/public/)).toEqual([
      ["eu-west-1a", "10.0.0.0/20"],
      ["eu-west-1b", "10.0.16.0/20"],
    ]);
    expect(subnets(/private/)).toEqual([
      ["eu-west-1a", "10.0.128.0/20"],
      ["eu-west-1b", "10.0.144.0/20"],
    ]);
  });

  it("plans one NAT gateway and a default route for each private route table", () => {
    expect(planned("aws_nat_gateway", /nat/)).toHaveLength(1);
    expect(planned("aws_route", /private-default-route/)).toEqual([
      expect.objectContaining({ destination_cidr_block: "0.0.0.0/0" }),
      expect.objectContaining({ destination_cidr_block: "0.0.0.0/0" }),
    ]);
  });
});
