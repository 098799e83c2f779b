/**
 * Compares the Node full-pipeline rate of two or more build trees (a script, never a test):
 *
 *   node build/host-tests/bench/node-ab.js <before>/build <after>/build [rounds]
 *
 * Each tree is a `build/` directory of this project (for an older commit: `git archive` of its firmware/ and
 * host-tests/ next to its build output, since the bench finds the corpus and the readings module from there).
 * All trees are loaded into one process and their rounds alternate (0.25 CPU s each), so a burst of load
 * on the shared machine hits every tree alike; single runs move by ±30 % (docs/performance.md, Noise).
 * Prints each tree's median and best round and the ratio of the medians to the first tree.
 * The set-up is node-bench.ts benchItems, given the modules of each tree, so that older trees load too.
 */
import { pathToFileURL } from "node:url";
import { resolve } from "node:path";
import { loadBenchCorpus } from "./corpus.js";
import { benchItems, HOST_FRAME_MEMO, HOST_SHAPE_MEMO } from "./node-bench.js";
import { ReadingPlans } from "../../firmware/meters/plans.js";

/* eslint-disable @typescript-eslint/no-explicit-any -- modules of another build tree, loaded by path */
type AnyModule = any;

async function load(dir: string, rel: string): Promise<AnyModule> {
  return import(pathToFileURL(resolve(dir, rel + ".js")).href);
}

/** One pass over the corpus (decode + makeReading with the previous reading) with the modules of `dir`. */
async function fullPass(dir: string): Promise<() => number> {
  const { fromHex } = await load(dir, "firmware/util/hex");
  const { TelegramDecoder } = await load(dir, "firmware/decoder/decoder");
  const { FormatCache } = await load(dir, "firmware/application/compact");
  const { KNOWN_FORMATS } = await load(dir, "firmware/application/known-formats");
  const { KeyStore } = await load(dir, "firmware/security/key-store");
  const records = await load(dir, "firmware/application/records");
  const formatCache = await load(dir, "firmware/application/format-cache");
  const { makeReading } = await load(dir, "firmware/meters/reading");
  const { nodeCipher } = await load(dir, "host/aes-node");
  records.setRecordShapeMemo?.(HOST_SHAPE_MEMO);
  formatCache.setFrameFormatMemo?.(HOST_FRAME_MEMO); // older trees only; now FormatCache options (benchItems)
  const items = benchItems(loadBenchCorpus(), {
    fromHex, TelegramDecoder, FormatCache, KNOWN_FORMATS, KeyStore, makeReading, cipher: nodeCipher(), plans: new ReadingPlans(undefined, HOST_FRAME_MEMO),
  });
  return () => {
    for (const it of items) makeReading(it.dec.decode(it.bytes).telegram, it.opts);
    return items.length;
  };
}

function cpuNow(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

function median(v: readonly number[]): number {
  const s = [...v].sort((a, b) => a - b);
  return (s[(s.length - 1) >> 1] + s[s.length >> 1]) / 2;
}

/** Telegrams per CPU second of each tree, `rounds` alternating rounds each after a warm-up. */
export async function interleavedRates(dirs: readonly string[], rounds = 12): Promise<number[][]> {
  const passes: (() => number)[] = [];
  for (const d of dirs) passes.push(await fullPass(d));
  for (const pass of passes) {
    const end = cpuNow() + 0.4;
    while (cpuNow() < end) pass();
  }
  const rates = dirs.map(() => [] as number[]);
  for (let r = 0; r < rounds; r++) {
    for (let k = 0; k < passes.length; k++) {
      const t0 = cpuNow();
      let t = t0;
      let n = 0;
      while (t - t0 < 0.25) {
        n += passes[k]();
        t = cpuNow();
      }
      rates[k].push(n / (t - t0));
    }
  }
  return rates;
}

async function main(argv: string[]): Promise<void> {
  const last = Number(argv[argv.length - 1]);
  const rounds = Number.isInteger(last) && last > 0 ? last : 12;
  const dirs = Number.isInteger(last) && last > 0 ? argv.slice(0, -1) : argv;
  if (dirs.length < 1) throw new Error("usage: node-ab.js <build dir> [<build dir> …] [rounds]");
  const rates = await interleavedRates(dirs, rounds);
  const first = median(rates[0]);
  rates.forEach((r, k) => {
    const m = median(r);
    console.log(`${dirs[k]}: median ${Math.round(m)}, best ${Math.round(Math.max(...r))} telegrams per CPU second, ratio ${(m / first).toFixed(3)}`);
  });
}

if (process.argv[1] && pathToFileURL(resolve(process.argv[1])).href === import.meta.url) {
  main(process.argv.slice(2)).catch((e) => {
    console.error(e);
    process.exit(1);
  });
}
