/**
 * `text` as `npm run format` would leave the file `file` (the project's Prettier configuration, the parser
 * chosen by the file's name), so files the tools write stay clean under Prettier's check.
 */
export async function formatted(file: string, text: string): Promise<string> {
  // Loaded here, not at the top: prettier loads its plugins with dynamic import(), which Jest cannot run.
  const prettier = await import("prettier");
  const options = (await prettier.resolveConfig(file)) ?? {};
  return prettier.format(text, { ...options, filepath: file });
}
