/**
 * Runs one ES module entry (source text, importing TypeScript by absolute path) under xsnap (XS 13.3) and,
 * bundled by esbuild for ES2022, under Node; returns the non-empty output lines of each. The XS-vs-Node
 * tests (host-tests/test/*-xs.test.ts) build their entries with `repoImport` and `ENTRY_OUT`.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { runUnderXs, writeTempModule } from "./xsnap.js";

/** Output limit of either run (the APL entry prints tens of MB). */
const MAX_BUFFER = 256 * 1024 * 1024;

const REPO = join(dirname(fileURLToPath(import.meta.url)), "../..");

/** An import specifier (quoted) for a repository path such as "firmware/phy/sync.ts", for entry sources. */
export function repoImport(path: string): string {
  return JSON.stringify(join(REPO, path));
}

/** Entry line: `out` prints under XS (global `print`) and under Node (`console.log`). */
export const ENTRY_OUT = `const out = typeof print === "function" ? print : console.log;`;

export async function runInNodeAndXs(name: string, source: string): Promise<{ node: string[]; xs: string[] }> {
  const entry = writeTempModule(`${name}-entry.js`, source);
  const xs = (await runUnderXs(entry, { maxBuffer: MAX_BUFFER })).split("\n").filter((l) => l !== "");
  const bundle = join(mkdtempSync(join(tmpdir(), `wmbus-${name}-node-`)), "bundle.mjs");
  await build({ entryPoints: [entry], bundle: true, format: "esm", target: "es2022", platform: "neutral", outfile: bundle, logLevel: "error" });
  const node = execFileSync(process.execPath, [bundle], { encoding: "utf8", maxBuffer: MAX_BUFFER }).split("\n").filter((l) => l !== "");
  return { node, xs };
}
