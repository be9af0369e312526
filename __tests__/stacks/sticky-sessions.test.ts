import { ElasticacheReplicationGroup } from "@cdktf/provider-aws/lib/elasticache-replication-group";
import { LbTargetGroup } from "@cdktf/provider-aws/lib/lb-target-group";
import { exampleStack } from "../support/example-app";
import { onlyResource, resources } from "../support/fixtures";
import { describeWithTerraform, plan } from "../support/harness";
import { ResourceChange } from "../../analysis/plan-json";

const stack = exampleStack("sticky-sessions");
const all = (type: string) => resources(stack, type);
const only = (type: string) => onlyResource(stack, type);

describe("stack sticky-sessions", () => {
  const [container] = JSON.parse(only("aws_ecs_task_definition").container_definitions);
  const service = only("aws_ecs_service");

  it("sticks clients to a task with the load balancer cookie for one hour", () => {
    expect(stack.json).toHaveResourceWithProperties(LbTargetGroup, {
      target_type: "ip",
      stickiness: { enabled: true, type: "lb_cookie", cookie_duration: 3600 },
    });
  });

  it("runs two web tasks on Fargate behind the target group", () => {
    expect(service).toMatchObject({
      launch_type: "FARGATE",
      desired_count: 2,
      load_balancer: [{ container_name: "web", container_port: 80 }],
    });
  });

  it("keeps sessions in an encrypted, authenticated, Multi-AZ Valkey store", () => {
    expect(stack.json).toHaveResourceWithProperties(ElasticacheReplicationGroup, {
      engine: "valkey",
      num_cache_clusters: 2,
      automatic_failover_enabled: true,
      multi_az_enabled: true,
      transit_encryption_enabled: true,
      at_rest_encryption_enabled: "true",
      user_group_ids: [expect.stringMatching(/aws_elasticache_user_group\./)],
    });
  });

  it("hands the web containers the store's environment and their task role the right to connect", () => {
    const environment = Object.fromEntries(
      container.environment.map(({ name, value }: { name: string; value: string }) => [name, value]),
    );
    expect(environment).toMatchObject({
      SESSION_STORE_HOST: expect.stringMatching(/primary_endpoint_address/),
      SESSION_STORE_PORT: "6379",
      SESSION_STORE_TLS: "true",
      SESSION_STORE_AUTH: "iam",
    });
    const connect = all("aws_iam_role_policy").find(
      (policy) => policy.name === "sticky-sessions-sessions-cache-connect",
    );
    expect(connect?.role).toMatch(/aws_iam_role\.roles_task-role_\w+\.name/);
  });

  it("lets only the web tasks reach the store, and only the load balancer reach the web tasks", () => {
    const ingress = all("aws_vpc_security_group_ingress_rule");
    const into = (group: RegExp) => ingress.filter((rule) => group.test(String(rule.security_group_id)));
    expect(into(/sessions_security-group/)).toEqual([
      expect.objectContaining({
        from_port: 6379,
        referenced_security_group_id: expect.stringMatching(/web_security-group/),
      }),
    ]);
    expect(into(/web_security-group/)).toEqual([
      expect.objectContaining({
        from_port: 80,
        referenced_security_group_id: expect.stringMatching(/alb_security-group/),
      }),
    ]);
  });
});

describeWithTerraform("stack sticky-sessions, planned offline", () => {
  let changes: ResourceChange[];
  beforeAll(async () => {
    changes = (await plan(stack.dir)).resource_changes ?? [];
  });
  const after = (type: string) => changes.filter((change) => change.type === type).map((change) => change.change.after);

  it("plans one HTTP listener and a CPU, memory and eviction alarm for each of the two nodes", () => {
    expect(after("aws_lb_listener")).toEqual([expect.objectContaining({ port: 80, protocol: "HTTP" })]);
    const alarms = after("aws_cloudwatch_metric_alarm").map((alarm) => alarm?.metric_name);
    expect(alarms.sort()).toEqual([
      "DatabaseMemoryUsagePercentage",
      "DatabaseMemoryUsagePercentage",
      "EngineCPUUtilization",
      "EngineCPUUtilization",
      "Evictions",
      "Evictions",
    ]);
  });
});
