import { DataResource, Fn, Op, Token, ref } from "cdktf";
import { DataAwsSubnet } from "@cdktf/provider-aws/lib/data-aws-subnet";
import { PinnedEbsCapacity } from "../../../modules/pinned-capacity";
import { ModuleStack } from "../module-stack";
import { SUBNET_ID, VPC_ID, expression, matches, wholeNumber } from "../validations";
import { VendoredModule } from "../vendored-module";

export const pinnedCapacityModule: VendoredModule = {
  name: "pinned-capacity",
  summary:
    "An ECS container instance pinned to its own encrypted gp3 EBS volume, for a task that must stay next to its data: an Auto Scaling group of one instance in the volume's zone that attaches and mounts the volume at boot before the ECS agent starts, never reformats a volume that has a file system, sets custom ECS attributes for `memberOf` placement, and is replaced when its host fails. Daily snapshots through Data Lifecycle Manager.",
  build(stack: ModuleStack) {
    const name = stack.variable("name", {
      type: "string",
      description: "Prefix of the resources' names.",
      validation: [matches("name", "^[A-Za-z0-9][A-Za-z0-9_-]{0,45}$", "1 to 46 letters, digits, _ or -")],
    });
    const cluster = stack.variable("cluster_name", {
      type: "string",
      description: "The ECS cluster the instance joins.",
      validation: [matches("cluster_name", "^[A-Za-z0-9_-]{1,255}$", "an ECS cluster name")],
    });
    const subnet = stack.variable("subnet_id", {
      type: "string",
      description: "The private subnet of the instance.",
      validation: [matches("subnet_id", SUBNET_ID, "a subnet id such as subnet-0123abcd")],
    });
    const zone = stack.variable("availability_zone", {
      type: "string",
      description: "The zone of `subnet_id`: the volume is created there (given, so no data source is needed to plan).",
      validation: [
        matches(
          "availability_zone",
          "^[a-z]{2}(-[a-z]+)+-[0-9]+[a-z]$",
          "an availability zone name such as eu-west-1a",
        ),
      ],
    });
    const size = stack.variable("volume_size_gib", {
      type: "number",
      description: "Size of the data volume in GiB.",
      validation: [wholeNumber("volume_size_gib", 1, 16384)],
    });
    const attributes = stack.variable("attributes", {
      type: "map(string)",
      description: 'Custom ECS attributes the instance sets at first registration, such as { role = "db-primary" }.',
      validation: [
        {
          condition: expression("length(var.attributes) > 0"),
          errorMessage: "attributes must hold at least one attribute, such as role = db-primary.",
        },
        {
          condition: expression(
            'alltrue([for key in keys(var.attributes) : can(regex("^[A-Za-z0-9_./\\\\\\\\-]{1,128}$", key)) && !startswith(key, "ecs.")])',
          ),
          errorMessage:
            "every attribute name must be 1 to 128 letters, digits, -, _, ., / or \\, not starting with ecs.",
        },
        {
          condition: expression(
            'alltrue([for value in values(var.attributes) : can(regex("^[A-Za-z0-9_.@/\\\\\\\\:-]{1,128}$", value))])',
          ),
          errorMessage: "every attribute value must be 1 to 128 letters, digits, -, _, ., @, /, \\ or :.",
        },
      ],
    });
    const vpcId = stack.variable("vpc_id", {
      type: "string",
      description:
        "The VPC of `subnet_id`, for the instance's security group. Left out, it is read from the subnet: at apply time on the first run (so a first plan needs no AWS access), at plan time afterwards.",
      default: null,
      nullable: true,
      validation: [
        {
          condition: expression(`var.vpc_id == null || can(regex("${VPC_ID}", var.vpc_id))`),
          errorMessage: "vpc_id must be a VPC id such as vpc-0123abcd.",
        },
      ],
    });
    const instanceType = stack.variable("instance_type", {
      type: "string",
      description: "The instance type, offered in the zone; Graviton types get the arm64 image.",
      default: "t3.medium",
      validation: [matches("instance_type", "^[a-z][a-z0-9-]*\\.[a-z0-9]+$", "an instance type such as t3.medium")],
    });
    const mountPath = stack.variable("mount_path", {
      type: "string",
      description: "Where the data volume is mounted on the host; task host volumes live below it.",
      default: "/mnt/data",
      validation: [
        matches("mount_path", "^/(mnt|srv|data)(/[A-Za-z0-9_.-]+)*$", "a directory under /mnt, /srv or /data"),
      ],
    });
    const tags = stack.variable("tags", {
      type: "map(string)",
      description: "Tags for every resource, the instance and volumes the group launches included.",
      default: {},
    });
    // A data source that depends on a resource with pending changes is read at apply time. This one
    // depends on a `terraform_data` without inputs, pending only while it is created: the first plan reads
    // nothing from AWS (the security group's VPC is known after apply), and once created it never changes,
    // so later plans read the subnet as usual and never see the VPC as unknown (which would replace the group).
    const firstRun = new DataResource(stack, "subnet-lookup-after-first-apply", {});
    const subnetInfo = new DataAwsSubnet(stack, "subnet", {
      id: subnet.stringValue,
      count: Token.asNumber(Fn.conditional(Op.eq(vpcId.value, Token.nullValue()), 1, 0)),
      dependsOn: [firstRun],
    });
    const capacity = new PinnedEbsCapacity(stack, "capacity", {
      network: {
        // The subnet's VPC only when vpc_id is left out (the data source is counted out otherwise).
        vpcId: Fn.coalesce([
          vpcId.stringValue,
          Fn.one(ref(`data.aws_subnet.${subnetInfo.friendlyUniqueId}[*].vpc_id`)),
        ]),
        privateSubnetIds: [subnet.stringValue],
        privateSubnetAvailabilityZones: [zone.stringValue],
        publicSubnetIds: [],
        publicSubnetAvailabilityZones: [],
      },
      cluster: { name: cluster.stringValue },
      attributes: Token.asStringMap(attributes.value),
      name: name.stringValue,
      instanceType: instanceType.stringValue,
      mountPath: mountPath.stringValue,
      volume: { sizeGib: size.numberValue },
      tags: Token.asStringMap(tags.value),
    });
    stack.output(
      "placement_constraint_expression",
      capacity.placementConstraint().expression,
      'The memberOf expression that pins a task to this instance: placement_constraints { type = "memberOf", expression = ... }.',
    );
    stack.output("volume_id", capacity.volume.id, "The data volume.");
    stack.output(
      "security_group_id",
      capacity.securityGroup.id,
      "The instance's security group (HTTPS out, nothing in).",
    );
    stack.output(
      "mount_path",
      capacity.mountPath,
      "Where the volume is mounted on the host: the task's host_path volume lives below it.",
    );
  },
  exampleInputs: {
    name: "db",
    cluster_name: "main",
    subnet_id: "subnet-0aaaaaaaaaaaaaaa1",
    availability_zone: "eu-west-1a",
    volume_size_gib: 50,
    attributes: { role: "db-primary" },
  },
  badInputs: {
    name: ["my db"],
    cluster_name: ["my cluster"],
    subnet_id: ["sub-1"],
    availability_zone: ["eu-west-1"],
    volume_size_gib: [0],
    attributes: [{}, { "ecs.role": "db" }, { role: "db primary" }],
    vpc_id: ["vpc-nothex!"],
    instance_type: ["large"],
    mount_path: ["/var/lib/db"],
  },
  assertions: [
    {
      condition: "aws_ebs_volume.capacity_volume.encrypted == true",
      errorMessage: "the data volume must be encrypted",
    },
    {
      condition: "aws_ebs_volume.capacity_volume.final_snapshot == true",
      errorMessage: "a final snapshot must be taken on deletion",
    },
    {
      condition: 'aws_launch_template.capacity_launch_template.metadata_options[0].http_tokens == "required"',
      errorMessage: "IMDSv2 must be required",
    },
    {
      condition: "aws_autoscaling_group.capacity_auto_scaling_group.max_size == 1",
      errorMessage: "one instance at a time",
    },
  ],
  notes:
    "The data volume carries `prevent_destroy`: a Terraform module cannot make it a variable, so `terraform destroy`, or a change that replaces the volume (a new `availability_zone`), stops with an error instead of deleting the data. To really delete it, remove the `prevent_destroy` line from your vendored copy, on purpose; a final snapshot is taken either way. Without `vpc_id`, the VPC is read from the subnet: a first plan needs no AWS access (the read waits for apply), later plans read it from AWS. Run one task at a time on it: `desired_count = 1`, `deployment_minimum_healthy_percent = 0`, `deployment_maximum_percent = 100`, the placement constraint on the task definition, and a `host_path` volume below `mount_path`.",
};
