import { DependencyGraph, referencesAt, resourceAddress } from "../../analysis/dependency-graph";
import { ModuleConfig, ResourceConfig } from "../../analysis/plan-json";

const resource = (address: string, rest: Partial<ResourceConfig> = {}): ResourceConfig => {
  const [type, name] = address.replace(/^data\./, "").split(".");
  return { address, mode: address.startsWith("data.") ? "data" : "managed", type, name, ...rest };
};
const ref = (...references: string[]) => ({ references });

/** A module as `terraform show -json` writes its configuration: nested blocks are lists of expressions. */
const configuration: ModuleConfig = {
  resources: [
    resource("aws_vpc.main"),
    resource("data.aws_region.here"),
    resource("aws_subnet.private", {
      expressions: { vpc_id: ref("aws_vpc.main.id", "aws_vpc.main") },
      count_expression: ref("var.zones"),
    }),
    resource("aws_efs_file_system.data"),
    resource("aws_efs_mount_target.data", {
      expressions: {
        file_system_id: ref("aws_efs_file_system.data.id", "aws_efs_file_system.data"),
        subnet_id: ref("aws_subnet.private", "count.index"),
      },
    }),
    resource("aws_ecs_task_definition.app", {
      expressions: {
        volume: [
          { efs_volume_configuration: [{ file_system_id: ref("aws_efs_file_system.data.id") }] },
          { name: { constant_value: "scratch" } },
        ],
        container_definitions: ref("data.aws_region.here.name", "local.image"),
      },
    }),
    resource("aws_ecs_service.app", {
      expressions: { task_definition: ref("aws_ecs_task_definition.app.arn") },
      depends_on: ["aws_efs_mount_target.data"],
    }),
  ],
};

describe("resourceAddress", () => {
  it.each([
    ["aws_efs_file_system.data.arn", "aws_efs_file_system.data"],
    ["aws_subnet.private[0]", "aws_subnet.private"],
    ["aws_subnet.private", "aws_subnet.private"],
    ["data.aws_region.here.name", "data.aws_region.here"],
    ["var.zones", undefined],
    ["local.image", undefined],
    ["count.index", undefined],
    ["each.value", undefined],
    ["module.vpc.id", undefined],
  ])("reads %s as %s", (reference, address) => {
    expect(resourceAddress(reference)).toBe(address);
  });
});

describe("DependencyGraph", () => {
  const graph = new DependencyGraph(configuration);

  it("follows references, nested blocks and data sources, but not variables, locals or count.index", () => {
    expect([...graph.directDependencies("aws_ecs_task_definition.app")].sort()).toEqual([
      "aws_efs_file_system.data",
      "data.aws_region.here",
    ]);
    expect([...graph.directDependencies("aws_subnet.private")]).toEqual(["aws_vpc.main"]);
  });

  it("follows depends_on, and dependencies of dependencies", () => {
    expect([...graph.dependenciesOf("aws_ecs_service.app")].sort()).toEqual([
      "aws_ecs_task_definition.app",
      "aws_efs_file_system.data",
      "aws_efs_mount_target.data",
      "aws_subnet.private",
      "aws_vpc.main",
      "data.aws_region.here",
    ]);
    expect(graph.dependenciesOf("aws_vpc.main").size).toBe(0);
  });

  it("finds the references of one argument, inside nested blocks", () => {
    expect(
      referencesAt(graph.resource("aws_ecs_task_definition.app"), [
        "volume",
        "efs_volume_configuration",
        "file_system_id",
      ]),
    ).toEqual(["aws_efs_file_system.data"]);
    expect(referencesAt(graph.resource("aws_ecs_task_definition.app"), ["volume", "name"])).toEqual([]);
  });

  it("says so when asked for a resource the module does not have", () => {
    expect(() => graph.resource("aws_vpc.other")).toThrow("the configuration has no resource aws_vpc.other");
  });
});
