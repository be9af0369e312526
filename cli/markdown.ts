/** Markdown table cells, as the generated READMEs write them: one line, pipes escaped. */
export const cell = (text: string) => text.replace(/\s+/g, " ").replace(/\|/g, "\\|").trim();

/** A table cell in code font (the generated READMEs write defaults that hold backticks this way too). */
export const code = (text: string) => `\`${cell(text)}\``;

/**
 * Code font outside a table (a list item, a paragraph): one line, pipes as written (only a table reads `\|`
 * as a pipe; anywhere else a code span shows the backslash), and a value holding backticks fenced by a
 * longer run of them.
 */
export function inlineCode(text: string): string {
  const content = text.replace(/\s+/g, " ").trim();
  const longestRun = Math.max(0, ...(content.match(/`+/g) ?? []).map((run) => run.length));
  const fence = "`".repeat(longestRun + 1);
  return longestRun > 0 ? `${fence} ${content} ${fence}` : `${fence}${content}${fence}`;
}
