import { Construct } from "constructs";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { grantToRole } from "../../modules/core/grants";
import { PolicyStatement, RoleRef, markRole } from "../../modules/core/iam";
import { TaskRoles } from "../../modules/ecs";
import { onlyResource, parsePolicy, resources, synthConfig, testStack } from "../support/fixtures";

class Store extends Construct {}

const read = (resource: string): PolicyStatement => ({
  Sid: "Read",
  Effect: "Allow",
  Action: "s3:GetObject",
  Resource: resource,
});

function grant(owner: Construct, role: RoleRef, statements: () => PolicyStatement[], policyName = "store-read") {
  return grantToRole(owner, { role, roleKind: "task", policyName, purpose: "connect()", statements });
}

describe("grantToRole, the one grant path", () => {
  it("makes one policy per role and name, adds later statements once each, and returns the policy", () => {
    let returned: unknown[] = [];
    const synthesized = synthConfig((scope) => {
      const store = new Store(scope, "store");
      const role = new IamRole(scope, "role", { name: "app", assumeRolePolicy: "{}" });
      const first = grant(store, role, () => [read(role.arn)]);
      // The same statement again (another token for the same ARN), and a second one.
      const second = grant(store, role, () => [read(role.arn), { ...read("arn:aws:s3:::other/*") }]);
      returned = [first, second];
    });
    expect(returned[0]).toBe(returned[1]);
    const policy = onlyResource(synthesized, "aws_iam_role_policy");
    expect(policy.name).toBe("store-read");
    expect(parsePolicy(policy.policy).Statement.map((statement) => [statement.Sid, statement.Resource])).toEqual([
      ["Read", "${aws_iam_role.role.arn}"],
      ["Read1", "arn:aws:s3:::other/*"],
    ]);
  });

  it("makes a policy per role", () => {
    const synthesized = synthConfig((scope) => {
      const store = new Store(scope, "store");
      for (const name of ["a", "b"]) {
        grant(store, new IamRole(scope, name, { name, assumeRolePolicy: "{}" }), () => [read("arn:aws:s3:::x/*")]);
      }
    });
    expect(resources(synthesized, "aws_iam_role_policy").map((policy) => policy.role)).toEqual([
      "${aws_iam_role.a.name}",
      "${aws_iam_role.b.name}",
    ]);
  });

  it.each([
    ["execution", "needs a task role, but was given an execution role: the application and data-plane authorization"],
    ["instance", "needs a task role, but was given an instance role"],
  ] as const)("refuses a role marked as an %s role, naming the owner and the purpose", (kind, message) => {
    const scope = testStack();
    const role = new IamRole(scope, "role", { name: "r", assumeRolePolicy: "{}" });
    markRole(role, kind);
    expect(() => grant(new Store(scope, "store"), role, () => [])).toThrow(`Store 'store': connect() ${message}`);
  });

  it("takes a role made elsewhere, and the task role of TaskRoles", () => {
    const scope = testStack();
    const store = new Store(scope, "store");
    expect(() =>
      grant(store, { name: "existing", arn: "arn:aws:iam::123456789012:role/existing" }, () => []),
    ).not.toThrow();
    expect(() => grant(store, new TaskRoles(scope, "roles").taskRole, () => [])).not.toThrow();
  });

  it("refuses a policy name longer than IAM allows", () => {
    const scope = testStack();
    const name = "p".repeat(129);
    expect(() => grant(new Store(scope, "store"), { name: "r", arn: "arn" }, () => [], name)).toThrow(
      `Store 'store': name makes the IAM role policy name '${name}' 129 characters long; AWS allows at most 128`,
    );
  });
});
