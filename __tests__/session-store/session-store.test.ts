import { Construct } from "constructs";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { DynamodbTable } from "@cdktf/provider-aws/lib/dynamodb-table";
import { ElasticacheParameterGroup } from "@cdktf/provider-aws/lib/elasticache-parameter-group";
import { ElasticacheReplicationGroup } from "@cdktf/provider-aws/lib/elasticache-replication-group";
import { ElasticacheSubnetGroup } from "@cdktf/provider-aws/lib/elasticache-subnet-group";
import { ElasticacheUserGroup } from "@cdktf/provider-aws/lib/elasticache-user-group";
import { expressionOf } from "../../modules/core/tokens";
import { FargateService, TaskRoles } from "../../modules/ecs";
import {
  DynamoSessionTable,
  DynamoSessionTableProps,
  SessionStore,
  SessionStoreProps,
} from "../../modules/session-store";
import { accessStringProblem, parameterGroupFamily } from "../../modules/session-store/session-store";
import {
  existingNetwork,
  onlyResource,
  parsePolicy,
  resources,
  serviceBasics,
  synthConfig,
  testStack,
  variables,
} from "../support/fixtures";

const tokenSecret = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:cache-token-AbCdEf";

function storeIn(scope: Construct, props: Partial<SessionStoreProps> = {}): SessionStore {
  return new SessionStore(scope, "sessions", { network: existingNetwork, name: "sessions", ...props });
}

function webIn(scope: Construct): FargateService {
  return new FargateService(scope, "web", {
    ...serviceBasics(scope),
    container: { name: "web", image: "public.ecr.aws/docker/library/nginx:1.27", port: 80 },
  });
}

describe("SessionStore with defaults (Valkey, IAM)", () => {
  const synthesized = synthConfig((scope) => storeIn(scope).connect(webIn(scope)));

  it("is a Multi-AZ Valkey replication group with failover, a primary and a replica", () => {
    expect(synthesized.json).toHaveResourceWithProperties(ElasticacheReplicationGroup, {
      replication_group_id: "sessions",
      engine: "valkey",
      engine_version: "8.0",
      node_type: "cache.t4g.small",
      num_cache_clusters: 2,
      port: 6379,
      automatic_failover_enabled: true,
      multi_az_enabled: true,
    });
  });

  it("requires TLS and encrypts at rest", () => {
    expect(synthesized.json).toHaveResourceWithProperties(ElasticacheReplicationGroup, {
      transit_encryption_enabled: true,
      transit_encryption_mode: "required",
      at_rest_encryption_enabled: "true",
    });
  });

  it("keeps 7 days of snapshots, takes a final one on deletion, and is protected from destroy", () => {
    const group = onlyResource(synthesized, "aws_elasticache_replication_group");
    expect(group).toMatchObject({
      snapshot_retention_limit: 7,
      snapshot_window: "03:00-04:00",
      maintenance_window: "sun:05:00-sun:06:00",
      lifecycle: { prevent_destroy: true },
    });
  });

  it("names the final snapshot once per creation, so a second destroy does not meet the first one's snapshot", () => {
    const group = onlyResource(synthesized, "aws_elasticache_replication_group");
    // timestamp() is new at every plan; ignore_changes keeps the name chosen when the group was created.
    expect(group.final_snapshot_identifier).toBe('sessions-final-${formatdate("YYYYMMDDhhmmss", timestamp())}');
    expect(group.lifecycle.ignore_changes).toEqual(["final_snapshot_identifier"]);
  });

  it("lives in the private subnets, with a parameter group that only evicts expiring keys", () => {
    expect(synthesized.json).toHaveResourceWithProperties(ElasticacheSubnetGroup, {
      subnet_ids: existingNetwork.privateSubnetIds,
    });
    expect(synthesized.json).toHaveResourceWithProperties(ElasticacheParameterGroup, {
      family: "valkey8",
      parameter: [{ name: "maxmemory-policy", value: "volatile-lru" }],
    });
  });

  it("delivers the slow log to CloudWatch Logs with a retention period", () => {
    expect(synthesized.json).toHaveResourceWithProperties(CloudwatchLogGroup, {
      name: "/elasticache/sessions/slow-log",
      retention_in_days: 30,
    });
    expect(onlyResource(synthesized, "aws_elasticache_replication_group").log_delivery_configuration).toEqual([
      {
        destination: expect.stringMatching(/aws_cloudwatch_log_group\.sessions_slow-log_\w+\.name/),
        destination_type: "cloudwatch-logs",
        log_format: "json",
        log_type: "slow-log",
      },
    ]);
  });

  it("signs the application user in with IAM, with a restricted access string, and switches default off", () => {
    const users = resources(synthesized, "aws_elasticache_user");
    expect(users).toEqual([
      expect.objectContaining({
        user_id: "sessions-app",
        user_name: "sessions-app",
        engine: "valkey",
        authentication_mode: { type: "iam" },
        access_string: "on ~* -@all +@read +@write +@keyspace +@connection -@dangerous -@pubsub",
      }),
      expect.objectContaining({
        user_name: "default",
        access_string: "off -@all",
        authentication_mode: { type: "password", passwords: ["${uuid()}"] },
        lifecycle: { ignore_changes: ["authentication_mode"] },
      }),
    ]);
    expect(synthesized.json).toHaveResourceWithProperties(ElasticacheUserGroup, {
      user_group_id: "sessions-users",
      engine: "valkey",
    });
    const group = onlyResource(synthesized, "aws_elasticache_replication_group");
    expect(group.user_group_ids).toEqual([expect.stringMatching(/aws_elasticache_user_group\.\S+\.user_group_id/)]);
    expect(group).not.toHaveProperty("auth_token");
  });

  it("grants elasticache:Connect on the group and the user to the connected service's task role, nothing more", () => {
    const grant = onlyResource(synthesized, "aws_iam_role_policy");
    expect(grant.role).toMatch(/aws_iam_role\.roles_task-role_\w+\.name/);
    expect(parsePolicy(grant.policy).Statement).toEqual([
      {
        Sid: "ConnectAsTheApplicationUser",
        Effect: "Allow",
        Action: "elasticache:Connect",
        Resource: [
          expect.stringMatching(/^\$\{aws_elasticache_replication_group\.\S+\.arn\}$/),
          expect.stringMatching(/^\$\{aws_elasticache_user\.sessions_app-user_\w+\.arn\}$/),
        ],
      },
    ]);
  });

  it("opens its port only to the connected service's group, and out of that group to it", () => {
    const [cacheGroup] = resources(synthesized, "aws_security_group");
    expect(cacheGroup.description).toContain("port 6379 from the task groups");
    expect(resources(synthesized, "aws_vpc_security_group_ingress_rule")).toEqual([
      expect.objectContaining({
        security_group_id: expect.stringContaining("sessions_security-group"),
        referenced_security_group_id: expect.stringContaining("web_security-group"),
        from_port: 6379,
        to_port: 6379,
        ip_protocol: "tcp",
        description: "Session store sessions from test-web",
      }),
    ]);
    const out = resources(synthesized, "aws_vpc_security_group_egress_rule").filter((rule) => rule.from_port === 6379);
    expect(out).toEqual([
      expect.objectContaining({
        security_group_id: expect.stringContaining("web_security-group"),
        referenced_security_group_id: expect.stringContaining("sessions_security-group"),
      }),
    ]);
  });

  it("gives the service's container where the store is, and makes its first task wait for the rule and grant", () => {
    const [container] = JSON.parse(onlyResource(synthesized, "aws_ecs_task_definition").container_definitions);
    expect(container.environment.map((variable: { name: string }) => variable.name)).toEqual([
      "SESSION_STORE_HOST",
      "SESSION_STORE_PORT",
      "SESSION_STORE_TLS",
      "SESSION_STORE_AUTH",
      "SESSION_STORE_USER",
      "SESSION_STORE_CACHE_NAME",
      "SESSION_STORE_REGION",
    ]);
    expect(onlyResource(synthesized, "aws_ecs_service").depends_on).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^aws_vpc_security_group_ingress_rule\.sessions_from-0_/),
        expect.stringMatching(/^aws_iam_role_policy\.sessions_grant-0_/),
      ]),
    );
  });

  it("alarms on CPU, memory and evictions of each node", () => {
    const alarms = resources(synthesized, "aws_cloudwatch_metric_alarm");
    expect(alarms.map((alarm) => [alarm.metric_name, alarm.threshold, alarm.count])).toEqual([
      ["EngineCPUUtilization", 80, 2],
      ["Evictions", 1, 2],
      ["DatabaseMemoryUsagePercentage", 80, 2],
    ]);
    expect(alarms[0].dimensions.CacheClusterId).toMatch(
      /^\$\{format\("%s-%03d", aws_elasticache_replication_group\.\S+\.id, \(count\.index \+ 1\)\)\}$/,
    );
  });

  it("tells clients where it is, that TLS is on, and how to sign in", () => {
    const stack = testStack();
    const fresh = storeIn(stack);
    const environment = expressionOf(stack, fresh.environment()) as Record<string, string>;
    expect(environment).toEqual({
      SESSION_STORE_HOST: expect.stringMatching(/aws_elasticache_replication_group\.\S+\.primary_endpoint_address/),
      SESSION_STORE_PORT: "6379",
      SESSION_STORE_TLS: "true",
      SESSION_STORE_AUTH: "iam",
      SESSION_STORE_USER: expect.stringMatching(/aws_elasticache_user\.sessions_app-user_\w+\.user_name/),
      SESSION_STORE_CACHE_NAME: expect.stringMatching(/replication_group_id/),
      SESSION_STORE_REGION: expect.stringMatching(/data\.aws_region\./),
    });
    expect(fresh.secrets()).toEqual({});
  });
});

describe("SessionStore options", () => {
  it("runs Redis OSS with its family, more nodes, a key, windows, a policy, and destroy allowed", () => {
    const kmsKeyArn = "arn:aws:kms:eu-west-1:123456789012:key/abcd";
    const synthesized = synthConfig((scope) =>
      storeIn(scope, {
        engine: "redis",
        numCacheClusters: 3,
        kmsKeyArn,
        snapshotRetentionDays: 0,
        snapshotWindow: "01:00-02:00",
        maintenanceWindow: "sat:03:00-sat:04:00",
        maxmemoryPolicy: "allkeys-lru",
        allowDestroy: true,
        alarms: { cpuPercent: 70, memoryPercent: 90, evictions: 100 },
      }),
    );
    expect(synthesized.json).toHaveResourceWithProperties(ElasticacheReplicationGroup, {
      engine: "redis",
      engine_version: "7.1",
      num_cache_clusters: 3,
      kms_key_id: kmsKeyArn,
      snapshot_retention_limit: 0,
      snapshot_window: "01:00-02:00",
      maintenance_window: "sat:03:00-sat:04:00",
      lifecycle: { prevent_destroy: false, ignore_changes: ["final_snapshot_identifier"] },
    });
    expect(synthesized.json).toHaveResourceWithProperties(ElasticacheParameterGroup, {
      family: "redis7",
      parameter: [{ name: "maxmemory-policy", value: "allkeys-lru" }],
    });
    const thresholds = resources(synthesized, "aws_cloudwatch_metric_alarm").map((alarm) => alarm.threshold);
    expect(thresholds.sort((a, b) => a - b)).toEqual([70, 90, 100]);
  });

  it("takes an AUTH token from Secrets Manager in token mode, with no RBAC users", () => {
    const synthesized = synthConfig((scope) => {
      const store = storeIn(scope, { auth: { mode: "token", authTokenSecretArn: tokenSecret } });
      store.grantTokenRead(new TaskRoles(scope, "roles").executionRole);
    });
    const group = onlyResource(synthesized, "aws_elasticache_replication_group");
    expect(group.auth_token).toMatch(/^\$\{data\.aws_secretsmanager_secret_version\.\S+\.secret_string\}$/);
    expect(group).not.toHaveProperty("user_group_ids");
    expect(resources(synthesized, "aws_elasticache_user")).toEqual([]);
    const grant = onlyResource(synthesized, "aws_iam_role_policy");
    expect(grant.role).toMatch(/execution-role/);
    expect(parsePolicy(grant.policy).Statement[0]).toMatchObject({
      Action: "secretsmanager:GetSecretValue",
      Resource: tokenSecret,
    });
  });

  it("connects a token-mode service: its execution role reads the token, its container gets it as a secret", () => {
    const synthesized = synthConfig((scope) =>
      storeIn(scope, { auth: { mode: "token", authTokenSecretArn: tokenSecret } }).connect(webIn(scope)),
    );
    const grant = onlyResource(synthesized, "aws_iam_role_policy");
    expect(grant.role).toMatch(/aws_iam_role\.roles_execution-role_\w+\.name/);
    expect(parsePolicy(grant.policy).Statement).toEqual([
      { Sid: "ReadAuthToken", Effect: "Allow", Action: "secretsmanager:GetSecretValue", Resource: tokenSecret },
    ]);
    const [container] = JSON.parse(onlyResource(synthesized, "aws_ecs_task_definition").container_definitions);
    expect(container.secrets).toEqual([{ name: "SESSION_STORE_AUTH_TOKEN", valueFrom: tokenSecret }]);
    expect(container.environment.map((variable: { name: string }) => variable.name)).not.toContain(
      "SESSION_STORE_AUTH_TOKEN",
    );
  });

  it("hands token-mode clients the token as a container secret, not in the environment", () => {
    const store = storeIn(testStack(), { auth: { mode: "token", authTokenSecretArn: tokenSecret } });
    expect(store.secrets()).toEqual({ SESSION_STORE_AUTH_TOKEN: tokenSecret });
    expect(Object.keys(store.environment())).toEqual([
      "SESSION_STORE_HOST",
      "SESSION_STORE_PORT",
      "SESSION_STORE_TLS",
      "SESSION_STORE_AUTH",
    ]);
  });

  it("derives the parameter group family, also from a Terraform expression", () => {
    expect(
      [
        ["valkey", "7.2"],
        ["valkey", "8.0"],
        ["redis", "7.1"],
        ["redis", "6.2"],
      ].map(([engine, version]) => parameterGroupFamily(engine as "redis", version)),
    ).toEqual(["valkey7", "valkey8", "redis7", "redis6.x"]);
    const synthesized = synthConfig((scope) =>
      storeIn(scope, { engineVersion: variables(scope).variable("version", "string").stringValue }),
    );
    expect(onlyResource(synthesized, "aws_elasticache_parameter_group").family).toBe(
      '${replace(join("", ["valkey", element(split(".", var.version), 0)]), "redis6", "redis6.x")}',
    );
  });

  it("counts the node alarms over a node count variable", () => {
    const synthesized = synthConfig((scope) =>
      storeIn(scope, { numCacheClusters: variables(scope).variable("nodes", "number").numberValue }),
    );
    expect(resources(synthesized, "aws_cloudwatch_metric_alarm").map((alarm) => alarm.count)).toEqual([
      "${var.nodes}",
      "${var.nodes}",
      "${var.nodes}",
    ]);
  });
});

describe("SessionStore access strings", () => {
  const undocumented =
    "which is not access string syntax ElastiCache documents; use on/off, ~keys, &channels, +command, -command, +@category or -@category";

  it.each([
    "on ~* -@all +@read +@write +@keyspace +@connection -@dangerous -@pubsub",
    "on ~app::* -@all +@read +@hash +@bitmap +@geo -setbit -bitfield -hset",
    "on ~* &* +@all",
    "on %R~cache:* %RW~sessions:* -@all +get +set -config|set",
  ])("accepts the documented syntax of %s", (accessString) => {
    expect(accessStringProblem(accessString)).toBeUndefined();
  });

  it.each([
    ["", "is empty; give at least 'on' and the commands the user may run"],
    ["   ", "is empty; give at least 'on' and the commands the user may run"],
    ["on ~* resetchannels -@all +@read", `has 'resetchannels', ${undocumented}`],
    ["on ~* reset +@all", `has 'reset', ${undocumented}`],
    ["on nopass ~* +@all", `has 'nopass', ${undocumented}`],
    ["on >secret ~* +@all", `has '>secret', ${undocumented}`],
    ["on allkeys +@all", `has 'allkeys', ${undocumented}`],
    ["~* +@all", "does not switch the user 'on', so it could never connect"],
  ])("refuses %j", (accessString, problem) => {
    expect(accessStringProblem(accessString)).toBe(problem);
    expect(() => storeIn(testStack(), { auth: { mode: "iam", accessString } })).toThrow(
      `SessionStore 'sessions': auth.accessString '${accessString}' ${problem}`,
    );
  });
});

describe("SessionStore validation", () => {
  it.each<[string, Partial<SessionStoreProps>, string]>([
    [
      "a single private subnet",
      {
        network: {
          ...existingNetwork,
          privateSubnetIds: ["subnet-0a"],
          privateSubnetAvailabilityZones: ["eu-west-1a"],
        },
      },
      "network.privateSubnetIds has 1 subnet(s); a Multi-AZ store needs subnets in at least 2 zones",
    ],
    [
      "private subnets in one zone",
      { network: { ...existingNetwork, privateSubnetAvailabilityZones: ["eu-west-1b", "eu-west-1b"] } },
      "network.privateSubnetAvailabilityZones has only zone 'eu-west-1b'; a Multi-AZ store needs subnets in at least 2 zones",
    ],
    [
      "one cache cluster with failover",
      { numCacheClusters: 1 },
      "numCacheClusters 1 leaves no replica; automatic failover and Multi-AZ need at least 2",
    ],
    ["more than 6 nodes", { numCacheClusters: 7 }, "numCacheClusters 7 is not a whole number from 2 to 6"],
    [
      "a snapshot window inside the maintenance window",
      { snapshotWindow: "05:30-06:30", maintenanceWindow: "sun:05:00-sun:07:00" },
      "snapshotWindow '05:30-06:30' overlaps maintenanceWindow 'sun:05:00-sun:07:00'; ElastiCache requires them apart",
    ],
    [
      "the default snapshot window and a maintenance window on another day at the same hour",
      { maintenanceWindow: "wed:03:30-wed:04:30" },
      "snapshotWindow '03:00-04:00' overlaps maintenanceWindow 'wed:03:30-wed:04:30'",
    ],
    [
      "a snapshot window across midnight and a maintenance window across the week's end",
      { snapshotWindow: "23:30-00:30", maintenanceWindow: "sat:23:00-sun:00:15" },
      "snapshotWindow '23:30-00:30' overlaps maintenanceWindow 'sat:23:00-sun:00:15'",
    ],
    [
      "a 30-minute snapshot window",
      { snapshotWindow: "03:00-03:30" },
      "snapshotWindow '03:00-03:30' is shorter than the 60 minutes ElastiCache requires",
    ],
    [
      "a 30-minute maintenance window",
      { maintenanceWindow: "sun:05:00-sun:05:30" },
      "maintenanceWindow 'sun:05:00-sun:05:30' lasts 30 minutes; ElastiCache allows 60 minutes to 24 hours",
    ],
    [
      "a two-day maintenance window",
      { maintenanceWindow: "sun:05:00-tue:05:00" },
      "maintenanceWindow 'sun:05:00-tue:05:00' lasts 2880 minutes; ElastiCache allows 60 minutes to 24 hours",
    ],
    [
      "Redis OSS 6.2 with IAM",
      { engine: "redis", engineVersion: "6.2" },
      "engineVersion '6.2' of redis has no IAM authentication; use 7.0 or later, or auth mode 'token'",
    ],
    [
      "Valkey 7.1 with IAM",
      { engineVersion: "7.1" },
      "engineVersion '7.1' of valkey has no IAM authentication; use 7.2 or later",
    ],
    [
      "a version that is not major.minor",
      { engineVersion: "8" },
      "engineVersion '8' is not a major.minor version such as '8.0'",
    ],
    ["an unknown engine", { engine: "memcached" as never }, "engine 'memcached' is not one of: valkey, redis"],
    ["an unknown auth mode", { auth: { mode: "password" } as never }, "auth.mode 'password' is not one of: iam, token"],
    [
      "a token secret that is not a Secrets Manager ARN",
      { auth: { mode: "token", authTokenSecretArn: "my-token" } },
      "auth.authTokenSecretArn 'my-token' is not a Secrets Manager secret ARN",
    ],
    [
      "an IAM user name with capitals",
      { auth: { mode: "iam", userName: "App" } },
      "auth.userName 'App' is not 1 to 40 lowercase letters",
    ],
    [
      "a node type without cache.",
      { nodeType: "t4g.small" },
      "nodeType 't4g.small' is not a node type such as 'cache.t4g.small'",
    ],
    ["a privileged port", { port: 80 }, "port 80 is not a whole number from 1024 to 65535"],
    [
      "a name with capitals",
      { name: "Sessions" },
      "name 'Sessions' is not 1 to 36 lowercase letters, digits or single hyphens",
    ],
    [
      "36 days of snapshots",
      { snapshotRetentionDays: 36 },
      "snapshotRetentionDays 36 is not a whole number from 0 to 35",
    ],
    [
      "a snapshot window without times",
      { snapshotWindow: "night" },
      "snapshotWindow 'night' is not a UTC window such as '03:00-04:00'",
    ],
    [
      "a maintenance window without days",
      { maintenanceWindow: "05:00-06:00" },
      "maintenanceWindow '05:00-06:00' is not a UTC window such as 'sun:05:00-sun:06:00'",
    ],
    [
      "an unknown eviction policy",
      { maxmemoryPolicy: "random" as never },
      "maxmemoryPolicy 'random' is not one of: volatile-lru",
    ],
    ["a slow log kept 10 days", { slowLogRetentionDays: 10 }, "slowLogRetentionDays 10 is not one of: 1, 3, 5"],
    [
      "a CPU alarm over 100%",
      { alarms: { cpuPercent: 101 } },
      "alarms.cpuPercent 101 is not a whole number from 1 to 100",
    ],
    ["an eviction alarm at 0", { alarms: { evictions: 0 } }, "alarms.evictions 0 is not a whole number from 1 to"],
    [
      "an alarm action that is not a topic",
      { alarms: { actions: ["mail@example.com"] } },
      "alarms.actions[0] 'mail@example.com' is not an SNS topic ARN",
    ],
  ])("rejects %s", (_case, props, message) => {
    expect(() => storeIn(testStack(), props)).toThrow(`SessionStore 'sessions': ${message}`);
  });

  it("accepts a one-letter name, as its message says", () => {
    expect(() => storeIn(testStack(), { name: "s" })).not.toThrow();
  });

  it("rejects grantConnect in token mode, and for an execution role", () => {
    const stack = testStack();
    const roles = new TaskRoles(stack, "roles");
    const tokenStore = new SessionStore(stack, "token", {
      network: existingNetwork,
      auth: { mode: "token", authTokenSecretArn: tokenSecret },
    });
    expect(() => tokenStore.grantConnect(roles.taskRole)).toThrow(
      "SessionStore 'token': grantConnect() is for auth mode 'iam'; in 'token' mode use connect() or grantTokenRead()",
    );
    expect(() => storeIn(stack).grantConnect(roles.executionRole)).toThrow(
      "SessionStore 'sessions': grantConnect() needs a task role, but was given an execution role",
    );
    expect(() => storeIn(testStack()).grantTokenRead(roles.executionRole)).toThrow(
      "SessionStore 'sessions': grantTokenRead() is for auth mode 'token'",
    );
  });
});

describe("DynamoSessionTable", () => {
  const synthesized = synthConfig((scope) => {
    const table = new DynamoSessionTable(scope, "sessions");
    const web = webIn(scope);
    table.connect(web);
    table.connect(web);
  });

  it("is on demand, expires sessions by TTL, and keeps point-in-time recovery, encryption and deletion protection", () => {
    expect(synthesized.json).toHaveResourceWithProperties(DynamodbTable, {
      name: "test-sessions",
      billing_mode: "PAY_PER_REQUEST",
      hash_key: "id",
      attribute: [{ name: "id", type: "S" }],
      ttl: { attribute_name: "expires_at", enabled: true },
      point_in_time_recovery: { enabled: true },
      server_side_encryption: { enabled: true },
      deletion_protection_enabled: true,
      lifecycle: { prevent_destroy: true },
    });
  });

  it("tells the connected service's container the table's name", () => {
    const [container] = JSON.parse(onlyResource(synthesized, "aws_ecs_task_definition").container_definitions);
    expect(container.environment).toEqual([
      { name: "SESSION_TABLE_NAME", value: expect.stringMatching(/aws_dynamodb_table\.sessions_table_\w+\.name/) },
    ]);
  });

  it("lets the task role use this table's items only, granted once however often it connects", () => {
    const grant = onlyResource(synthesized, "aws_iam_role_policy");
    expect(grant.role).toMatch(/task-role/);
    expect(parsePolicy(grant.policy).Statement).toEqual([
      {
        Sid: "SessionItems",
        Effect: "Allow",
        Action: expect.arrayContaining(["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:DeleteItem"]),
        Resource: expect.stringMatching(/^\$\{aws_dynamodb_table\.sessions_table_\w+\.arn\}$/),
      },
    ]);
    expect(parsePolicy(grant.policy).Statement[0].Action).not.toContain("dynamodb:Scan");
  });

  it.each<[Partial<DynamoSessionTableProps>, string]>([
    [{ tableName: "x" }, "tableName 'x' is not 3 to 255 letters, digits, '_', '-' or '.'"],
    [{ ttlAttribute: "id" }, "ttlAttribute 'id' cannot be the partition key"],
    [{ kmsKeyArn: "key" }, "kmsKeyArn 'key' is not a KMS key ARN"],
  ])("rejects %j", (props, message) => {
    expect(() => new DynamoSessionTable(testStack(), "sessions", props)).toThrow(
      `DynamoSessionTable 'sessions': ${message}`,
    );
  });

  it("refuses a grant whose policy name would be longer than IAM allows", () => {
    const id = "s".repeat(115);
    const stack = testStack();
    expect(() =>
      new DynamoSessionTable(stack, id, { tableName: "sessions" }).grantReadWrite(new TaskRoles(stack, "r").taskRole),
    ).toThrow(
      `DynamoSessionTable '${id}': name makes the IAM role policy name 'test-${id}-sessions' 129 characters long; AWS allows at most 128`,
    );
  });

  it("can be deleted only with allowDestroy, given as a literal", () => {
    const synthesized = synthConfig((scope) => new DynamoSessionTable(scope, "sessions", { allowDestroy: true }));
    expect(onlyResource(synthesized, "aws_dynamodb_table")).toMatchObject({
      deletion_protection_enabled: false,
      lifecycle: { prevent_destroy: false },
    });
    const stack = testStack();
    const { variable } = variables(stack);
    expect(
      () => new DynamoSessionTable(stack, "sessions", { allowDestroy: variable("destroy", "bool").value }),
    ).toThrow("DynamoSessionTable 'sessions': allowDestroy must be a literal value");
  });

  it("rejects a grant to the execution role", () => {
    const stack = testStack();
    expect(() =>
      new DynamoSessionTable(stack, "sessions").grantReadWrite(new TaskRoles(stack, "roles").executionRole),
    ).toThrow("DynamoSessionTable 'sessions': grantReadWrite() needs a task role, but was given an execution role");
  });
});
