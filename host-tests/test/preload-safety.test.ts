/**
 * The firmware keeps the rules of the Moddable linker for preloaded modules (docs/moddable-build.md §2):
 * xsnap and Node run the modules unfrozen and cannot see a breach, the device fails at run time. The static
 * check (preload-rules.ts) runs over every firmware module, with the preload list of manifest.json; each rule
 * is shown to catch a planted mistake, fed to the same checker as source text.
 */
import { readdirSync, statSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { checkProgram, diskProgram, memoryProgram, preloadRoots, reachable, type Finding, type Rule } from "./preload-rules.js";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "../..");
const FIRMWARE = join(ROOT, "firmware");

function sources(dir: string, out: string[] = []): string[] {
  for (const f of readdirSync(dir)) {
    const p = join(dir, f);
    if (statSync(p).isDirectory()) sources(p, out);
    else if (p.endsWith(".ts") && !p.endsWith(".d.ts")) out.push(p);
  }
  return out;
}

/**
 * Findings on the tree that are not mistakes, each with its reason. A finding listed here that no longer
 * occurs fails the test, so the list cannot go stale.
 */
const ACCEPTED: readonly { file: string; rule: Rule; name: string; why: string }[] = [
  {
    file: "firmware/meters/drivers/rules.ts",
    rule: "output",
    name: "ERROR_FLAGS",
    why: "errorFlags() builds driver tables while the driver modules load: the shared rule stays constant driver data and is never part of a reading",
  },
];

const show = (f: Finding) => `${f.rule} ${relative(ROOT, f.file)}:${f.line} ${f.name}: ${f.text}`;

describe("preload safety of the firmware (static check)", () => {
  it("finds nothing but the accepted cases in the firmware modules", () => {
    const files = sources(FIRMWARE);
    const program = diskProgram(files);
    const roots = preloadRoots(ROOT);
    const preloaded = reachable(program, roots);
    // the walk follows the imports: the decoder alone pulls in the link, transport, security and APL layers
    expect(preloaded.size).toBeGreaterThan(60);
    for (const r of roots) expect(preloaded.has(r), r).toBe(true);
    expect(preloaded.has(join(FIRMWARE, "link/manufacturer.ts"))).toBe(true);
    expect(preloaded.has(join(FIRMWARE, "main.ts"))).toBe(false);

    const findings = checkProgram(program, files, preloaded);
    const isAccepted = (f: Finding) => ACCEPTED.some((a) => a.file === relative(ROOT, f.file) && a.rule === f.rule && a.name === f.name);
    expect(findings.filter((f) => !isAccepted(f)).map(show)).toEqual([]);
    for (const a of ACCEPTED) {
      expect(findings.some((f) => a.file === relative(ROOT, f.file) && a.rule === f.rule && a.name === f.name), `stale exception ${a.file} ${a.name}`).toBe(true);
    }
  }, 120_000);
});

/** Checks planted modules: `/p/root.ts` is the preload root; every file is checked. */
function plant(files: Record<string, string>): Finding[] {
  const map = new Map(Object.entries(files).map(([k, v]) => [`/p/${k}`, v]));
  const program = memoryProgram(map);
  const preloaded = reachable(program, ["/p/root.ts"]);
  return checkProgram(program, [...map.keys()], preloaded);
}
const rules = (fs: Finding[]) => fs.map((f) => `${f.rule}:${f.name}`).sort();

describe("each rule catches a planted mistake", () => {
  const FREEZE = `export function deepFreeze<T>(v: T): T { return v; }\n`;

  it("collection: a Map, Set, WeakMap or WeakSet made at top level (also inside an immediately called function)", () => {
    const f = plant({
      "root.ts": `const CODES = new Map<number, string>();
const SEEN = new Set<string>();
const PLANS = new WeakMap<object, number>();
const TAGS = new WeakSet<object>();
const BUILT = (() => { const m = new Map<string, number>(); return Object.freeze(m); })();
export function code(n: number): string { const local = new Map<number, string>(); return CODES.get(n) ?? local.get(n) ?? String(SEEN.size + (PLANS.get(TAGS) ?? 0) + BUILT.size); }
export class Cache { readonly #m = new Map<string, number>(); get n(): number { return this.#m.size; } }`,
    });
    expect(rules(f.filter((x) => x.rule === "collection"))).toEqual(["collection:Map", "collection:Map", "collection:Set", "collection:WeakMap", "collection:WeakSet"]);
  });

  it("let: module-level let and var", () => {
    const f = plant({ "root.ts": `let serials = 0;\nvar saved: number | undefined;\nexport function next(): number { for (let i = 0; i < 1; i++) serials++; return serials + (saved ?? 0); }` });
    expect(rules(f)).toEqual(["let:saved", "let:serials"]);
  });

  it("mutated: a top-level constant changed anywhere, through imports too", () => {
    const f = plant({
      "root.ts": `import { TABLE, LIST } from "./other.js";
const BY_NAME: { [k: string]: number } = Object.freeze({});
const MEMO = Object.freeze({ hits: 0, deep: { n: 0 } });
export function use(k: string): void {
  BY_NAME[k] = 1;
  MEMO.hits++;
  MEMO.deep.n += 2;
  delete (BY_NAME as { [k: string]: number })[k];
  LIST.push(3);
  Object.assign(TABLE, { b: 2 });
  const local = { a: 1 }; local.a = 2; // a function's own object: fine
}`,
      "other.ts": `export const TABLE = { a: 1 };\nexport const LIST: number[] = [];`,
    });
    expect(rules(f.filter((x) => x.rule === "mutated"))).toEqual(["mutated:BY_NAME", "mutated:BY_NAME", "mutated:LIST", "mutated:MEMO", "mutated:MEMO", "mutated:TABLE"]);
  });

  it("weak-key: a module constant (or an object inside one) as a WeakMap or WeakSet key", () => {
    const f = plant({
      "root.ts": `import { DRIVER } from "./drivers.js";
export class Plans {
  readonly #names = new WeakMap<object, string[]>();
  readonly #seen = new WeakSet<object>();
  names(): string[] | undefined { this.#seen.add(DRIVER); return this.#names.get(DRIVER.fields); }
  fresh(): void { const o = {}; this.#names.set(o, []); }
}`,
      "drivers.ts": `export const DRIVER = Object.freeze({ fields: Object.freeze([Object.freeze({ n: "total" })]) });`,
    });
    expect(rules(f.filter((x) => x.rule === "weak-key"))).toEqual(["weak-key:DRIVER", "weak-key:DRIVER"]);
  });

  it("unfrozen: object and array literals, and objects built by calls, at top level of modules reachable from the preload list", () => {
    const f = plant({
      "root.ts": `import { deepFreeze } from "./freeze.js";
import { MODES } from "./modes.js";
const NAMES: Record<number, string> = { 1: "a" };
const LIST = [1, 2, 3];
const SHALLOW = Object.freeze({ inner: [1, 2] });
const ROWS = Object.freeze([Object.freeze([1, "x"])]);
const DEEP = deepFreeze({ inner: [1, 2], more: { x: 1 } });
const BUILT = build();
const TEXT = String(1) + "x";
const CRC = new Uint16Array(256);
function build(): number[] { return [1]; }
export function f(): unknown { return [NAMES, LIST, SHALLOW, ROWS, DEEP, BUILT, TEXT, CRC, MODES]; }`,
      "modes.ts": `export const MODES = [{ name: "T1" }];`,
      "freeze.ts": FREEZE,
      "not-preloaded.ts": `export const FREE = { a: 1 };`,
    }).filter((x) => x.rule === "unfrozen");
    expect(rules(f)).toEqual(["unfrozen:BUILT", "unfrozen:LIST", "unfrozen:MODES", "unfrozen:NAMES", "unfrozen:SHALLOW"]);
  });

  it("unfrozen: a constant named inside a deepFreeze literal is frozen with it, one passed through a call is not", () => {
    const f = plant({
      "root.ts": `import { deepFreeze } from "./freeze.js";
import { FIELDS, OTHER } from "./fields.js";
export const DRIVERS = deepFreeze([{ name: "kam", fields: FIELDS }]);
export const INDEX = deepFreeze(index([OTHER]));
function index(l: readonly object[]): object { return { l }; }`,
      "fields.ts": `export const FIELDS = [{ n: "total" }];\nexport const OTHER = [{ n: "x" }];`,
      "freeze.ts": FREEZE,
    }).filter((x) => x.rule === "unfrozen");
    expect(rules(f)).toEqual(["unfrozen:OTHER"]);
  });

  it("unfrozen: a family array spread into a deepFreeze literal is not frozen itself (xsl: HEAT2 not frozen)", () => {
    const f = plant({
      "root.ts": `import { deepFreeze } from "./freeze.js";
import { HEAT, WATER } from "./families.js";
export const DRIVERS = deepFreeze([...WATER, ...HEAT]);`,
      "families.ts": `export const WATER = Object.freeze([{ n: "total" }]);\nexport const HEAT = [{ n: "energy" }];`,
      "freeze.ts": FREEZE,
    }).filter((x) => x.rule === "unfrozen");
    expect(rules(f)).toEqual(["unfrozen:HEAT"]);
  });

  it("output: a preloaded constant put into an object a function returns, or into a property at run time", () => {
    const f = plant({
      "root.ts": `import { EMPTY } from "./shapes.js";
const NO_VIFES: readonly number[] = Object.freeze([]);
const UNIT = Object.freeze({ name: "m3" });
export function shape(n: number): { vifes: readonly number[] } {
  if (n > 1) return { vifes: NO_VIFES };
  const built = { vifes: NO_VIFES }; // not returned as built: only the assignment below is caught
  const rec: { unit?: object; vifes?: readonly number[] } = {};
  rec.unit = UNIT;
  return n > 0 ? { vifes: EMPTY } : { vifes: [...built.vifes, ...Object.freeze([]) ] };
}`,
      "shapes.ts": `export const EMPTY: readonly number[] = Object.freeze([]);`,
    }).filter((x) => x.rule === "output");
    expect(rules(f)).toEqual(["output:EMPTY", "output:NO_VIFES", "output:UNIT"]);
  });
});
