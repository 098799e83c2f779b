/**
 * No dead value exports in firmware/ (issue 13): every exported function, class or constant is imported by
 * another module, the host product or a test. Types stay exported as the names of an API's parameters.
 * host-tests/support/firmware-exports.ts does the reading; `node build/host-tests/support/firmware-exports.js`
 * lists the exports used by nobody and those used only by tests.
 */
import { describe, expect, it } from "vitest";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { firmwareExports } from "../support/firmware-exports.js";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "../..");

/** Modules whose exports are read by the SDK build rather than by an import. */
const BY_BUILD = [
  /\/index\.ts$/, // preload barrels (manifest.json "preload")
  /^firmware\/native\//, // the device twins that replace a TS module under its name (native/manifest.json)
  /^firmware\/device\//, // device adapters, wired by main.ts on the boards that have the part
  /^firmware\/(host\/)?main\.ts$/, // entries
];

/** Exports kept on purpose although nothing imports them yet, each with its reason (none now). */
const KEPT: { readonly [fileName: string]: string } = {};

describe("firmware exports", () => {
  const all = firmwareExports(ROOT);

  it("reads the imports (a few known users are found)", () => {
    const find = (file: string, name: string) => all.find((e) => e.file === file && e.name === name);
    expect(all.length).toBeGreaterThan(500);
    expect(find("firmware/util/hex.ts", "fromHex")?.users).toBe("firmware");
    expect(find("firmware/errors.ts", "WmbusError")?.users).toBe("firmware");
    expect(find("firmware/gateway/unknown-meters.ts", "UNKNOWN_ENTRY_BYTES")?.users).toBe("tests");
    expect(find("firmware/telegram.ts", "Telegram")?.type).toBe(true);
  });

  it("no value export is imported by nobody (build-read modules and the listed ones aside)", () => {
    const dead = all
      .filter((e) => e.users === "none" && !e.type && !BY_BUILD.some((r) => r.test(e.file)))
      .map((e) => `${e.file} ${e.name}`);
    expect(dead.filter((k) => KEPT[k] === undefined)).toEqual([]);
    expect(Object.keys(KEPT).filter((k) => !dead.includes(k))).toEqual([]);
  });
});
