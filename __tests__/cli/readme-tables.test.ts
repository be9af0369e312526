import * as fs from "node:fs";
import * as path from "node:path";
import * as ts from "typescript";
import { MODULES, readmePath, tablesIn } from "../../cli/docs/readme-tables";

/**
 * The props and attributes tables of the module READMEs are generated. Missing ones fail here; stale ones
 * fail `npm test`'s type check (`cli/docs/check.ts`), which reads them from the program it checks.
 */
describe("module README tables", () => {
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
