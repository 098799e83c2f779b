/**
 * The preload emulation of the XS runs (host-tests/xs/preload-emulation.ts) is live: under xsnap, a planted
 * "preloaded" module breaks each device rule and each breach throws as it would on the device, while the same
 * operations on objects made at run time work. The corpus runs that use it: xs-conformance.test.ts (decoding)
 * and readings-xs.test.ts (readings).
 */
import { describe, expect, it } from "vitest";
import { writeTempModule } from "../xs/xsnap.js";
import { runUnderXsPreloaded } from "../xs/preload-emulation.js";

describe("preload emulation under XS", () => {
  it("refuses what the device refuses, for preloaded objects only", async () => {
    const planted = writeTempModule(
      "planted.js",
      `const CACHE = new Map();
const SEEN = new Set();
const TABLE = { a: 1, inner: [1, 2] };
const EMPTY = Object.freeze([]);
class Plans { static count = 0; }
export function tryAll() {
  const out = [];
  const attempt = (name, f) => { try { f(); out.push(name + ": ok"); } catch (e) { out.push(name + ": " + e.constructor.name + " " + e.message); } };
  attempt("map.get", () => CACHE.get(1));
  attempt("map.set", () => CACHE.set(1, 2));
  attempt("set.add", () => SEEN.add(1));
  attempt("object write", () => { TABLE.a = 2; });
  attempt("nested array push", () => TABLE.inner.push(3));
  attempt("static field", () => { Plans.count++; });
  attempt("weak key", () => new WeakMap().set(TABLE, 1));
  attempt("weak get", () => new WeakMap().get(TABLE));
  attempt("json", () => JSON.stringify({ vifes: EMPTY }));
  attempt("json of a shallow copy", () => JSON.stringify({ table: { ...TABLE } })); // its "inner" is still preloaded
  attempt("json of fresh objects", () => JSON.stringify({ vifes: EMPTY.slice(), a: TABLE.a, inner: TABLE.inner.slice() }));
  attempt("run-time map", () => new Map().set(1, 2));
  attempt("run-time weak key", () => new WeakMap().set({}, 1));
  return out;
}
`,
    );
    const lines = await runUnderXsPreloaded(`import { tryAll } from ${JSON.stringify(planted)};`, `for (const l of tryAll()) print(l);`, new Set([planted]));
    expect(lines[0]).toMatch(/^preload 1 \d+$/);
    const result = Object.fromEntries(lines.slice(1).map((l) => [l.slice(0, l.indexOf(":")), l.slice(l.indexOf(":") + 2)]));
    expect(result).toEqual({
      "map.get": "ok",
      "map.set": "TypeError this: read-only Map instance (preload)",
      "set.add": "TypeError this: read-only Set instance (preload)",
      "object write": expect.stringMatching(/^TypeError /),
      "nested array push": expect.stringMatching(/^TypeError /),
      "static field": expect.stringMatching(/^TypeError /),
      "weak key": "TypeError key: read-only (preload)",
      "weak get": "ok",
      json: "TypeError read only value (preload): vifes",
      "json of a shallow copy": "TypeError read only value (preload): inner",
      "json of fresh objects": "ok",
      "run-time map": "ok",
      "run-time weak key": "ok",
    });
  }, 120_000);
});
