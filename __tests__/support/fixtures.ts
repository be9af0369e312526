import { Testing, TerraformStack, TerraformVariable } from "cdktf";
import { Construct } from "constructs";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { ContainerLogs, TaskRoles } from "../../modules/ecs";
import { NetworkRef } from "../../modules/network";
import { PolicyDocument } from "../../modules/core";

/** A literal network in eu-west-1, as a team with an existing VPC would pass it. */
export const existingNetwork: NetworkRef = {
  vpcId: "vpc-0123456789abcdef0",
  privateSubnetIds: ["subnet-0aaaaaaaaaaaaaaa1", "subnet-0bbbbbbbbbbbbbbb2"],
  privateSubnetAvailabilityZones: ["eu-west-1a", "eu-west-1b"],
  publicSubnetIds: ["subnet-0ccccccccccccccc3", "subnet-0ddddddddddddddd4"],
  publicSubnetAvailabilityZones: ["eu-west-1a", "eu-west-1b"],
};

/** Declares Terraform variables in a scope, as a vendored module's inputs: `variable(name, type)`. */
export function variables(scope: Construct) {
  const variable = (name: string, type: string) => new TerraformVariable(scope, name, { type });
  return {
    variable,
    list: (name: string) => variable(name, "list(string)").listValue,
    /** A NetworkRef fed by variables `vpc_id`, `subnets` and `zones` (no public subnets). */
    network: (): NetworkRef => ({
      vpcId: variable("vpc_id", "string").stringValue,
      privateSubnetIds: variable("subnets", "list(string)").listValue,
      privateSubnetAvailabilityZones: variable("zones", "list(string)").listValue,
      publicSubnetIds: [],
      publicSubnetAvailabilityZones: [],
    }),
  };
}

/** A stack with an AWS provider, for module tests that synthesize with validations on. */
export function testStack(): TerraformStack {
  const stack = new TerraformStack(Testing.app(), "test");
  new AwsProvider(stack, "aws", { region: "eu-west-1" });
  return stack;
}

/** Builds constructs in a fresh test stack and returns the synthesized config, parsed. */
export function synthConfig(build: (scope: Construct) => void): SynthesizedConfig {
  const stack = testStack();
  build(stack);
  const json = Testing.synth(stack, true);
  return { json, config: JSON.parse(json) };
}

export interface SynthesizedConfig {
  /** The config as text, for cdktf's matchers. */
  readonly json: string;
  readonly config: {
    resource: Record<string, Record<string, Record<string, any>>>;
    output?: Record<string, { value: unknown }>;
  };
}

/** Anything holding a synthesized config: a module test's `synthConfig()` result or an example stack. */
interface HasConfig {
  readonly config: { readonly resource?: Record<string, Record<string, object>> };
}

/** Every resource of a type, in synthesis order. */
export function resources(synthesized: HasConfig, type: string): Array<Record<string, any>> {
  return Object.values(synthesized.config.resource?.[type] ?? {});
}

/** The single resource of a type; fails if there is not exactly one. */
export function onlyResource(synthesized: HasConfig, type: string): Record<string, any> {
  const found = resources(synthesized, type);
  if (found.length !== 1) throw new Error(`expected one ${type}, found ${found.length}`);
  return found[0];
}

/** A policy attribute (a JSON string with Terraform references inside), parsed. */
export function parsePolicy(policy: string): PolicyDocument {
  return JSON.parse(policy);
}

/**
 * An inline policy: JSON whose strings hold Terraform interpolations, some with quotes of their own
 * (`${aws_efs_access_point.x["1"].arn}`, which Terraform's template syntax reads as one expression), so
 * those quotes are escaped before parsing; the parsed strings show the interpolations as written.
 */
export function parseInterpolatedPolicy(policy: string): PolicyDocument {
  return parsePolicy(policy.replace(/\$\{[^{}]*\}/g, (interpolation) => interpolation.replace(/(?<!\\)"/g, '\\"')));
}

/**
 * What every container service of a module test takes besides its container: a cluster, the literal
 * network, and roles and logs made in `scope` (their ids prefixed by `prefix`, for a second service).
 */
export function serviceBasics(scope: Construct, prefix?: string) {
  const id = (name: string) => (prefix === undefined ? name : `${prefix}-${name}`);
  return {
    cluster: { name: "main" },
    network: existingNetwork,
    roles: new TaskRoles(scope, id("roles")),
    logs: new ContainerLogs(scope, id("logs")),
  };
}
