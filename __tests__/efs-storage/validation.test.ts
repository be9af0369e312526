import { TerraformVariable } from "cdktf";
import { Construct } from "constructs";
import { TaskRoles } from "../../modules/ecs";
import { AccessPointOptions, EfsStorage, EfsStorageProps } from "../../modules/efs-storage";
import { existingNetwork, testStack } from "../support/fixtures";

const prefix = "EfsStorage 'data': ";

function build(props: Partial<EfsStorageProps>, scope: Construct = testStack()): EfsStorage {
  return new EfsStorage(scope, "data", { network: existingNetwork, ...props } as EfsStorageProps);
}

describe("EfsStorage rejects bad props", () => {
  it.each<[string, Partial<EfsStorageProps>, string]>([
    [
      "a malformed VPC id",
      { network: { ...existingNetwork, vpcId: "vpc" } },
      "network.vpcId 'vpc' is not a VPC id such as 'vpc-0123abcd'",
    ],
    [
      "no private subnets",
      { network: { ...existingNetwork, privateSubnetIds: [], privateSubnetAvailabilityZones: [] } },
      "network.privateSubnetIds is empty; give at least one subnet",
    ],
    [
      "a malformed subnet id",
      { network: { ...existingNetwork, privateSubnetIds: ["sub-1", "subnet-0b"] } },
      "network.privateSubnetIds[0] 'sub-1' is not a subnet id such as 'subnet-0123abcd'",
    ],
    [
      "subnets and zones that do not line up",
      { network: { ...existingNetwork, privateSubnetAvailabilityZones: ["eu-west-1a"] } },
      "network.privateSubnetIds has 2 subnet(s) but network.privateSubnetAvailabilityZones has 1 zone(s); give one zone per subnet, in the same order",
    ],
    [
      "a subnet listed twice",
      { network: { ...existingNetwork, privateSubnetIds: ["subnet-0a", "subnet-0a"] } },
      "network.privateSubnetIds lists 'subnet-0a' twice",
    ],
    [
      "a zone of another region than the stack's provider",
      { network: { ...existingNetwork, privateSubnetAvailabilityZones: ["eu-west-1a", "us-east-1b"] } },
      "network.privateSubnetAvailabilityZones 'us-east-1b' is not an availability zone of the stack's region 'eu-west-1'",
    ],
    [
      "two private subnets in one zone",
      { network: { ...existingNetwork, privateSubnetAvailabilityZones: ["eu-west-1a", "eu-west-1a"] } },
      "network.privateSubnetAvailabilityZones has 'eu-west-1a' twice; EFS allows one mount target per zone",
    ],
    ["a bad name", { name: "my data" }, "name 'my data' is not 1 to 64 letters, digits, '_' or '-'"],
    ["a KMS key that is not an ARN", { kmsKeyArn: "alias/mine" }, "kmsKeyArn 'alias/mine' is not a KMS key ARN"],
    [
      "a KMS alias ARN, which EFS would store as the key ARN and so replace the file system on every plan",
      { kmsKeyArn: "arn:aws:kms:eu-west-1:123456789012:alias/efs" },
      "kmsKeyArn 'arn:aws:kms:eu-west-1:123456789012:alias/efs' is not a KMS key ARN",
    ],
    [
      "an unknown performance mode",
      { performanceMode: "fast" as never },
      "performanceMode 'fast' is not one of: generalPurpose, maxIO",
    ],
    [
      "an unknown throughput mode",
      { throughputMode: "turbo" as never },
      "throughputMode 'turbo' is not one of: elastic, bursting, provisioned",
    ],
    [
      "provisioned throughput without MiB/s",
      { throughputMode: "provisioned" },
      "provisionedThroughputMibps is required with throughputMode 'provisioned' (1 to 3414 MiB/s)",
    ],
    [
      "MiB/s without provisioned throughput",
      { provisionedThroughputMibps: 100 },
      "provisionedThroughputMibps is only for throughputMode 'provisioned', not 'elastic'",
    ],
    [
      "0 MiB/s",
      { throughputMode: "provisioned", provisionedThroughputMibps: 0 },
      "provisionedThroughputMibps 0 is out of range; allowed: 1 to 3414",
    ],
    [
      "3415 MiB/s",
      { throughputMode: "provisioned", provisionedThroughputMibps: 3415 },
      "provisionedThroughputMibps 3415 is out of range; allowed: 1 to 3414",
    ],
    [
      "Max I/O with elastic throughput",
      { performanceMode: "maxIO" },
      "performanceMode 'maxIO' is not available with throughputMode 'elastic'",
    ],
    [
      "an unknown IA transition",
      { lifecycle: { transitionToIa: "AFTER_2_DAYS" as never } },
      "lifecycle.transitionToIa 'AFTER_2_DAYS' is not one of: AFTER_1_DAY,",
    ],
    [
      "an unknown archive transition",
      { lifecycle: { transitionToArchive: "NEVER" as never } },
      "lifecycle.transitionToArchive 'NEVER' is not one of: AFTER_1_DAY,",
    ],
    [
      "an unknown return transition",
      { lifecycle: { transitionToPrimaryStorageClass: "AFTER_2_ACCESS" as never } },
      "lifecycle.transitionToPrimaryStorageClass 'AFTER_2_ACCESS' is not one of: AFTER_1_ACCESS",
    ],
    [
      "archive without elastic throughput",
      { throughputMode: "bursting", lifecycle: { transitionToArchive: "AFTER_90_DAYS" } },
      "lifecycle.transitionToArchive needs throughputMode 'elastic', not 'bursting'",
    ],
    [
      "a zero burst credit threshold",
      { alarms: { burstCreditBalanceBytes: 0 } },
      "alarms.burstCreditBalanceBytes 0 must be more than 0 bytes",
    ],
    [
      "an I/O limit over 100%",
      { alarms: { percentIoLimit: 101 } },
      "alarms.percentIoLimit 101 is not a whole number from 1 to 100",
    ],
    [
      "an alarm action that is not an SNS topic",
      { alarms: { actions: ["arn:aws:sqs:eu-west-1:123456789012:q"] } },
      "alarms.actions[0] 'arn:aws:sqs:eu-west-1:123456789012:q' is not an SNS topic ARN",
    ],
  ])("%s", (_case, props, message) => {
    expect(() => build(props)).toThrow(prefix + message);
  });

  it("a Terraform expression for allowDestroy, which prevent_destroy cannot take", () => {
    const stack = testStack();
    const allowDestroy = new TerraformVariable(stack, "allow_destroy", { type: "bool" }).booleanValue;
    expect(() => build({ allowDestroy: allowDestroy as unknown as boolean }, stack)).toThrow(
      `${prefix}allowDestroy must be a literal value, not a Terraform expression: it sets lifecycle.prevent_destroy`,
    );
  });
});

describe("EfsStorage.addAccessPoint rejects bad options", () => {
  const valid: AccessPointOptions = { path: "/app", uid: 1000, gid: 1000 };

  it.each<[string, string, Partial<AccessPointOptions>, string]>([
    ["a name with a space", "my app", {}, "access point name 'my app' must be 1 to 64 letters, digits, '_' or '-'"],
    ["a relative path", "app", { path: "app" }, "accessPoints.app.path 'app' must be absolute (start with '/')"],
    [
      "the file system's root",
      "app",
      { path: "/" },
      "accessPoints.app.path '/' is the root of the file system: its clients would reach every other access point's files, so it confines nothing; give it a directory of its own such as '/app'",
    ],
    [
      "a path with '..'",
      "app",
      { path: "/app/../etc" },
      "accessPoints.app.path '/app/../etc' must not contain '.' or '..' segments",
    ],
    [
      "a path five levels deep",
      "app",
      { path: "/a/b/c/d/e" },
      "accessPoints.app.path '/a/b/c/d/e' is too long; allowed: at most 4 levels and 100 characters",
    ],
    [
      "a path over 100 characters",
      "app",
      { path: `/${"a".repeat(100)}` },
      `accessPoints.app.path '/${"a".repeat(100)}' is too long; allowed: at most 4 levels and 100 characters`,
    ],
    [
      "a path with shell characters",
      "app",
      { path: "/app;rm" },
      "accessPoints.app.path '/app;rm' is not a path of directory names without shell characters",
    ],
    [
      "a uid over 4294967295",
      "app",
      { uid: 4294967296 },
      "accessPoints.app.uid 4294967296 is not a whole number from 0 to 4294967295",
    ],
    ["a negative gid", "app", { gid: -1 }, "accessPoints.app.gid -1 is not a whole number from 0 to 4294967295"],
    [
      "a fractional owner uid",
      "app",
      { ownerUid: 1.5 },
      "accessPoints.app.ownerUid 1.5 is not a whole number from 0 to 4294967295",
    ],
    [
      "a bad owner gid",
      "app",
      { ownerGid: -2 },
      "accessPoints.app.ownerGid -2 is not a whole number from 0 to 4294967295",
    ],
    [
      "17 secondary groups",
      "app",
      { secondaryGids: Array.from({ length: 17 }, (_, index) => index) },
      "accessPoints.app.secondaryGids has 17 ids; allowed: at most 16",
    ],
    [
      "a bad secondary group",
      "app",
      { secondaryGids: [5, -5] },
      "accessPoints.app.secondaryGids[1] -5 is not a whole number from 0 to 4294967295",
    ],
    [
      "a mode that is not octal",
      "app",
      { permissions: "999" },
      "accessPoints.app.permissions '999' is not an octal mode such as '750'",
    ],
    [
      "a five-digit mode",
      "app",
      { permissions: "07555" },
      "accessPoints.app.permissions '07555' is not an octal mode such as '750'",
    ],
  ])("%s", (_case, name, options, message) => {
    const storage = build({});
    expect(() => storage.addAccessPoint(name, { ...valid, ...options })).toThrow(prefix + message);
  });

  it("a name used twice", () => {
    const storage = build({});
    storage.addAccessPoint("app", valid);
    expect(() => storage.addAccessPoint("app", { ...valid, path: "/other" })).toThrow(
      `${prefix}access point name 'app' is used twice`,
    );
  });

  it("a path used twice", () => {
    const storage = build({});
    storage.addAccessPoint("app", valid);
    expect(() => storage.addAccessPoint("copy", valid)).toThrow(
      `${prefix}accessPoints.copy.path '/app' is already the path of access point 'app'`,
    );
  });
});

describe("EfsStorage wiring methods reject misuse", () => {
  it("allowFrom with a description AWS would refuse", () => {
    expect(() => build({}).allowFrom("sg-0123456789abcdef0", "tasks <web>")).toThrow(
      `${prefix}allowFrom description 'tasks <web>' is not a security group rule description`,
    );
  });

  it("allowFrom with something that is not a security group id", () => {
    expect(() => build({}).allowFrom("0.0.0.0/0")).toThrow(
      `${prefix}allowFrom securityGroupId '0.0.0.0/0' is not a security group id such as 'sg-0123abcd'`,
    );
  });

  it("grant to the execution role", () => {
    const stack = testStack();
    const storage = build({}, stack);
    const accessPoint = storage.addAccessPoint("app", { path: "/app", uid: 1000, gid: 1000 });
    const roles = new TaskRoles(stack, "roles");
    expect(() => storage.grant(roles.executionRole, accessPoint)).toThrow(
      `${prefix}grant() needs a task role, but was given an execution role: the application and data-plane authorization (EFS, ElastiCache, DynamoDB) use the task role`,
    );
  });

  it("grant and volume with another storage's access point", () => {
    const stack = testStack();
    const storage = build({}, stack);
    const other = new EfsStorage(stack, "other", { network: existingNetwork });
    const foreign = other.addAccessPoint("app", { path: "/app", uid: 1000, gid: 1000 });
    const roles = new TaskRoles(stack, "roles");
    expect(() => storage.grant(roles.taskRole, foreign)).toThrow(
      `${prefix}grant() was given access point 'app' of another file system`,
    );
    expect(() => storage.volume(foreign)).toThrow(
      `${prefix}volume() was given access point 'app' of another file system`,
    );
  });

  it("a volume name ECS does not accept", () => {
    const storage = build({});
    const accessPoint = storage.addAccessPoint("app", { path: "/app", uid: 1000, gid: 1000 });
    expect(() => storage.volume(accessPoint, "my volume")).toThrow(
      `${prefix}volume name 'my volume' is not 1 to 255 letters, digits, '_' or '-'`,
    );
  });
});
