/**
 * What the SDK's linker reports for preloaded modules, checked at run time: every object reachable from the
 * exports of a preloaded firmware module is frozen (docs/moddable-build.md §2; xsl warns "not frozen" for each
 * object that is not). The static check (preload-safety.test.ts) reads the source and models what deepFreeze
 * freezes; this test loads the modules and looks at the objects themselves, so a wrong model shows here.
 */
import { describe, expect, it } from "vitest";
import { dirname, join, relative } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { deepFreeze } from "../../firmware/util/freeze.js";
import { diskProgram, preloadRoots, reachable } from "./preload-rules.js";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "../..");
const FIRMWARE = join(ROOT, "firmware");

/**
 * Paths (from `name`) of the objects reachable from `value` that are not frozen; functions are not entered.
 * Regular expressions and typed arrays cannot be frozen and are not asked to be: the real SDK's linker passed the
 * tree's (phy/three-of-six.ts DECODE_3OF6, meters/driver-check.ts *_RE) without a warning (docs/moddable-build.md).
 */
function unfrozen(value: unknown, name: string, seen: Set<object>, out: string[]): void {
  if (value === null || typeof value !== "object" || seen.has(value)) return;
  if (value instanceof RegExp || ArrayBuffer.isView(value)) return;
  seen.add(value);
  if (!Object.isFrozen(value)) out.push(name);
  for (const k of Object.keys(value)) unfrozen((value as Record<string, unknown>)[k], `${name}.${k}`, seen, out);
}

describe("preloaded modules export only frozen data", () => {
  it("every object reachable from a preloaded module's exports is frozen", async () => {
    const roots = preloadRoots(ROOT);
    const files = [...reachable(diskProgram(roots), roots)].filter((f) => f.startsWith(FIRMWARE) && !f.endsWith(".d.ts"));
    expect(files.length).toBeGreaterThan(60);
    const found: string[] = [];
    const seen = new Set<object>();
    let objects = 0;
    const deviceOnly: string[] = [];
    for (const f of files.sort()) {
      let mod: Record<string, unknown>;
      try {
        mod = (await import(pathToFileURL(f).href)) as Record<string, unknown>;
      } catch (e) {
        // a module that imports the SDK's own modules (moddable:…) or binds native C functions loads only on the device
        if (!/moddable:|native is not defined/.test(String(e))) throw e;
        deviceOnly.push(relative(FIRMWARE, f));
        continue;
      }
      for (const [k, v] of Object.entries(mod)) {
        if (v !== null && typeof v === "object") objects++;
        unfrozen(v, `${relative(FIRMWARE, f)}:${k}`, seen, found);
      }
    }
    expect(objects).toBeGreaterThan(50); // the walk saw the tables (driver registry, unit tables, …)
    expect(found).toEqual([]);
    expect(deviceOnly.length).toBeLessThan(files.length / 4); // most of the preloaded core loads on the host
  }, 120_000);

  it("deepFreeze walks into a list that is frozen already (the case the linker found: rule objects of a shallow-frozen list)", () => {
    const rules = Object.freeze([{ field: "total_kwh" }, { field: "power_kw" }]);
    const shared = { unit: "kWh" };
    const cyclic: { self?: unknown; shared: object } = { shared };
    cyclic.self = cyclic;
    const table = deepFreeze({ drivers: [{ name: "iem3000", rules }], again: rules, cyclic });
    expect(Object.isFrozen(table.drivers[0])).toBe(true);
    expect(rules.every((r) => Object.isFrozen(r))).toBe(true);
    expect(Object.isFrozen(shared)).toBe(true);
    expect(Object.isFrozen(cyclic)).toBe(true);
  });
});
