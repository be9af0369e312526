import { TerraformOutput } from "cdktf";
import { Construct } from "constructs";
import { ExampleNetwork } from "../modules/network";
import { ExampleStack, ExampleStackProps } from "./example-stack";

/**
 * The example network on its own, with a `NetworkRef`'s fields as outputs: deploy it once and feed the
 * outputs to stacks that use the modules in an existing VPC.
 */
export class ExampleNetworkStack extends ExampleStack {
  public readonly network: ExampleNetwork;

  constructor(scope: Construct, id: string, props: ExampleStackProps) {
    super(scope, id, props);
    this.network = new ExampleNetwork(this, "network", { availabilityZones: props.availabilityZones });
    const ref = this.network.ref;
    new TerraformOutput(this, "vpc_id", { value: ref.vpcId, description: "NetworkRef.vpcId" });
    new TerraformOutput(this, "private_subnet_ids", {
      value: ref.privateSubnetIds,
      description: "NetworkRef.privateSubnetIds",
    });
    new TerraformOutput(this, "private_subnet_availability_zones", {
      value: ref.privateSubnetAvailabilityZones,
      description: "NetworkRef.privateSubnetAvailabilityZones",
    });
    new TerraformOutput(this, "public_subnet_ids", {
      value: ref.publicSubnetIds,
      description: "NetworkRef.publicSubnetIds",
    });
    new TerraformOutput(this, "public_subnet_availability_zones", {
      value: ref.publicSubnetAvailabilityZones,
      description: "NetworkRef.publicSubnetAvailabilityZones",
    });
  }
}
