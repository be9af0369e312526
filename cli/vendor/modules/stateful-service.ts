import { Fn, TerraformHclModule, TerraformLocal, Token } from "cdktf";
import { ContainerLogs } from "../../../modules/ecs";
import { EfsStorage } from "../../../modules/efs-storage";
import { NetworkRef } from "../../../modules/network";
import { StatefulOrdinal } from "../../../modules/stateful-service";
import { membersGroup, privateNamespace } from "../../../modules/stateful-service/members";
import { CLUSTER_NAME } from "../../../modules/ecs/cluster";
import { IMAGE } from "../../../modules/ecs/container-spec";
import { DNS_NAME, SERVICE_NAME } from "../../../modules/stateful-service/validate";
import { ModuleStack } from "../module-stack";
import { SUBNET_ID, VPC_ID, expression, matches, wholeNumber } from "../validations";
import { VendoredModule } from "../vendored-module";
import { MAX_POSIX_ID } from "../../../modules/efs-storage/access-point";

/**
 * How many ordinals the module can run: one `module` block each (ordinal `i` waits for `i - 1` through
 * `depends_on`, which a `count` or `for_each` over one block cannot express). Every block costs Terraform
 * about a second of validation and planning even when its count is 0, so the module offers the quorum sizes
 * up to 7, the largest etcd and ZooKeeper recommend; the construct goes to 30 with EFS.
 */
const ORDINAL_SLOTS = 7;
/** `<name>-<6>` must fit a role name prefix of 54 characters. */
const MAX_NAME = 52;

/** The host names of the running ordinals, `<name>-<i>.<namespace>`, as a Terraform expression. */
const HOSTNAMES = '[for i in range(var.replicas) : "${var.name}-${i}.${var.namespace_name}"]';

/** The module one ordinal is, called once per slot by the outer module (its inputs are the outer's). */
function buildOrdinal(stack: ModuleStack): void {
  const input = (
    name: string,
    type: string,
    description: string,
    extra: { default?: unknown; nullable?: boolean } = {},
  ) => stack.variable(name, { type, description, ...extra });
  const text = (name: string, description: string) => input(name, "string", description).stringValue;
  const number = (name: string, description: string) => input(name, "number", description).numberValue;
  const network: NetworkRef = {
    vpcId: text("vpc_id", "The VPC."),
    privateSubnetIds: input("subnet_ids", "list(string)", "The private subnets of the task.").listValue,
    privateSubnetAvailabilityZones: [],
    publicSubnetIds: [],
    publicSubnetAvailabilityZones: [],
  };
  const tags = Token.asStringMap(input("tags", "map(string)", "Tags for every resource.", { default: {} }).value);
  const ordinal = new StatefulOrdinal(stack, "ordinal", {
    identity: {
      ordinal: number("ordinal", "The ordinal, 0 to replicas - 1."),
      name: text("name", "The ordinal's name, `<service>-<ordinal>`."),
      hostname: text("hostname", "The ordinal's DNS name."),
    },
    peerHostnames: input("peers", "list(string)", "Every running ordinal's DNS name, in order.").listValue,
    namespaceId: text("namespace_id", "The Cloud Map namespace."),
    cluster: { name: text("cluster_name", "The ECS cluster.") },
    network,
    logs: ContainerLogs.named(stack, text("log_group_name", "The log group the container writes to.")),
    container: {
      name: text("container_name", "The container's name."),
      image: text("image", "The image."),
      port: number("port", "The client port."),
      user: text("user", "The container's user, `uid:gid`."),
      command: input("command", "list(string)", "The command, or null for the image's.", {
        default: null,
        nullable: true,
      }).listValue,
      environment: Token.asStringMap(input("environment", "map(string)", "Environment variables.").value),
      readonlyRootFilesystem: Token.asAny(
        input("readonly_root_filesystem", "bool", "Keep the root file system read-only.").value,
      ) as unknown as boolean,
      healthCheck: {
        command: input("health_check_command", "list(string)", "The readiness check.").listValue,
        startPeriodSeconds: 60,
      },
    },
    launchType: "FARGATE",
    cpu: number("cpu", "Task CPU units."),
    memory: number("memory", "Task memory in MiB."),
    tags,
  });
  ordinal.service.joinSecurityGroup(text("members_security_group_id", "The members' security group."));
  EfsStorage.mountExternal(
    ordinal.service,
    {
      fileSystemId: text("file_system_id", "The file system."),
      fileSystemArn: text("file_system_arn", "The file system's ARN."),
      accessPointId: text("access_point_id", "The ordinal's access point."),
      accessPointArn: text("access_point_arn", "The ordinal's access point's ARN."),
      mountTargetSecurityGroupId: text("nfs_security_group_id", "The mount targets' security group."),
    },
    { containerPath: text("data_path", "Where the ordinal's directory is mounted."), volumeName: "data" },
  );
  stack.output("service_name", ordinal.service.service.name, "The ordinal's ECS service.");
  stack.output("task_role_arn", ordinal.roles.taskRole.arn, "The ordinal's task role.");
  stack.output("hostname", ordinal.identity.hostname, "The ordinal's DNS name.");
}

/** The outer module: the shared parts, then one call of the ordinal module per slot, chained. */
function buildService(stack: ModuleStack): void {
  const name = stack.variable("name", {
    type: "string",
    description:
      "The prefix of every ordinal's name (`<name>-<i>`: ECS service, DNS name, roles) and the file system's Name tag.",
    validation: [
      {
        condition: expression(
          `can(regex(${JSON.stringify(SERVICE_NAME.source)}, var.name)) && length(var.name) <= ${MAX_NAME}`,
        ),
        errorMessage: `name must be at most ${MAX_NAME} lower-case letters, digits and -, starting with a letter, as a DNS label (<name>-<ordinal> prefixes role names).`,
      },
    ],
  }).stringValue;
  const namespaceName = stack.variable("namespace_name", {
    type: "string",
    description: "The Cloud Map private DNS namespace to create in the VPC, such as `zk.internal`.",
    validation: [matches("namespace_name", DNS_NAME.source, "a DNS name such as zk.internal, in lower case")],
  }).stringValue;
  const vpcId = stack.variable("vpc_id", {
    type: "string",
    description: "The VPC of the tasks, the mount targets and the namespace (DNS support and host names on).",
    validation: [matches("vpc_id", VPC_ID, "a VPC id such as vpc-0123abcd")],
  }).stringValue;
  const subnetIds = stack.variable("subnet_ids", {
    type: "list(string)",
    description: "Private subnets, one per availability zone: the tasks and a mount target in each.",
    // One block, so the module's tests plan one round of refused inputs fewer (each plans every ordinal slot).
    validation: [
      {
        condition: expression(
          `length(var.subnet_ids) >= 1 && alltrue([for id in var.subnet_ids : can(regex(${JSON.stringify(SUBNET_ID)}, id))])`,
        ),
        errorMessage: "subnet_ids must hold at least one subnet id such as subnet-0123abcd.",
      },
    ],
  }).listValue;
  const clusterName = stack.variable("cluster_name", {
    type: "string",
    description: "The ECS cluster the ordinals run in.",
    validation: [matches("cluster_name", CLUSTER_NAME.source, "1 to 255 letters, digits, _ or -")],
  }).stringValue;
  stack.variable("replicas", {
    type: "number",
    description: `How many ordinals run, 1 to ${ORDINAL_SLOTS}: ordinal i starts, and updates, after i - 1 is steady.`,
    validation: [wholeNumber("replicas", 1, ORDINAL_SLOTS)],
  });
  stack.variable("retained_ordinals", {
    type: "number",
    description:
      "How many ordinals keep their access point, running or not (at least replicas; null: replicas). To scale down, lower replicas and set this to the old count.",
    default: null,
    nullable: true,
    validation: [
      {
        condition: expression(
          `var.retained_ordinals == null ? true : var.retained_ordinals >= 1 && var.retained_ordinals <= ${ORDINAL_SLOTS} && floor(var.retained_ordinals) == var.retained_ordinals`,
        ),
        errorMessage: `retained_ordinals must be null or a whole number from 1 to ${ORDINAL_SLOTS}.`,
      },
    ],
  });
  const image = stack.variable("image", {
    type: "string",
    description: "The container image, pinned to a tag or digest.",
    validation: [
      matches("image", IMAGE.source, "an image reference such as public.ecr.aws/docker/library/zookeeper:3.9.3"),
    ],
  }).stringValue;
  const port = stack.variable("port", {
    type: "number",
    description: "The client port: open between the ordinals, like peer_ports.",
    validation: [wholeNumber("port", 1, 65535)],
  }).numberValue;
  const peerPorts = stack.variable("peer_ports", {
    type: "list(number)",
    description: "Ports the ordinals use between themselves (quorum, election), at most 10.",
    default: [],
    validation: [
      {
        condition: expression(
          "length(var.peer_ports) <= 10 && alltrue([for p in var.peer_ports : p >= 1 && p <= 65535 && floor(p) == p])",
        ),
        errorMessage: "peer_ports must hold at most 10 whole numbers from 1 to 65535.",
      },
    ],
  }).listValue;
  const healthCheck = stack.variable("health_check_command", {
    type: "list(string)",
    description:
      'The readiness check, as ECS takes it (["CMD-SHELL", "..."]): an ordinal is steady, and the next one starts, once it passes.',
    validation: [
      {
        condition: expression(
          'length(var.health_check_command) >= 2 && contains(["CMD", "CMD-SHELL"], var.health_check_command[0])',
        ),
        errorMessage: "health_check_command must be CMD or CMD-SHELL followed by what to run.",
      },
    ],
  }).listValue;
  const uid = stack.variable("uid", {
    type: "number",
    description: "The POSIX user every file operation runs as, and the container's user.",
    validation: [wholeNumber("uid", 0, MAX_POSIX_ID)],
  }).numberValue;
  const gid = stack.variable("gid", {
    type: "number",
    description: "The POSIX group every file operation runs as, and the container's group.",
    validation: [wholeNumber("gid", 0, MAX_POSIX_ID)],
  }).numberValue;
  const plain = (variable: string, type: string, description: string, defaultValue: unknown) =>
    stack.variable(variable, { type, description, default: defaultValue, nullable: defaultValue === null });
  const environment = plain("environment", "map(string)", "Environment variables every ordinal gets.", {});
  const ordinalEnvironment = plain(
    "ordinal_environment",
    "map(map(string))",
    'Environment variables by ordinal ("0", "1"...), over environment: ZOO_MY_ID and the like.',
    {},
  );
  const containerName = plain("container_name", "string", "The container's name.", "app").stringValue;
  const command = plain("command", "list(string)", "The command, or null for the image's.", null).listValue;
  const readonlyRoot = plain(
    "readonly_root_filesystem",
    "bool",
    "Keep the container's root file system read-only (images that write their configuration at start need false).",
    true,
  ).value;
  const cpu = plain("cpu", "number", "Task CPU units, as Fargate offers them.", 256).numberValue;
  const memory = plain("memory", "number", "Task memory in MiB, as Fargate offers it with cpu.", 512).numberValue;
  const dataPath = plain("data_path", "string", "Where each ordinal's directory is mounted.", "/data").stringValue;
  const tags = Token.asStringMap(plain("tags", "map(string)", "Tags for every resource.", {}).value);

  const network: NetworkRef = {
    vpcId,
    privateSubnetIds: subnetIds,
    privateSubnetAvailabilityZones: [],
    publicSubnetIds: [],
    publicSubnetAvailabilityZones: [],
  };
  const storage = new EfsStorage(stack, "storage", { network, name, tags });
  const context = { name, vpcId, tags };
  const namespace = privateNamespace(stack, context, namespaceName, true);
  const members = membersGroup(stack, context, Token.asList(Fn.concat([[port], peerPorts])) as unknown as number[]);
  const nfsRule = storage.allowFrom(members.securityGroup.id, `NFS to ${name} from its ordinals`);
  const logs = new ContainerLogs(stack, "logs", { logGroupName: `/ecs/${name}`, retentionInDays: 30, tags });
  // Locals, so the expressions nest in others as references.
  const storedOrdinals = new TerraformLocal(
    stack,
    "stored_ordinals",
    expression(
      '{ for i in range(max(var.replicas, coalesce(var.retained_ordinals, var.replicas))) : tostring(i) => { path = "/${var.name}/${i}", uid = var.uid, gid = var.gid, permissions = "750", task_role_names = [], read_only = false } }',
    ),
  );
  const hostnames = new TerraformLocal(stack, "hostnames", expression(HOSTNAMES));
  // Lowering replicas without retained_ordinals drops a key: prevent_destroy stops that plan instead.
  const accessPoints = storage.addAccessPointMap("ordinals", storedOrdinals.asAnyMap, {
    tags,
    namePrefix: name,
    preventDestroy: true,
  });

  let previous: TerraformHclModule | undefined;
  for (let ordinal = 0; ordinal < ORDINAL_SLOTS; ordinal++) {
    const key = String(ordinal);
    const call: TerraformHclModule = new TerraformHclModule(stack, `ordinal_${ordinal}`, {
      source: "./ordinal",
      skipAssetCreationFromLocalModules: true,
      variables: {
        ordinal,
        name: `${name}-${ordinal}`,
        hostname: `${name}-${ordinal}.${namespaceName}`,
        peers: hostnames.asList,
        namespace_id: namespace.id,
        cluster_name: clusterName,
        vpc_id: vpcId,
        subnet_ids: subnetIds,
        members_security_group_id: members.securityGroup.id,
        log_group_name: logs.logGroup.name,
        container_name: containerName,
        image,
        port,
        user: `${uid}:${gid}`,
        command,
        environment: Fn.merge([environment.value, Fn.lookup(ordinalEnvironment.value, key, {})]),
        readonly_root_filesystem: readonlyRoot,
        health_check_command: healthCheck,
        cpu,
        memory,
        file_system_id: storage.fileSystem.id,
        file_system_arn: storage.fileSystem.arn,
        access_point_id: Fn.lookup(accessPoints.ids, key, null),
        access_point_arn: Fn.lookup(accessPoints.arns, key, null),
        nfs_security_group_id: storage.securityGroup.id,
        data_path: dataPath,
        tags,
      },
      // Mountable storage and open ports first; then the previous ordinal, steady.
      dependsOn: [
        storage.mountTargets,
        storage.fileSystemPolicy,
        nfsRule,
        ...members.rules,
        ...(previous ? [previous] : []),
      ],
    });
    call.addOverride("count", expression(`var.replicas > ${ordinal} ? 1 : 0`));
    previous = call;
  }
  stack.output("namespace_id", namespace.id, "The Cloud Map namespace the ordinals are registered in.");
  stack.output("hostnames", hostnames.asList, "The running ordinals' DNS names, in order.");
  stack.output(
    "members_security_group_id",
    members.securityGroup.id,
    "The group every ordinal is in: let a client in on the client port by a rule of your own.",
  );
  stack.output("file_system_id", storage.fileSystem.id, "The file system.");
  stack.output("access_point_ids", accessPoints.ids, "The access point ids by ordinal.");
}

export const statefulServiceModule: VendoredModule = {
  name: "stateful-service",
  summary:
    "A StatefulSet for ECS on Fargate: `replicas` ordinals, each its own ECS service of one task (`<name>-<i>`, deployments that stop the old task first, circuit breaker with rollback), reachable at a stable DNS name `<name>-<i>.<namespace>` (a Cloud Map private DNS namespace, A records, health from ECS), with its own directory on an encrypted EFS file system (`/<name>/<i>`, an access point with the POSIX user enforced, mounted by that ordinal's task role only, transit encryption and IAM authorization on), started and updated in order: ordinal `i` waits for `i - 1` to be steady. The client and peer ports are open between the ordinals only. Each container receives `STATEFUL_ORDINAL`, `STATEFUL_HOSTNAME`, `STATEFUL_PEERS` and `STATEFUL_REPLICAS`.",
  build: buildService,
  submodules: [{ folder: "ordinal", build: buildOrdinal }],
  exampleInputs: {
    name: "zk",
    namespace_name: "zk.internal",
    vpc_id: "vpc-0123456789abcdef0",
    subnet_ids: ["subnet-0aaaaaaaaaaaaaaa1", "subnet-0bbbbbbbbbbbbbbb2"],
    cluster_name: "main",
    replicas: 3,
    image: "public.ecr.aws/docker/library/zookeeper:3.9.3",
    port: 2181,
    health_check_command: ["CMD-SHELL", "echo ruok | nc -w 2 localhost 2181 | grep -q imok"],
    uid: 1000,
    gid: 1000,
  },
  badInputs: {
    name: ["Zk_1"],
    namespace_name: ["zk_internal"],
    vpc_id: ["vpc-nothex!"],
    subnet_ids: [["subnet-X"]],
    cluster_name: ["my cluster"],
    replicas: [8],
    retained_ordinals: [0],
    image: ["nginx latest"],
    port: [0],
    peer_ports: [[70000]],
    health_check_command: [["curl"]],
    uid: [-1],
    gid: [1.5],
  },
  assertions: [
    {
      condition: "length(module.ordinal_2) == 1 && length(module.ordinal_3) == 0",
      errorMessage: "one ordinal module per replica",
    },
    {
      condition: 'module.ordinal_1[0].service_name == "zk-1" && module.ordinal_1[0].hostname == "zk-1.zk.internal"',
      errorMessage: "each ordinal is named <name>-<i> and resolves as <name>-<i>.<namespace>",
    },
    {
      condition:
        'length(aws_efs_access_point.storage_ordinals_access_point) == 3 && aws_efs_access_point.storage_ordinals_access_point["2"].root_directory[0].path == "/zk/2" && aws_efs_access_point.storage_ordinals_access_point["2"].tags["Name"] == "zk-2"',
      errorMessage: "one access point per ordinal, at /<name>/<i>, named <name>-<i>",
    },
    {
      condition: "aws_efs_file_system.storage_file_system.encrypted == true",
      errorMessage: "the file system must be encrypted",
    },
    {
      condition: 'aws_service_discovery_private_dns_namespace.namespace.name == "zk.internal"',
      errorMessage: "the ordinals are registered in the namespace given",
    },
  ],
  notes:
    "Scaling down: lower `replicas` and set `retained_ordinals` to the old count; the removed ordinals' services, names and roles go, their access points and files stay, and an ordinal that comes back finds its data. Lowering `replicas` alone drops an access point key, which carries `prevent_destroy`: the plan stops with an error instead. The file system and the namespace carry `prevent_destroy` too (a module cannot make it a variable); remove the lines from your vendored copy, on purpose, to delete them. Up to 7 ordinals (the construct goes to 30): one `module` block per slot, each with `count` (ordinal `i` must `depends_on` ordinal `i - 1`, which a `for_each` cannot express); the ordinals' inputs are in `ordinal/`. Clients reach the ordinals on `port` once you add an ingress rule to `members_security_group_id` from their group. The readiness check must pass without a quorum: ordinal 0 starts alone.",
};
