import * as ts from "typescript";
import * as path from "node:path";
const MODULES = ["core", "network", "ecs", "efs-storage", "pinned-capacity", "session-store", "sticky-alb"];
const entries = MODULES.map((m) => path.resolve("modules", m, "index.ts"));
const program = ts.createProgram(entries, { strict: true, noEmit: true, types: [] });
const checker = program.getTypeChecker();
const seen = new Set<string>();
for (const entry of entries) {
  const mod = checker.getSymbolAtLocation(program.getSourceFile(entry)!)!;
  for (const ex of checker.getExportsOfModule(mod)) {
    const sym = ex.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(ex) : ex;
    const decl = sym.declarations?.[0];
    if (!decl) continue;
    const type = ts.isClassDeclaration(decl) ? checker.getDeclaredTypeOfSymbol(sym) : checker.getTypeAtLocation(decl);
    if (!ts.isClassDeclaration(decl) && !ts.isInterfaceDeclaration(decl)) continue;
    for (const p of checker.getPropertiesOfType(type)) {
      const d = p.declarations?.[0];
      if (!d || d.getSourceFile().fileName.includes("node_modules")) continue;
      const f = ts.getCombinedModifierFlags(d);
      if (f & (ts.ModifierFlags.Private | ts.ModifierFlags.Protected)) continue;
      if (ts.displayPartsToString(p.getDocumentationComment(checker)).trim() === "") {
        const key = `${path.relative(".", d.getSourceFile().fileName)}:${d.getSourceFile().getLineAndCharacterOfPosition(d.getStart()).line + 1} ${p.name}`;
        if (!seen.has(key)) { seen.add(key); console.log(key); }
      }
    }
  }
}
