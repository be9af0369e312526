import { PlanJson, ResourceChange } from "../../analysis/plan-json";

/** Small plans written by hand, as `terraform show -json` writes them, for the plan review's tests. */

type Change = ResourceChange["change"];
export type ChangeOptions = Partial<Omit<ResourceChange, "address" | "change">> & { readonly change?: Partial<Change> };

/**
 * One resource change: type and name from the address, `before` null for a create, `after` null for a
 * delete or forget, the rest from `options`.
 */
export function resourceChange(address: string, actions: string[], options: ChangeOptions = {}): ResourceChange {
  const [type, name] = address.replace(/^(module\.[\w-]+(\[[^\]]+\])?\.)+/, "").split(".");
  const { change, ...rest } = options;
  const replaces = actions.includes("delete") && actions.includes("create");
  return {
    address,
    mode: "managed",
    type,
    name: name.replace(/\[.*\]$/, ""),
    ...rest,
    change: {
      actions,
      before: actions.includes("create") && !replaces ? null : {},
      after: (actions.includes("delete") || actions.includes("forget")) && !replaces ? null : {},
      after_unknown: {},
      ...change,
    },
  };
}

export const planOf = (...changes: ResourceChange[]): PlanJson => ({
  format_version: "1.2",
  terraform_version: "1.9.8",
  resource_changes: changes,
});

/** A task definition whose EFS volume has transit encryption disabled: the guards' SE001, an error. */
export const unencryptedTaskDefinition = (tags: Record<string, string> = {}) =>
  resourceChange("aws_ecs_task_definition.app", ["create"], {
    change: {
      after: {
        family: "app",
        container_definitions: JSON.stringify([{ name: "app", image: "busybox", essential: true }]),
        volume: [
          { name: "data", efs_volume_configuration: [{ file_system_id: "fs-1", transit_encryption: "DISABLED" }] },
        ],
        tags,
      },
    },
  });
