import { TerraformOutput } from "cdktf";
import { Construct } from "constructs";
import { ExampleNetwork, NetworkRef } from "../modules/network";
import { ExampleStack, ExampleStackProps } from "./example-stack";

/** The Terraform output that carries each `NetworkRef` field that is a value (not `dependsOn`). */
const OUTPUT_NAMES: Record<Exclude<keyof NetworkRef, "dependsOn">, string> = {
  vpcId: "vpc_id",
  privateSubnetIds: "private_subnet_ids",
  privateSubnetAvailabilityZones: "private_subnet_availability_zones",
  publicSubnetIds: "public_subnet_ids",
  publicSubnetAvailabilityZones: "public_subnet_availability_zones",
};

/**
 * The example network on its own, with a `NetworkRef`'s fields as outputs: deploy it once and feed the
 * outputs to stacks that use the modules in an existing VPC.
 */
export class ExampleNetworkStack extends ExampleStack {
  public readonly network: ExampleNetwork;

  constructor(scope: Construct, id: string, props: ExampleStackProps) {
    super(scope, id, props);
    this.network = new ExampleNetwork(this, "network", { availabilityZones: props.availabilityZones });
    for (const [field, name] of Object.entries(OUTPUT_NAMES) as Array<[keyof typeof OUTPUT_NAMES, string]>) {
      new TerraformOutput(this, name, { value: this.network.ref[field], description: `NetworkRef.${field}` });
    }
  }
}
