import * as fs from "node:fs";
import * as path from "node:path";
import * as ts from "typescript";
import { RULES } from "../../analysis/guards";
import { ROLE_WORDS, STATEFUL_TYPES, statefulType } from "../../analysis/review/stateful-types";
import { cell, code } from "../markdown";
import { formatted } from "./formatted";

/**
 * The props and attributes tables of the module READMEs, generated from the TypeScript declarations (doc
 * comments and `@default` tags), so they never drift from the code. A README asks for a table with a pair
 * of markers, `<!-- table:EfsStorageProps -->` ... `<!-- /table:EfsStorageProps -->`: an interface gives
 * its props (inherited ones included), a class its public attributes and methods. `npm run docs` rewrites
 * the tables; `--check` (run by a test) lists READMEs that differ from what this generates. A member without
 * a doc comment, or an optional prop without `@default`, is an error: the tables are how users read the API.
 * The project README's tables of guard rules and stateful types are generated the same way (`PROJECT_TABLES`).
 */

const ROOT = path.resolve(__dirname, "..", "..");
/** The library's modules: a folder of `modules/` each, with an `index.ts`, a README and a package export. */
export const MODULES = [
  "core",
  "network",
  "ecs",
  "efs-storage",
  "pinned-capacity",
  "session-store",
  "sticky-alb",
  "stateful-service",
];
const MARKER = /<!-- table:(\w+) -->[\s\S]*?<!-- \/table:\1 -->/g;
const PROJECT_README = path.join(ROOT, "README.md");

/**
 * The project README's generated tables, by marker (`<!-- rules -->` ... `<!-- /rules -->`): the guard rules
 * from the rules themselves, the stateful types from the plan review's data file.
 */
const PROJECT_TABLES: Record<string, () => string> = {
  rules: () => {
    const rows = RULES.map((rule) => `| ${rule.id} | ${rule.severity} | ${cell(rule.title)} | ${cell(rule.help)} |`);
    return ["| Rule | Severity | Finds | Fix |", "| --- | --- | --- | --- |", ...rows].join("\n");
  },
  "stateful-types": () => {
    const rows = STATEFUL_TYPES.map((type) => {
      const { role, why } = statefulType(type)!;
      return `| ${code(type)} | ${ROLE_WORDS[role]} | ${cell(why)} |`;
    });
    return ["| Resource type | Role | Why |", "| --- | --- | --- |", ...rows].join("\n");
  },
};

export function readmePath(module: string): string {
  return path.join(ROOT, "modules", module, "README.md");
}

/** The modules' public entry points. */
const ENTRIES = MODULES.map((module) => path.join(ROOT, "modules", module, "index.ts"));

/**
 * The exported declarations of every module's public entry point, by name, read from `program`: by default
 * a program over those entry points alone; the type check passes the project's (`cli/docs/check.ts`).
 */
function loadDeclarations(
  program = ts.createProgram(ENTRIES, { strict: true, skipLibCheck: true, noEmit: true, types: [] }),
): { checker: ts.TypeChecker; declarations: Map<string, ts.Declaration> } {
  const checker = program.getTypeChecker();
  const declarations = new Map<string, ts.Declaration>();
  for (const entry of ENTRIES) {
    const module = checker.getSymbolAtLocation(program.getSourceFile(entry)!)!;
    for (const exported of checker.getExportsOfModule(module)) {
      const symbol = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
      const declaration = symbol.declarations?.[0];
      if (declaration) declarations.set(exported.name, declaration);
    }
  }
  return { checker, declarations };
}

function docOf(symbol: ts.Symbol, checker: ts.TypeChecker): { text: string; defaultValue?: string } {
  const text = ts.displayPartsToString(symbol.getDocumentationComment(checker));
  const tag = symbol.getJsDocTags(checker).find((candidate) => candidate.name === "default");
  const defaultText = tag ? ts.displayPartsToString(tag.text) : undefined;
  return { text, defaultValue: defaultText?.replace(/^- /, "") };
}

function typeText(declaration: ts.Declaration | undefined, symbol: ts.Symbol, checker: ts.TypeChecker): string {
  if (
    declaration &&
    (ts.isPropertySignature(declaration) || ts.isPropertyDeclaration(declaration)) &&
    declaration.type
  ) {
    return declaration.type.getText();
  }
  if (declaration && ts.isGetAccessorDeclaration(declaration) && declaration.type) return declaration.type.getText();
  return checker.typeToString(checker.getTypeOfSymbol(symbol));
}

/** What the declarations lack: every member needs a doc comment, every optional prop a `@default`. */
const missing: string[] = [];

function requireDoc(owner: string, member: string, text: string): void {
  if (text.trim() === "") missing.push(`${owner}.${member} has no doc comment`);
}

function propsTable(declaration: ts.InterfaceDeclaration, checker: ts.TypeChecker): string {
  const type = checker.getTypeAtLocation(declaration);
  const rows = checker.getPropertiesOfType(type).map((property) => {
    const member = property.declarations?.[0];
    const optional = (property.flags & ts.SymbolFlags.Optional) !== 0;
    const { text, defaultValue } = docOf(property, checker);
    requireDoc(declaration.name.text, property.name, text);
    if (optional && defaultValue === undefined) {
      missing.push(`${declaration.name.text}.${property.name} is optional but has no @default tag`);
    }
    const shown = optional ? (defaultValue ?? "") : "required";
    const plain = ["required", "none"].includes(shown) || / /.test(shown);
    const defaultCell = plain ? cell(shown) : code(shown);
    return `| \`${property.name}\` | ${code(typeText(member, property, checker))} | ${defaultCell} | ${cell(text)} |`;
  });
  return ["| Prop | Type | Default | Description |", "| --- | --- | --- | --- |", ...rows].join("\n");
}

function isPublic(declaration: ts.Declaration): boolean {
  const flags = ts.getCombinedModifierFlags(declaration);
  const name = ts.getNameOfDeclaration(declaration);
  return (
    (flags & (ts.ModifierFlags.Private | ts.ModifierFlags.Protected)) === 0 && !(name && ts.isPrivateIdentifier(name))
  );
}

function classTable(declaration: ts.ClassDeclaration, checker: ts.TypeChecker): string {
  const instance = checker.getDeclaredTypeOfSymbol(checker.getSymbolAtLocation(declaration.name!)!);
  const constructBase = new Set(["node"]);
  const rows: string[] = [];
  const statics = declaration.members.filter(
    (member) =>
      ts.isPropertyDeclaration(member) && (ts.getCombinedModifierFlags(member) & ts.ModifierFlags.Static) !== 0,
  );
  for (const member of statics) {
    const symbol = checker.getSymbolAtLocation(member.name!)!;
    rows.push(
      `| \`${declaration.name!.text}.${symbol.name}\` (static) | ${code(typeText(member, symbol, checker))} | ${cell(docOf(symbol, checker).text)} |`,
    );
  }
  for (const property of checker.getPropertiesOfType(instance)) {
    const member = property.declarations?.[0];
    if (!member || !isPublic(member) || constructBase.has(property.name)) continue;
    if (member.getSourceFile().fileName.includes("node_modules")) continue;
    const { text } = docOf(property, checker);
    requireDoc(declaration.name!.text, property.name, text);
    if (ts.isMethodDeclaration(member)) {
      const signature = member.parameters.map((parameter) => parameter.name.getText()).join(", ");
      rows.push(`| \`${property.name}(${signature})\` | method | ${cell(text)} |`);
    } else {
      rows.push(`| \`${property.name}\` | ${code(typeText(member, property, checker))} | ${cell(text)} |`);
    }
  }
  return ["| Attribute or method | Type | Description |", "| --- | --- | --- |", ...rows].join("\n");
}

/** The generated table for an exported interface (props) or class (attributes and methods). */
function tableFor(name: string, declarations: Map<string, ts.Declaration>, checker: ts.TypeChecker): string {
  const declaration = declarations.get(name);
  if (declaration && ts.isInterfaceDeclaration(declaration)) return propsTable(declaration, checker);
  if (declaration && ts.isClassDeclaration(declaration)) return classTable(declaration, checker);
  throw new Error(`README table '${name}': no exported interface or class of that name in modules/*/index.ts`);
}

/** Every module README with its tables regenerated and formatted as `npm run format` would, by path. */
export async function generatedReadmes(program?: ts.Program): Promise<Map<string, string>> {
  const { checker, declarations } = loadDeclarations(program);
  const readmes = new Map<string, string>();
  for (const module of MODULES) {
    const file = readmePath(module);
    const text = fs.readFileSync(file, "utf8");
    const generated = text.replace(MARKER, (_whole, name: string) => {
      const table = tableFor(name, declarations, checker);
      return `<!-- table:${name} -->\n\n${table}\n\n<!-- /table:${name} -->`;
    });
    readmes.set(file, await formatted(file, generated));
  }
  let project = fs.readFileSync(PROJECT_README, "utf8");
  for (const [marker, table] of Object.entries(PROJECT_TABLES)) {
    const section = new RegExp(`<!-- ${marker} -->[\\s\\S]*?<!-- /${marker} -->`);
    if (!section.test(project)) throw new Error(`README.md has no <!-- ${marker} --> ... <!-- /${marker} --> section`);
    project = project.replace(section, `<!-- ${marker} -->\n\n${table()}\n\n<!-- /${marker} -->`);
  }
  readmes.set(PROJECT_README, await formatted(PROJECT_README, project));
  if (missing.length > 0) throw new Error(`README tables need:\n${missing.splice(0).join("\n")}`);
  return readmes;
}

/** The names each README has a table for. */
export function tablesIn(text: string): string[] {
  return [...text.matchAll(MARKER)].map((match) => match[1]);
}

/** The READMEs whose tables differ from what the declarations give, relative to the repo. */
export async function staleReadmes(program?: ts.Program): Promise<string[]> {
  const readmes = await generatedReadmes(program);
  return [...readmes]
    .filter(([file, text]) => fs.readFileSync(file, "utf8") !== text)
    .map(([file]) => path.relative(ROOT, file));
}

// `npm run docs` rewrites the tables; with `--check` it only lists stale READMEs and exits 1 if there are any.
if (require.main === module) {
  (process.argv.includes("--check")
    ? staleReadmes().then((stale) => {
        for (const file of stale) console.log(`${file}: tables are stale; run npm run docs`);
        process.exitCode = stale.length > 0 ? 1 : 0;
      })
    : generatedReadmes().then((readmes) => {
        for (const [file, text] of readmes) fs.writeFileSync(file, text);
      })
  ).catch((error) => {
    console.error(error);
    process.exitCode = 2;
  });
}
