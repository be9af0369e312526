import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { promisify } from "node:util";
import * as ts from "typescript";
import { MODULES, readmePath, tablesIn } from "../../cli/docs/readme-tables";

const repo = path.resolve(__dirname, "../..");

/** The props and attributes tables of the module READMEs are generated: stale or missing ones fail here. */
describe("module README tables", () => {
  it("match the TypeScript declarations (else run `npm run docs`)", async () => {
    // A child process: prettier, which formats the tables, loads its plugins with dynamic import().
    const check = promisify(execFile)(process.execPath, ["--import", "tsx", "cli/docs/readme-tables.ts", "--check"], {
      cwd: repo,
    });
    await expect(check).resolves.toMatchObject({ stdout: "" });
  }, 60_000);
  it.each(MODULES)("%s: its README has a table for every exported construct, props and options type", (module) => {
    const source = fs.readFileSync(path.join(path.dirname(readmePath(module)), "index.ts"), "utf8");
    const exported = ts
      .createSourceFile("index.ts", source, ts.ScriptTarget.ES2022)
      .statements.filter(ts.isExportDeclaration)
      .flatMap((statement) =>
        statement.exportClause && ts.isNamedExports(statement.exportClause)
          ? statement.exportClause.elements.map((element) => ({ name: element.name.text, type: statement.isTypeOnly }))
          : [],
      );
    const documented = new Set(tablesIn(fs.readFileSync(readmePath(module), "utf8")));
    const needed = exported.filter(({ name, type }) => !type || /(Props|Options)$/.test(name)).map(({ name }) => name);
    expect(needed.filter((name) => !documented.has(name))).toEqual([]);
  });
});
