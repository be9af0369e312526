/**
 * The command line of a `stateful-ecs` command that takes one positional argument, boolean flags and
 * options with a value (`--format json` or `--format=json`): one parser, so every command refuses the same
 * things with the same words. Each command turns a refusal into its own exit code and usage text.
 */

export interface ArgumentSpec {
  /** The positional argument as the usage names it: `<path>`. */
  readonly positional: string;
  /** Flags by name, with the spellings that set them: `{ verbose: ["--verbose", "-v"] }`. */
  readonly flags?: Record<string, readonly string[]>;
  /** Options taking a value (`--format`), each with its check: undefined when the value is fine, else why not. */
  readonly options?: Record<string, (value: string | undefined) => string | undefined>;
  /** Values of the positional that look like an option but are not (`-`, standard input). */
  readonly literals?: readonly string[];
}

export type ParsedArguments =
  | { readonly help: true }
  | { readonly refused: string }
  | {
      readonly positional: string;
      readonly flags: ReadonlySet<string>;
      readonly options: Readonly<Record<string, string>>;
    };

export function parseArguments(args: readonly string[], spec: ArgumentSpec): ParsedArguments {
  const flags = new Set<string>();
  const options: Record<string, string> = {};
  let positional: string | undefined;
  for (let index = 0; index < args.length; index++) {
    const arg = args[index];
    if (arg === "--help" || arg === "-h") return { help: true };
    const flag = Object.entries(spec.flags ?? {}).find(([, spellings]) => spellings.includes(arg))?.[0];
    const option = Object.keys(spec.options ?? {}).find((name) => arg === name || arg.startsWith(`${name}=`));
    if (flag !== undefined) flags.add(flag);
    else if (option !== undefined) {
      const value = arg === option ? args[++index] : arg.slice(option.length + 1);
      const problem = spec.options![option](value);
      if (problem !== undefined) return { refused: problem };
      options[option] = value as string;
    } else if (arg.startsWith("-") && !spec.literals?.includes(arg)) return { refused: `unknown option '${arg}'` };
    else if (positional === undefined) positional = arg;
    else return { refused: `unexpected argument '${arg}'` };
  }
  if (positional === undefined) return { refused: `missing ${spec.positional}` };
  return { positional, flags, options };
}

/** An option's check: one of `choices`. */
export const oneOf =
  (option: string, choices: readonly string[]) =>
  (value: string | undefined): string | undefined =>
    value !== undefined && choices.includes(value) ? undefined : `${option} takes one of ${choices.join(", ")}`;

/** An option's check: any value but an empty or missing one, described as `what`. */
export const required =
  (option: string, what: string) =>
  (value: string | undefined): string | undefined =>
    value ? undefined : `${option} takes ${what}`;
