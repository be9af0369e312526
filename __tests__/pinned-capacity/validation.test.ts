import { TerraformVariable } from "cdktf";
import { FargateService } from "../../modules/ecs";
import { PinnedEbsCapacity, PinnedEbsCapacityProps } from "../../modules/pinned-capacity";
import { existingNetwork, serviceBasics, testStack } from "../support/fixtures";

const prefix = "PinnedEbsCapacity 'db': ";
const valid: PinnedEbsCapacityProps = {
  network: existingNetwork,
  cluster: { name: "main" },
  attributes: { role: "db-primary" },
};
const build = (props: Partial<PinnedEbsCapacityProps>) =>
  new PinnedEbsCapacity(testStack(), "db", { ...valid, ...props });

describe("PinnedEbsCapacity rejects bad props", () => {
  it.each<[string, Partial<PinnedEbsCapacityProps>, string]>([
    ["a subnet index past the subnets", { subnetIndex: 2 }, "subnetIndex 2 is past the 2 private subnet(s) of network"],
    ["a negative subnet index", { subnetIndex: -1 }, "subnetIndex -1 is not a whole number from 0 to 1000"],
    ["a bad name", { name: "my db" }, "name 'my db' is not 1 to 46 letters, digits, '_' or '-'"],
    [
      "a lock wait longer than the lock container's health check can cover",
      { singleWriterLock: { waitSeconds: 241 } },
      "singleWriterLock.waitSeconds 241 is not a whole number from 0 to 240",
    ],
    [
      "a lock image with a space",
      { singleWriterLock: { image: "busy box" } },
      "singleWriterLock.image 'busy box' is not an image reference such as 'busybox:1.36'",
    ],
    [
      "a zone of another region than the stack's provider",
      { network: { ...existingNetwork, privateSubnetAvailabilityZones: ["eu-west-1a", "eu-central-1b"] } },
      "network.privateSubnetAvailabilityZones 'eu-central-1b' is not an availability zone of the stack's region 'eu-west-1'",
    ],
    ["a bad cluster name", { cluster: { name: "my cluster" } }, "cluster.name 'my cluster' is not an ECS cluster name"],
    ["no attributes", { attributes: {} }, "attributes is empty; give at least one, such as { role: 'db-primary' }"],
    [
      "an attribute name with a space",
      { attributes: { "my role": "db" } },
      "attributes name 'my role' is not an ECS attribute name",
    ],
    [
      "an attribute in ECS's own namespace",
      { attributes: { "ecs.role": "db" } },
      "attributes name 'ecs.role' is not an ECS attribute name",
    ],
    [
      "an attribute value with a space",
      { attributes: { role: "db primary" } },
      "attributes.role 'db primary' is not an ECS attribute value",
    ],
    [
      "an unknown recovery mode",
      { recovery: "manual" as never },
      "recovery 'manual' is not one of: self-healing, instance",
    ],
    [
      "a bad instance type",
      { instanceType: "large" },
      "instanceType 'large' is not an instance type such as 't3.medium'",
    ],
    ["a bad AMI", { amiId: "ubuntu" }, "amiId 'ubuntu' is not an AMI id or a resolve:ssm: parameter"],
    [
      "a root volume under 30 GiB",
      { rootVolumeSizeGib: 20 },
      "rootVolumeSizeGib 20 is not a whole number from 30 to 16384",
    ],
    ["a relative mount path", { mountPath: "data" }, "mountPath 'data' is not an absolute path such as '/mnt/data'"],
    [
      "a system directory as mount path",
      { mountPath: "/var" },
      "mountPath '/var' is, or is inside, a system directory",
    ],
    [
      "a mount path inside Docker's directory",
      { mountPath: "/var/lib/docker/x" },
      "mountPath '/var/lib/docker/x' is, or is inside, a system directory",
    ],
    [
      "a mount path that climbs out with '..'",
      { mountPath: "/mnt/../etc" },
      "mountPath '/mnt/../etc' is, or is inside, a system directory",
    ],
    ["a 0 GiB volume", { volume: { sizeGib: 0 } }, "volume.sizeGib 0 is not a whole number from 1 to 16384"],
    [
      "a volume over 16 TiB",
      { volume: { sizeGib: 16385 } },
      "volume.sizeGib 16385 is not a whole number from 1 to 16384",
    ],
    [
      "IOPS under gp3's baseline",
      { volume: { iops: 2999 } },
      "volume.iops 2999 is not a whole number from 3000 to 16000",
    ],
    [
      "IOPS over gp3's maximum",
      { volume: { iops: 16001 } },
      "volume.iops 16001 is not a whole number from 3000 to 16000",
    ],
    [
      "throughput under 125 MiB/s",
      { volume: { throughputMibps: 124 } },
      "volume.throughputMibps 124 is not a whole number from 125 to 1000",
    ],
    [
      "throughput over 1000 MiB/s",
      { volume: { iops: 16000, throughputMibps: 1001 } },
      "volume.throughputMibps 1001 is not a whole number from 125 to 1000",
    ],
    [
      "more than 500 IOPS per GiB",
      { volume: { sizeGib: 10, iops: 6000 } },
      "volume.iops 6000 is over 500 per GiB of a 10 GiB volume",
    ],
    [
      "throughput over a quarter of the IOPS",
      { volume: { throughputMibps: 800 } },
      "volume.throughputMibps 800 is over a quarter of volume.iops 3000",
    ],
    [
      "a volume key that is not a KMS ARN",
      { volume: { kmsKeyArn: "mykey" } },
      "volume.kmsKeyArn 'mykey' is not a KMS key ARN",
    ],
    [
      "an unknown file system",
      { volume: { fileSystem: "btrfs" as never } },
      "volume.fileSystem 'btrfs' is not one of: xfs, ext4",
    ],
    [
      "a snapshot interval DLM does not offer",
      { snapshots: { intervalHours: 5 } },
      "snapshots.intervalHours 5 is not one of: 1, 2, 3, 4, 6, 8, 12, 24",
    ],
    [
      "keeping no snapshot",
      { snapshots: { retainCount: 0 } },
      "snapshots.retainCount 0 is not a whole number from 1 to 1000",
    ],
    [
      "a snapshot time that is not hh:mm",
      { snapshots: { startTime: "3am" } },
      "snapshots.startTime '3am' is not a UTC time such as '03:00'",
    ],
  ])("%s", (_case, props, message) => {
    expect(() => build(props)).toThrow(prefix + message);
  });

  it.each<[string, (variable: TerraformVariable) => Partial<PinnedEbsCapacityProps>, string]>([
    [
      "recovery",
      (variable) => ({ recovery: variable.stringValue as never }),
      "recovery must be a literal value, not a Terraform expression: it decides which resources exist",
    ],
    [
      "allowDestroy",
      (variable) => ({ allowDestroy: variable.booleanValue as unknown as boolean }),
      "allowDestroy must be a literal value, not a Terraform expression: it sets lifecycle.prevent_destroy",
    ],
  ])("a Terraform expression for %s", (_prop, propsOf, message) => {
    const stack = testStack();
    const variable = new TerraformVariable(stack, "input", {});
    expect(() => new PinnedEbsCapacity(stack, "db", { ...valid, ...propsOf(variable) })).toThrow(prefix + message);
  });
});

describe("PinnedEbsCapacity host volumes", () => {
  const capacity = build({});

  it.each([
    [
      "an absolute sub path",
      "/etc",
      "hostVolume subPath '/etc' must be a relative path below the mount path, without '..'",
    ],
    [
      "a sub path leaving the mount",
      "../etc",
      "hostVolume subPath '../etc' must be a relative path below the mount path, without '..'",
    ],
    [
      "an empty segment",
      "a//b",
      "hostVolume subPath 'a//b' must be a relative path below the mount path, without '..'",
    ],
  ])("refuse %s", (_case, subPath, message) => {
    expect(() => capacity.hostVolume("data", subPath)).toThrow(prefix + message);
  });

  it("refuse a volume name ECS does not accept", () => {
    expect(() => capacity.hostVolume("my data")).toThrow(
      `${prefix}hostVolume name 'my data' is not 1 to 255 letters, digits, '_' or '-'`,
    );
  });

  it("cannot be mounted by a Fargate service", () => {
    const stack = testStack();
    const pinned = new PinnedEbsCapacity(stack, "db", valid);
    const web = new FargateService(stack, "web", {
      ...serviceBasics(stack),
      container: { name: "app", image: "busybox" },
    });
    expect(() => web.addMount(pinned.hostVolume("data"), "/data")).toThrow(
      "FargateService 'web': volume 'data' is a host volume; Fargate tasks have no host",
    );
  });
});
