import { buildSync } from "esbuild";
import * as fs from "node:fs";
import * as path from "node:path";

/** The repository root: esbuild names the bundled files relative to it, so the bundle is the same anywhere. */
const ROOT = path.resolve(__dirname, "..");
const ENTRY = "cli/run-task/lambda-entry.ts";

/**
 * Bundles the run task's Lambda entry point (`cli/run-task/lambda-entry.ts` and everything it imports:
 * the review and the guards) into `<outdir>/run-task-handler/index.js`, and returns that folder, for a
 * `TerraformAsset`. The AWS SDK stays out: the Node.js runtime of Lambda provides it. The file is rewritten
 * only when its content changes, and the same sources give the same bytes, so the asset (whose hash names
 * its folder) changes only with the code.
 */
export function bundleRunTaskHandler(outdir: string): string {
  const dir = path.join(path.resolve(outdir), "run-task-handler");
  const { outputFiles } = buildSync({
    absWorkingDir: ROOT,
    entryPoints: [ENTRY],
    outfile: path.join(dir, "index.js"),
    bundle: true,
    platform: "node",
    target: "node22",
    format: "cjs",
    external: ["@aws-sdk/*"],
    legalComments: "none",
    write: false,
    logLevel: "silent",
  });
  fs.mkdirSync(dir, { recursive: true });
  for (const file of outputFiles) {
    const current = fs.existsSync(file.path) ? fs.readFileSync(file.path) : undefined;
    if (!current?.equals(file.contents)) fs.writeFileSync(file.path, file.contents);
  }
  return dir;
}
