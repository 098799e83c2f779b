/**
 * A static check for the rules the Moddable linker imposes on preloaded modules (docs/moddable-build.md §2,
 * "XS rules that bite on the device only"), which xsnap and Node do not enforce. It parses the firmware
 * sources with the TypeScript compiler API (identifiers are resolved by the type checker, across imports) and
 * reports each breach of these rules:
 *
 * - `collection`: a `new Map/Set/WeakMap/WeakSet` evaluated at module top level (xsl makes it read-only).
 * - `let`: a `let`/`var` binding at module top level (module state; on the device a RAM alias).
 * - `mutated`: a top-level constant that the program changes: property assignment, `++`, `delete`, a
 *   mutating method (`push`, `set`, `clear`, …) or `Object.assign`/`defineProperty` on it or on anything
 *   reached from it by property access, anywhere in any module.
 * - `weak-key`: a top-level constant (or a property path into one) used as a WeakMap/WeakSet key.
 * - `unfrozen` (modules reachable from the manifest's preload list only): a top-level constant created by an
 *   object or array literal, or by `new`/a call, that is not deliberately frozen (`Object.freeze` around a
 *   literal whose nested literals are frozen too, or `deepFreeze`).
 * - `output`: a top-level object constant placed into an object literal's property or assigned into a
 *   property inside a function: the way a preloaded object ends up in a decoded result (and then in
 *   `JSON.stringify`, which XS refuses for preloaded objects).
 *
 * The same `checkProgram` runs over the tree and over planted sources (host-tests/test/preload-safety.test.ts).
 */
import ts from "typescript";
import { readFileSync } from "node:fs";
import { join } from "node:path";

export type Rule = "collection" | "let" | "mutated" | "weak-key" | "unfrozen" | "output";

export interface Finding {
  rule: Rule;
  /** Path as given to checkProgram. */
  file: string;
  line: number;
  /** The binding concerned (or the constructor for `collection`). */
  name: string;
  text: string;
}

const COLLECTIONS = new Set(["Map", "Set", "WeakMap", "WeakSet"]);
const MUTATORS = new Set(["push", "pop", "shift", "unshift", "splice", "sort", "reverse", "fill", "copyWithin", "set", "add", "delete", "clear"]);
const OBJECT_MUTATORS = new Set(["assign", "defineProperty", "defineProperties", "setPrototypeOf"]);
const FREEZERS = new Set(["deepFreeze"]);
const WEAK_METHODS = new Set(["set", "add", "get", "has", "delete"]);

function strip(e: ts.Expression): ts.Expression {
  for (;;) {
    if (ts.isParenthesizedExpression(e) || ts.isAsExpression(e) || ts.isSatisfiesExpression(e) || ts.isNonNullExpression(e) || ts.isTypeAssertionExpression(e)) e = e.expression;
    else return e;
  }
}

/** `Object.freeze(x)` → "shallow", `deepFreeze(x)` → "deep", else undefined. */
function freezeKind(e: ts.Expression): "shallow" | "deep" | undefined {
  e = strip(e);
  if (!ts.isCallExpression(e) || e.arguments.length !== 1) return undefined;
  const c = e.expression;
  if (ts.isIdentifier(c) && FREEZERS.has(c.text)) return "deep";
  if (ts.isPropertyAccessExpression(c) && ts.isIdentifier(c.expression) && c.expression.text === "Object" && c.name.text === "freeze") return "shallow";
  return undefined;
}

/** A function expression called where it stands, `(() => {…})()`: its body runs where the call does. */
function isIife(f: ts.Node): boolean {
  if (!ts.isFunctionExpression(f) && !ts.isArrowFunction(f)) return false;
  let n: ts.Node = f;
  while (ts.isParenthesizedExpression(n.parent)) n = n.parent;
  return ts.isCallExpression(n.parent) && n.parent.expression === n;
}

/** True when code at `node` runs while the module is evaluated (not inside a function or an instance field). */
function atTopLevel(node: ts.Node): boolean {
  for (let p = node.parent; p !== undefined; p = p.parent) {
    if (ts.isFunctionLike(p) && !ts.isClassStaticBlockDeclaration(p) && !isIife(p)) return false;
    if (ts.isPropertyDeclaration(p) && !p.modifiers?.some((m) => m.kind === ts.SyntaxKind.StaticKeyword)) return false;
  }
  return true;
}

interface TopConst {
  decl: ts.VariableDeclaration;
  name: string;
  file: string;
  init: ts.Expression;
}

/** The imports of a module that survive compilation (type-only imports are erased). */
export function runtimeImports(sf: ts.SourceFile): string[] {
  const out: string[] = [];
  for (const st of sf.statements) {
    if (ts.isImportDeclaration(st)) {
      const c = st.importClause;
      if (c?.isTypeOnly) continue;
      const named = c?.namedBindings;
      const allTypes = c !== undefined && c.name === undefined && named !== undefined && ts.isNamedImports(named) && named.elements.length > 0 && named.elements.every((e) => e.isTypeOnly);
      if (!allTypes && ts.isStringLiteral(st.moduleSpecifier)) out.push(st.moduleSpecifier.text);
    } else if (ts.isExportDeclaration(st) && !st.isTypeOnly && st.moduleSpecifier && ts.isStringLiteral(st.moduleSpecifier)) {
      const named = st.exportClause;
      if (named && ts.isNamedExports(named) && named.elements.length > 0 && named.elements.every((e) => e.isTypeOnly)) continue;
      out.push(st.moduleSpecifier.text);
    }
  }
  return out;
}

/** The source files reachable by runtime imports from `roots` (resolved with the program's options). */
export function reachable(program: ts.Program, roots: readonly string[]): Set<string> {
  const seen = new Set<string>();
  const todo = [...roots];
  const host = ts.createCompilerHost(program.getCompilerOptions());
  while (todo.length > 0) {
    const f = todo.pop()!;
    if (seen.has(f)) continue;
    const sf = program.getSourceFile(f);
    if (sf === undefined) continue;
    seen.add(f);
    for (const spec of runtimeImports(sf)) {
      const r = ts.resolveModuleName(spec, f, program.getCompilerOptions(), {
        fileExists: (p) => program.getSourceFile(p) !== undefined || host.fileExists(p),
        readFile: host.readFile,
        directoryExists: (d) => program.getSourceFiles().some((s) => s.fileName.startsWith(d + "/")) || (host.directoryExists?.(d) ?? false),
      }).resolvedModule;
      if (r !== undefined && !r.resolvedFileName.endsWith(".d.ts")) todo.push(r.resolvedFileName);
    }
  }
  return seen;
}

export const CHECK_OPTIONS: ts.CompilerOptions = {
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.ESNext,
  moduleResolution: ts.ModuleResolutionKind.Bundler,
  lib: ["lib.es2022.d.ts"],
  types: [],
  noEmit: true,
  skipLibCheck: true,
};

/** Parsed lib files (lib.es2022*.d.ts), shared by the programs of one test run. */
const LIBS = new Map<string, ts.SourceFile | undefined>();

/** A program over in-memory sources (path → text), resolving relative imports among them. */
export function memoryProgram(files: ReadonlyMap<string, string>): ts.Program {
  const disk = ts.createCompilerHost(CHECK_OPTIONS, true);
  const fromDisk = (p: string, v: ts.ScriptTarget | ts.CreateSourceFileOptions): ts.SourceFile | undefined => {
    if (!LIBS.has(p)) LIBS.set(p, disk.getSourceFile(p, v));
    return LIBS.get(p);
  };
  const host: ts.CompilerHost = {
    ...disk,
    getSourceFile: (p, v) => (files.has(p) ? ts.createSourceFile(p, files.get(p)!, v, true) : fromDisk(p, v)),
    fileExists: (p) => files.has(p) || disk.fileExists(p),
    readFile: (p) => files.get(p) ?? disk.readFile(p),
    directoryExists: (d) => [...files.keys()].some((f) => f.startsWith(d.endsWith("/") ? d : d + "/")) || (disk.directoryExists?.(d) ?? false),
    realpath: (p) => (files.has(p) ? p : (disk.realpath?.(p) ?? p)),
  };
  return ts.createProgram([...files.keys()], CHECK_OPTIONS, host);
}

/** A program over files on disk (the firmware tree). */
export function diskProgram(paths: readonly string[]): ts.Program {
  return ts.createProgram([...paths], CHECK_OPTIONS);
}

const TYPED_ARRAYS = new Set(["Int8Array", "Uint8Array", "Uint8ClampedArray", "Int16Array", "Uint16Array", "Int32Array", "Uint32Array", "Float32Array", "Float64Array", "BigInt64Array", "BigUint64Array"]);

/**
 * Checks the source files `files` of `program`; `preloaded` are those reachable from the preload list (the
 * `unfrozen` and `output` rules apply to them only). Returns every finding, in file order.
 */
export function checkProgram(program: ts.Program, files: readonly string[], preloaded: ReadonlySet<string>): Finding[] {
  const checker = program.getTypeChecker();
  const findings: Finding[] = [];
  const consts = new Map<ts.Symbol, TopConst>();
  const sources = files.map((f) => program.getSourceFile(f)).filter((s): s is ts.SourceFile => s !== undefined);

  const report = (rule: Rule, node: ts.Node, name: string): void => {
    const sf = node.getSourceFile();
    const line = sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1;
    findings.push({ rule, file: sf.fileName, line, name, text: node.getText(sf).split("\n")[0].slice(0, 120) });
  };

  /** Whether an expression evaluates to an object that the linker would keep (not a primitive or a function). */
  const isObjectValue = (e: ts.Expression): boolean => {
    const n = strip(e);
    if (ts.isObjectLiteralExpression(n) || ts.isArrayLiteralExpression(n) || ts.isRegularExpressionLiteral(n)) return true;
    if (!ts.isCallExpression(n) && !ts.isNewExpression(n)) return false;
    const t = checker.getTypeAtLocation(n);
    if (t.flags & (ts.TypeFlags.StringLike | ts.TypeFlags.NumberLike | ts.TypeFlags.BooleanLike | ts.TypeFlags.BigIntLike | ts.TypeFlags.Void | ts.TypeFlags.Undefined | ts.TypeFlags.Null)) return false;
    if (t.getCallSignatures().length > 0) return false;
    return true;
  };
  /** A typed array: the linker makes its buffer read-only, which is all a constant table needs. */
  const isTypedArray = (e: ts.Expression): boolean => TYPED_ARRAYS.has(checker.getTypeAtLocation(strip(e)).getSymbol()?.getName() ?? "");
  /** The top-level constant an identifier names (through imports), if any. */
  const constNamed = (id: ts.Identifier): TopConst | undefined => {
    let sym = ts.isShorthandPropertyAssignment(id.parent) && id.parent.name === id ? checker.getShorthandAssignmentValueSymbol(id.parent) : checker.getSymbolAtLocation(id);
    if (sym === undefined) return undefined;
    if (sym.flags & ts.SymbolFlags.Alias) sym = checker.getAliasedSymbol(sym);
    return consts.get(sym);
  };
  /** The top-level object constant an expression's root identifier names (`X`, `X.a[1]`), if any. */
  const constOf = (e: ts.Expression): TopConst | undefined => {
    e = strip(e);
    while (ts.isPropertyAccessExpression(e) || ts.isElementAccessExpression(e)) e = strip(e.expression);
    return ts.isIdentifier(e) ? constNamed(e) : undefined;
  };
  /** Whether `e` names a WeakMap/WeakSet (a binding or field initialised with `new WeakMap/WeakSet`). */
  const isWeak = (e: ts.Expression): boolean => {
    const name = checker.getTypeAtLocation(strip(e)).getSymbol()?.getName();
    return name === "WeakMap" || name === "WeakSet";
  };

  // top-level bindings: `let`/`var`, and the object constants the other rules follow
  for (const sf of sources) {
    for (const st of sf.statements) {
      if (!ts.isVariableStatement(st)) continue;
      const isConst = (st.declarationList.flags & ts.NodeFlags.Const) !== 0;
      for (const d of st.declarationList.declarations) {
        const name = d.name.getText(sf);
        if (!isConst) report("let", d, name);
        if (!ts.isIdentifier(d.name) || d.initializer === undefined || !isObjectValue(d.initializer)) continue;
        const sym = checker.getSymbolAtLocation(d.name);
        if (sym !== undefined && isConst) consts.set(sym, { decl: d, name, file: sf.fileName, init: d.initializer });
      }
    }
  }

  // constants frozen deeply: the argument of a top-level deepFreeze, and every constant its literal structure
  // names (a call's arguments are not followed: deepFreeze(f(X)) freezes what f returns, not X)
  const deep = new Set<TopConst>();
  // a constant spread into a frozen literal (`deepFreeze([...FAMILY])`) gives its elements, not itself: the
  // array stays a module binding of its own, which xsl reports "not frozen" unless it is frozen where defined
  const spreadUnfrozen = new Set<TopConst>();
  const markDeep = (e: ts.Node): void => {
    if (ts.isSpreadElement(e) && ts.isIdentifier(e.expression)) {
      const c = constNamed(e.expression);
      if (c !== undefined && freezeKind(c.init) === undefined) spreadUnfrozen.add(c);
    }
    if (ts.isIdentifier(e)) {
      const c = constNamed(e);
      if (c !== undefined && !deep.has(c)) {
        deep.add(c);
        markDeep(c.init);
      }
      return;
    }
    if (ts.isCallExpression(e)) {
      if (freezeKind(e) !== undefined) markDeep(e.arguments[0]);
      return;
    }
    if (ts.isPropertyAssignment(e)) return markDeep(e.initializer);
    if (ts.isShorthandPropertyAssignment(e)) return markDeep(e.name);
    if (ts.isObjectLiteralExpression(e) || ts.isArrayLiteralExpression(e) || ts.isSpreadElement(e) || ts.isSpreadAssignment(e) || ts.isParenthesizedExpression(e) || ts.isAsExpression(e) || ts.isSatisfiesExpression(e) || ts.isConditionalExpression(e)) {
      e.forEachChild(markDeep);
    }
  };
  const findDeep = (n: ts.Node): void => {
    if (ts.isFunctionLike(n) && !isIife(n)) return;
    if (ts.isCallExpression(n) && freezeKind(n) === "deep") markDeep(n.arguments[0]);
    n.forEachChild(findDeep);
  };
  for (const c of consts.values()) findDeep(c.init);

  /** Objects created inside `e` (outside functions) that are not frozen: literals, and calls or `new` giving objects. */
  const unfrozenIn = (e: ts.Expression, frozen: boolean): ts.Node[] => {
    const found: ts.Node[] = [];
    const visit = (n: ts.Node, isFrozen: boolean): void => {
      if (ts.isFunctionLike(n)) return;
      const kind = ts.isCallExpression(n) ? freezeKind(n) : undefined;
      if (kind === "deep") return;
      if (kind === "shallow") {
        visit((n as ts.CallExpression).arguments[0], true);
        return;
      }
      if (ts.isParenthesizedExpression(n) || ts.isAsExpression(n) || ts.isSatisfiesExpression(n) || ts.isNonNullExpression(n)) {
        visit(n.expression, isFrozen);
        return;
      }
      if (ts.isObjectLiteralExpression(n) || ts.isArrayLiteralExpression(n)) {
        if (!isFrozen) found.push(n);
      } else if ((ts.isCallExpression(n) || ts.isNewExpression(n)) && isObjectValue(n) && !isTypedArray(n)) {
        if (!isFrozen) found.push(n);
        return; // what the call builds inside is its own business; its result is what stays
      }
      n.forEachChild((c) => visit(c, false));
    };
    visit(e, frozen);
    return found;
  };

  /** Whether an object literal is (part of) what a function returns. */
  const returned = (lit: ts.Node): boolean => {
    let n = lit;
    for (;;) {
      const p = n.parent;
      if (ts.isObjectLiteralExpression(p) || ts.isArrayLiteralExpression(p) || ts.isPropertyAssignment(p) || ts.isSpreadElement(p) || ts.isParenthesizedExpression(p) || ts.isAsExpression(p) || ts.isSatisfiesExpression(p) || ts.isConditionalExpression(p)) n = p;
      else return ts.isReturnStatement(p) || (ts.isArrowFunction(p) && p.body === n);
    }
  };

  for (const sf of sources) {
    const isPreloaded = preloaded.has(sf.fileName);
    const visit = (n: ts.Node): void => {
      if (ts.isNewExpression(n) && ts.isIdentifier(n.expression) && COLLECTIONS.has(n.expression.text) && atTopLevel(n)) {
        report("collection", n, n.expression.text);
      }
      // mutations of a top-level constant (or of what it reaches)
      let target: ts.Expression | undefined;
      let weakCall = false;
      if (ts.isBinaryExpression(n) && n.operatorToken.kind >= ts.SyntaxKind.FirstAssignment && n.operatorToken.kind <= ts.SyntaxKind.LastAssignment) {
        const l = strip(n.left);
        if (ts.isPropertyAccessExpression(l) || ts.isElementAccessExpression(l)) target = l;
      } else if ((ts.isPrefixUnaryExpression(n) || ts.isPostfixUnaryExpression(n)) && (n.operator === ts.SyntaxKind.PlusPlusToken || n.operator === ts.SyntaxKind.MinusMinusToken)) {
        const o = strip(n.operand);
        if (ts.isPropertyAccessExpression(o) || ts.isElementAccessExpression(o)) target = o;
      } else if (ts.isDeleteExpression(n)) {
        target = n.expression;
      } else if (ts.isCallExpression(n) && ts.isPropertyAccessExpression(n.expression)) {
        const callee = n.expression;
        const method = callee.name.text;
        const on = strip(callee.expression);
        if (ts.isIdentifier(on) && (on.text === "Object" || on.text === "Reflect")) {
          if ((OBJECT_MUTATORS.has(method) || (on.text === "Reflect" && (method === "set" || method === "deleteProperty"))) && n.arguments.length > 0) target = n.arguments[0];
        } else if (WEAK_METHODS.has(method) && isWeak(on)) {
          weakCall = true;
          if (n.arguments.length > 0) {
            const k = constOf(n.arguments[0]);
            if (k !== undefined) report("weak-key", n, k.name);
          }
          if (method === "set" || method === "add" || method === "delete") target = on;
        } else if (MUTATORS.has(method)) target = on;
      }
      if (target !== undefined && !(weakCall && constOf(target) === undefined)) {
        const c = constOf(target);
        if (c !== undefined) report("mutated", n, c.name);
      }
      // preloaded constants placed into an object a function returns, or into a property at run time
      if (!atTopLevel(n)) {
        let value: ts.Expression | undefined;
        if (ts.isPropertyAssignment(n) && ts.isObjectLiteralExpression(n.parent) && returned(n.parent)) value = n.initializer;
        else if (ts.isShorthandPropertyAssignment(n) && returned(n.parent)) value = n.name;
        else if (ts.isBinaryExpression(n) && n.operatorToken.kind === ts.SyntaxKind.EqualsToken && (ts.isPropertyAccessExpression(strip(n.left)) || ts.isElementAccessExpression(strip(n.left)))) value = n.right;
        const v = value === undefined ? undefined : strip(value);
        const c = v !== undefined && ts.isIdentifier(v) ? constNamed(v) : undefined;
        if (c !== undefined && preloaded.has(c.file) && !ts.isNewExpression(strip(c.init))) report("output", n, c.name);
      }
      n.forEachChild(visit);
    };
    sf.forEachChild(visit);
    if (!isPreloaded) continue;
    for (const st of sf.statements) {
      if (!ts.isVariableStatement(st)) continue;
      for (const d of st.declarationList.declarations) {
        if (d.initializer === undefined) continue;
        const c = ts.isIdentifier(d.name) ? constNamed(d.name) : undefined;
        if (c !== undefined && spreadUnfrozen.has(c)) report("unfrozen", d, d.name.getText(sf));
        if (c !== undefined && deep.has(c)) continue;
        const init = strip(d.initializer);
        if (ts.isNewExpression(init) && ts.isIdentifier(init.expression) && COLLECTIONS.has(init.expression.text)) continue; // reported as `collection`
        if (isTypedArray(init)) continue;
        if (unfrozenIn(init, false).length > 0) report("unfrozen", d, d.name.getText(sf));
      }
    }
  }
  return findings;
}

/**
 * The firmware modules preloaded on any platform: every `wmbus/…` name in a `preload` list anywhere in the
 * repository's manifest.json (top level and per platform) and in the firmware manifests it includes
 * (firmware/native: the radio task on esp32; firmware/device), as paths of their sources under `root`.
 */
export function preloadRoots(root: string): string[] {
  const names = new Set<string>();
  const collect = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(collect);
    else if (v !== null && typeof v === "object") {
      for (const [k, x] of Object.entries(v)) {
        if (k === "preload" && Array.isArray(x)) for (const n of x) if (typeof n === "string" && n.startsWith("wmbus/")) names.add(n);
        collect(x);
      }
    }
  };
  for (const m of ["manifest.json", "firmware/native/manifest.json", "firmware/device/manifest.json"]) collect(JSON.parse(readFileSync(join(root, m), "utf8")));
  return [...names].map((s) => join(root, "firmware", s.replace(/^wmbus\//, "") + ".ts"));
}
