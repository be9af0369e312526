import { GuardExceptions, applyGuardExceptions } from "../core/guard-exceptions";
import { Fn, Token } from "cdktf";
import { Construct } from "constructs";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { DataAwsSecretsmanagerSecretVersion } from "@cdktf/provider-aws/lib/data-aws-secretsmanager-secret-version";
import { ElasticacheParameterGroup } from "@cdktf/provider-aws/lib/elasticache-parameter-group";
import { ElasticacheReplicationGroup } from "@cdktf/provider-aws/lib/elasticache-replication-group";
import { ElasticacheSubnetGroup } from "@cdktf/provider-aws/lib/elasticache-subnet-group";
import { ElasticacheUser } from "@cdktf/provider-aws/lib/elasticache-user";
import { ElasticacheUserGroup } from "@cdktf/provider-aws/lib/elasticache-user-group";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { awsContext } from "../core/aws-context";
import { Consumer } from "../core/connectable";
import { propError } from "../core/errors";
import { grantToRole } from "../core/grants";
import { GroupIngress } from "../core/group-ingress";
import { RoleRef } from "../core/iam";
import { scopedName } from "../core/names";
import { withTags } from "../core/tags";
import { isKnown } from "../core/tokens";
import {
  LOG_RETENTION_DAYS,
  checkInteger,
  checkKmsKeyArn,
  checkLiteral,
  checkOneOf,
  checkOneOfNumbers,
  checkPattern,
} from "../core/validate";
import { ContainerService } from "../ecs/container-service";
import { NetworkRef } from "../network/network-ref";
import { checkTwoZones, validateNetworkRef } from "../network/validate-network-ref";
import { CacheAlarmOptions, createCacheAlarms, validateCacheAlarmOptions } from "./alarms";
import { MAINTENANCE_WINDOW, SNAPSHOT_WINDOW, windowsProblem } from "./windows";

export type CacheEngine = "valkey" | "redis";

/**
 * How clients authenticate. `iam` (default): an RBAC user group whose application user signs in with IAM
 * (no secret anywhere) and whose `default` user is switched off. `token`: an AUTH token read from a Secrets
 * Manager secret (a data source: planning then needs AWS access).
 */
export type SessionAuth =
  | {
      readonly mode: "iam";
      /**
       * The application user's name (and id). @default - `<name>-app`
       */
      readonly userName?: string;
      /**
       * What the user may run. @default - read, write, key expiry and connection commands, nothing dangerous
       */
      readonly accessString?: string;
    }
  | { readonly mode: "token"; readonly authTokenSecretArn: string };

export type MaxmemoryPolicy =
  "volatile-lru" | "volatile-lfu" | "volatile-ttl" | "allkeys-lru" | "allkeys-lfu" | "noeviction";

export interface SessionStoreProps {
  /** The cache goes into the private subnets (one node per zone, round robin). */
  readonly network: NetworkRef;
  /**
   * The engine: `valkey` or `redis` (Redis OSS).
   * @default "valkey"
   */
  readonly engine?: CacheEngine;
  /**
   * `major.minor`; IAM authentication needs Valkey 7.2+ or Redis OSS 7.0+.
   * @default "8.0" for Valkey, "7.1" for Redis OSS
   */
  readonly engineVersion?: string;
  /**
   * The node type, such as `cache.t4g.small`.
   * @default "cache.t4g.small"
   */
  readonly nodeType?: string;
  /**
   * Nodes (a primary and replicas), 2 to 6: automatic failover and Multi-AZ need at least 2.
   * @default 2
   */
  readonly numCacheClusters?: number;
  /**
   * The port clients connect to, 1024 to 65535.
   * @default 6379
   */
  readonly port?: number;
  /**
   * How clients authenticate: `iam` or `token`.
   * @default { mode: "iam" }
   */
  readonly auth?: SessionAuth;
  /**
   * A customer managed KMS key for encryption at rest (always on).
   * @default - the AWS managed key
   */
  readonly kmsKeyArn?: string;
  /**
   * Days of daily snapshots to keep, 0 to 35 (0 turns snapshots off).
   * @default 7
   */
  readonly snapshotRetentionDays?: number;
  /** UTC `hh:mm-hh:mm`, at least an hour, apart from the maintenance window. @default "03:00-04:00" */
  readonly snapshotWindow?: string;
  /** UTC `ddd:hh:mm-ddd:hh:mm`, 1 to 24 hours, apart from the snapshot window. @default "sun:05:00-sun:06:00" */
  readonly maintenanceWindow?: string;
  /**
   * Which keys the cache may drop when full. Sessions carry a TTL, so `volatile-lru` drops the least
   * recently used expiring keys and never a key without one.
   * @default "volatile-lru"
   */
  readonly maxmemoryPolicy?: MaxmemoryPolicy;
  /** Days to keep the slow log in CloudWatch Logs. @default 30 */
  readonly slowLogRetentionDays?: number;
  /**
   * Lets `terraform destroy` (or a change that replaces the replication group, such as a new `name`)
   * delete the store and every session in it. Without it the replication group carries
   * `lifecycle.prevent_destroy`. A final snapshot is taken on deletion either way. Must be a literal:
   * Terraform reads `prevent_destroy` before any variable.
   * @default false
   */
  readonly allowDestroy?: boolean;
  /**
   * Thresholds and notification targets of the CloudWatch alarms.
   * @default - the defaults of `CacheAlarmOptions`
   */
  readonly alarms?: CacheAlarmOptions;
  /**
   * The replication group id and the prefix of every name: 1 to 36 lowercase letters, digits or hyphens,
   * starting with a letter.
   * @default - `<stack id>-<construct path>`, unique per stack (see `scopedName`)
   */
  readonly name?: string;
  /**
   * Tags for every resource the construct creates.
   * @default - none
   */
  readonly tags?: Record<string, string>;
  /**
   * Deliberate exceptions to the guards that run at synth: rule id -> reason, for example
   * `{ SE007: "read-only copy of a dump" }`. The guards then report the rule's findings on this construct's
   * resources as silenced, with the reason, instead of failing synth.
   * @default - none: every guard applies
   */
  readonly guardExceptions?: GuardExceptions;
}

const ENGINES: readonly string[] = ["valkey", "redis"] satisfies CacheEngine[];
const DEFAULT_VERSION: Record<CacheEngine, string> = { valkey: "8.0", redis: "7.1" };
/** The first version of each engine with IAM authentication. */
const IAM_SINCE: Record<CacheEngine, [number, number]> = { valkey: [7, 2], redis: [7, 0] };
const MAXMEMORY_POLICIES: readonly string[] = [
  "volatile-lru",
  "volatile-lfu",
  "volatile-ttl",
  "allkeys-lru",
  "allkeys-lfu",
  "noeviction",
] satisfies MaxmemoryPolicy[];
/**
 * Sessions need reads, writes, expiry and connection commands; nothing that flushes, reconfigures or scans,
 * and no pub/sub. Only the access string syntax ElastiCache documents (`resetchannels` is Redis syntax it
 * does not list).
 */
const DEFAULT_ACCESS_STRING = "on ~* -@all +@read +@write +@keyspace +@connection -@dangerous -@pubsub";

/**
 * Session state outside the tasks: an ElastiCache Valkey or Redis OSS replication group with a primary
 * and replicas across zones, automatic failover and Multi-AZ, TLS required, encryption at rest, IAM
 * authentication (or an AUTH token from Secrets Manager), its own security group open only to the task
 * groups allowed in, snapshots, the slow log in CloudWatch Logs, and alarms on CPU, memory and evictions.
 */
export class SessionStore extends Construct {
  /** The replication group id, and the prefix of every name. */
  public readonly name: string;
  /** The engine. */
  public readonly engine: CacheEngine;
  /** The port clients connect to. */
  public readonly port: number;
  /** The `aws_elasticache_replication_group` resource. */
  public readonly replicationGroup: ElasticacheReplicationGroup;
  /** The store's security group: its port from the connected services only. */
  public readonly securityGroup: SecurityGroup;
  /** The IAM application user (`iam` mode only). */
  public readonly user?: ElasticacheUser;
  private readonly auth: SessionAuth;
  private readonly ingress: GroupIngress;

  constructor(scope: Construct, id: string, props: SessionStoreProps) {
    super(scope, id);
    applyGuardExceptions(this, "guardExceptions", props.guardExceptions);
    this.name = props.name ?? scopedName(this);
    this.engine = props.engine ?? "valkey";
    this.port = props.port ?? 6379;
    this.auth = props.auth ?? { mode: "iam" };
    const engineVersion = props.engineVersion ?? DEFAULT_VERSION[this.engine];
    const numCacheClusters = props.numCacheClusters ?? 2;
    this.validate(props, engineVersion, numCacheClusters);

    this.securityGroup = new SecurityGroup(this, "security-group", {
      name: `${this.name}-cache`,
      description: `Session store ${this.name}: port ${this.port} from the task groups allowed in, nothing else`,
      vpcId: props.network.vpcId,
      tags: withTags(props.tags, { Name: `${this.name}-cache` }),
    });
    this.ingress = new GroupIngress(this, {
      securityGroupId: this.securityGroup.id,
      port: this.port,
      idPrefix: "from",
    });
    const subnetGroup = new ElasticacheSubnetGroup(this, "subnet-group", {
      name: `${this.name}-cache`,
      description: `Private subnets of session store ${this.name}`,
      subnetIds: props.network.privateSubnetIds,
      tags: props.tags,
    });
    const parameterGroup = new ElasticacheParameterGroup(this, "parameter-group", {
      name: `${this.name}-cache`,
      description: `Session store ${this.name}`,
      family: parameterGroupFamily(this.engine, engineVersion),
      parameter: [{ name: "maxmemory-policy", value: props.maxmemoryPolicy ?? "volatile-lru" }],
      tags: props.tags,
    });
    const slowLog = new CloudwatchLogGroup(this, "slow-log", {
      name: `/elasticache/${this.name}/slow-log`,
      retentionInDays: props.slowLogRetentionDays ?? 30,
      tags: props.tags,
    });

    const authentication = this.authentication(props);
    this.user = authentication.user;
    this.replicationGroup = new ElasticacheReplicationGroup(this, "replication-group", {
      replicationGroupId: this.name,
      description: `Session store ${this.name}`,
      engine: this.engine,
      engineVersion,
      nodeType: props.nodeType ?? "cache.t4g.small",
      numCacheClusters,
      port: this.port,
      automaticFailoverEnabled: true,
      multiAzEnabled: true,
      transitEncryptionEnabled: true,
      transitEncryptionMode: "required",
      atRestEncryptionEnabled: "true",
      kmsKeyId: props.kmsKeyArn,
      subnetGroupName: subnetGroup.name,
      securityGroupIds: [this.securityGroup.id],
      parameterGroupName: parameterGroup.name,
      snapshotRetentionLimit: props.snapshotRetentionDays ?? 7,
      snapshotWindow: props.snapshotWindow ?? "03:00-04:00",
      maintenanceWindow: props.maintenanceWindow ?? "sun:05:00-sun:06:00",
      // A name of its own at every creation: a fixed one would exist already on the second destroy.
      finalSnapshotIdentifier: `${this.name}-final-${Fn.formatdate("YYYYMMDDhhmmss", Fn.timestamp())}`,
      autoMinorVersionUpgrade: "true",
      logDeliveryConfiguration: [
        { destination: slowLog.name, destinationType: "cloudwatch-logs", logFormat: "json", logType: "slow-log" },
      ],
      userGroupIds: authentication.userGroupIds,
      authToken: authentication.authToken,
      lifecycle: {
        preventDestroy: props.allowDestroy !== true,
        // Keeps the name chosen at creation (timestamp() is new at every plan), for the deletion to use.
        ignoreChanges: ["final_snapshot_identifier"],
      },
      tags: props.tags,
    });

    createCacheAlarms(this, {
      name: this.name,
      replicationGroupId: this.replicationGroup.id,
      numCacheClusters,
      options: props.alarms ?? {},
      tags: props.tags,
    });
  }

  /**
   * Connects a service to the store in one call: opens the cache port from the service's group and out of
   * it, lets the service sign in (`iam`: `elasticache:Connect` for its task role; `token`: its execution
   * role reads the AUTH token, injected as `SESSION_STORE_AUTH_TOKEN`), and gives its container the
   * `SESSION_STORE_*` environment. The service's first task waits for the rules and the grant.
   */
  connect(service: ContainerService): void {
    this.allowFrom(service.securityGroupId, `Session store ${this.name} from ${service.name}`);
    service.allowEgressTo({ securityGroupId: this.securityGroup.id }, this.port, `To session store ${this.name}`);
    const grant =
      this.auth.mode === "iam" ? this.grantConnect(service.taskRole) : this.grantTokenRead(service.executionRole);
    service.addEnvironment(this.environment());
    service.addSecrets(this.secrets());
    service.waitFor((consumer) => this.prerequisites(consumer, grant));
  }

  /**
   * Opens the port to every security group of a list that may be known only at plan time (a Terraform
   * variable), one rule per group. For services of this stack, `connect()` does it.
   */
  allowFromEach(securityGroupIds: string[], description?: string): void {
    this.ingress.allowEach(
      securityGroupIds,
      description ?? `Session store ${this.name} from an allowed client security group`,
    );
  }

  /** Opens the cache port to one security group. Low level: `connect()` does it. */
  allowFrom(securityGroupId: string, description?: string): void {
    this.ingress.allow(
      securityGroupId,
      description ?? `Session store ${this.name} from an allowed task security group`,
    );
  }

  /**
   * `iam` mode: lets a task role connect as the application user (`elasticache:Connect` on the replication
   * group and the user, nothing else). Low level: `connect()` does it.
   */
  grantConnect(taskRole: RoleRef): IamRolePolicy {
    const user = this.user;
    if (this.auth.mode !== "iam" || !user) {
      throw propError(this, "grantConnect() is for auth mode 'iam'; in 'token' mode use connect() or grantTokenRead()");
    }
    return grantToRole(this, {
      role: taskRole,
      roleKind: "task",
      policyName: `${this.name}-cache-connect`,
      purpose: "grantConnect()",
      statements: () => [
        {
          Sid: "ConnectAsTheApplicationUser",
          Effect: "Allow",
          Action: "elasticache:Connect",
          Resource: [this.replicationGroup.arn, user.arn],
        },
      ],
    });
  }

  /**
   * `token` mode: lets the execution role read the AUTH token secret, which ECS injects as
   * `SESSION_STORE_AUTH_TOKEN` (see `secrets()`). Low level: `connect()` does it.
   */
  grantTokenRead(executionRole: RoleRef): IamRolePolicy {
    if (this.auth.mode !== "token") throw propError(this, "grantTokenRead() is for auth mode 'token'");
    const secretArn = this.auth.authTokenSecretArn;
    return grantToRole(this, {
      role: executionRole,
      roleKind: "execution",
      policyName: `${this.name}-cache-token`,
      purpose: "grantTokenRead()",
      statements: () => [
        { Sid: "ReadAuthToken", Effect: "Allow", Action: "secretsmanager:GetSecretValue", Resource: secretArn },
      ],
    });
  }

  /** What a connected service waits for: its rule into the store, and its grant. */
  private prerequisites(consumer: Consumer, grant: IamRolePolicy) {
    const rule = this.ingress.ruleFrom(consumer.securityGroupId);
    return rule ? [rule, grant] : [grant];
  }

  /** The container environment a client needs: where the store is, that TLS is on, and how to sign in. */
  environment(): Record<string, string> {
    const common = {
      SESSION_STORE_HOST: this.replicationGroup.primaryEndpointAddress,
      SESSION_STORE_PORT: isKnown(this.port) ? String(this.port) : Token.asString(this.port),
      SESSION_STORE_TLS: "true",
      SESSION_STORE_AUTH: this.auth.mode,
    };
    if (this.auth.mode === "token" || !this.user) return common;
    return {
      ...common,
      SESSION_STORE_USER: this.user.userName,
      // IAM auth tokens are signed for the replication group (the "cache name") in its region.
      SESSION_STORE_CACHE_NAME: this.replicationGroup.replicationGroupId,
      SESSION_STORE_REGION: awsContext(this).region,
    };
  }

  /** The container secrets a client needs: the AUTH token in `token` mode, nothing in `iam` mode. */
  secrets(): Record<string, string> {
    return this.auth.mode === "token" ? { SESSION_STORE_AUTH_TOKEN: this.auth.authTokenSecretArn } : {};
  }

  private authentication(props: SessionStoreProps): {
    user?: ElasticacheUser;
    userGroupIds?: string[];
    authToken?: string;
  } {
    if (this.auth.mode === "token") {
      const token = new DataAwsSecretsmanagerSecretVersion(this, "auth-token", {
        secretId: this.auth.authTokenSecretArn,
      });
      return { authToken: token.secretString };
    }
    const userName = this.auth.userName ?? `${this.name}-app`;
    const user = new ElasticacheUser(this, "app-user", {
      userId: userName,
      userName,
      engine: this.engine,
      accessString: this.auth.accessString ?? DEFAULT_ACCESS_STRING,
      authenticationMode: { type: "iam" },
      tags: props.tags,
    });
    // Every user group needs a user named "default"; this one is switched off and can run nothing. Valkey
    // groups take only users with a password or IAM, so it gets a random password nobody knows or needs.
    const disabledDefault = new ElasticacheUser(this, "default-user", {
      userId: `${this.name}-default-off`,
      userName: "default",
      engine: this.engine,
      accessString: "off -@all",
      authenticationMode: { type: "password", passwords: [Fn.uuid()] },
      lifecycle: { ignoreChanges: ["authentication_mode"] },
      tags: props.tags,
    });
    const group = new ElasticacheUserGroup(this, "user-group", {
      userGroupId: `${this.name}-users`,
      engine: this.engine,
      userIds: [disabledDefault.userId, user.userId],
      tags: props.tags,
    });
    return { user, userGroupIds: [group.userGroupId] };
  }

  private validate(props: SessionStoreProps, engineVersion: string, numCacheClusters: number): void {
    validateNetworkRef(this, props.network, ["private"]);
    checkTwoZones(this, props.network, "private", "a Multi-AZ store");
    checkPattern(
      this,
      "name",
      this.name,
      /^[a-z](?!.*--)([a-z0-9-]{0,34}[a-z0-9])?$/,
      "1 to 36 lowercase letters, digits or single hyphens, starting with a letter",
    );
    checkOneOf(this, "engine", this.engine, ENGINES);
    checkLiteral(this, "engine", props.engine, "it picks the parameter group family and the users' engine");
    checkPattern(this, "engineVersion", engineVersion, /^\d+\.\d+$/, "a major.minor version such as '8.0'");
    checkPattern(
      this,
      "nodeType",
      props.nodeType,
      /^cache\.[a-z0-9]+\.[a-z0-9]+$/,
      "a node type such as 'cache.t4g.small'",
    );
    if (isKnown(numCacheClusters) && numCacheClusters < 2) {
      throw propError(
        this,
        `numCacheClusters ${numCacheClusters} leaves no replica; automatic failover and Multi-AZ need at least 2`,
      );
    }
    checkInteger(this, "numCacheClusters", numCacheClusters, 2, 6);
    checkInteger(this, "port", props.port, 1024, 65535);
    if (this.auth.mode === "iam") {
      const [major, minor] = engineVersion.split(".").map(Number);
      const [sinceMajor, sinceMinor] = IAM_SINCE[this.engine];
      if (isKnown(engineVersion) && (major < sinceMajor || (major === sinceMajor && minor < sinceMinor))) {
        throw propError(
          this,
          `engineVersion '${engineVersion}' of ${this.engine} has no IAM authentication; use ${sinceMajor}.${sinceMinor} or later, or auth mode 'token'`,
        );
      }
      checkPattern(
        this,
        "auth.userName",
        this.auth.userName,
        /^[a-z][a-z0-9-]{0,39}$/,
        "1 to 40 lowercase letters, digits or hyphens, starting with a letter",
      );
      const problem = accessStringProblem(this.auth.accessString);
      if (problem) throw propError(this, `auth.accessString '${this.auth.accessString}' ${problem}`);
    } else if (this.auth.mode === "token") {
      checkPattern(
        this,
        "auth.authTokenSecretArn",
        this.auth.authTokenSecretArn,
        /^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:.+$/,
        "a Secrets Manager secret ARN",
      );
    } else {
      throw propError(this, `auth.mode '${(this.auth as { mode: string }).mode}' is not one of: iam, token`);
    }
    checkKmsKeyArn(this, "kmsKeyArn", props.kmsKeyArn);
    checkInteger(this, "snapshotRetentionDays", props.snapshotRetentionDays, 0, 35);
    const snapshotWindow = props.snapshotWindow ?? "03:00-04:00";
    const maintenanceWindow = props.maintenanceWindow ?? "sun:05:00-sun:06:00";
    checkPattern(this, "snapshotWindow", snapshotWindow, SNAPSHOT_WINDOW, "a UTC window such as '03:00-04:00'");
    checkPattern(
      this,
      "maintenanceWindow",
      maintenanceWindow,
      MAINTENANCE_WINDOW,
      "a UTC window such as 'sun:05:00-sun:06:00'",
    );
    if (isKnown(snapshotWindow) && isKnown(maintenanceWindow)) {
      const problem = windowsProblem(snapshotWindow, maintenanceWindow);
      if (problem) throw propError(this, problem);
    }
    checkOneOf(this, "maxmemoryPolicy", props.maxmemoryPolicy, MAXMEMORY_POLICIES);
    checkOneOfNumbers(this, "slowLogRetentionDays", props.slowLogRetentionDays, LOG_RETENTION_DAYS);
    checkLiteral(this, "allowDestroy", props.allowDestroy, "it sets lifecycle.prevent_destroy");
    validateCacheAlarmOptions(this, props.alarms ?? {});
  }
}

/**
 * The rules ElastiCache documents for access strings ("Specifying permissions using an access string"):
 * `on`/`off`, key patterns (`~`, and `%R~`, `%W~`, `%RW~`), channel patterns (`&`), and commands and
 * categories allowed or denied (`+get`, `-@dangerous`, `-config|set`). It forbids `reset` (the user's
 * passwords would go) and passwords in the string. Redis keywords it does not list (`allkeys`,
 * `resetchannels`, `nopass`...) are refused too: each has a documented form, and an undocumented one may
 * only fail at apply.
 */
const ACCESS_RULE = /^(on|off|(%(R|W|RW))?~\S+|&\S+|[+-]@?[a-z][a-z0-9_-]*(\|[a-z][a-z0-9_-]*)?)$/i;

/** Why ElastiCache would not take `accessString`, or undefined when it would (or it is not given). */
export function accessStringProblem(accessString: string | undefined): string | undefined {
  if (accessString === undefined || !isKnown(accessString)) return undefined;
  const rules = accessString.trim().split(/\s+/).filter(Boolean);
  if (rules.length === 0) return "is empty; give at least 'on' and the commands the user may run";
  const unknown = rules.find((rule) => !ACCESS_RULE.test(rule));
  if (unknown !== undefined) {
    return `has '${unknown}', which is not access string syntax ElastiCache documents; use on/off, ~keys, &channels, +command, -command, +@category or -@category`;
  }
  if (!rules.includes("on")) return "does not switch the user 'on', so it could never connect";
  return undefined;
}

/**
 * The parameter group family of an engine version: `valkey7`, `valkey8`, `redis7`, `redis6.x`. A version
 * that is a Terraform expression gets the same rule as a Terraform expression.
 */
export function parameterGroupFamily(engine: CacheEngine, version: string): string {
  if (isKnown(version)) {
    const major = version.split(".")[0];
    return engine === "redis" && major === "6" ? "redis6.x" : `${engine}${major}`;
  }
  return Fn.replace(Fn.join("", [engine, Fn.element(Fn.split(".", version), 0)]), "redis6", "redis6.x");
}
