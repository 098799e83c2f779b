/**
 * The direction of imports between firmware folders (issue 13): a module may import from its own folder and
 * from the folders below it in LAYERS, never from a folder above. This keeps the shared vocabulary at the
 * bottom, the protocol layers in EN 13757 order, and device services below their consumers, with no folder
 * cycles. The table is documented in docs/architecture.md ("Folder order"); change both together.
 *
 * Every import line counts, `import type` and `export … from` included: a type import is still a dependency a
 * reader has to follow. Only relative specifiers are checked (moddable:, embedded:, wmbus/board are the SDK's).
 */
import { describe, expect, it } from "vitest";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, posix, relative } from "node:path";
import { fileURLToPath } from "node:url";

const FIRMWARE = join(dirname(fileURLToPath(import.meta.url)), "../../firmware");

/** Bottom → top. Units in one row may import each other; a unit is a folder or a top-level file. */
export const LAYERS: readonly (readonly string[])[] = [
  ["vocabulary.ts", "errors.ts"], // shared vocabulary and the one error type: import nothing above
  ["util"], // Reader, hex, small helpers
  ["phy"], // line coding, sync words, frame assembly (EN 13757-4 §6–§9)
  ["link"], // DLL: CRCs, frame formats A/B, addresses, wired M-Bus frames
  ["ell", "afl"], // extended link layer, authentication and fragmentation layer
  ["transport"], // CI table, TPL headers, the CI-chain walk
  ["application"], // data records, VIF/DIF, compact frames
  ["telegram.ts"], // the decoded telegram and the security hook (names the headers above)
  ["security"], // keys, AES modes, OMS security
  ["decoder"], // the telegram decoder (orchestrates the layers)
  ["meters", "encoder"], // readings and drivers; building telegrams (the send direction)
  ["platform"], // device service interfaces and pure helpers: board description, network link, key-value store
  ["radio"], // radio drivers and the decode queue
  ["native"], // XS bindings of the C twins and the native radio task
  ["uplink"], // MQTT, HTTP, offline buffers
  ["gateway"], // the pipeline: telegram id, dedup, meters, supervisor
  ["wired", "repeater"], // wired M-Bus master, store-and-forward repeater: they feed or follow the gateway
  ["web"], // the local status page
  ["device"], // device adapters: the Moddable/ECMA-419 implementations of the service interfaces below
  ["main.ts", "host"], // device entry and the SDK host entry: wire everything
];

/**
 * Wrong-way imports allowed for a while, each as "file -> specifier": the reason and the fix. Empty since the
 * encoders, fixed-structure.ts, response-window.ts and the device adapters moved (issue 13); the test fails when
 * an entry is no longer needed, so the list can only shrink.
 */
export const EXCEPTIONS: { readonly [fileImport: string]: string } = {};

/** Row of a unit in LAYERS, or -1. */
function rank(unit: string): number {
  return LAYERS.findIndex((row) => row.includes(unit));
}

/** "radio/sx1262/sx1262.ts" → "radio"; "main.ts" and the specifier "errors.js" → a top-level file "….ts". */
function unitOf(path: string): string {
  const i = path.indexOf("/");
  return i < 0 ? path.replace(/\.js$/, ".ts") : path.slice(0, i);
}

/** Relative module specifiers of every import / export-from / dynamic import in `source`. */
export function importsOf(source: string): string[] {
  const out: string[] = [];
  const re = /(?:^|[;\n])\s*(?:import|export)\s(?:[^;"']*?\sfrom\s)?["'](\.[^"']+)["']|import\(\s*["'](\.[^"']+)["']\s*\)/g;
  for (let m = re.exec(source); m !== null; m = re.exec(source)) out.push(m[1] ?? m[2]);
  return out;
}

export interface Violation {
  file: string;
  imports: string;
  why: string;
}

/** Checks `files` (firmware-relative path → source text) against LAYERS. */
export function checkFolderOrder(files: ReadonlyMap<string, string>): Violation[] {
  const out: Violation[] = [];
  for (const [file, source] of files) {
    const from = unitOf(file);
    const rf = rank(from);
    if (rf < 0) {
      out.push({ file, imports: "", why: `"${from}" is not in the layer table` });
      continue;
    }
    for (const spec of importsOf(source)) {
      const target = posix.normalize(posix.join(posix.dirname(file), spec));
      if (target.startsWith("..")) {
        out.push({ file, imports: spec, why: "imports from outside firmware/" });
        continue;
      }
      const to = unitOf(target);
      const rt = rank(to);
      if (rt < 0) out.push({ file, imports: spec, why: `"${to}" is not in the layer table` });
      else if (rt > rf) out.push({ file, imports: spec, why: `${from} (row ${rf}) imports ${to} (row ${rt}), which is above it` });
    }
  }
  return out;
}

function firmwareFiles(): Map<string, string> {
  const files = new Map<string, string>();
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      const p = join(dir, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (name.endsWith(".ts")) files.set(relative(FIRMWARE, p).split("\\").join("/"), readFileSync(p, "utf8"));
    }
  };
  walk(FIRMWARE);
  return files;
}

describe("firmware folder order", () => {
  const files = firmwareFiles();

  it("every import goes to the same row of the layer table or below (known exceptions listed, each still needed)", () => {
    expect(files.size).toBeGreaterThan(100);
    let imports = 0;
    for (const s of files.values()) imports += importsOf(s).length;
    expect(imports).toBeGreaterThan(300); // the regex really finds the imports
    const found = checkFolderOrder(files);
    const key = (v: Violation) => `${v.file} -> ${v.imports}`;
    expect(found.filter((v) => EXCEPTIONS[key(v)] === undefined)).toEqual([]);
    const stillNeeded = new Set(found.map(key));
    expect(Object.keys(EXCEPTIONS).filter((k) => !stillNeeded.has(k))).toEqual([]);
  });

  it("only device/ and the entries (main.ts, host/) import the SDK (moddable:, embedded:): one folder of device adapters", () => {
    const sdk = /(?:^|[;\n])\s*(?:import|export)\s(?:[^;"']*?\sfrom\s)?["'](?:moddable|embedded):|import\(\s*["'](?:moddable|embedded):/;
    const importers = [...files].filter(([, s]) => sdk.test(s)).map(([f]) => f);
    expect(importers.filter((f) => f.startsWith("device/")).length).toBeGreaterThan(15);
    expect(importers.filter((f) => !f.startsWith("device/") && f !== "main.ts" && !f.startsWith("host/"))).toEqual([]);
    expect(sdk.test(`import Timer from "moddable:timer";`) && sdk.test(`const m = import("embedded:io/serial");`)).toBe(true);
  });

  it("catches a planted wrong-way import, of any import form", () => {
    const planted = new Map(files);
    planted.set("link/planted.ts", `import { Gateway } from "../gateway/gateway.js";\n`);
    planted.set("security/planted-type.ts", `import type {\n  Telegram,\n} from "../telegram.js";\nexport type { Reading } from "../meters/types.js";\n`);
    planted.set("radio/planted-dynamic.ts", `const p = import("../platform/board.js");\nconst u = import("../uplink/uplink.js");\n`);
    planted.set("newfolder/x.ts", `export const x = 1;\n`);
    expect(checkFolderOrder(planted).filter((v) => EXCEPTIONS[`${v.file} -> ${v.imports}`] === undefined)).toEqual([
      { file: "link/planted.ts", imports: "../gateway/gateway.js", why: "link (row 3) imports gateway (row 15), which is above it" },
      { file: "security/planted-type.ts", imports: "../meters/types.js", why: "security (row 8) imports meters (row 10), which is above it" },
      { file: "radio/planted-dynamic.ts", imports: "../uplink/uplink.js", why: "radio (row 12) imports uplink (row 14), which is above it" },
      { file: "newfolder/x.ts", imports: "", why: `"newfolder" is not in the layer table` },
    ]);
  });
});

describe("host product folder", () => {
  const HOST = join(FIRMWARE, "../host");
  it("host/ (the CLI, npm start and their Node services) imports from host-tests only where npm start wires the simulated apartment", () => {
    const uses = new Map<string, string[]>();
    for (const name of readdirSync(HOST).filter((n) => n.endsWith(".ts") || n.endsWith(".mjs"))) {
      const specs = importsOf(readFileSync(join(HOST, name), "utf8")).filter((s) => s.startsWith("../host-tests/"));
      if (specs.length > 0) uses.set(name, specs);
    }
    expect([...uses.keys()].sort()).toEqual(["start.ts", "web-sim-device.ts"]);
    for (const specs of uses.values()) for (const s of specs) expect(s).toMatch(/^\.\.\/host-tests\/(sim|rigs)\//);
  });
});
