/**
 * Who imports each firmware export (issue 13: no dead exports). Reads every import, `export … from` and dynamic
 * import in firmware/, host/ and host-tests/ with the TypeScript parser, plus the imports the XS tests write into
 * generated module text (`import { A } from ${src("firmware/….ts")}`), and sorts each firmware export by its
 * users: firmware (other modules), host (the product), tests only, or nobody.
 *
 *   node build/host-tests/support/firmware-exports.js [--all]    prints the test-only and unused exports
 */
import ts from "typescript";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, posix, relative } from "node:path";
import { fileURLToPath } from "node:url";

export type Users = "firmware" | "host" | "tests" | "none";

export interface ExportUse {
  /** Repository-relative path of the module, e.g. "firmware/util/hex.ts". */
  file: string;
  name: string;
  /** A type (interface or type alias) rather than a value. */
  type: boolean;
  users: Users;
  /** Repository-relative paths of the files that import it (the module itself excluded). */
  importers: string[];
}

function walk(root: string, dir: string, out: string[]): void {
  for (const name of readdirSync(join(root, dir))) {
    if (name === "node_modules" || name === "build" || name.startsWith(".")) continue;
    const p = dir ? `${dir}/${name}` : name;
    if (statSync(join(root, p)).isDirectory()) walk(root, p, out);
    else if (/\.(ts|mts)$/.test(name) && !name.endsWith(".d.ts")) out.push(p);
  }
}

/** "firmware/x/y.js" | "…/y" | "…/y.ts" → "firmware/x/y.ts". */
function tsPath(p: string): string {
  return p.replace(/^build\//, "").replace(/\.(js|mjs)$/, "").replace(/\.ts$/, "") + ".ts";
}

/** Every (module, name) a file imports; name "*" = the whole module. */
function importsOf(file: string, text: string): [module: string, name: string][] {
  const out: [string, string][] = [];
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.ES2022, true);
  const target = (spec: string) => (spec.startsWith(".") ? tsPath(posix.normalize(posix.join(posix.dirname(file), spec))) : undefined);
  const visit = (n: ts.Node): void => {
    if ((ts.isImportDeclaration(n) || ts.isExportDeclaration(n)) && n.moduleSpecifier && ts.isStringLiteral(n.moduleSpecifier)) {
      const m = target(n.moduleSpecifier.text);
      if (m) {
        if (ts.isImportDeclaration(n)) {
          const c = n.importClause;
          if (c?.name) out.push([m, "default"]);
          const b = c?.namedBindings;
          if (b && ts.isNamespaceImport(b)) out.push([m, "*"]);
          else if (b) for (const e of b.elements) out.push([m, (e.propertyName ?? e.name).text]);
        } else {
          const c = n.exportClause;
          if (!c || ts.isNamespaceExport(c)) out.push([m, "*"]);
          else for (const e of c.elements) out.push([m, (e.propertyName ?? e.name).text]);
        }
      }
    }
    if (ts.isCallExpression(n) && n.expression.kind === ts.SyntaxKind.ImportKeyword && n.arguments[0] && ts.isStringLiteral(n.arguments[0])) {
      const m = target(n.arguments[0].text);
      if (m) {
        const decl = ts.isAwaitExpression(n.parent) && ts.isVariableDeclaration(n.parent.parent) ? n.parent.parent : undefined;
        if (decl && ts.isObjectBindingPattern(decl.name)) {
          for (const e of decl.name.elements) out.push([m, ((e.propertyName ?? e.name) as ts.Identifier).text]);
        } else out.push([m, "*"]);
      }
    }
    ts.forEachChild(n, visit);
  };
  visit(sf);
  // imports written into generated module text (XS tests, benches): import { A, B as C } from ${f("path")}
  const re = /import\s*(?:type\s*)?\{([^}]*)\}\s*from\s*\$\{[^}]*?["'`]([^"'`]+)["'`][^}]*\}/g;
  const named = (list: string) => list.split(",").map((s) => s.trim().replace(/^type\s+/, "").split(/\s+as\s+/)[0]).filter(Boolean);
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const p = /^(firmware|host|host-tests)\//.test(m[2]) ? m[2] : "firmware/" + m[2];
    for (const n of named(m[1])) out.push([tsPath(p), n]);
  }
  // const { A, B } = await load(dir, "firmware/…") (node-ab.ts)
  const load = /const\s*\{([^}]*)\}\s*=\s*await\s+load\([^,]+,\s*"([^"]+)"\)/g;
  for (let m = load.exec(text); m; m = load.exec(text)) for (const n of named(m[1].replace(/:\s*\w+/g, ""))) out.push([tsPath(m[2]), n]);
  const loadAll = /=\s*await\s+load\([^,]+,\s*"([^"]+)"\)/g;
  for (let m = loadAll.exec(text); m; m = loadAll.exec(text)) if (!/\{[^}]*\}\s*=\s*await\s+load\([^,]+,\s*"[^"]+"\)$/.test(text.slice(Math.max(0, m.index - 200), m.index + m[0].length))) out.push([tsPath(m[1]), "*"]);
  return out;
}

/** The names a firmware module exports (declarations and `export { … }`, re-exports included). */
function exportsOf(file: string, text: string): [name: string, type: boolean][] {
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.ES2022, true);
  const out: [string, boolean][] = [];
  for (const s of sf.statements) {
    const mods = ts.canHaveModifiers(s) ? ts.getModifiers(s) : undefined;
    const exported = mods?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword);
    const isDefault = mods?.some((m) => m.kind === ts.SyntaxKind.DefaultKeyword);
    const isType = ts.isInterfaceDeclaration(s) || ts.isTypeAliasDeclaration(s);
    if (exported && isDefault) out.push(["default", false]);
    else if (exported && ts.isVariableStatement(s)) {
      for (const d of s.declarationList.declarations) if (ts.isIdentifier(d.name)) out.push([d.name.text, false]);
    } else if (exported && "name" in s && s.name && ts.isIdentifier(s.name as ts.Node)) out.push([(s.name as ts.Identifier).text, isType]);
    else if (ts.isExportDeclaration(s) && s.exportClause && ts.isNamedExports(s.exportClause)) {
      for (const e of s.exportClause.elements) out.push([e.name.text, s.isTypeOnly || e.isTypeOnly]);
    } else if (ts.isExportAssignment(s)) out.push(["default", false]);
  }
  return out;
}

export function firmwareExports(root: string): ExportUse[] {
  const files: string[] = [];
  for (const d of ["firmware", "host", "host-tests"]) walk(root, d, files);
  const users = new Map<string, Set<string>>(); // "module#name" → importers
  for (const f of files) {
    for (const [m, n] of importsOf(f, readFileSync(join(root, f), "utf8"))) {
      if (m === f) continue;
      const k = `${m}#${n}`;
      let s = users.get(k);
      if (!s) users.set(k, (s = new Set()));
      s.add(f);
    }
  }
  const out: ExportUse[] = [];
  for (const f of files.filter((x) => x.startsWith("firmware/"))) {
    for (const [name, type] of exportsOf(f, readFileSync(join(root, f), "utf8"))) {
      const importers = [...(users.get(`${f}#${name}`) ?? []), ...(users.get(`${f}#*`) ?? [])].sort();
      const by = (p: string) => importers.some((i) => i.startsWith(p));
      const u: Users = by("firmware/") ? "firmware" : by("host/") ? "host" : importers.length > 0 ? "tests" : "none";
      out.push({ file: f, name, type, users: u, importers });
    }
  }
  return out;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const root = join(dirname(fileURLToPath(import.meta.url)), "../../..");
  const all = firmwareExports(root);
  const show = (u: Users) => all.filter((e) => e.users === u);
  for (const u of ["none", "tests"] as const) {
    console.log(`\n== ${u === "none" ? "imported by nobody" : "imported only by tests"} (${show(u).length})`);
    for (const e of show(u)) console.log(`${e.file} ${e.type ? "type " : ""}${e.name}${u === "tests" && process.argv.includes("--all") ? "  ← " + e.importers.join(" ") : ""}`);
  }
  console.log(`\n${all.length} exports: firmware ${show("firmware").length}, host ${show("host").length}, tests ${show("tests").length}, none ${show("none").length}`);
}
