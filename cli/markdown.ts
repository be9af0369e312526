/** Markdown table cells, as the generated READMEs write them: one line, pipes escaped. */
export const cell = (text: string) => text.replace(/\s+/g, " ").replace(/\|/g, "\\|").trim();

/** A table cell in code font; a value holding backticks gets a fence longer than any run of them. */
export function code(text: string): string {
  const content = cell(text);
  const longestRun = Math.max(0, ...(content.match(/`+/g) ?? []).map((run) => run.length));
  const fence = "`".repeat(longestRun + 1);
  return longestRun > 0 ? `${fence} ${content} ${fence}` : `${fence}${content}${fence}`;
}
