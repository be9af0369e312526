import { TerraformConstructor } from "cdktf/lib/testing/matchers";

/** Every resource of one provider class in a synthesized config (as cdktf's Testing.synth returns it), by name. */
export function resourcesOfType(
  synth: string,
  resource: TerraformConstructor,
): Record<string, Record<string, unknown>> {
  const config = JSON.parse(synth);
  return config.resource?.[resource.tfResourceType] ?? {};
}
