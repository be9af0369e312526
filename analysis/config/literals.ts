/**
 * The literal text of HCL templates as Terraform reads it, from the source text hcl2json's expression AST
 * gives: escapes decoded, and a flush heredoc's (`<<-EOT`) indentation removed.
 */

const QUOTED_ESCAPE = /\\(?:[nrt"\\]|u[0-9A-Fa-f]{4}|U[0-9A-Fa-f]{8})|\$\$\{|%%\{/g;
const HEREDOC_ESCAPE = /\$\$\{|%%\{/g;

/**
 * A literal part of a template as Terraform reads it. hcl2json's expression AST gives the source text:
 * `$${` and `%%{` (a script's `$${HOME}`) still escaped, and in a quoted string the backslash escapes
 * too; a heredoc (and so a template file) takes backslashes literally.
 */
export function decodeLiteral(raw: string, heredoc: boolean): string {
  return raw.replace(heredoc ? HEREDOC_ESCAPE : QUOTED_ESCAPE, (escape) => {
    if (escape === "$${" || escape === "%%{") return escape.slice(1);
    const code = escape[1];
    if (code === "u" || code === "U") return String.fromCodePoint(parseInt(escape.slice(2), 16));
    return ({ n: "\n", r: "\r", t: "\t" } as Record<string, string>)[code] ?? code;
  });
}

/**
 * The indentation Terraform strips from every line of a `<<-EOT` heredoc: the least of its non-blank
 * lines. 0 for anything else. hcl2json's expression AST strips it from the first line only (the one
 * `base64encode(<<-EOT ...)` user data starts with), so the evaluator strips it from the other lines.
 */
export function flushHeredocIndent(source: string): number {
  if (!source.startsWith("<<-")) return 0;
  const lines = source
    .split("\n")
    .slice(1, -1)
    .filter((line) => line.trim() !== "");
  return lines.length === 0 ? 0 : Math.min(...lines.map((line) => /^[ \t]*/.exec(line)![0].length));
}

/** A literal piece of a flush heredoc with `indent` whitespace removed after each newline, blank lines kept. */
export function unindent(text: string, indent: number): string {
  return text
    .split("\n")
    .map((line, index, lines) => {
      const blank = line.trim() === "" && index < lines.length - 1;
      return index === 0 || blank ? line : line.replace(new RegExp(`^[ \\t]{0,${indent}}`), "");
    })
    .join("\n");
}
