import { PolicyStatement } from "../core/iam";

/**
 * The IAM statements of EFS storage. The `elasticfilesystem:Client*` actions authorize against the file
 * system resource (IAM service authorization reference: ClientMount, ClientWrite and ClientRootAccess take
 * the `file-system` resource type and the `elasticfilesystem:AccessPointArn` condition key), so every
 * statement names the file system ARN and narrows it to an access point with that condition key.
 */

export const CLIENT_MOUNT = "elasticfilesystem:ClientMount";
export const CLIENT_WRITE = "elasticfilesystem:ClientWrite";
export const CLIENT_ROOT_ACCESS = "elasticfilesystem:ClientRootAccess";
const CLIENT_ACTIONS = [CLIENT_MOUNT, CLIENT_WRITE, CLIENT_ROOT_ACCESS];
const ACCESS_POINT_KEY = "elasticfilesystem:AccessPointArn";

export interface GrantOptions {
  /**
   * Allow writes (`elasticfilesystem:ClientWrite`).
   * @default false (read-only)
   */
  readonly write?: boolean;
  /**
   * Allow root access (`elasticfilesystem:ClientRootAccess`). An access point already maps every client to
   * its POSIX user; root access only matters for an access point whose `uid` is 0.
   * @default false
   */
  readonly root?: boolean;
}

/** One grant: a role may use the file system through one access point. */
export interface EfsGrant {
  readonly roleArn: string;
  readonly accessPointArn: string;
  readonly write: boolean;
  readonly root: boolean;
}

/** The Client* actions a grant allows: always mount, then write and root access only when granted. */
export function grantedActions(grant: Pick<EfsGrant, "write" | "root">): string[] {
  return [CLIENT_MOUNT, ...(grant.write ? [CLIENT_WRITE] : []), ...(grant.root ? [CLIENT_ROOT_ACCESS] : [])];
}

/**
 * Allows a grant's actions on the file system through the grant's access point only; with
 * `withoutAccessPoint`, also without any access point (`StringEqualsIfExists` matches a request that
 * carries no access point ARN), but still never through another access point.
 */
export function accessPointStatement(
  fileSystemArn: string,
  grant: Omit<EfsGrant, "roleArn">,
  withoutAccessPoint: boolean,
): PolicyStatement {
  const operator = withoutAccessPoint ? "StringEqualsIfExists" : "StringEquals";
  return {
    Effect: "Allow",
    Action: grantedActions(grant),
    Resource: fileSystemArn,
    Condition: { [operator]: { [ACCESS_POINT_KEY]: grant.accessPointArn } },
  };
}

export interface FileSystemPolicyInput {
  readonly fileSystemArn: string;
  /** The ARNs of every access point of the file system. */
  readonly accessPointArns: string[];
  /**
   * Deny client access that does not come through one of `accessPointArns`; when false, grants also allow
   * mounts without an access point.
   */
  readonly enforceAccessPoints: boolean;
  readonly grants: EfsGrant[];
}

/**
 * The file system policy. Identity policies can grant by themselves, so the rules are explicit Denies that
 * no Allow overrides: no access without TLS, no client access except through this file system's access
 * points. Then one Allow per grant, for the granted role only. Nothing is allowed to `*` or anonymously.
 */
export function fileSystemPolicyStatements(input: FileSystemPolicyInput): PolicyStatement[] {
  const everyone = { AWS: "*" };
  const statements: PolicyStatement[] = [
    {
      Sid: "DenyWithoutTls",
      Effect: "Deny",
      Principal: everyone,
      Action: "*",
      Resource: input.fileSystemArn,
      Condition: { Bool: { "aws:SecureTransport": "false" } },
    },
  ];
  if (input.enforceAccessPoints) {
    // StringNotEquals also matches a request without the key: a mount without any access point.
    const onlyOwnAccessPoints =
      input.accessPointArns.length > 0
        ? { Condition: { StringNotEquals: { [ACCESS_POINT_KEY]: input.accessPointArns } } }
        : {};
    statements.push({
      Sid: "DenyWithoutOwnAccessPoint",
      Effect: "Deny",
      Principal: everyone,
      Action: CLIENT_ACTIONS,
      Resource: input.fileSystemArn,
      ...onlyOwnAccessPoints,
    });
  }
  input.grants.forEach((grant, index) => {
    statements.push({
      Sid: `Grant${index}`,
      Principal: { AWS: grant.roleArn },
      ...accessPointStatement(input.fileSystemArn, grant, !input.enforceAccessPoints),
    });
  });
  return statements;
}
