/**
 * Where each resource block of a `.tf` file starts, and the `stateful-ecs:ignore <rule> <reason>` directives
 * that silence a rule for it: in a comment directly above the block or inside it, in a `"//"` comment
 * property of Terraform JSON, or in a tag `stateful-ecs:ignore:<rule>` whose value is the reason.
 */

const DIRECTIVE = /stateful-ecs:ignore\s+(SE\d{3})\s+(\S[^\n"]*)/g;
const TAG = /^stateful-ecs:ignore:(SE\d{3})$/;
const HEADER = /^resource\s+"([^"]+)"\s+"([^"]+)"/;
const COMMENT = /^\s*(#|\/\/|\/\*|\*)/;
const BLOCK_START = /^(resource|data|module|variable|output|locals|provider|terraform|moved|import|check)\b/;

export interface BlockAnnotation {
  readonly line: number;
  readonly ignores: Map<string, string>;
}

/** The directives in a piece of text. */
export function ignoreDirectives(text: string): Map<string, string> {
  const found = new Map<string, string>();
  for (const match of text.matchAll(DIRECTIVE)) found.set(match[1], match[2].replace(/\s*\*\/\s*$/, "").trim());
  return found;
}

/** The directives in tags (`{ "stateful-ecs:ignore:SE009" = "reason" }`). */
export function tagDirectives(tags: unknown): Map<string, string> {
  const found = new Map<string, string>();
  if (typeof tags !== "object" || tags === null) return found;
  for (const [key, reason] of Object.entries(tags)) {
    const match = TAG.exec(key);
    if (match && typeof reason === "string" && reason.trim() !== "") found.set(match[1], reason.trim());
  }
  return found;
}

/**
 * `type.name` -> the line of its `resource` header and the directives of its comments, for blocks written
 * as `terraform fmt` writes them (the header and the closing brace at the start of a line).
 */
export function annotateBlocks(text: string): Map<string, BlockAnnotation> {
  const lines = text.split("\n");
  const blocks = new Map<string, BlockAnnotation>();
  for (const [index, line] of lines.entries()) {
    const header = HEADER.exec(line);
    if (!header) continue;
    let first = index;
    while (first > 0 && COMMENT.test(lines[first - 1])) first--;
    // The block ends at its closing brace at the start of a line (as `terraform fmt` writes it), on its
    // header line when it opens and closes there, and at the latest before the next block.
    let last = index;
    const oneLine = (line.match(/{/g) ?? []).length === (line.match(/}/g) ?? []).length;
    while (!oneLine && last + 1 < lines.length && !/^}/.test(lines[last]) && !BLOCK_START.test(lines[last + 1])) last++;
    const comments = lines
      .slice(first, last + 1)
      .filter((each) => /(#|\/\/|\/\*)\s*stateful-ecs:ignore/.test(each))
      .join("\n");
    blocks.set(`${header[1]}.${header[2]}`, { line: index + 1, ignores: ignoreDirectives(comments) });
  }
  return blocks;
}
