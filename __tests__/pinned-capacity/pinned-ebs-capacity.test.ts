import { Token } from "cdktf";
import { Construct } from "constructs";
import { AutoscalingGroup } from "@cdktf/provider-aws/lib/autoscaling-group";
import { CloudwatchMetricAlarm } from "@cdktf/provider-aws/lib/cloudwatch-metric-alarm";
import { DlmLifecyclePolicy } from "@cdktf/provider-aws/lib/dlm-lifecycle-policy";
import { EbsVolume } from "@cdktf/provider-aws/lib/ebs-volume";
import { Instance } from "@cdktf/provider-aws/lib/instance";
import { LaunchTemplate } from "@cdktf/provider-aws/lib/launch-template";
import { Route } from "@cdktf/provider-aws/lib/route";
import { VolumeAttachment } from "@cdktf/provider-aws/lib/volume-attachment";
import { Ec2Service } from "../../modules/ecs";
import { PinnedEbsCapacity, PinnedEbsCapacityProps } from "../../modules/pinned-capacity";
import {
  SynthesizedConfig,
  existingNetwork,
  onlyResource,
  parsePolicy,
  resources,
  serviceBasics,
  synthConfig,
  testStack,
  variables,
} from "../support/fixtures";

function capacityIn(scope: Construct, props: Partial<PinnedEbsCapacityProps> = {}): PinnedEbsCapacity {
  return new PinnedEbsCapacity(scope, "db", {
    network: existingNetwork,
    cluster: { name: "main" },
    attributes: { role: "db-primary" },
    ...props,
  });
}

/** The bootstrap script, from the Terraform local that user_data encodes. */
function scriptOf(synthesized: SynthesizedConfig): string {
  const locals = (synthesized.config as { locals?: Record<string, string> }).locals ?? {};
  const [script] = Object.values(locals);
  return script;
}

describe("PinnedEbsCapacity, self-healing (default)", () => {
  const synthesized = synthConfig((scope) => capacityIn(scope));

  it("makes an encrypted gp3 volume in the subnet's zone, protected from destroy, snapshotted on deletion", () => {
    expect(synthesized.json).toHaveResourceWithProperties(EbsVolume, {
      availability_zone: '${element(["eu-west-1a", "eu-west-1b"], 0)}',
      type: "gp3",
      size: 100,
      iops: 3000,
      throughput: 125,
      encrypted: true,
      final_snapshot: true,
      lifecycle: { prevent_destroy: true },
      tags: { Name: "test-db-data", "stateful-ecs:snapshots": "test-db" },
    });
  });

  it("launches the ECS-optimized AL2023 AMI with IMDSv2 required and an encrypted root volume", () => {
    expect(synthesized.json).toHaveResourceWithProperties(LaunchTemplate, {
      image_id: "resolve:ssm:/aws/service/ecs/optimized-ami/amazon-linux-2023/recommended/image_id",
      instance_type: "t3.medium",
      metadata_options: { http_endpoint: "enabled", http_tokens: "required", http_put_response_hop_limit: 1 },
      block_device_mappings: [
        {
          device_name: "/dev/xvda",
          ebs: { volume_size: 30, volume_type: "gp3", encrypted: "true", delete_on_termination: "true" },
        },
      ],
      user_data: expect.stringMatching(/^\$\{base64encode\(local\.db_bootstrap-script_\w+\)\}$/),
      vpc_security_group_ids: [expect.stringMatching(/aws_security_group\.db_security-group_\w+\.id/)],
    });
  });

  it("runs exactly one instance in the volume's subnet from an Auto Scaling group, replaced when unhealthy", () => {
    expect(synthesized.json).toHaveResourceWithProperties(AutoscalingGroup, {
      min_size: 1,
      max_size: 1,
      desired_capacity: 1,
      vpc_zone_identifier: ['${element(["subnet-0aaaaaaaaaaaaaaa1", "subnet-0bbbbbbbbbbbbbbb2"], 0)}'],
      health_check_type: "EC2",
      launch_template: {
        id: expect.stringMatching(/aws_launch_template\.db_launch-template_\w+\.id/),
        version: expect.stringMatching(/aws_launch_template\.db_launch-template_\w+\.latest_version/),
      },
    });
    expect(resources(synthesized, "aws_instance")).toEqual([]);
    expect(resources(synthesized, "aws_volume_attachment")).toEqual([]);
  });

  it("lets the instance attach this volume only, only to instances of its own group, and report its health", () => {
    const policy = parsePolicy(onlyResource(synthesized, "aws_iam_role_policy").policy);
    expect(policy.Statement).toEqual([
      { Sid: "DescribeVolumes", Effect: "Allow", Action: "ec2:DescribeVolumes", Resource: "*" },
      {
        Sid: "AttachThisVolume",
        Effect: "Allow",
        Action: "ec2:AttachVolume",
        Resource: expect.stringMatching(/^\$\{aws_ebs_volume\.db_volume_\w+\.arn\}$/),
      },
      {
        Sid: "ToInstancesOfThisGroup",
        Effect: "Allow",
        Action: "ec2:AttachVolume",
        Resource: expect.stringMatching(
          /^arn:\$\{data\.aws_partition\.\S+\}:ec2:\$\{data\.aws_region\.\S+\}:\*:instance\/\*$/,
        ),
        // The group's name as a literal: a reference to the group would create this policy only after the
        // group is in service, and its first host would boot without permission to attach its volume.
        Condition: { StringEquals: { "ec2:ResourceTag/aws:autoscaling:groupName": "test-db-instance" } },
      },
      {
        Sid: "ReportOwnHealth",
        Effect: "Allow",
        Action: "autoscaling:SetInstanceHealth",
        Resource: expect.stringMatching(
          /^arn:\$\{data\.aws_partition\.\S+\}:autoscaling:\$\{data\.aws_region\.\S+\}:\*:autoScalingGroup:\*:autoScalingGroupName\/test-db-instance$/,
        ),
      },
    ]);
    expect(onlyResource(synthesized, "aws_autoscaling_group").name).toBe("test-db-instance");
  });

  it("terminates a host that shuts itself down (a failed boot), so its group replaces it", () => {
    expect(onlyResource(synthesized, "aws_launch_template").instance_initiated_shutdown_behavior).toBe("terminate");
  });

  it("boots the host only after its way out, its egress rule and its permissions exist", () => {
    const group = onlyResource(synthesized, "aws_autoscaling_group");
    expect(group.depends_on).toEqual([
      expect.stringMatching(/^aws_vpc_security_group_egress_rule\.db_https-out_\w+$/),
      expect.stringMatching(/^aws_iam_role_policy_attachment\.db_managed-policy-0_\w+$/),
      expect.stringMatching(/^aws_iam_role_policy_attachment\.db_managed-policy-1_\w+$/),
      expect.stringMatching(/^aws_iam_role_policy\.db_grant-0_\w+$/),
    ]);
  });

  it("tags the instances and root volumes the group launches with the provider's default tags too", () => {
    const merged = expect.stringMatching(
      /^\$\{merge\(data\.aws_default_tags\.stateful-ecs-aws-context_default-tags_\w+\.tags, \{"Name" = "test-db-instance"\}\)\}$/,
    );
    expect(onlyResource(synthesized, "aws_launch_template").tag_specifications).toEqual([
      { resource_type: "instance", tags: merged },
      { resource_type: "volume", tags: merged },
    ]);
    expect(onlyResource(synthesized, "aws_autoscaling_group").dynamic).toEqual({
      tag: {
        for_each: merged,
        iterator: "each",
        content: { key: "${each.key}", value: "${each.value}", propagate_at_launch: true },
      },
    });
  });

  it("gives the instance the ECS and SSM managed policies through an instance profile", () => {
    const policies = resources(synthesized, "aws_iam_role_policy_attachment").map(
      (attachment) => attachment.policy_arn,
    );
    expect(policies).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/:iam::aws:policy\/service-role\/AmazonEC2ContainerServiceforEC2Role$/),
        expect.stringMatching(/:iam::aws:policy\/AmazonSSMManagedInstanceCore$/),
      ]),
    );
    expect(resources(synthesized, "aws_iam_instance_profile")).toHaveLength(1);
  });

  it("gives the instance a described security group with HTTPS out and nothing in", () => {
    expect(onlyResource(synthesized, "aws_security_group").description).toContain("nothing in");
    expect(resources(synthesized, "aws_vpc_security_group_egress_rule").map((rule) => rule.from_port)).toEqual([443]);
    expect(resources(synthesized, "aws_vpc_security_group_ingress_rule")).toEqual([]);
  });

  it("snapshots the volume daily through Data Lifecycle Manager, keeping 7, by its tag", () => {
    expect(synthesized.json).toHaveResourceWithProperties(DlmLifecyclePolicy, {
      state: "ENABLED",
      execution_role_arn: expect.stringMatching(/aws_iam_role\.db_snapshots_role_\w+\.arn/),
      policy_details: {
        resource_types: ["VOLUME"],
        target_tags: { "stateful-ecs:snapshots": "test-db" },
        schedule: [
          {
            name: "every 24 hours",
            create_rule: { interval: 24, interval_unit: "HOURS", times: ["03:00"] },
            retain_rule: { count: 7 },
            copy_tags: true,
          },
        ],
      },
    });
  });

  it("writes the cluster, the attributes and the volume into the bootstrap script, attaching it itself", () => {
    const script = scriptOf(synthesized);
    expect(script).toContain("ECS_CLUSTER=main\n");
    expect(script).toContain('ECS_INSTANCE_ATTRIBUTES={"role":"db-primary"}\n');
    expect(script).toMatch(/VOLUME_ID="\$\{aws_ebs_volume\.db_volume_\w+\.id\}"/);
    expect(script).toContain("aws ec2 attach-volume");
  });
});

describe("PinnedEbsCapacity, instance recovery", () => {
  const synthesized = synthConfig((scope) => capacityIn(scope, { recovery: "instance", subnetIndex: 1 }));

  it("runs one instance from the launch template in the chosen subnet, IMDSv2 required on the instance too", () => {
    expect(synthesized.json).toHaveResourceWithProperties(Instance, {
      subnet_id: '${element(["subnet-0aaaaaaaaaaaaaaa1", "subnet-0bbbbbbbbbbbbbbb2"], 1)}',
      launch_template: expect.objectContaining({ id: expect.stringMatching(/aws_launch_template\./) }),
      metadata_options: { http_endpoint: "enabled", http_tokens: "required", http_put_response_hop_limit: 1 },
    });
    expect(synthesized.json).toHaveResourceWithProperties(EbsVolume, {
      availability_zone: '${element(["eu-west-1a", "eu-west-1b"], 1)}',
    });
    expect(resources(synthesized, "aws_autoscaling_group")).toEqual([]);
  });

  it("only stops an instance that shuts itself down: a recovered instance is never thrown away", () => {
    expect(onlyResource(synthesized, "aws_launch_template").instance_initiated_shutdown_behavior).toBe("stop");
  });

  it("boots the instance only after its egress rule and its managed policies exist", () => {
    expect(onlyResource(synthesized, "aws_instance").depends_on).toEqual([
      expect.stringMatching(/^aws_vpc_security_group_egress_rule\.db_https-out_\w+$/),
      expect.stringMatching(/^aws_iam_role_policy_attachment\.db_managed-policy-0_\w+$/),
      expect.stringMatching(/^aws_iam_role_policy_attachment\.db_managed-policy-1_\w+$/),
    ]);
  });

  it("attaches the volume with Terraform, stopping the instance before any detach", () => {
    expect(synthesized.json).toHaveResourceWithProperties(VolumeAttachment, {
      device_name: "/dev/xvdf",
      stop_instance_before_detaching: true,
      volume_id: expect.stringMatching(/aws_ebs_volume\.db_volume_\w+\.id/),
      instance_id: expect.stringMatching(/aws_instance\.db_instance_\w+\.id/),
    });
    expect(resources(synthesized, "aws_iam_role_policy")).toEqual([]);
    expect(scriptOf(synthesized)).not.toContain("aws ec2 attach-volume");
  });

  it("recovers the instance in place when its host fails the system status check", () => {
    expect(synthesized.json).toHaveResourceWithProperties(CloudwatchMetricAlarm, {
      namespace: "AWS/EC2",
      metric_name: "StatusCheckFailed_System",
      statistic: "Maximum",
      comparison_operator: "GreaterThanOrEqualToThreshold",
      threshold: 1,
      dimensions: { InstanceId: expect.stringMatching(/aws_instance\.db_instance_\w+\.id/) },
      alarm_actions: [
        expect.stringMatching(/^arn:\$\{data\.aws_partition\.\S+\}:automate:\$\{data\.aws_region\.\S+\}:ec2:recover$/),
      ],
    });
  });
});

describe("PinnedEbsCapacity on a network that is ready only once its routes exist", () => {
  it("boots the host after the network's readiness resources as well", () => {
    const synthesized = synthConfig((scope) => {
      const route = new Route(scope, "nat-route", { routeTableId: "rtb-0123", destinationCidrBlock: "0.0.0.0/0" });
      capacityIn(scope, { network: { ...existingNetwork, dependsOn: [route] } });
    });
    expect(onlyResource(synthesized, "aws_autoscaling_group").depends_on[0]).toMatch(/^aws_route\.nat-route$/);
  });
});

describe("PinnedEbsCapacity on Graviton", () => {
  it.each(["t4g.medium", "m7g.large", "c6gd.xlarge", "c7gn.large", "im4gn.large", "x2gd.medium", "a1.large"])(
    "launches the arm64 ECS-optimized AMI on %s",
    (instanceType) => {
      const synthesized = synthConfig((scope) => capacityIn(scope, { instanceType }));
      expect(onlyResource(synthesized, "aws_launch_template").image_id).toBe(
        "resolve:ssm:/aws/service/ecs/optimized-ami/amazon-linux-2023/arm64/recommended/image_id",
      );
    },
  );

  it.each(["t3.medium", "m6i.large", "g4dn.xlarge", "g4ad.xlarge", "m7i-flex.large", "mac2-m2pro.metal"])(
    "launches the x86_64 AMI on %s",
    (instanceType) => {
      const synthesized = synthConfig((scope) => capacityIn(scope, { instanceType }));
      expect(onlyResource(synthesized, "aws_launch_template").image_id).toBe(
        "resolve:ssm:/aws/service/ecs/optimized-ami/amazon-linux-2023/recommended/image_id",
      );
    },
  );
});

describe("PinnedEbsCapacity options", () => {
  it("takes the volume's size, performance, key and file system, the snapshot schedule and destroy", () => {
    const kmsKeyArn = "arn:aws:kms:eu-west-1:123456789012:key/abcd";
    const synthesized = synthConfig((scope) =>
      capacityIn(scope, {
        volume: { sizeGib: 500, iops: 6000, throughputMibps: 500, kmsKeyArn, fileSystem: "ext4" },
        snapshots: { intervalHours: 6, retainCount: 28, startTime: "00:30" },
        allowDestroy: true,
        instanceType: "m6i.large",
        amiId: "ami-0123456789abcdef0",
        rootVolumeSizeGib: 50,
        mountPath: "/srv/pg",
      }),
    );
    expect(synthesized.json).toHaveResourceWithProperties(EbsVolume, {
      size: 500,
      iops: 6000,
      throughput: 500,
      kms_key_id: kmsKeyArn,
      lifecycle: { prevent_destroy: false },
    });
    expect(synthesized.json).toHaveResourceWithProperties(LaunchTemplate, {
      instance_type: "m6i.large",
      image_id: "ami-0123456789abcdef0",
    });
    expect(onlyResource(synthesized, "aws_launch_template").block_device_mappings[0].ebs.volume_size).toBe(50);
    const schedule = onlyResource(synthesized, "aws_dlm_lifecycle_policy").policy_details.schedule[0];
    expect(schedule).toMatchObject({ create_rule: { interval: 6, times: ["00:30"] }, retain_rule: { count: 28 } });
    const attachPolicy = parsePolicy(onlyResource(synthesized, "aws_iam_role_policy").policy);
    expect(attachPolicy.Statement.find((statement) => statement.Sid === "DecryptTheVolumeThroughEc2")).toEqual({
      Sid: "DecryptTheVolumeThroughEc2",
      Effect: "Allow",
      Action: "kms:CreateGrant",
      Resource: kmsKeyArn,
      Condition: {
        StringEquals: { "kms:ViaService": expect.stringMatching(/^ec2\.\$\{data\.aws_region\.\S+\}\.amazonaws\.com$/) },
        Bool: { "kms:GrantIsForAWSResource": "true" },
      },
    });
    const script = scriptOf(synthesized);
    expect(script).toContain('MOUNT_PATH="/srv/pg"');
    expect(script).toContain('FS_TYPE="ext4"');
  });
});

describe("PinnedEbsCapacity for tasks", () => {
  const capacity = capacityIn(testStack(), {
    attributes: { role: "db-primary", tier: "data" },
    mountPath: "/mnt/data",
  });

  it("pins tasks with a memberOf constraint on every attribute, or on the one named", () => {
    expect(capacity.placementConstraint()).toEqual({
      type: "memberOf",
      expression: "attribute:role == db-primary and attribute:tier == data",
    });
    expect(capacity.placementConstraint("role")).toEqual({
      type: "memberOf",
      expression: "attribute:role == db-primary",
    });
  });

  it("refuses a constraint on an attribute the instance does not set", () => {
    expect(() => capacity.placementConstraint("zone")).toThrow(
      "PinnedEbsCapacity 'db': placementConstraint('zone'): the instance sets no such attribute; it sets: role, tier",
    );
  });

  it("gives host volumes under the mount path, for EC2 tasks only", () => {
    const volume = capacity.hostVolume("pgdata", "postgres/16");
    expect(volume.volume).toEqual({ name: "pgdata", hostPath: "/mnt/data/postgres/16" });
    expect(volume.fargateCompatible).toBe(false);
    expect(volume.mountPoint("/var/lib/postgresql/data")).toEqual({
      sourceVolume: "pgdata",
      containerPath: "/var/lib/postgresql/data",
      readOnly: false,
    });
    expect(capacity.hostVolume("all").volume.hostPath).toBe("/mnt/data");
  });

  it("makes every host volume require this instance's placement and one task at a time", () => {
    expect(capacity.hostVolume("pgdata").placement).toEqual({
      owner: "PinnedEbsCapacity 'db'",
      memberOf: [
        "attribute:role == db-primary and attribute:tier == data",
        "attribute:role == db-primary",
        "attribute:tier == data",
      ],
      remedy: "use capacity.run(service, { containerPath }), with desiredCount 1",
    });
  });

  it("guards every host volume of the instance with one lock container, on the volume itself", () => {
    const [first, second] = [capacity.hostVolume("pgdata", "postgres"), capacity.hostVolume("wal", "wal")];
    expect(first.guard).toBe(second.guard);
    expect(first.guard).toMatchObject({
      containerName: "test-db-lock",
      volumes: [{ name: "test-db-lock", hostPath: "/mnt/data/.stateful-ecs" }],
    });
    expect(first.guard?.containerDefinition({})).toMatchObject({ name: "test-db-lock", startTimeout: 180 });
    expect(() => capacity.hostVolume("test-db-lock")).toThrow(
      "PinnedEbsCapacity 'db': hostVolume name 'test-db-lock' is the name of the volume's lock; choose another",
    );
  });

  it("deploys a single writer: the old task stops before the new one starts", () => {
    expect(capacity.pinnedServiceSettings).toEqual({ minimumHealthyPercent: 0, maximumPercent: 100 });
  });
});

describe("PinnedEbsCapacity with an attributes map known only at plan time", () => {
  const synthesized = synthConfig((scope) => {
    const attributes = Token.asStringMap(variables(scope).variable("attributes", "map(string)").value);
    const capacity = new PinnedEbsCapacity(scope, "db", {
      network: existingNetwork,
      cluster: { name: "main" },
      attributes,
    });
    const postgres = new Ec2Service(scope, "postgres", {
      ...serviceBasics(scope),
      container: { name: "postgres", image: "postgres:16" },
    });
    capacity.run(postgres, { containerPath: "/var/lib/postgresql/data" });
  });

  it("sets the attributes at boot as jsonencode() of the map", () => {
    expect(scriptOf(synthesized)).toContain("ECS_INSTANCE_ATTRIBUTES=${jsonencode(var.attributes)}");
  });

  it("pins the service with a memberOf expression Terraform builds from the same map, and synthesizes", () => {
    expect(onlyResource(synthesized, "aws_ecs_task_definition").placement_constraints).toEqual([
      {
        type: "memberOf",
        expression: '${join(" and ", formatlist("attribute:%s == %s", keys(var.attributes), values(var.attributes)))}',
      },
    ]);
  });
});

describe("PinnedEbsCapacity fed by Terraform variables", () => {
  const synthesized = synthConfig((scope) => {
    const { variable, network } = variables(scope);
    new PinnedEbsCapacity(scope, "db", {
      network: network(),
      subnetIndex: variable("subnet_index", "number").numberValue,
      cluster: { name: variable("cluster", "string").stringValue },
      attributes: { role: variable("role", "string").stringValue },
      instanceType: variable("instance_type", "string").stringValue,
      volume: { sizeGib: variable("size", "number").numberValue },
    });
  });

  it("places the volume and instance with element() of the lists", () => {
    expect(synthesized.json).toHaveResourceWithProperties(EbsVolume, {
      availability_zone: "${element(var.zones, var.subnet_index)}",
      size: "${var.size}",
    });
    expect(synthesized.json).toHaveResourceWithProperties(AutoscalingGroup, {
      vpc_zone_identifier: ["${element(var.subnets, var.subnet_index)}"],
    });
  });

  it("chooses the AMI for the instance type's architecture in Terraform", () => {
    expect(onlyResource(synthesized, "aws_launch_template").image_id).toBe(
      '${can(regex("^(a1|[a-z]+[0-9]+[a-z0-9-]*g[a-z0-9-]*)[.]", var.instance_type)) ? "resolve:ssm:/aws/service/ecs/optimized-ami/amazon-linux-2023/arm64/recommended/image_id" : "resolve:ssm:/aws/service/ecs/optimized-ami/amazon-linux-2023/recommended/image_id"}',
    );
  });

  it("writes the variables into the bootstrap script as Terraform references", () => {
    const script = scriptOf(synthesized);
    expect(script).toContain("ECS_CLUSTER=${var.cluster}\n");
    expect(script).toContain('ECS_INSTANCE_ATTRIBUTES={"role":"${var.role}"}\n');
  });
});
