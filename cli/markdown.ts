/** Markdown table cells, as the generated READMEs write them: one line, pipes escaped. */
export const cell = (text: string) => text.replace(/\s+/g, " ").replace(/\|/g, "\\|").trim();

/** A table cell in code font. */
export const code = (text: string) => `\`${cell(text)}\``;
