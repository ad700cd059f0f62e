/**
 * Rewrites imports that reach into another layer's files so they go through that layer's entry
 * point (src/<layer>/index.ts), and adds the names they use to the entry point's exports.
 *
 *   npx tsx scripts/entry-points.ts          list the imports that bypass an entry point
 *   npx tsx scripts/entry-points.ts --fix    rewrite them (then run `npx biome check --write`)
 *
 * The lint rule in biome.json (noRestrictedImports) is what keeps the layering; this script only
 * does the mechanical part of following it, e.g. after a rebase brings in new deep imports.
 * Tests and benchmarks may import internals and are left alone.
 */
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import ts from "typescript";

const LAYERS = ["model", "analysis", "planner", "simulate", "ledger", "store"];
const ROOT = path.resolve(import.meta.dirname, "..");
const fix = process.argv.includes("--fix");

const config = ts.getParsedCommandLineOfConfigFile(
  path.join(ROOT, "tsconfig.json"),
  {},
  {
    ...ts.sys,
    onUnRecoverableConfigFileDiagnostic: (d) => {
      throw new Error(ts.flattenDiagnosticMessageText(d.messageText, "\n"));
    },
  },
);
if (!config) throw new Error("cannot read tsconfig.json");
const program = ts.createProgram(config.fileNames, config.options);
const checker = program.getTypeChecker();

/** The layer a file belongs to, if it is inside src/<layer>/. */
function layerOf(file: string): string | undefined {
  const rel = path.relative(path.join(ROOT, "src"), file).split(path.sep);
  return rel.length > 1 && LAYERS.includes(rel[0]!) ? rel[0] : undefined;
}

const covered = (file: string) => {
  const rel = path.relative(ROOT, file);
  return (rel.startsWith("src/") || rel.startsWith("web/src/")) && !rel.includes("node_modules");
};

interface Edit {
  start: number;
  end: number;
  text: string;
}
const edits = new Map<string, Edit[]>();
/** Per entry point: names other layers need, with the file that declares them. */
const needed = new Map<string, Map<string, { from: string; type: boolean }>>();
let count = 0;

for (const source of program.getSourceFiles()) {
  const file = path.resolve(source.fileName);
  if (!covered(file)) continue;
  const own = layerOf(file);
  for (const statement of source.statements) {
    if (!ts.isImportDeclaration(statement) && !ts.isExportDeclaration(statement)) continue;
    const spec = statement.moduleSpecifier;
    if (!spec || !ts.isStringLiteral(spec) || !spec.text.startsWith(".")) continue;
    const target = path.resolve(path.dirname(file), spec.text);
    const layer = layerOf(target);
    if (!layer || layer === own || path.basename(target) === "index.ts") continue;
    count++;
    const entry = path.join(ROOT, "src", layer, "index.ts");
    let rel = path.relative(path.dirname(file), entry).split(path.sep).join("/");
    if (!rel.startsWith(".")) rel = `./${rel}`;
    const line = source.getLineAndCharacterOfPosition(spec.getStart()).line + 1;
    console.log(`${path.relative(ROOT, file)}:${line}  ${spec.text} -> ${rel}`);
    const list = edits.get(file) ?? [];
    list.push({ start: spec.getStart() + 1, end: spec.getEnd() - 1, text: rel });
    edits.set(file, list);
    const names = needed.get(entry) ?? new Map();
    needed.set(entry, names);
    for (const name of importedNames(statement)) {
      names.set(name, {
        from: `./${path.relative(path.dirname(entry), target).split(path.sep).join("/")}`,
        type: false,
      });
    }
  }
}

function importedNames(statement: ts.ImportDeclaration | ts.ExportDeclaration): string[] {
  if (ts.isExportDeclaration(statement)) {
    const clause = statement.exportClause;
    if (!clause) throw new Error("`export *` from another layer's file: re-export from its index instead");
    if (ts.isNamespaceExport(clause)) throw new Error("`export * as` from another layer's file");
    return clause.elements.map((e) => (e.propertyName ?? e.name).text);
  }
  const clause = statement.importClause;
  if (!clause) return [];
  if (clause.name) throw new Error("default import from another layer's file");
  const bindings = clause.namedBindings;
  if (!bindings) return [];
  if (ts.isNamespaceImport(bindings)) throw new Error("`import * as` from another layer's file");
  return bindings.elements.map((e) => (e.propertyName ?? e.name).text);
}

/** The declaration a module's export resolves to, through re-exports. */
function resolved(symbol: ts.Symbol): ts.Symbol {
  return symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
}

const additions = new Map<string, string[]>();
for (const [entry, names] of needed) {
  const entrySource = program.getSourceFile(entry);
  const entrySymbol = entrySource && checker.getSymbolAtLocation(entrySource);
  const exported = new Map(
    (entrySymbol ? checker.getExportsOfModule(entrySymbol) : []).map((s) => [s.name, resolved(s)]),
  );
  const byFile = new Map<string, string[]>();
  for (const [name, { from }] of names) {
    const fromSource = program.getSourceFile(path.resolve(path.dirname(entry), from));
    const fromSymbol = fromSource && checker.getSymbolAtLocation(fromSource);
    const own = fromSymbol && checker.getExportsOfModule(fromSymbol).find((s) => s.name === name);
    if (!own) throw new Error(`${from} has no export ${name}`);
    const declared = resolved(own);
    const already = exported.get(name);
    if (already === declared) continue;
    if (already) throw new Error(`${path.relative(ROOT, entry)} already exports a different ${name}`);
    const isType = !(declared.flags & ts.SymbolFlags.Value);
    const list = byFile.get(from) ?? [];
    list.push(isType ? `type ${name}` : name);
    byFile.set(from, list);
  }
  additions.set(
    entry,
    [...byFile].map(([from, list]) => `export { ${list.sort().join(", ")} } from "${from}";`),
  );
}

for (const [entry, lines] of additions) {
  if (lines.length) console.log(`${path.relative(ROOT, entry)} gains:\n  ${lines.join("\n  ")}`);
}
console.log(`${count} import(s) bypass an entry point`);

if (fix) {
  for (const [file, list] of edits) {
    let text = readFileSync(file, "utf8");
    for (const edit of list.sort((a, b) => b.start - a.start)) {
      text = text.slice(0, edit.start) + edit.text + text.slice(edit.end);
    }
    writeFileSync(file, text);
  }
  for (const [entry, lines] of additions) {
    if (!lines.length) continue;
    writeFileSync(entry, `${readFileSync(entry, "utf8").trimEnd()}\n${lines.join("\n")}\n`);
  }
}
