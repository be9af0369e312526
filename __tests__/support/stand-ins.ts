import * as fs from "node:fs";
import * as path from "node:path";

/**
 * Links the named real tools of this machine into `bin`, so a script under test can run with `PATH=bin`:
 * it then finds exactly these tools and the stand-ins written there, and nothing else of this machine (an
 * AWS CLI installed here must not hide a "CLI missing" case, for example).
 */
export function linkTools(bin: string, tools: string[]): void {
  const searchPath = (process.env.PATH ?? "").split(path.delimiter).filter(Boolean);
  for (const tool of tools) {
    const found = searchPath.map((dir) => path.join(dir, tool)).find((file) => fs.existsSync(file));
    if (!found) throw new Error(`the stand-in tests need '${tool}' on PATH`);
    fs.symlinkSync(found, path.join(bin, tool));
  }
}
