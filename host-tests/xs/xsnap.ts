import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { build, type Plugin } from "esbuild";

const require = createRequire(import.meta.url);

/** Path of the xsnap CLI built by host-tests/xs/build-xsnap-cli.mjs at install. */
export function xsnapPath(): string {
  const pkg = dirname(require.resolve("@agoric/xsnap/package.json"));
  const bin = join(pkg, "moddable/build/bin/lin/release/xsnap");
  if (!existsSync(bin)) throw new Error(`xsnap CLI missing at ${bin}: run "node host-tests/xs/build-xsnap-cli.mjs"`);
  return bin;
}

/**
 * Bundles an ES module entry (tsc output under build/, plus its npm imports) into one ES2022 file that the XS
 * engine can load, then runs it under xsnap. The entry must call the global `print` for output.
 * `meter` prefixes every printed line with the XS meter count ("[n] "). `plugins` are esbuild plugins (the bench
 * uses one to swap a module for its metered stand-in).
 */
export async function runUnderXs(entry: string, opts: { meter?: boolean; maxBuffer?: number; plugins?: Plugin[] } = {}): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), "wmbus-xs-"));
  const out = join(dir, "bundle.js");
  await build({ entryPoints: [entry], bundle: true, format: "esm", target: "es2022", platform: "neutral", outfile: out, logLevel: "error", plugins: opts.plugins });
  const args = opts.meter ? ["-q", "-m", out] : ["-m", out];
  return execFileSync(xsnapPath(), args, { encoding: "utf8", maxBuffer: opts.maxBuffer ?? 256 * 1024 * 1024 });
}

/** Writes a generated module (e.g. corpus data as `export default [...]`) to a temp file and returns its path. */
export function writeTempModule(name: string, source: string): string {
  const dir = mkdtempSync(join(tmpdir(), "wmbus-gen-"));
  const p = join(dir, name);
  writeFileSync(p, source);
  return p;
}
