/**
 * `npm run fuzz [-- --count 1000000 --seed 1]`: the fuzzer (fuzz-core.ts) with its table of outcomes, the
 * slowest input and the heap growth after warm-up; then the spoof flood (spoof-flood.ts, 100 000 frames).
 * Exit status 1 when any input crashed a stage or the heap grew by 1 MB or more. Figures: docs/reliability.md.
 */
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { dirname, join } from "node:path";
import { runFuzz } from "./fuzz-core.js";

function arg(name: string, dflt: number): number {
  const i = process.argv.indexOf(name);
  if (i < 0) return dflt;
  const v = Number(process.argv[i + 1]);
  if (!Number.isSafeInteger(v) || v < 1) throw new Error(`${name}: expected a positive whole number`);
  return v;
}

const count = arg("--count", 1_000_000);
const seed = arg("--seed", 1);
if (!(globalThis as { gc?: unknown }).gc) console.log("(run with node --expose-gc for the heap figure; npm run fuzz does)");
const res = runFuzz({ seed, count, progressEvery: 100_000, onProgress: (n) => process.stderr.write(`  ${n} inputs…\n`) });
console.log(`fuzz: ${res.inputs} inputs, seed ${seed}, ${res.seconds.toFixed(1)} s (${Math.round(res.inputs / res.seconds)} inputs/s)`);
console.log("outcome".padEnd(40) + "count");
for (const [k, n] of [...res.outcomes].sort((a, b) => a[0].localeCompare(b[0]))) console.log(k.padEnd(40) + n);
console.log(`slowest input: ${res.slowest.ms.toFixed(2)} ms  ${res.slowest.hex}`);
if (res.heapGrowthBytes !== undefined) console.log(`heap growth after warm-up and GC: ${(res.heapGrowthBytes / 1024).toFixed(0)} KB`);
for (const c of res.crashes) console.log(`CRASH in ${c.stage}: ${c.hex}\n${c.error}`);
const here = dirname(fileURLToPath(import.meta.url));
const flood = JSON.parse(execFileSync(process.execPath, ["--expose-gc", join(here, "spoof-flood.js"), "100000"], { encoding: "utf8" }).trim());
console.log(`spoof flood: ${flood.frames} frames with a configured link address and fresh TPL ids → ${flood.readings} readings, ${flood.submitted} submitted, ${flood.unknownMeters} unknown-table entries, heap growth ${(flood.heapGrowthBytes / 1024).toFixed(0)} KB`);
const ok = res.crashes.length === 0 && (res.heapGrowthBytes ?? 0) < 1_000_000 && flood.readings === 0 && flood.heapGrowthBytes < 1_000_000;
console.log(ok ? "PASS" : "FAIL");
process.exitCode = ok ? 0 : 1;
