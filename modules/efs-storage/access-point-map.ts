import { Fn, TerraformIterator, Token } from "cdktf";
import { Construct } from "constructs";
import { EfsAccessPoint as EfsAccessPointResource } from "@cdktf/provider-aws/lib/efs-access-point";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { propError } from "../core/errors";
import { withTags } from "../core/tags";
import { instanceAttribute, isKnown } from "../core/tokens";
import { checkPolicyName } from "../core/validate";
import { AccessPointRef, validateAccessPoint } from "./access-point";
import { accessPointStatement, grantedActions } from "./policy";

/** One access point of a map: what it enforces, and which task roles may use it (by role name). */
export interface AccessPointMapEntry {
  /** The root directory, as `AccessPointOptions.path`: absolute, not `/`, created on first use. */
  readonly path: string;
  /** The POSIX user id every operation runs as, 0 to 4294967295. */
  readonly uid: number;
  /** The POSIX group id every operation runs as, 0 to 4294967295. */
  readonly gid: number;
  /**
   * The mode of the root directory when EFS creates it (owned by `uid`/`gid`).
   * @default "750"
   */
  readonly permissions?: string;
  /**
   * Names of the task roles (in this account) that may mount the file system through this access point
   * only: each gets an inline policy. Names, not ARNs, so a map from a Terraform variable plans without
   * looking up the account.
   * @default - none
   */
  readonly taskRoleNames?: string[];
  /**
   * Grant `elasticfilesystem:ClientMount` alone (read-only) instead of mount and write.
   * @default false
   */
  readonly readOnly?: boolean;
}

/** How the access points of a map are tagged and kept. */
export interface AccessPointMapOptions {
  /**
   * Tags for the access points, besides their `Name`.
   * @default - the storage's tags
   */
  readonly tags?: Record<string, string>;
  /**
   * The start of each access point's `Name` tag: `<namePrefix>-<key>`, telling the map's keys apart from
   * other maps' among the storage's access points.
   * @default - the bare key
   */
  readonly namePrefix?: string;
  /**
   * Set `lifecycle.prevent_destroy` on the access points: Terraform then refuses a plan that removes a key.
   * @default - no lifecycle: removing a key destroys its access point
   */
  readonly preventDestroy?: boolean;
}

/** What `EfsStorage.addAccessPointMap` needs from its storage. */
export interface AccessPointMapContext {
  /** The storage's name: the grant policies are `<name>-efs-<key>`. */
  readonly name: string;
  readonly fileSystemId: string;
  readonly fileSystemArn: string;
  readonly tags?: Record<string, string>;
  /** Reserves the name of a key's access point among the storage's; throws when it is taken. */
  readonly claimName: (name: string, by: string) => void;
}

/** An entry as the `for_each` value carries it: every field set, in Terraform's snake_case. */
interface RenderedEntry {
  readonly path: string;
  readonly uid: number;
  readonly gid: number;
  readonly permissions: string;
  readonly task_role_names: string[];
  readonly read_only: boolean;
}

/**
 * Access points from a map, one `for_each` instance per key: the map may be a Terraform variable known
 * only at plan time (a vendored module's `access_points`), and adding or removing a key never replaces
 * another key's access point or grant. Each task role named in an entry gets an inline policy that allows
 * the file system through that access point only (EFS allows what either the role's policy or the file
 * system policy allows, so a grant by role name needs no account lookup).
 */
export class EfsAccessPointMap extends Construct {
  /** The `aws_efs_access_point` resource, one instance per map key. */
  public readonly resource: EfsAccessPointResource;
  /** The grant policies, one instance per `<key>/<role name>`; none when a literal map names no task role. */
  public readonly grants?: IamRolePolicy;
  /** The keys of a literal map; undefined for a map token. */
  private readonly keys?: ReadonlySet<string>;
  private readonly byKey = new Map<string, AccessPointRef>();
  private readonly claimName: (name: string, by: string) => void;

  /** @internal use `EfsStorage.addAccessPointMap` */
  constructor(
    storage: Construct,
    id: string,
    entries: Record<string, AccessPointMapEntry>,
    context: AccessPointMapContext,
    options: AccessPointMapOptions = {},
  ) {
    super(storage, id);
    this.claimName = context.claimName;
    const rendered = renderEntries(storage, entries, context.name);
    if (isKnown(entries)) this.keys = new Set(Object.keys(entries));
    const each = TerraformIterator.fromMap(rendered as unknown as Record<string, string>);
    this.resource = new EfsAccessPointResource(this, "access-point", {
      forEach: each,
      fileSystemId: context.fileSystemId,
      posixUser: { uid: each.getNumber("uid"), gid: each.getNumber("gid") },
      rootDirectory: {
        path: each.getString("path"),
        creationInfo: {
          ownerUid: each.getNumber("uid"),
          ownerGid: each.getNumber("gid"),
          permissions: each.getString("permissions"),
        },
      },
      tags: withTags(options.tags ?? context.tags, {
        Name: options.namePrefix === undefined ? Token.asString(each.key) : `${options.namePrefix}-${each.key}`,
      }),
      ...(options.preventDestroy === undefined ? {} : { lifecycle: { preventDestroy: options.preventDestroy } }),
    });

    // A literal map that names no role has no grants to make: no resource for them.
    const namesRoles =
      !isKnown(entries) || Object.values(entries).some((entry) => (entry.taskRoleNames ?? []).length > 0);
    if (namesRoles) this.grants = this.grantPolicies(each, context);
  }

  /**
   * The access point of one key, for the storage's `mount()`, `grant()` and `volume()`: named
   * `<map id>-<key>`, referring to that one `for_each` instance. The key must be in a literal map.
   */
  accessPoint(key: string): AccessPointRef {
    if (!isKnown(key) || (this.keys !== undefined && !this.keys.has(key))) {
      throw propError(
        this.node.scope as Construct,
        `access point map '${this.node.id}' has no key '${key}'; its keys: ${[...(this.keys ?? [])].join(", ")}`,
      );
    }
    let accessPoint = this.byKey.get(key);
    if (accessPoint === undefined) {
      const name = `${this.node.id}-${key}`;
      this.claimName(name, `key '${key}' of access point map '${this.node.id}'`);
      accessPoint = {
        name,
        id: instanceAttribute(this.resource, key, "id"),
        arn: instanceAttribute(this.resource, key, "arn"),
      };
      this.byKey.set(key, accessPoint);
    }
    return accessPoint;
  }

  /** Whether `accessPoint` is one of this map's (from `accessPoint(key)`). */
  owns(accessPoint: AccessPointRef): boolean {
    return [...this.byKey.values()].includes(accessPoint);
  }

  /** One inline policy per `<key>/<role name>`: the file system through that key's access point only. */
  private grantPolicies(each: TerraformIterator, context: AccessPointMapContext): IamRolePolicy {
    // One pair per access point and distinct role name, keyed "<key>/<role>".
    const pairs = Fn.flatten(
      each.forExpressionForList(
        "[for role in distinct(val.task_role_names) : { key = key, role = role, read_only = val.read_only }]",
      ),
    );
    const grant = TerraformIterator.fromMap(
      TerraformIterator.fromList(pairs).forExpressionForMap('format("%s/%s", val.key, val.role)', "val"),
    );
    return new IamRolePolicy(this, "grant", {
      forEach: grant,
      role: grant.getString("role"),
      name: `${context.name}-efs-${grant.getString("key")}`,
      policy: Fn.jsonencode({
        Version: "2012-10-17",
        Statement: [
          {
            Sid: "EfsThroughAccessPoint",
            ...accessPointStatement(
              context.fileSystemArn,
              { accessPointArn: Fn.lookup(this.arns, grant.getString("key")), write: true, root: false },
              false,
            ),
            // Mount alone for a read-only entry: the choice is the entry's, known at plan time.
            Action: Fn.conditional(
              grant.getBoolean("read_only"),
              grantedActions({ write: false, root: false }),
              grantedActions({ write: true, root: false }),
            ),
          },
        ],
      }),
    });
  }

  /** The access point ids by map key (a Terraform map). */
  get ids(): Record<string, string> {
    return this.attributeByKey("id");
  }

  /** The access point ARNs by map key (a Terraform map). */
  get arns(): Record<string, string> {
    return this.attributeByKey("arn");
  }

  /**
   * By map key, the ECS task definition `efs_volume_configuration` of the access point (a Terraform map):
   * transit encryption and IAM authorization on, as every volume of this module has them; ready for a
   * `dynamic "volume"` block. The task role must be among the entry's `taskRoleNames`.
   */
  get volumeConfigurations(): Record<string, unknown> {
    return Token.asAnyMap(
      TerraformIterator.fromResources(this.resource).forExpressionForMap(
        "key",
        '{ file_system_id = val.file_system_id, transit_encryption = "ENABLED", authorization_config = { access_point_id = val.id, iam = "ENABLED" } }',
      ),
    );
  }

  /** Every access point ARN (a Terraform list), for the file system policy. */
  get arnList(): string[] {
    return Token.asList(Fn.values(this.arns));
  }

  private attributeByKey(attribute: string): Record<string, string> {
    return Token.asStringMap(
      TerraformIterator.fromResources(this.resource).forExpressionForMap("key", `val.${attribute}`),
    );
  }
}

/**
 * The `for_each` value: a literal map is checked entry by entry (as `addAccessPoint` checks) and written
 * out with every field set; a map token is given to Terraform as is, whose variable type sets the
 * defaults and whose validation blocks check it.
 */
function renderEntries(
  owner: Construct,
  entries: Record<string, AccessPointMapEntry>,
  storageName: string,
): Record<string, RenderedEntry> | Record<string, AccessPointMapEntry> {
  if (!isKnown(entries)) return entries;
  const keys = Object.keys(entries);
  if (keys.length === 0) {
    throw propError(owner, "addAccessPointMap was given an empty map; give at least one access point");
  }
  const paths = new Map<string, string>();
  return Object.fromEntries(
    keys.map((key) => {
      const entry = entries[key];
      validateAccessPoint(owner, key, entry);
      const other = isKnown(entry.path) ? paths.get(entry.path) : undefined;
      if (other !== undefined) {
        throw propError(
          owner,
          `accessPoints.${key}.path '${entry.path}' is already the path of access point '${other}'`,
        );
      }
      paths.set(entry.path, key);
      if (isKnown(storageName))
        checkPolicyName(owner, `accessPoints.${key} (its grant policy name)`, `${storageName}-efs-${key}`);
      const rendered: RenderedEntry = {
        path: entry.path,
        uid: entry.uid,
        gid: entry.gid,
        permissions: entry.permissions ?? "750",
        task_role_names: entry.taskRoleNames ?? [],
        read_only: entry.readOnly === true,
      };
      return [key, rendered];
    }),
  );
}
