import { Token } from "cdktf";
import { EfsStorage } from "../../../modules/efs-storage";
import { ModuleStack } from "../module-stack";
import { SECURITY_GROUP_ID, SUBNET_ID, VPC_ID, atLeast, eachMatches, expression, matches } from "../validations";
import { VendoredModule } from "../vendored-module";
import { MAX_POSIX_ID } from "../../../modules/efs-storage/access-point";

/** Every access point of the variable, as a Terraform `for` over its values. */
const eachAccessPoint = (condition: string) => expression(`alltrue([for key, ap in var.access_points : ${condition}])`);

/**
 * Access point keys are at most 59 characters, so the grant policy name `<name>-efs-<key>` fits IAM's 128
 * with a `name` of up to 64.
 */
const ACCESS_POINT_KEY = "^[A-Za-z0-9][A-Za-z0-9_-]{0,58}$";
/** Directory names without the characters a shell or EFS would read specially. */
const ACCESS_POINT_PATH = "^(/[^/$#<>;`|&?{}^*\\\\\\s]+)+$";
/** IAM role names: 1 to 64 letters, digits and `+=,.@_-`. */
const ROLE_NAME = "^[A-Za-z0-9+=,.@_-]{1,64}$";

export const efsStorageModule: VendoredModule = {
  name: "efs-storage",
  summary:
    'Persistent files for ECS tasks on Fargate or EC2: an encrypted EFS file system (elastic throughput, daily AWS Backup), a mount target in each subnet behind its own NFS security group open only to the client groups given, access points from a map (one `for_each` instance per key, each with an enforced POSIX user and root directory), IAM grants to task roles by name scoped to one access point, a file system policy that denies access without TLS or without one of these access points, the ECS volume configurations (transit encryption and IAM authorization on) for a `dynamic "volume"` block, and alarms on burst credits and the I/O limit.',
  build(stack: ModuleStack) {
    const name = stack.variable("name", {
      type: "string",
      description: "The file system's Name tag and the prefix of its other names.",
      validation: [matches("name", "^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$", "1 to 64 letters, digits, _ or -")],
    });
    const vpcId = stack.variable("vpc_id", {
      type: "string",
      description: "The VPC of the mount targets and their clients.",
      validation: [matches("vpc_id", VPC_ID, "a VPC id such as vpc-0123abcd")],
    });
    const subnets = stack.variable("subnet_ids", {
      type: "list(string)",
      description: "Private subnets, one per availability zone (EFS allows one mount target per zone).",
      validation: [
        atLeast("subnet_ids", 1, "the file system needs a mount target"),
        eachMatches("subnet_ids", SUBNET_ID, "a subnet id such as subnet-0123abcd"),
      ],
    });
    const clients = stack.variable("client_security_group_ids", {
      type: "list(string)",
      description: "The security groups of the tasks that mount the file system; NFS opens to these only.",
      validation: [
        eachMatches("client_security_group_ids", SECURITY_GROUP_ID, "a security group id such as sg-0123abcd"),
      ],
    });
    const accessPoints = stack.variable("access_points", {
      type: 'map(object({ path = string, uid = number, gid = number, permissions = optional(string, "750"), task_role_names = optional(list(string), []), read_only = optional(bool, false) }))',
      description:
        "The access points by key: the root directory `path` (created on first use, owned by `uid`/`gid` with `permissions`), the POSIX `uid` and `gid` every operation runs as, and the names of the task roles granted the file system through this access point only (mount, and write unless `read_only`).",
      validation: [
        {
          condition: expression("length(var.access_points) > 0"),
          errorMessage: "access_points must hold at least one access point: clients may mount only through one.",
        },
        {
          condition: expression(
            `alltrue([for key in keys(var.access_points) : can(regex(${JSON.stringify(ACCESS_POINT_KEY)}, key))])`,
          ),
          errorMessage:
            "every key of access_points must be 1 to 59 letters, digits, _ or -, starting with a letter or digit.",
        },
        {
          condition: eachAccessPoint(`can(regex(${JSON.stringify(ACCESS_POINT_PATH)}, ap.path))`),
          errorMessage:
            "every access point path must be an absolute directory other than / (it would confine nothing), without shell characters.",
        },
        {
          condition: eachAccessPoint('!contains(split("/", ap.path), "..") && !contains(split("/", ap.path), ".")'),
          errorMessage: "no access point path may contain . or .. segments.",
        },
        {
          condition: eachAccessPoint('length(ap.path) <= 100 && length(split("/", ap.path)) <= 5'),
          errorMessage: "every access point path must be at most 4 levels and 100 characters.",
        },
        {
          condition: expression(
            "length(distinct([for ap in values(var.access_points) : ap.path])) == length(var.access_points)",
          ),
          errorMessage: "no two access points may share a path.",
        },
        {
          condition: eachAccessPoint(
            `ap.uid >= 0 && ap.uid <= ${MAX_POSIX_ID} && floor(ap.uid) == ap.uid && ap.gid >= 0 && ap.gid <= ${MAX_POSIX_ID} && floor(ap.gid) == ap.gid`,
          ),
          errorMessage: `every access point uid and gid must be a whole number from 0 to ${MAX_POSIX_ID}.`,
        },
        {
          condition: eachAccessPoint('can(regex("^[0-7]{3,4}$", ap.permissions))'),
          errorMessage: "every access point's permissions must be an octal mode such as 750.",
        },
        {
          condition: eachAccessPoint(
            `alltrue([for role in ap.task_role_names : can(regex(${JSON.stringify(ROLE_NAME)}, role))])`,
          ),
          errorMessage:
            "every task role name must be an IAM role name (not an ARN): 1 to 64 letters, digits or +=,.@_-.",
        },
      ],
    });
    const kmsKeyArn = stack.variable("kms_key_arn", {
      type: "string",
      description:
        "A customer managed KMS key ARN (key/..., not an alias) to encrypt with; null uses the AWS managed key.",
      default: null,
      nullable: true,
      validation: [
        {
          condition: expression(
            'var.kms_key_arn == null || can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/[A-Za-z0-9-]+$", var.kms_key_arn))',
          ),
          errorMessage: "kms_key_arn must be a KMS key ARN such as arn:aws:kms:eu-west-1:123456789012:key/<id>.",
        },
      ],
    });
    const tags = stack.variable("tags", {
      type: "map(string)",
      description: "Tags for every resource, besides the provider's default tags.",
      default: {},
    });
    const storage = new EfsStorage(stack, "storage", {
      network: {
        vpcId: vpcId.stringValue,
        privateSubnetIds: subnets.listValue,
        privateSubnetAvailabilityZones: [],
        publicSubnetIds: [],
        publicSubnetAvailabilityZones: [],
      },
      name: name.stringValue,
      kmsKeyArn: kmsKeyArn.stringValue,
      tags: Token.asStringMap(tags.value),
    });
    storage.allowFromEach(clients.listValue);
    const map = storage.addAccessPointMap("access-points", Token.asAnyMap(accessPoints.value));
    stack.output("file_system_id", storage.fileSystem.id, "The file system id.");
    stack.output("file_system_arn", storage.fileSystem.arn, "The file system ARN.");
    stack.output(
      "security_group_id",
      storage.securityGroup.id,
      "The mount targets' security group; clients need egress to it on TCP 2049.",
    );
    stack.output("access_point_ids", map.ids, "The access point ids by key.");
    stack.output("access_point_arns", map.arns, "The access point ARNs by key.");
    stack.output(
      "efs_volume_configurations",
      map.volumeConfigurations,
      'By access point key, the ECS efs_volume_configuration values (file_system_id, transit_encryption, authorization_config with access_point_id and iam): for_each over it in a dynamic "volume" block.',
    );
  },
  exampleInputs: {
    name: "shared-files",
    vpc_id: "vpc-0123456789abcdef0",
    subnet_ids: ["subnet-0aaaaaaaaaaaaaaa1", "subnet-0bbbbbbbbbbbbbbb2"],
    client_security_group_ids: ["sg-0123456789abcdef0"],
    access_points: { uploads: { path: "/uploads", uid: 1000, gid: 1000, task_role_names: ["app-task"] } },
  },
  badInputs: {
    name: ["my files"],
    vpc_id: ["vpc-nothex!"],
    subnet_ids: [[], ["subnet-X"]],
    client_security_group_ids: [["0.0.0.0/0"]],
    access_points: [
      {},
      { "up loads": { path: "/uploads", uid: 1000, gid: 1000 } },
      { uploads: { path: "/", uid: 1000, gid: 1000 } },
      { uploads: { path: "/a/../b", uid: 1000, gid: 1000 } },
      { uploads: { path: "/a/b/c/d/e", uid: 1000, gid: 1000 } },
      { one: { path: "/same", uid: 1, gid: 1 }, two: { path: "/same", uid: 2, gid: 2 } },
      { uploads: { path: "/uploads", uid: -1, gid: 1000 } },
      { uploads: { path: "/uploads", uid: 1000, gid: 1000, permissions: "999" } },
      { uploads: { path: "/uploads", uid: 1000, gid: 1000, task_role_names: ["arn:aws:iam::123456789012:role/app"] } },
    ],
    kms_key_arn: ["alias/aws/elasticfilesystem"],
  },
  assertions: [
    {
      condition: "aws_efs_file_system.storage_file_system.encrypted == true",
      errorMessage: "the file system must be encrypted",
    },
    {
      condition: 'aws_efs_backup_policy.storage_backup_policy.backup_policy[0].status == "ENABLED"',
      errorMessage: "automatic backups must be on",
    },
    {
      condition: 'aws_efs_access_point.storage_access_points_access_point["uploads"].posix_user[0].uid == 1000',
      errorMessage: "the access point must enforce its POSIX user",
    },
    {
      condition: "length(aws_iam_role_policy.storage_access_points_grant) == 1",
      errorMessage: "one grant per access point and task role",
    },
    {
      condition:
        "alltrue([for rule in aws_vpc_security_group_ingress_rule.storage_nfs_from_each_0 : rule.from_port == 2049 && rule.referenced_security_group_id != null && rule.cidr_ipv4 == null])",
      errorMessage: "NFS opens to the client security groups only",
    },
    {
      condition:
        'output.efs_volume_configurations["uploads"].transit_encryption == "ENABLED" && output.efs_volume_configurations["uploads"].authorization_config.iam == "ENABLED"',
      errorMessage: "volumes must use transit encryption and IAM authorization",
    },
  ],
  notes:
    "The file system carries `prevent_destroy`: a Terraform module cannot make it a variable, so `terraform destroy`, or a change that replaces the file system (a new `kms_key_arn`), stops with an error instead of deleting every file. To really delete it, remove the `prevent_destroy` line from your vendored copy, on purpose. Removing a key from `access_points` deletes that access point only (its files stay on the file system); the others keep their addresses. Tasks need egress to `security_group_id` on TCP 2049, a task role named in the access point's `task_role_names` (EFS authorizes the task role, never the execution role), Fargate platform version 1.4.0 or later, and a volume from `efs_volume_configurations`: `dynamic \"volume\" { for_each = module.efs_storage.efs_volume_configurations ... }`. The keys of `access_points` and the task role names key `for_each` instances, so they must be known at plan time (a role's `name` as you configure it is; use `name`, not `name_prefix`). Client security group ids may come from groups created in the same run.",
};
