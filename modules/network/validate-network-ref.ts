import { Construct } from "constructs";
import { propError } from "../core/errors";
import { firstRepeated, isKnown } from "../core/tokens";
import { checkPattern, checkZonesInRegion } from "../core/validate";
import { NetworkRef } from "./network-ref";

type SubnetTier = "private" | "public";

/**
 * A tier's known subnets must span at least two zones: what a load balancer and a Multi-AZ store need
 * (`needs` names it in the message), and what AWS would otherwise refuse only at apply.
 */
export function checkTwoZones(construct: Construct, network: NetworkRef, tier: SubnetTier, needs: string): void {
  const [ids, zones] =
    tier === "private"
      ? [network.privateSubnetIds, network.privateSubnetAvailabilityZones]
      : [network.publicSubnetIds, network.publicSubnetAvailabilityZones];
  // Zones describe the subnets in order: with the subnets unknown until plan, neither can be judged here.
  if (!isKnown(ids)) return;
  const why = `${needs} needs subnets in at least 2 zones`;
  if (isKnown(ids) && ids.length < 2) {
    throw propError(construct, `network.${tier}SubnetIds has ${ids.length} subnet(s); ${why}`);
  }
  if (isKnown(zones) && zones.every(isKnown) && new Set(zones).size < 2) {
    throw propError(construct, `network.${tier}SubnetAvailabilityZones has only zone '${zones[0]}'; ${why}`);
  }
}

/**
 * Checks what is known at synth time of a module's `network` prop: id formats, no subnet listed twice,
 * zones of the stack's region, and each tier's subnet and zone lists lining up. Lists that are Terraform
 * tokens are checked by AWS at apply time instead.
 */
export function validateNetworkRef(construct: Construct, network: NetworkRef, tiers: SubnetTier[]): void {
  checkPattern(construct, "network.vpcId", network.vpcId, /^vpc-[0-9a-f]+$/, "a VPC id such as 'vpc-0123abcd'");
  for (const tier of tiers) {
    const ids = tier === "private" ? network.privateSubnetIds : network.publicSubnetIds;
    const zones = tier === "private" ? network.privateSubnetAvailabilityZones : network.publicSubnetAvailabilityZones;
    const idsProp = `network.${tier}SubnetIds`;
    if (isKnown(ids)) {
      if (ids.length === 0) throw propError(construct, `${idsProp} is empty; give at least one subnet`);
      ids.forEach((id, index) =>
        checkPattern(
          construct,
          `${idsProp}[${index}]`,
          id,
          /^subnet-[0-9a-f]+$/,
          "a subnet id such as 'subnet-0123abcd'",
        ),
      );
      const repeated = firstRepeated(ids);
      if (repeated !== undefined) throw propError(construct, `${idsProp} lists '${repeated}' twice`);
    }
    checkZonesInRegion(construct, `network.${tier}SubnetAvailabilityZones`, zones);
    if (isKnown(ids) && isKnown(zones) && ids.length !== zones.length) {
      throw propError(
        construct,
        `${idsProp} has ${ids.length} subnet(s) but network.${tier}SubnetAvailabilityZones has ${zones.length} zone(s); give one zone per subnet, in the same order`,
      );
    }
  }
}
