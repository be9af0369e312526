import { Configuration, ResourceInstance, oncePerConfiguration } from "../config/model";
import { Unknown, Value, asString, isUnknown } from "../config/values";

/** The user data of EC2 hosts, as text, and the ECS instance attributes it advertises. */

export const HOST_TYPES = ["aws_instance", "aws_launch_template", "aws_launch_configuration"] as const;

export interface HostUserData {
  readonly host: ResourceInstance;
  /** The script, decoded; unknown when not readable statically. */
  readonly text: string | Unknown;
}

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/**
 * User data as text: base64 (as launch templates take it, or `base64encode(...)`) decoded, else as is.
 * User data that is one expression (`${data.template_file.boot.rendered}`, or a plan's
 * `${base64encode(local.script)}` known only after apply) is unknown: the script it stands for is not
 * visible, and must not be read as a script that advertises nothing and formats nothing.
 */
export function userDataText(value: Value | undefined): string | Unknown | undefined {
  if (value === undefined || value === null) return undefined;
  if (isUnknown(value)) return value;
  const text = asString(value);
  if (text === undefined) return new Unknown("user data is not a string");
  const compact = text.replace(/\s+/g, "");
  if (compact.length % 4 === 0 && BASE64.test(compact)) {
    const decoded = Buffer.from(compact, "base64").toString("utf8");
    if (!/[\u0000-\u0008\uFFFD]/.test(decoded)) return wholeExpression(decoded) ?? decoded;
  }
  return wholeExpression(text) ?? text;
}

function wholeExpression(text: string): Unknown | undefined {
  const trimmed = text.trim();
  return /^\$\{[^\n]*\}$/.test(trimmed) ? new Unknown(`the user data is ${trimmed}, only known at apply`) : undefined;
}

/** Every host with user data (`user_data` or `user_data_base64`), decoded once per configuration (SE101, SE104, SE105 read it). */
export const hostUserData = oncePerConfiguration((configuration: Configuration): HostUserData[] =>
  configuration.ofType(...HOST_TYPES).flatMap((host) => {
    const text = userDataText(host.values.user_data) ?? userDataText(host.values.user_data_base64);
    return text === undefined ? [] : [{ host, text }];
  }),
);

/**
 * The attributes `ECS_INSTANCE_ATTRIBUTES={...}` sets in a script; unknown when the script sets them in a
 * way that is not readable statically (a template variable inside the JSON).
 */
export function advertisedAttributes(text: string): Map<string, string> | Unknown {
  const attributes = new Map<string, string>();
  for (const match of text.matchAll(/ECS_INSTANCE_ATTRIBUTES=\\?['"]?(\{[^}]*\})/g)) {
    try {
      const parsed = JSON.parse(match[1].replace(/\\"/g, '"')) as Record<string, unknown>;
      for (const [key, value] of Object.entries(parsed)) attributes.set(key, String(value));
    } catch {
      return new Unknown(`ECS_INSTANCE_ATTRIBUTES is not literal JSON: ${match[1]}`);
    }
  }
  return attributes;
}
