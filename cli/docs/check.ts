import * as path from "node:path";
import * as ts from "typescript";
import { staleReadmes } from "./readme-tables";

/**
 * `npm test`'s type check, beside Jest: what `tsc --noEmit` reports for the project, then, from the same
 * program, whether the README tables match the declarations (`npm run docs` rewrites them). One program
 * instead of two: building one over the sources and their libraries is most of either check's cost.
 * Exits 1 when either finds something.
 */
const ROOT = path.resolve(__dirname, "../..");

async function check(): Promise<number> {
  const host: ts.FormatDiagnosticsHost = {
    getCanonicalFileName: (file) => file,
    getCurrentDirectory: () => ROOT,
    getNewLine: () => "\n",
  };
  const configErrors: ts.Diagnostic[] = [];
  const parsed = ts.getParsedCommandLineOfConfigFile(path.join(ROOT, "tsconfig.json"), undefined, {
    ...ts.sys,
    onUnRecoverableConfigFileDiagnostic: (diagnostic) => configErrors.push(diagnostic),
  });
  if (!parsed) {
    process.stderr.write(ts.formatDiagnosticsWithColorAndContext(configErrors, host));
    return 1;
  }
  const program = ts.createProgram({ rootNames: parsed.fileNames, options: parsed.options });
  const diagnostics = [...parsed.errors, ...ts.getPreEmitDiagnostics(program)];
  if (diagnostics.length > 0) process.stderr.write(ts.formatDiagnosticsWithColorAndContext(diagnostics, host));
  const stale = await staleReadmes(program);
  for (const file of stale) process.stderr.write(`${file}: tables are stale; run npm run docs\n`);
  return diagnostics.length > 0 || stale.length > 0 ? 1 : 0;
}

check().then(
  (code) => (process.exitCode = code),
  (error) => {
    console.error(error);
    process.exitCode = 2;
  },
);
