import * as fc from "fast-check";
import { Fn, Token } from "cdktf";
import { Construct } from "constructs";
import { ContainerLogs, Ec2Service, EcsCluster, FargateService, GeneratedSecret, TaskRoles } from "../../modules/ecs";
import { EfsStorage } from "../../modules/efs-storage";
import { ExampleNetwork, NetworkRef } from "../../modules/network";
import { PinnedEbsCapacity } from "../../modules/pinned-capacity";
import { StatefulService } from "../../modules/stateful-service";
import { DynamoSessionTable, SessionStore } from "../../modules/session-store";
import { StickyAlb } from "../../modules/sticky-alb";
import { existingNetwork } from "../support/fixtures";

/**
 * Generated props for every construct: each prop is mostly valid, sometimes a value AWS or Terraform would
 * refuse, sometimes left out, so a sample set mixes props that must be refused with props that must
 * synthesize valid Terraform.
 */

/** A valid value (weight 8), an invalid one (1), or left out (2). */
function mix(valid: fc.Arbitrary<unknown>, invalid: fc.Arbitrary<unknown>): fc.Arbitrary<unknown> {
  return fc.oneof(
    { weight: 8, arbitrary: valid },
    { weight: 1, arbitrary: invalid },
    { weight: 2, arbitrary: fc.constant(undefined) },
  );
}

/** A prop that is always given: valid (weight 9) or invalid (1). */
function given(valid: fc.Arbitrary<unknown>, invalid: fc.Arbitrary<unknown>): fc.Arbitrary<unknown> {
  return fc.oneof({ weight: 9, arbitrary: valid }, { weight: 1, arbitrary: invalid });
}

const int = (min: number, max: number) => fc.integer({ min, max });
const oneOf = <T>(...values: T[]) => fc.constantFrom(...values);
const badText = oneOf("", "has space", "x".repeat(300), "ünïcode", "-");
const lowerName = fc.stringMatching(/^[a-z][a-z0-9]{0,9}(-[a-z0-9]{1,6})?$/);
const kmsKey = oneOf("arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab");
const badKmsKey = oneOf("key", "alias/mine", "arn:aws:kms:eu-west-1:123456789012:alias/mine");
const topics = mix(
  oneOf(["arn:aws:sns:eu-west-1:123456789012:ops"], []),
  oneOf(["ops@example.com"], ["arn:aws:sqs:eu-west-1:123456789012:q"]),
);
const network = given(
  oneOf(existingNetwork),
  oneOf<NetworkRef>(
    { ...existingNetwork, vpcId: "vpc-nothex!" },
    { ...existingNetwork, privateSubnetAvailabilityZones: ["eu-west-1a", "eu-west-1a"] },
    {
      ...existingNetwork,
      privateSubnetIds: [existingNetwork.privateSubnetIds[0]],
      privateSubnetAvailabilityZones: ["eu-west-1a"],
    },
    { ...existingNetwork, publicSubnetAvailabilityZones: ["us-east-1a", "us-east-1b"] },
    { ...existingNetwork, privateSubnetIds: ["subnet-0aaaaaaaaaaaaaaa1", "subnet-0aaaaaaaaaaaaaaa1"] },
  ),
);
const image = given(
  oneOf(
    "public.ecr.aws/docker/library/busybox:1.36",
    "nginx",
    "registry.example.com:5000/team/app@sha256:" + "a".repeat(64),
  ),
  oneOf("", "nginx latest", "x".repeat(256)),
);
const user = mix(oneOf("1000", "1000:1000", "app", "app:staff"), oneOf("1000:", ":1000", "app user", "root;rm"));
const port = mix(int(1, 65535), oneOf(0, 65536, 1.5, -1, Number.NaN));
const secretArn = oneOf(
  "arn:aws:secretsmanager:eu-west-1:123456789012:secret:db-AbCdEf",
  "arn:aws:ssm:eu-west-1:123456789012:parameter/app/token",
);
const container = fc.record({
  name: given(oneOf("app", "web_1", "db-primary"), badText),
  image,
  user,
  port,
  command: mix(oneOf(["sleep", "3600"]), oneOf(["sleep", "3600"])),
  // A map known only at plan time too (as a Terraform variable's would be): Terraform renders the list.
  environment: mix(
    oneOf({ MODE: "batch" }, {}, Token.asStringMap(Fn.merge([{ FROM_PLAN: "1" }]))),
    oneOf({ "1BAD": "x" }, { "has space": "x" }),
  ),
  secrets: mix(fc.record({ TOKEN: secretArn }), oneOf({ TOKEN: "plain-text" }, { TOKEN: "prod/token" })),
  readonlyRootFilesystem: fc.option(fc.boolean(), { nil: undefined }),
});

/** A construct class, as the cases build it from generated props. */
type ConstructClass = new (scope: Construct, id: string, props: never) => Construct;

/** A generated case: the construct, its generated props, and the prop names its errors may name. */
export interface PropertyCase {
  /** The construct's class; its name is what errors start with. */
  readonly type: ConstructClass;
  readonly props: fc.Arbitrary<Record<string, unknown>>;
  /**
   * Builds the construct (and what it needs) in `scope` under `id`.
   * @default - `new type(scope, id, props)`
   */
  build?(scope: Construct, id: string, props: Record<string, unknown>): void;
  /** Names an error may start with besides the props' own: methods' arguments. */
  readonly extraProps?: string[];
}

const efsStorage: PropertyCase = {
  type: EfsStorage,
  props: fc.record({
    network,
    name: mix(lowerName, badText),
    kmsKeyArn: mix(kmsKey, badKmsKey),
    performanceMode: mix(oneOf("generalPurpose"), oneOf("fast", "maxIO")),
    lifecycle: mix(
      fc.record({ transitionToIa: fc.option(oneOf("AFTER_7_DAYS", "AFTER_30_DAYS"), { nil: undefined }) }),
      oneOf({ transitionToIa: "AFTER_2_DAYS" }, { transitionToArchive: "AFTER_90_DAYS" }),
    ),
    disableAutomaticBackups: fc.option(fc.boolean(), { nil: undefined }),
    allowMountsWithoutAccessPoint: fc.option(fc.boolean(), { nil: undefined }),
    alarms: mix(fc.record({ percentIoLimit: int(1, 100), actions: topics }), oneOf({ percentIoLimit: 0 })),
    // The mode and its throughput go together; mismatches are among the invalid ones.
    throughput: given(
      fc.oneof(
        fc.constant({}),
        fc.constant({ throughputMode: "elastic" }),
        fc.constant({ throughputMode: "bursting" }),
        int(1, 3414).map((mibps) => ({ throughputMode: "provisioned", provisionedThroughputMibps: mibps })),
      ),
      oneOf(
        { throughputMode: "turbo" },
        { throughputMode: "provisioned" },
        { throughputMode: "elastic", provisionedThroughputMibps: 10 },
        { throughputMode: "provisioned", provisionedThroughputMibps: 5000 },
      ),
    ),
    accessPoint: fc.record({
      path: given(
        fc.stringMatching(/^(\/[a-z0-9_-]{1,12}){1,3}$/),
        oneOf("/", "relative", "/a/../b", "/a b", "/a/b/c/d/e"),
      ),
      uid: given(int(0, 4294967295), oneOf(-1, 4294967296, 1.5, Number.NaN)),
      gid: given(int(0, 65535), oneOf(-5)),
      permissions: mix(oneOf("750", "0755", "700"), oneOf("999", "rwx")),
    }),
  }),
  build: (scope, id, { accessPoint, throughput, ...props }) => {
    const storage = new EfsStorage(scope, id, { ...props, ...(throughput as object) } as never);
    storage.addAccessPoint("app", accessPoint as never);
  },
  extraProps: ["accessPoints", "throughputMode", "provisionedThroughputMibps"],
};

const pinnedEbsCapacity: PropertyCase = {
  type: PinnedEbsCapacity,
  props: fc.record({
    network,
    cluster: given(oneOf({ name: "main" }), oneOf({ name: "my cluster" })),
    attributes: given(
      fc.record({ role: fc.stringMatching(/^[a-z][a-z0-9-]{0,15}$/) }),
      oneOf({}, { "ecs.role": "x" }, { role: "has space" }),
    ),
    subnetIndex: mix(int(0, 1), oneOf(2, -1)),
    recovery: mix(oneOf("self-healing", "instance"), oneOf("manual")),
    instanceType: mix(oneOf("t3.medium", "m7g.large", "r6i.xlarge"), oneOf("large", "T3.medium")),
    rootVolumeSizeGib: mix(int(30, 200), oneOf(8, 20000, 31.5)),
    mountPath: mix(oneOf("/mnt/data", "/srv/db", "/data"), oneOf("/", "/var/lib/db", "relative", "/mnt/../etc")),
    volume: mix(
      fc.record({
        sizeGib: fc.option(int(1, 16384), { nil: undefined }),
        iops: fc.option(int(3000, 16000), { nil: undefined }),
        throughputMibps: fc.option(int(125, 1000), { nil: undefined }),
        fileSystem: fc.option(oneOf("xfs", "ext4"), { nil: undefined }),
        kmsKeyArn: fc.option(kmsKey, { nil: undefined }),
      }),
      oneOf({ sizeGib: 0 }, { fileSystem: "btrfs" }),
    ),
    snapshots: mix(
      fc.record({ intervalHours: oneOf(1, 12, 24), retainCount: int(1, 1000), startTime: oneOf("03:00", "23:59") }),
      oneOf({ intervalHours: 5 }, { startTime: "24:00" }),
    ),
    singleWriterLock: mix(fc.record({ waitSeconds: int(0, 240) }), oneOf({ waitSeconds: 241 }, { image: "a b" })),
    name: mix(lowerName, badText),
  }),
};

const sessionStore: PropertyCase = {
  type: SessionStore,
  props: fc.record({
    network,
    name: mix(lowerName, oneOf("Sessions", "a--b", "x".repeat(37), "1abc")),
    engine: mix(oneOf("valkey", "redis"), oneOf("memcached")),
    engineVersion: mix(oneOf("7.2", "8.0", "7.1"), oneOf("6.0", "8", "latest")),
    nodeType: mix(oneOf("cache.t4g.small", "cache.r7g.large"), oneOf("t4g.small")),
    numCacheClusters: mix(int(2, 6), oneOf(1, 7, 2.5, Number.NaN)),
    port: mix(int(1024, 65535), oneOf(80, 70000)),
    auth: mix(
      oneOf(
        { mode: "iam" },
        { mode: "iam", userName: "app-user", accessString: "on ~* -@all +@read +@write" },
        { mode: "token", authTokenSecretArn: "arn:aws:secretsmanager:eu-west-1:123456789012:secret:cache-AbCdEf" },
      ),
      oneOf({ mode: "iam", accessString: "" }, { mode: "token", authTokenSecretArn: "token" }, { mode: "password" }),
    ),
    kmsKeyArn: mix(kmsKey, badKmsKey),
    snapshotRetentionDays: mix(int(0, 35), oneOf(36, -1)),
    snapshotWindow: mix(oneOf("01:00-02:00", "03:00-04:00", "22:30-23:45"), oneOf("night", "05:00-05:30")),
    maintenanceWindow: mix(
      oneOf("sun:05:00-sun:06:00", "wed:10:00-wed:12:00"),
      oneOf("05:00-06:00", "mon:01:30-mon:02:30", "sun:05:00-tue:05:00"),
    ),
    maxmemoryPolicy: mix(oneOf("volatile-lru", "allkeys-lfu", "noeviction"), oneOf("random")),
    slowLogRetentionDays: mix(oneOf(1, 30, 365), oneOf(10)),
    allowDestroy: fc.option(fc.boolean(), { nil: undefined }),
    alarms: mix(fc.record({ cpuPercent: int(1, 100), actions: topics }), oneOf({ evictions: 0 })),
  }),
};

const stickyAlb: PropertyCase = {
  type: StickyAlb,
  props: fc.record({
    network,
    targetPort: given(int(1, 65535), oneOf(0, 70000)),
    name: mix(fc.stringMatching(/^[a-z][a-z0-9-]{0,10}[a-z0-9]$/), oneOf("-web", "x".repeat(29), "web_1")),
    certificateArn: mix(oneOf("arn:aws:acm:eu-west-1:123456789012:certificate/abcd-1234"), oneOf("cert")),
    ingressCidrs: mix(
      oneOf(["0.0.0.0/0"], ["10.0.0.0/8", "192.168.1.0/24"]),
      oneOf([], ["10.0.0.1/8"], ["300.0.0.0/8"]),
    ),
    stickiness: mix(
      oneOf(
        { type: "lb_cookie", durationSeconds: 60 },
        { type: "app_cookie", cookieName: "SESSIONID" },
        { type: "lb_cookie" },
      ),
      oneOf({ type: "lb_cookie", durationSeconds: 0 }, { type: "app_cookie", cookieName: "AWSALBX" }, { type: "x" }),
    ),
    healthCheck: mix(
      fc.record({
        path: fc.option(oneOf("/", "/healthz"), { nil: undefined }),
        intervalSeconds: fc.option(int(5, 300), { nil: undefined }),
        timeoutSeconds: fc.option(int(2, 4), { nil: undefined }),
        matcher: fc.option(oneOf("200", "200-399"), { nil: undefined }),
      }),
      oneOf({ path: "health" }, { timeoutSeconds: 20, intervalSeconds: 10 }, { matcher: "ok" }),
    ),
    deregistrationDelaySeconds: mix(int(0, 3600), oneOf(3601, 1.5, -1)),
    allowDestroy: fc.option(fc.boolean(), { nil: undefined }),
    accessLogsBucket: mix(oneOf("my-alb-logs"), oneOf("My_Bucket")),
  }),
};

const dynamoSessionTable: PropertyCase = {
  type: DynamoSessionTable,
  props: fc.record({
    tableName: mix(fc.stringMatching(/^[A-Za-z0-9_.-]{3,30}$/), oneOf("ab", "has space")),
    partitionKey: mix(oneOf("id", "session_id"), oneOf("has space", "")),
    ttlAttribute: mix(oneOf("expires_at", "ttl"), oneOf("id", "")),
    kmsKeyArn: mix(kmsKey, badKmsKey),
    allowDestroy: fc.option(fc.boolean(), { nil: undefined }),
  }),
};

/** What every service needs besides its own props, made in `scope`. */
function serviceNeeds(scope: Construct) {
  return {
    cluster: { name: "main" },
    roles: new TaskRoles(scope, "roles"),
    logs: new ContainerLogs(scope, "logs"),
  };
}

const fargateService: PropertyCase = {
  type: FargateService,
  props: fc.record({
    network,
    container,
    cpu: mix(oneOf(256, 512, 1024), oneOf(300)),
    memory: mix(oneOf(512, 1024, 2048), oneOf(100, 3000)),
    platformVersion: mix(oneOf("1.4.0", "LATEST"), oneOf("1.3.0")),
    desiredCount: mix(int(0, 10), oneOf(-1, 1001, 0.5)),
    name: mix(lowerName, badText),
  }),
  build: (scope, id, props) => {
    new FargateService(scope, id, { ...serviceNeeds(scope), ...(props as object) } as never);
  },
};

const ec2Service: PropertyCase = {
  type: Ec2Service,
  props: fc.record({
    network,
    container,
    cpu: mix(int(128, 4096), oneOf(64)),
    memory: mix(int(6, 8192), oneOf(4)),
    desiredCount: mix(int(0, 10), oneOf(-1)),
    name: mix(lowerName, badText),
  }),
  build: (scope, id, props) => {
    new Ec2Service(scope, id, { ...serviceNeeds(scope), ...(props as object) } as never);
  },
};

const containerLogs: PropertyCase = {
  type: ContainerLogs,
  props: fc.record({
    logGroupName: mix(fc.stringMatching(/^\/[a-z0-9/_-]{1,40}$/), oneOf("my logs", "")),
    retentionInDays: mix(oneOf(1, 7, 30, 365, 3653), oneOf(0, 10, 10000)),
    kmsKeyArn: mix(kmsKey, badKmsKey),
  }),
};

const generatedSecret: PropertyCase = {
  type: GeneratedSecret,
  props: fc.record({
    name: mix(fc.stringMatching(/^[a-z][a-z0-9/_+=.@-]{0,30}$/), oneOf("my secret", "")),
    recoveryWindowInDays: mix(int(7, 30), oneOf(0, 6, 31)),
    kmsKeyArn: mix(kmsKey, badKmsKey),
  }),
};

const ecsCluster: PropertyCase = {
  type: EcsCluster,
  props: fc.record({
    name: mix(lowerName, badText),
    containerInsights: mix(oneOf("enabled", "enhanced", "disabled"), oneOf("on")),
  }),
};

const taskRoles: PropertyCase = {
  type: TaskRoles,
  props: fc.record({ name: mix(fc.stringMatching(/^[\w+=,.@-]{1,40}$/), oneOf("a b", "x".repeat(55), "")) }),
};

const exampleNetwork: PropertyCase = {
  type: ExampleNetwork,
  props: fc.record({
    availabilityZones: given(
      oneOf(["eu-west-1a", "eu-west-1b"], ["eu-west-1a", "eu-west-1b", "eu-west-1c"]),
      oneOf(["eu-west-1a"], ["eu-west-1a", "eu-west-1a"], ["us-east-1a", "us-east-1b"]),
    ),
    cidrBlock: mix(
      oneOf("10.0.0.0/16", "172.16.0.0/20", "10.42.0.0/22"),
      oneOf("10.0.0.1/16", "10.0.0.0/8", "10.0.0.0"),
    ),
    natGateways: mix(oneOf("single", "per-az"), oneOf("none")),
    name: mix(lowerName, badText),
  }),
};

const statefulService: PropertyCase = {
  type: StatefulService,
  props: fc.record({
    network,
    container,
    // Few ordinals: each is a service of a dozen resources, and 200 sets are synthesized.
    replicas: given(int(1, 2), oneOf(0, 51, 1.5)),
    retainedOrdinals: mix(int(2, 4), oneOf(0, 51)),
    name: mix(lowerName, oneOf("Zk", "zk_1", "zk-", "x".repeat(60))),
    namespace: mix(oneOf("cluster.internal", "zk.example.com"), oneOf("bad_ns", "-x.internal", "a..b")),
    peerPorts: mix(oneOf([2888, 3888], [7000]), oneOf([0], [70000], [2888, 2888])),
    cpu: mix(oneOf(256, 512), oneOf(300)),
    memory: mix(oneOf(512, 1024), oneOf(100)),
    efs: mix(
      fc.record({ containerPath: oneOf("/data", "/var/lib/app"), uid: int(0, 65535), gid: int(0, 65535) }),
      oneOf({ containerPath: "/", uid: 1, gid: 1 }, { containerPath: "/data", uid: -1, gid: 1 }),
    ),
    allowDestroy: fc.option(fc.boolean(), { nil: undefined }),
  }),
  build: (scope, id, { efs, ...props }) => {
    const storage = efs
      ? { efs: { ...(efs as object), storage: new EfsStorage(scope, "data", { network: existingNetwork }) } }
      : {};
    new StatefulService(scope, id, { cluster: { name: "main" }, ...props, ...storage } as never);
  },
};

export const PROPERTY_CASES: PropertyCase[] = [
  efsStorage,
  pinnedEbsCapacity,
  sessionStore,
  stickyAlb,
  dynamoSessionTable,
  fargateService,
  ec2Service,
  containerLogs,
  generatedSecret,
  ecsCluster,
  taskRoles,
  exampleNetwork,
  statefulService,
];
