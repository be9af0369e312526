import { withTags } from "../../modules/core/tags";
import { expressionOf } from "../../modules/core/tokens";
import { testStack, variables } from "../support/fixtures";

describe("withTags", () => {
  it("adds the extra tags to a literal map", () => {
    expect(withTags({ team: "data" }, { Name: "db" })).toEqual({ team: "data", Name: "db" });
    expect(withTags(undefined, { Name: "db" })).toEqual({ Name: "db" });
  });

  it("merges with a map token in Terraform, a name built from a token as join() rather than a template", () => {
    const stack = testStack();
    const { variable } = variables(stack);
    const tags = variable("tags", "map(string)").value as Record<string, string>;
    const name = variable("name", "string").stringValue;
    const warn = jest.spyOn(console, "warn").mockImplementation(() => undefined);
    const merged = expressionOf(stack, withTags(tags, { Name: `${name}-instance`, Owner: name }));
    expect(merged).toBe('${merge(var.tags, {"Name" = join("", [var.name, "-instance"]), "Owner" = var.name})}');
    expect(warn).not.toHaveBeenCalled();
    warn.mockRestore();
  });
});
