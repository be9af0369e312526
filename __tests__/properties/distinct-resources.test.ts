import { distinctResources } from "./distinct-resources";

const role = (service: string) => ({ "//": { metadata: { path: "x" } }, assume_role_policy: service });

it("keeps one of each resource configuration and points references to a dropped twin at the kept one", () => {
  const config = {
    resource: {
      aws_iam_role: {
        p1_subject_role_1A2B3C4D: role("ecs-tasks"),
        p2_subject_role_5E6F7A8B: role("ecs-tasks"),
        p3_subject_role_0C0C0C0C: role("ec2"),
      },
      aws_iam_role_policy: {
        p1_subject_policy_11111111: { role: "${aws_iam_role.p1_subject_role_1A2B3C4D.name}", policy: "{}" },
        p2_subject_policy_22222222: { role: "${aws_iam_role.p2_subject_role_5E6F7A8B.name}", policy: "{}" },
        p3_subject_policy_33333333: { role: "${aws_iam_role.p3_subject_role_0C0C0C0C.name}", policy: "{}" },
      },
    },
    output: { second: { value: "${aws_iam_role.p2_subject_role_5E6F7A8B.arn}" } },
  };
  expect(distinctResources(config)).toEqual({
    resource: {
      aws_iam_role: { p1_subject_role_1A2B3C4D: role("ecs-tasks"), p3_subject_role_0C0C0C0C: role("ec2") },
      aws_iam_role_policy: {
        // The third names another role, but one of the same type: validate judges it as the first.
        p1_subject_policy_11111111: { role: "${aws_iam_role.p1_subject_role_1A2B3C4D.name}", policy: "{}" },
      },
    },
    output: { second: { value: "${aws_iam_role.p1_subject_role_1A2B3C4D.arn}" } },
  });
});

it("keeps resources whose arguments differ, and every resource whose name is not generated", () => {
  const config = {
    resource: {
      aws_s3_bucket: {
        p1_subject_b_1A2B3C4D: { bucket: "a" },
        p2_subject_b_5E6F7A8B: { bucket: "b" },
        fixed: { bucket: "a" },
      },
    },
  };
  expect(distinctResources(config)).toEqual({
    resource: {
      aws_s3_bucket: {
        p1_subject_b_1A2B3C4D: { bucket: "a" },
        p2_subject_b_5E6F7A8B: { bucket: "b" },
        fixed: { bucket: "a" },
      },
    },
  });
});
