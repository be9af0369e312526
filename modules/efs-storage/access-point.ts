import { Construct } from "constructs";
import { EfsAccessPoint as EfsAccessPointResource } from "@cdktf/provider-aws/lib/efs-access-point";
import { propError } from "../core/errors";
import { withTags } from "../core/tags";
import { isKnown } from "../core/tokens";
import { checkInteger, checkPattern } from "../core/validate";

/** What an access point enforces: every NFS operation through it runs as this POSIX user, in this directory. */
export interface AccessPointOptions {
  /**
   * The directory the access point exposes as the client's root: absolute, not `/` itself (that would
   * confine nothing), at most 4 levels and 100 characters, no `..`. Created on first use with `uid`/`gid` as owner and `permissions`.
   */
  readonly path: string;
  /** The POSIX user id every operation runs as, 0 to 4294967295. */
  readonly uid: number;
  /** The POSIX group id every operation runs as, 0 to 4294967295. */
  readonly gid: number;
  /**
   * Further POSIX group ids, at most 16.
   * @default - none
   */
  readonly secondaryGids?: number[];
  /**
   * The mode of the root directory when EFS creates it: an octal mode of 3 or 4 digits.
   * @default "750" (owner writes, group reads, others nothing)
   */
  readonly permissions?: string;
  /**
   * Owner of the root directory when EFS creates it.
   * @default - `uid`
   */
  readonly ownerUid?: number;
  /**
   * Group of the root directory when EFS creates it.
   * @default - `gid`
   */
  readonly ownerGid?: number;
}

/**
 * An access point as `EfsStorage.mount()`, `grant()` and `volume()` take it: one added with
 * `addAccessPoint`, or one key of an access point map (`EfsAccessPointMap.accessPoint(key)`).
 */
export interface AccessPointRef {
  /** Unique within its storage: the grant policy is `<storage name>-efs-<name>`, the volume `<storage name>-<name>`. */
  readonly name: string;
  /** The access point id (`fsap-...`). */
  readonly id: string;
  /** The access point ARN, the value of the `elasticfilesystem:AccessPointArn` condition key. */
  readonly arn: string;
}

/** The largest POSIX user or group id EFS takes. */
export const MAX_POSIX_ID = 4294967295;
const MAX_SECONDARY_GIDS = 16;
const MAX_PATH_LENGTH = 100;
const MAX_PATH_DEPTH = 4;
const NAME = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;

/** One EFS access point of an `EfsStorage`: an enforced POSIX user and root directory. */
export class EfsAccessPoint extends Construct implements AccessPointRef {
  /** The name given to `addAccessPoint`, unique within its storage. */
  public readonly name: string;
  /** The root directory path, as given. */
  public readonly path: string;
  /** The `aws_efs_access_point` resource. */
  public readonly resource: EfsAccessPointResource;

  /** @internal use `EfsStorage.addAccessPoint` */
  constructor(
    scope: Construct,
    name: string,
    fileSystemId: string,
    options: AccessPointOptions,
    tags: Record<string, string> | undefined,
  ) {
    super(scope, `access-point-${name}`);
    this.name = name;
    this.path = options.path;
    this.resource = new EfsAccessPointResource(this, "resource", {
      fileSystemId,
      posixUser: { uid: options.uid, gid: options.gid, secondaryGids: options.secondaryGids },
      rootDirectory: {
        path: options.path,
        creationInfo: {
          ownerUid: options.ownerUid ?? options.uid,
          ownerGid: options.ownerGid ?? options.gid,
          permissions: options.permissions ?? "750",
        },
      },
      tags: withTags(tags, { Name: name }),
    });
  }

  /** The access point id (`fsap-...`). */
  get id(): string {
    return this.resource.id;
  }

  /** The access point ARN, the value of the `elasticfilesystem:AccessPointArn` condition key. */
  get arn(): string {
    return this.resource.arn;
  }
}

/** Checks `addAccessPoint`'s arguments; `owner` is the storage, named in the errors. */
export function validateAccessPoint(owner: Construct, name: string, options: AccessPointOptions): void {
  if (!isKnown(name) || !NAME.test(name)) {
    throw propError(
      owner,
      `access point name '${name}' must be 1 to 64 letters, digits, '_' or '-', known at synth time`,
    );
  }
  const prop = (field: string) => `accessPoints.${name}.${field}`;
  const { path } = options;
  if (isKnown(path)) {
    const segments = path.split("/").slice(1);
    if (!path.startsWith("/")) throw propError(owner, `${prop("path")} '${path}' must be absolute (start with '/')`);
    if (path === "/") {
      throw propError(
        owner,
        `${prop("path")} '/' is the root of the file system: its clients would reach every other access point's files, so it confines nothing; give it a directory of its own such as '/${name}'`,
      );
    }
    if (segments.includes("..") || segments.includes(".")) {
      throw propError(owner, `${prop("path")} '${path}' must not contain '.' or '..' segments`);
    }
    if (path.length > MAX_PATH_LENGTH || segments.length > MAX_PATH_DEPTH) {
      throw propError(
        owner,
        `${prop("path")} '${path}' is too long; allowed: at most ${MAX_PATH_DEPTH} levels and ${MAX_PATH_LENGTH} characters`,
      );
    }
    checkPattern(
      owner,
      prop("path"),
      path,
      /^(\/[^/$#<>;`|&?{}^*\\\s]+)+$/,
      "a path of directory names without shell characters",
    );
  }
  for (const field of ["uid", "gid", "ownerUid", "ownerGid"] as const) {
    checkInteger(owner, prop(field), options[field], 0, MAX_POSIX_ID);
  }
  const secondary = options.secondaryGids;
  if (secondary !== undefined && isKnown(secondary)) {
    if (secondary.length > MAX_SECONDARY_GIDS) {
      throw propError(
        owner,
        `${prop("secondaryGids")} has ${secondary.length} ids; allowed: at most ${MAX_SECONDARY_GIDS}`,
      );
    }
    secondary.forEach((gid, index) => checkInteger(owner, `${prop("secondaryGids")}[${index}]`, gid, 0, MAX_POSIX_ID));
  }
  checkPermissions(owner, prop("permissions"), options.permissions);
}

/** A directory's permissions as EFS creates it: an octal mode such as '750'. */
export function checkPermissions(owner: Construct, prop: string, permissions: string | undefined): void {
  checkPattern(owner, prop, permissions, /^[0-7]{3,4}$/, "an octal mode such as '750'");
}
