import { App, TerraformStack, Testing } from "cdktf";
import { EXAMPLE_STACKS, EXAMPLE_TARGET } from "../../main";
import { TaskRoles } from "../../modules/ecs";
import { TerraformConfig, exampleStack } from "../support/example-app";

/**
 * The attributes that hold a resource's physical name: AWS keeps most of them unique per account or
 * region (IAM roles, log groups, caches, load balancers, task definition families), so two deployments of
 * one stack in one account must not share any. Left out: names scoped to another resource (a role's
 * inline policy) and attributes of these names that are not names (a parameter group's engine family).
 */
const NAME_ATTRIBUTES = [
  "name",
  "name_prefix",
  "family",
  "alarm_name",
  "replication_group_id",
  "user_id",
  "user_group_id",
];
const NOT_A_PHYSICAL_NAME = new Set(["aws_iam_role_policy.name", "aws_elasticache_parameter_group.family"]);

/** Every literal physical name in a stack, as `<type>.<attribute>=<value>`. */
function physicalNames(stack: TerraformStack | TerraformConfig): Set<string> {
  const config: TerraformConfig = stack instanceof TerraformStack ? JSON.parse(Testing.synth(stack)) : stack;
  const names = new Set<string>();
  for (const [type, byId] of Object.entries<Record<string, Record<string, unknown>>>(config.resource ?? {})) {
    for (const resource of Object.values(byId)) {
      for (const attribute of NAME_ATTRIBUTES.filter((name) => !NOT_A_PHYSICAL_NAME.has(`${type}.${name}`))) {
        const value = resource[attribute];
        if (typeof value === "string" && !value.includes("${")) names.add(`${type}.${attribute}=${value}`);
      }
    }
  }
  return names;
}

/**
 * The names two deployments of a stack share: `dev`, the stack as synthesized (the run's shared synthesis,
 * under its default id, when given), and `prod`, the same stack under the id `prod`.
 */
function sharedNames(create: (app: App, id: string) => TerraformStack, dev?: TerraformConfig): string[] {
  const app = Testing.app();
  const devNames = physicalNames(dev ?? create(app, "dev"));
  const prod = physicalNames(create(app, "prod"));
  return [...devNames].filter((name) => prod.has(name));
}

describe("physical names", () => {
  it.each(EXAMPLE_STACKS.map((stack) => [stack.id, stack]))(
    "stack %s deployed twice (as synthesized, and as prod) shares no physical name",
    (id, stack) => {
      expect(sharedNames((app, other) => stack.create(app, other, EXAMPLE_TARGET), exampleStack(id).config)).toEqual(
        [],
      );
    },
  );

  it("are scoped to the stack by default, so a module used without `name` does not collide either", () => {
    expect(sharedNames((app, id) => new TaskRolesStack(app, id))).toEqual([]);
    expect([...physicalNames(new TaskRolesStack(Testing.app(), "dev"))]).toEqual([
      "aws_iam_role.name=dev-roles-execution",
      "aws_iam_role.name=dev-roles-task",
    ]);
  });

  it("would catch a name fixed in code", () => {
    expect(sharedNames((app, id) => new TaskRolesStack(app, id, "fixed"))).toEqual([
      "aws_iam_role.name=fixed-execution",
      "aws_iam_role.name=fixed-task",
    ]);
  });
});

class TaskRolesStack extends TerraformStack {
  constructor(app: App, id: string, name?: string) {
    super(app, id);
    new TaskRoles(this, "roles", { name });
  }
}
