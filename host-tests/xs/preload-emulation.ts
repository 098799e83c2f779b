/**
 * Emulates, under xsnap (XS 13.3, which has no preload), what the Moddable linker does to preloaded modules
 * (docs/moddable-build.md §2): after the modules have loaded, everything their top-level bindings reach is
 * frozen, and
 * - a Map, Set, WeakMap or WeakSet among it refuses set/add/delete/clear ("read-only … instance",
 *   xs/sources/xsMapSet.c), its contents included;
 * - none of it can be a WeakMap/WeakSet key ("key: read-only");
 * - JSON.stringify refuses it ("read only value", xs/sources/xsJSON.c).
 * The emulation is stricter than the linker in one way: a plain object or array that is not frozen stays
 * writable on the device (XS copies it into RAM on the first write, an "alias"), here it is frozen. The
 * firmware freezes all such data on purpose (preload-safety.test.ts), so a write to it is a mistake anyway.
 *
 * How: an esbuild plugin appends to every preloaded module (tsc output under build/firmware) a call that
 * hands its top-level bindings to `globalThis.__preload`, installed by a prelude module the entry imports
 * first; the entry calls `__preload.seal()` after its imports, before it decodes anything.
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import type { Plugin } from "esbuild";
import ts from "typescript";
import { runtimeImports } from "../test/preload-rules.js";
import { runUnderXs, writeTempModule } from "./xsnap.js";

/** Names bound at the top level of a JavaScript module (declarations, classes, functions, not imports). */
export function topLevelNames(source: string): string[] {
  const sf = ts.createSourceFile("m.js", source, ts.ScriptTarget.ES2022, false, ts.ScriptKind.JS);
  const names: string[] = [];
  const bind = (n: ts.BindingName): void => {
    if (ts.isIdentifier(n)) names.push(n.text);
    else for (const e of n.elements) if (!ts.isOmittedExpression(e)) bind(e.name);
  };
  for (const st of sf.statements) {
    if (ts.isVariableStatement(st)) for (const d of st.declarationList.declarations) bind(d.name);
    else if ((ts.isFunctionDeclaration(st) || ts.isClassDeclaration(st)) && st.name) names.push(st.name.text);
  }
  return names;
}

/**
 * The compiled modules (build/firmware/….js) of the firmware modules reachable by runtime imports from the
 * manifest's preload list, as the linker preloads them (it imports each listed module with everything it imports).
 */
export function firmwarePreloadJs(root: string): Set<string> {
  const manifest = JSON.parse(readFileSync(join(root, "manifest.json"), "utf8")) as { preload: string[] };
  const seen = new Set<string>();
  const todo = manifest.preload.map((s) => join(root, "firmware", s.replace(/^wmbus\//, "") + ".ts"));
  while (todo.length > 0) {
    const f = todo.pop()!;
    if (seen.has(f) || !existsSync(f)) continue;
    seen.add(f);
    const sf = ts.createSourceFile(f, readFileSync(f, "utf8"), ts.ScriptTarget.ES2022, false);
    for (const spec of runtimeImports(sf)) if (spec.startsWith(".")) todo.push(join(dirname(f), spec).replace(/\.js$/, ".ts"));
  }
  return new Set([...seen].map((p) => join(root, "build", relative(root, p)).replace(/\.ts$/, ".js")));
}

/** esbuild plugin: each module of `jsPaths` hands its top-level bindings to the emulation when it has loaded. */
export function preloadPlugin(jsPaths: ReadonlySet<string>): Plugin {
  return {
    name: "preload-emulation",
    setup(b) {
      b.onLoad({ filter: /\.js$/ }, (args) => {
        if (!jsPaths.has(args.path)) return undefined;
        const source = readFileSync(args.path, "utf8");
        const names = topLevelNames(source);
        return { contents: `${source}\nglobalThis.__preload.module(${JSON.stringify(args.path)}, () => [${names.join(", ")}]);\n`, loader: "js" };
      });
    },
  };
}

/** The prelude: installs `globalThis.__preload` and the read-only checks of preloaded objects. Plain JS (runs in XS). */
const PRELUDE = String.raw`
const preloaded = new WeakSet();
const roots = [];
let sealed = false;
let count = 0;
const guard = (proto, names, what) => {
  for (const name of names) {
    const original = proto[name];
    proto[name] = function (...args) {
      if (sealed && preloaded.has(this)) throw new TypeError("this: read-only " + what + " instance (preload)");
      if (sealed && (what === "WeakMap" || what === "WeakSet") && name !== "delete" && args.length > 0 && preloaded.has(args[0])) throw new TypeError("key: read-only (preload)");
      return original.apply(this, args);
    };
  }
};
guard(Map.prototype, ["set", "delete", "clear"], "Map");
guard(Set.prototype, ["add", "delete", "clear"], "Set");
guard(WeakMap.prototype, ["set", "delete"], "WeakMap");
guard(WeakSet.prototype, ["add", "delete"], "WeakSet");
const stringify = JSON.stringify;
JSON.stringify = function (value, replacer, space) {
  if (!sealed || (replacer !== undefined && typeof replacer !== "function")) return stringify(value, replacer, space);
  return stringify(value, function (key, v) {
    if (replacer) v = replacer.call(this, key, v);
    if (v !== null && typeof v === "object" && preloaded.has(v)) throw new TypeError("read only value (preload): " + key);
    return v;
  }, space);
};
const walk = (v) => {
  if (v === null || (typeof v !== "object" && typeof v !== "function") || preloaded.has(v)) return;
  preloaded.add(v);
  count++;
  if (v instanceof Map) for (const [k, x] of Map.prototype.entries.call(v)) { walk(k); walk(x); }
  else if (v instanceof Set) for (const x of Set.prototype.values.call(v)) walk(x);
  for (const key of Reflect.ownKeys(v)) {
    const d = Reflect.getOwnPropertyDescriptor(v, key);
    if (d === undefined) continue;
    if ("value" in d) walk(d.value);
    else { walk(d.get); walk(d.set); }
  }
  if (!ArrayBuffer.isView(v)) Object.freeze(v); // a typed array's buffer becomes read-only on the device; its elements cannot be frozen here
};
globalThis.__preload = {
  module(name, bindings) { roots.push([name, bindings]); },
  seal() {
    for (const [, bindings] of roots) for (const v of bindings()) walk(v);
    sealed = true;
    return { modules: roots.length, objects: count };
  },
};
`;

/** Writes the prelude module and returns its path (import it first in the entry). */
export function preludeModule(): string {
  return writeTempModule("preload-prelude.js", PRELUDE);
}

/**
 * Runs an entry under xsnap with the modules of `jsPaths` preloaded as the device would (see above). `body`
 * is the entry's code after its imports; `imports` its import lines. Prints `preload <modules> <objects>` first.
 */
export async function runUnderXsPreloaded(imports: string, body: string, jsPaths: ReadonlySet<string>): Promise<string[]> {
  const entry = writeTempModule(
    "preload-entry.js",
    `import ${JSON.stringify(preludeModule())};
${imports}
const sealed = globalThis.__preload.seal();
print("preload " + sealed.modules + " " + sealed.objects);
${body}
`,
  );
  return (await runUnderXs(entry, { plugins: [preloadPlugin(jsPaths)], maxBuffer: 256 * 1024 * 1024 })).split("\n").filter((l) => l !== "");
}
