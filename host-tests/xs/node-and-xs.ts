/**
 * Runs one ES module entry (source text, importing TypeScript by absolute path) under xsnap (XS 13.3) and,
 * bundled by esbuild for ES2022, under Node; returns the non-empty output lines of each.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { build } from "esbuild";
import { runUnderXs, writeTempModule } from "./xsnap.js";

export async function runInNodeAndXs(name: string, source: string): Promise<{ node: string[]; xs: string[] }> {
  const entry = writeTempModule(`${name}-entry.js`, source);
  const xs = (await runUnderXs(entry)).split("\n").filter((l) => l !== "");
  const bundle = join(mkdtempSync(join(tmpdir(), `wmbus-${name}-node-`)), "bundle.mjs");
  await build({ entryPoints: [entry], bundle: true, format: "esm", target: "es2022", platform: "neutral", outfile: bundle, logLevel: "error" });
  const node = execFileSync(process.execPath, [bundle], { encoding: "utf8" }).split("\n").filter((l) => l !== "");
  return { node, xs };
}
