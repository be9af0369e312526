import * as fs from "node:fs";
import * as path from "node:path";
import { reviewPlan } from "../../../analysis/review/plan-review";
import { plainResult, reviewResult } from "../../../cli/run-task/task-result";
import { planOf, resourceChange, unencryptedTaskDefinition } from "../../support/plan-changes";

const fixture = (name: string) => JSON.parse(fs.readFileSync(path.join(__dirname, "..", "fixtures", name), "utf8"));

describe("the task result of a reviewed plan", () => {
  it("passes a plan that creates only, with the counts in the message and no outcome to show", () => {
    const result = reviewResult(reviewPlan(planOf(resourceChange("aws_cloudwatch_log_group.logs", ["create"]))), true);
    expect(result).toEqual({
      data: {
        type: "task-results",
        attributes: {
          status: "passed",
          message:
            "stateful-ecs: 1 to add, 0 to change, 0 to replace, 0 to destroy, 0 moved, 0 imported; 0 destroying or replacing data; 0 guard errors, 0 warnings",
        },
      },
    });
  });

  it("fails a plan that replaces the file system, with an error outcome naming the address and the forcing attribute", () => {
    const result = reviewResult(reviewPlan(fixture("efs-replaced-plan.json")), true);
    expect(result.data.attributes.status).toBe("failed");
    expect(result.data.attributes.message).toContain("1 destroying or replacing data");
    const [first] = result.data.relationships!.outcomes.data;
    expect(first).toEqual({
      type: "task-result-outcomes",
      attributes: {
        "outcome-id": "data-safety/aws_efs_file_system.files",
        description: "aws_efs_file_system.files is replaced: it holds data",
        body: expect.stringContaining("Forced by `performance_mode`"),
        tags: { Severity: [{ label: "error", level: "error" }] },
      },
    });
  });

  it("fails on a guard error, one outcome per finding at its severity; a silenced one is info, with its reason", () => {
    const plan = planOf(
      unencryptedTaskDefinition(),
      resourceChange("aws_ecs_task_definition.quiet", ["create"], {
        change: {
          after: {
            ...unencryptedTaskDefinition().change.after,
            family: "quiet",
            tags: { "stateful-ecs:ignore:SE001": "a test volume" },
          },
        },
      }),
    );
    const result = reviewResult(reviewPlan(plan), true);
    expect(result.data.attributes.status).toBe("failed");
    const outcomes = result.data.relationships!.outcomes.data.map((each) => each.attributes);
    expect(outcomes).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          "outcome-id": "SE001/aws_ecs_task_definition.app",
          tags: { Severity: [{ label: "error", level: "error" }] },
        }),
      ]),
    );
    expect(outcomes).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          "outcome-id": "SE001/aws_ecs_task_definition.quiet",
          body: expect.stringContaining("Silenced: a test volume"),
          tags: { Severity: [{ label: "silenced", level: "info" }] },
        }),
      ]),
    );
  });

  it("leaves the outcomes out when Terraform Cloud does not take them", () => {
    const result = reviewResult(reviewPlan(fixture("efs-replaced-plan.json")), false);
    expect(result.data.relationships).toBeUndefined();
    expect(result.data.attributes.status).toBe("failed");
  });

  it("stays within the result schema: at most 250 outcomes, ids of 64, bodies of 10,000, a message of 1,000", () => {
    const deletes = Array.from({ length: 300 }, (_, index) =>
      resourceChange(`aws_efs_file_system.${"f".repeat(70)}_${index}`, ["delete"]),
    );
    const result = reviewResult(reviewPlan(planOf(...deletes)), true);
    const outcomes = result.data.relationships!.outcomes.data;
    expect(outcomes).toHaveLength(250);
    expect(result.data.attributes.message).toContain("the first 250 of 300 outcomes shown");
    for (const { attributes } of outcomes) {
      expect(attributes["outcome-id"].length).toBeLessThanOrEqual(64);
      expect(attributes.body.length).toBeLessThanOrEqual(10000);
    }
    expect(plainResult("failed", "x".repeat(5000)).data.attributes.message).toHaveLength(1000);
  });
});
