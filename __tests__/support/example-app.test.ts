// Only the pure helper: exampleStacks() would synthesize the whole example app.
import { TerraformConfig, protectedResources } from "./example-app";

describe("protectedResources", () => {
  const config: TerraformConfig = {
    resource: {
      aws_efs_access_point: {
        tenants: {
          for_each: { a: { path: "/a" }, b: { path: "/b" } },
          lifecycle: { prevent_destroy: true },
        },
        variable_map: { for_each: "${var.access_points}", lifecycle: { prevent_destroy: true } },
        unprotected_map: { for_each: { c: { path: "/c" } } },
      },
      aws_efs_file_system: {
        data: { encrypted: true, lifecycle: { prevent_destroy: true } },
        scratch: { encrypted: true, lifecycle: { prevent_destroy: false } },
        plain: { encrypted: true },
      },
    },
  };

  it("lists each key of a literal for_each map as an instance address", () => {
    expect(protectedResources(config)).toEqual(
      expect.arrayContaining(['aws_efs_access_point.tenants["a"]', 'aws_efs_access_point.tenants["b"]']),
    );
  });

  it("lists a resource without a literal for_each map by its address", () => {
    expect(protectedResources(config)).toEqual(
      expect.arrayContaining(["aws_efs_file_system.data", "aws_efs_access_point.variable_map"]),
    );
  });

  it("lists nothing else: no resource without prevent_destroy, no bare address of an expanded map", () => {
    expect([...protectedResources(config)].sort()).toEqual([
      'aws_efs_access_point.tenants["a"]',
      'aws_efs_access_point.tenants["b"]',
      "aws_efs_access_point.variable_map",
      "aws_efs_file_system.data",
    ]);
  });

  it("lists nothing for a config without resources", () => {
    expect(protectedResources({})).toEqual([]);
  });
});
