import { Token } from "cdktf";
import { SessionStore } from "../../../modules/session-store";
import { ModuleStack } from "../module-stack";
import {
  SECURITY_GROUP_ID,
  SUBNET_ID,
  VPC_ID,
  atLeast,
  eachMatches,
  expression,
  matches,
  wholeNumber,
} from "../validations";
import { VendoredModule } from "../vendored-module";

export const sessionStoreModule: VendoredModule = {
  name: "session-store",
  summary:
    "Session state outside the tasks: an ElastiCache Valkey replication group with a primary and a replica across zones, automatic failover and Multi-AZ, TLS required, encryption at rest, IAM authentication (an application user, and the `default` user switched off), its own security group open only to the client groups given, daily snapshots, the slow log in CloudWatch Logs, and alarms on CPU, memory and evictions.",
  build(stack: ModuleStack) {
    const name = stack.variable("name", {
      type: "string",
      description:
        "The replication group id and the prefix of every name: 1 to 36 lowercase letters, digits or single hyphens, starting with a letter.",
      validation: [
        matches(
          "name",
          "^[a-z]([a-z0-9-]{0,34}[a-z0-9])?$",
          "1 to 36 lowercase letters, digits or hyphens, starting with a letter and not ending with a hyphen",
        ),
        {
          condition: expression('!strcontains(var.name, "--")'),
          errorMessage: "name must not contain two hyphens in a row.",
        },
      ],
    });
    const vpcId = stack.variable("vpc_id", {
      type: "string",
      description: "The VPC of the store and its clients.",
      validation: [matches("vpc_id", VPC_ID, "a VPC id such as vpc-0123abcd")],
    });
    const subnets = stack.variable("subnet_ids", {
      type: "list(string)",
      description: "Private subnets in at least two zones (Multi-AZ).",
      validation: [
        atLeast("subnet_ids", 2, "a Multi-AZ store needs subnets in at least 2 zones"),
        eachMatches("subnet_ids", SUBNET_ID, "a subnet id such as subnet-0123abcd"),
      ],
    });
    const clients = stack.variable("client_security_group_ids", {
      type: "list(string)",
      description: "The security groups of the tasks that may connect; the store's port opens to these only.",
      validation: [
        eachMatches("client_security_group_ids", SECURITY_GROUP_ID, "a security group id such as sg-0123abcd"),
      ],
    });
    const version = stack.variable("engine_version", {
      type: "string",
      description: "Valkey `major.minor`; IAM authentication needs 7.2 or later.",
      default: "8.0",
      validation: [
        matches("engine_version", "^[0-9]+\\.[0-9]+$", "a major.minor version such as 8.0"),
        {
          condition: expression(
            'try(tonumber(split(".", var.engine_version)[0]) * 100 + tonumber(split(".", var.engine_version)[1]) >= 702, false)',
          ),
          errorMessage: "engine_version must be 7.2 or later: earlier Valkey versions have no IAM authentication.",
        },
      ],
    });
    const nodeType = stack.variable("node_type", {
      type: "string",
      description: "The node type.",
      default: "cache.t4g.small",
      validation: [matches("node_type", "^cache\\.[a-z0-9]+\\.[a-z0-9]+$", "a node type such as cache.t4g.small")],
    });
    const nodes = stack.variable("num_cache_clusters", {
      type: "number",
      description: "Nodes (a primary and replicas): automatic failover and Multi-AZ need at least 2.",
      default: 2,
      validation: [wholeNumber("num_cache_clusters", 2, 6)],
    });
    const port = stack.variable("port", {
      type: "number",
      description: "The port clients connect to.",
      default: 6379,
      validation: [wholeNumber("port", 1024, 65535)],
    });
    const retention = stack.variable("snapshot_retention_days", {
      type: "number",
      description: "Days of daily snapshots to keep (0 turns snapshots off).",
      default: 7,
      validation: [wholeNumber("snapshot_retention_days", 0, 35)],
    });
    const tags = stack.variable("tags", {
      type: "map(string)",
      description: "Tags for every resource, besides the provider's default tags.",
      default: {},
    });
    const store = new SessionStore(stack, "store", {
      network: {
        vpcId: vpcId.stringValue,
        privateSubnetIds: subnets.listValue,
        privateSubnetAvailabilityZones: [],
        publicSubnetIds: [],
        publicSubnetAvailabilityZones: [],
      },
      name: name.stringValue,
      engineVersion: version.stringValue,
      nodeType: nodeType.stringValue,
      numCacheClusters: nodes.numberValue,
      port: port.numberValue,
      snapshotRetentionDays: retention.numberValue,
      tags: Token.asStringMap(tags.value),
    });
    store.allowFromEach(clients.listValue);
    stack.output(
      "primary_endpoint_address",
      store.replicationGroup.primaryEndpointAddress,
      "Where clients connect (TLS on).",
    );
    stack.output("port", store.port, "The port clients connect to.");
    stack.output(
      "security_group_id",
      store.securityGroup.id,
      "The store's security group; clients need egress to it on the port.",
    );
    stack.output(
      "replication_group_id",
      store.replicationGroup.replicationGroupId,
      "The replication group id: the cache name IAM auth tokens are signed for.",
    );
    stack.output(
      "replication_group_arn",
      store.replicationGroup.arn,
      "Grant `elasticache:Connect` on this and `user_arn` to the tasks' role.",
    );
    stack.output("user_name", store.user!.userName, "The IAM-authenticated application user to sign in as.");
    stack.output("user_arn", store.user!.arn, "The application user's ARN, for the `elasticache:Connect` grant.");
  },
  exampleInputs: {
    name: "sessions",
    vpc_id: "vpc-0123456789abcdef0",
    subnet_ids: ["subnet-0aaaaaaaaaaaaaaa1", "subnet-0bbbbbbbbbbbbbbb2"],
    client_security_group_ids: ["sg-0123456789abcdef0"],
  },
  badInputs: {
    name: ["Sessions", "a--b"],
    vpc_id: ["vpc-nothex!"],
    subnet_ids: [["subnet-0aaaaaaaaaaaaaaa1"], ["subnet-0aaaaaaaaaaaaaaa1", "subnet-X"]],
    client_security_group_ids: [["0.0.0.0/0"]],
    engine_version: ["8", "7.1"],
    node_type: ["t4g.small"],
    num_cache_clusters: [1],
    port: [80],
    snapshot_retention_days: [36],
  },
  assertions: [
    {
      condition: "aws_elasticache_replication_group.store_replication_group.transit_encryption_enabled == true",
      errorMessage: "TLS must be required",
    },
    {
      condition: 'aws_elasticache_replication_group.store_replication_group.at_rest_encryption_enabled == "true"',
      errorMessage: "encryption at rest must be on",
    },
    {
      condition: "aws_elasticache_replication_group.store_replication_group.multi_az_enabled == true",
      errorMessage: "Multi-AZ must be on",
    },
    {
      condition: 'aws_elasticache_user.store_default_user.access_string == "off -@all"',
      errorMessage: "the default user must be switched off",
    },
    {
      condition: "length(aws_vpc_security_group_ingress_rule.store_from_each_0) == 1",
      errorMessage: "the port opens to the client groups only",
    },
  ],
  notes:
    "The replication group carries `prevent_destroy`: a Terraform module cannot make it a variable, so `terraform destroy`, or a change that replaces the group (a new `name`), stops with an error instead of dropping every session. To really delete it, remove the `prevent_destroy` line from your vendored copy, on purpose. A final snapshot is taken on deletion either way. Clients need egress to `security_group_id` on `port`, `elasticache:Connect` on `replication_group_arn` and `user_arn` for their task role, and sign in as `user_name` with an IAM auth token for `replication_group_id`.",
};
