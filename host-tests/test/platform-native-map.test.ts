/**
 * Issue 16, "native on the device": the Moddable build resolves the hot modules to their native twins on
 * esp32 and to TypeScript elsewhere (the host build is tsc and never reads the manifest), and keeps host-only
 * modules out of the device image. The resolution follows the SDK's tools/mcmanifest.js (ModulesRule):
 * the platform section matched for the build (`-p esp32:<board>` → "esp32/*" in our app manifest, "esp32" in
 * firmware/native/manifest.json) is merged into `modules` (sources of one name concatenated); the "~" sources
 * are marked taken first, so no later rule adds them; then each name gets the first source that matches it.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import * as tsAssembler from "../../firmware/phy/frame-assembler.js";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "../..");
type Modules = Record<string, string | string[]>;
interface Manifest {
  include?: string[];
  modules?: Modules;
  preload?: string[];
  platforms?: Record<string, { modules?: Modules; preload?: string[] }>;
}

const list = (v: string | string[] | undefined) => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

/** mcmanifest matchPlatform for "esp32/<subplatform>" (or no platform: the base manifest only). */
function platformOf(m: Manifest, esp32: boolean) {
  if (!esp32 || !m.platforms) return undefined;
  return m.platforms["esp32/*"] ?? m.platforms["esp32"];
}

/** The merged modules (absolute source paths) and preloads of the app manifest and its local includes. */
function merged(esp32: boolean): { modules: Map<string, string[]>; preload: string[] } {
  const modules = new Map<string, string[]>();
  const preload: string[] = [];
  const add = (m: Manifest, dir: string) => {
    for (const section of [m, platformOf(m, esp32)]) {
      if (!section) continue;
      for (const [name, v] of Object.entries(section.modules ?? {})) modules.set(name, [...(modules.get(name) ?? []), ...list(v).map((s) => resolve(dir, s))]);
      preload.push(...(section.preload ?? []));
    }
  };
  const app = JSON.parse(readFileSync(join(ROOT, "manifest.json"), "utf8")) as Manifest;
  for (const inc of app.include ?? []) if (inc.startsWith("./")) add(JSON.parse(readFileSync(join(ROOT, inc), "utf8")), dirname(join(ROOT, inc)));
  add(app, ROOT);
  return { modules, preload };
}

/** Source files of a source pattern (`dir/*` or `dir/name` without extension), as mcmanifest's iterate finds them. */
function expand(source: string): { name: string; file: string }[] {
  const dir = dirname(source);
  const base = source.slice(dir.length + 1);
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => /\.(ts|js|json)$/.test(f) && !f.endsWith(".d.ts") && !f.startsWith("manifest"))
    .filter((f) => base === "*" || f.replace(/\.(ts|js|json)$/, "") === base)
    .map((f) => ({ name: f.replace(/\.(ts|js|json)$/, ""), file: join(dir, f) }));
}

/** Module name → source file, resolved as ModulesRule does. */
function resolveModules(esp32: boolean): Map<string, string> {
  const { modules } = merged(esp32);
  const taken = new Set<string>();
  for (const s of modules.get("~") ?? []) for (const f of expand(s)) taken.add(f.file);
  const out = new Map<string, string>();
  for (const [target, sources] of modules) {
    if (target === "~" || target === "*") continue;
    for (const s of sources) {
      for (const f of expand(s)) {
        if (taken.has(f.file)) continue;
        taken.add(f.file);
        const name = target.endsWith("*") ? target.slice(0, -1) + f.name : target;
        if (!out.has(name)) out.set(name, relative(ROOT, f.file));
      }
    }
  }
  return out;
}

/** Runtime export names of a TS module (functions, classes, constants; re-exports `{ a as b }`). */
function runtimeExports(file: string): string[] {
  const src = readFileSync(join(ROOT, file), "utf8");
  const names = [...src.matchAll(/^export (?:function|class|const|let) (\w+)/gm)].map((m) => m[1]);
  for (const m of src.matchAll(/^export \{([^}]*)\}(?! from)/gm)) for (const part of m[1].split(",")) names.push(part.trim().split(/\s+as\s+/).pop()!);
  return names.filter(Boolean).sort();
}

/** Hot modules and their native twins on the device. */
const NATIVE_TWINS: Readonly<Record<string, { ts: string; device: string }>> = {
  "wmbus/link/crc16": { ts: "firmware/link/crc16.ts", device: "firmware/native/crc-native.ts" },
  "wmbus/phy/frame-assembler": { ts: "firmware/phy/frame-assembler.ts", device: "firmware/native/fifo-native.ts" },
};

describe("device manifest: hot modules are native on esp32, TypeScript elsewhere", () => {
  const device = resolveModules(true);
  const base = resolveModules(false);

  for (const [name, twin] of Object.entries(NATIVE_TWINS)) {
    it(`${name} → ${twin.device} on esp32, ${twin.ts} without a platform`, () => {
      expect(device.get(name)).toBe(twin.device);
      expect(base.get(name)).toBe(twin.ts);
    });

    it(`${name}: the native twin exports everything the TS module exports`, () => {
      const missing = runtimeExports(twin.ts).filter((n) => !runtimeExports(twin.device).includes(n));
      expect(missing).toEqual([]);
    });
  }

  it("every native() / Native() symbol of a mapped twin is a C function in a glue file the device compiles", () => {
    const { modules } = merged(true);
    const compiled = (modules.get("*") ?? []).map((s) => s + ".c").filter((f) => existsSync(f));
    const c = compiled.map((f) => readFileSync(f, "utf8")).join("\n");
    let symbols = 0;
    for (const twin of [...Object.values(NATIVE_TWINS).map((t) => t.device), "firmware/native/radio-task-native.ts"]) {
      for (const m of readFileSync(join(ROOT, twin), "utf8").matchAll(/\b(native|Native)\("(\w+)"\)/g)) {
        symbols++;
        const sig = m[1] === "Native" ? new RegExp(`void ${m[2]}\\(void \\*`) : new RegExp(`void ${m[2]}\\(xsMachine \\*the\\)`);
        expect(c, `${m[2]} (${twin})`).toMatch(sig);
      }
    }
    expect(symbols).toBeGreaterThan(10);
  });

  it("the native status constants equal the TS module's and wmbus_fifo.h", () => {
    const src = readFileSync(join(ROOT, "firmware/native/fifo-native.ts"), "utf8");
    const h = readFileSync(join(ROOT, "firmware/native/wmbus_fifo.h"), "utf8");
    for (const [name, value] of Object.entries(tsAssembler).filter(([n]) => n.startsWith("FIFO_"))) {
      expect(src, name).toMatch(new RegExp(`export const ${name} = ${value};`));
      const cName = name === "FIFO_CAPACITY" ? "WMBUS_FIFO_CAPACITY" : `WMBUS_${name}`;
      expect(h, cName).toMatch(new RegExp(`#define ${cName} \\(?${value}\\)?`));
    }
  });

  it("host-only modules stay out of the device image; everything the device reaches is in it", () => {
    // reachable from the device entry (creation.main) and the preloads, following relative imports
    const { preload } = merged(true);
    const seen = new Set<string>();
    const visit = (file: string) => {
      if (seen.has(file) || !existsSync(file)) return;
      seen.add(file);
      // static imports and re-exports, side-effect imports, and import("…") (modules loaded on some boards only)
      for (const m of readFileSync(file, "utf8").matchAll(/(?:import|export)\s[^;]*?from\s+"(\.[^"]+)"|import\s+"(\.[^"]+)"|import\(\s*"(\.[^"]+)"\s*\)/g)) {
        if (/^import type|^export type/.test(m[0])) continue;
        visit(resolve(dirname(file), (m[1] ?? m[2] ?? m[3]).replace(/\.js$/, ".ts")));
      }
    };
    visit(join(ROOT, "firmware/main.ts"));
    for (const p of preload) {
      const f = device.get(p);
      if (f) visit(join(ROOT, f));
    }
    const inImage = new Set([...device.values()].map((f) => join(ROOT, f)));
    const firmware = [...base.values()].filter((f) => f.startsWith("firmware/") && f.endsWith(".ts")).map((f) => join(ROOT, f));
    const twinsTs = Object.values(NATIVE_TWINS).map((t) => join(ROOT, t.ts));
    for (const f of firmware) {
      if (twinsTs.includes(f)) continue; // replaced by its twin on the device
      if (seen.has(f)) expect(inImage.has(f), `${relative(ROOT, f)} is used on the device`).toBe(true);
    }
    // the explicit host-only list (esp32 "~"): JSON/analyze output, the memory store, the seal. Not reached on the
    // device, left out of its image, still built elsewhere (the x-cli-lin SDK build on a PC uses decoder/json).
    // phy/on-air.ts (the chip stream) is on the device since the radios transmit (phy/tx-plan.ts).
    for (const hostOnly of ["firmware/security/seal.ts", "firmware/decoder/json.ts", "firmware/decoder/analyze.ts", "firmware/platform/memory-store.ts"]) {
      const name = hostOnly.replace(/^firmware\//, "wmbus/").replace(/\.ts$/, "");
      expect(seen.has(join(ROOT, hostOnly)), `${hostOnly} is reached on the device`).toBe(false);
      expect(device.has(name), `${name} in the esp32 image`).toBe(false);
      expect(base.get(name), `${name} without a platform`).toBe(hostOnly);
    }
  });
});
