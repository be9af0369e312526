/**
 * A synthesized property stack with each resource configuration once. The built prop sets of a construct
 * often make resources that differ only in their names (`p12_subject_role_1A2B3C4D` and
 * `p87_subject_role_5E6F7A8B` with the same arguments): `terraform validate` judges them alike, because it
 * sees an attribute of another resource as an unknown value of its type, whichever resource that is. So one
 * of each is kept, and a reference to a dropped resource points at the twin kept in its place: the same
 * configurations are validated, about 30 % fewer resources are sent through the provider.
 */

interface Config {
  readonly resource?: Record<string, Record<string, Record<string, unknown>>>;
  readonly [block: string]: unknown;
}

/** A name as the property stacks make it: `p<sample>_<construct path>_<hash of the path>`. */
const GENERATED_NAME = /\bp\d+_([A-Za-z0-9_-]*?)_[0-9A-F]{8}\b/g;
const IS_GENERATED_NAME = new RegExp(`^${GENERATED_NAME.source}$`);
/** A reference to a resource by such a name, `aws_iam_role.p12_subject_role_1A2B3C4D`. */
const REFERENCE = /\b([a-z][a-z0-9_]*)\.(p\d+_[A-Za-z0-9_-]*?_[0-9A-F]{8})\b/g;

/** The resource's arguments with every generated name reduced to its path: equal for twins. */
function shape(type: string, body: Record<string, unknown>): string {
  const { "//": _metadata, ...args } = body;
  return `${type}\n${JSON.stringify(args).replace(GENERATED_NAME, "_$1")}`;
}

export function distinctResources(config: Config): Config {
  const kept: Record<string, Record<string, Record<string, unknown>>> = {};
  const twinOf = new Map<string, string>();
  for (const [type, byName] of Object.entries(config.resource ?? {})) {
    const firstOfShape = new Map<string, string>();
    for (const [name, body] of Object.entries(byName)) {
      const key = shape(type, body);
      const twin = IS_GENERATED_NAME.test(name) ? firstOfShape.get(key) : undefined;
      if (twin === undefined) {
        if (!firstOfShape.has(key)) firstOfShape.set(key, name);
        (kept[type] ??= {})[name] = body;
      } else twinOf.set(`${type}.${name}`, `${type}.${twin}`);
    }
  }
  const text = JSON.stringify({ ...config, resource: kept });
  return JSON.parse(text.replace(REFERENCE, (whole) => twinOf.get(whole) ?? whole));
}
