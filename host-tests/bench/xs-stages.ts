/**
 * Runs the stage-cost harness (xs-harness.ts) under the XS engine and turns the metered markers into costs.
 *
 * xsnap `-q` prefixes every printed line with the XS meter ("[n] "). Between two prints the meter grows by
 * the work done in between plus a constant print overhead `o` (measured by the calibration pairs). For a
 * window with k prints inside, the work is Δ − (k + 1)·o. AES block windows ("A") and CRC-16 windows ("N", see
 * crc-marked.ts) are subtracted from the windows that contain them: on the device both run in native code, so
 * they are reported apart.
 */
import { existsSync } from "node:fs";
import type { Plugin } from "esbuild";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { runUnderXs, writeTempModule } from "../xs/xsnap.js";
import type { BenchRecord } from "./xs-harness.js";
import type { GatewayReplay } from "../../firmware/host/replay.js";
import type { MemoSizes } from "../../firmware/application/format-cache.js";
import { all, calibration, parseLines, total, windows, work, type Event, type Window } from "./markers.js";

const here = dirname(fileURLToPath(import.meta.url));
const fromSource = fileURLToPath(import.meta.url).endsWith(".ts");
/** Repository root (this file is host-tests/bench/xs-stages.ts or build/host-tests/bench/xs-stages.js). */
export const ROOT = resolve(here, fromSource ? "../.." : "../../..");

/** A module of the repository: the TS source when running from source (vitest), else the tsc output. */
export function repoModule(rel: string): string {
  return fromSource ? join(ROOT, rel + ".ts") : join(ROOT, "build", rel + ".js");
}

/** True when the readings stage exists (firmware/meters/reading.ts, owned by another engineer). */
export function readingsAvailable(): boolean {
  return existsSync(join(ROOT, "firmware/meters/reading.ts")) && existsSync(repoModule("firmware/meters/reading"));
}

/**
 * esbuild plugin: imports of firmware/link/crc16 from firmware modules get host-tests/bench/crc-marked, which
 * wraps every CRC-16 in an "N" window (native on the device: firmware/native/crc-native.ts). Other importers
 * (the twin measurement, crc-marked itself) keep the TS twin.
 */
export function nativeCrcPlugin(): Plugin {
  const twin = repoModule("firmware/link/crc16").replace(/\.(js|ts)$/, "");
  const marked = repoModule("host-tests/bench/crc-marked");
  const firmware = join(dirname(twin), "..");
  return {
    name: "native-crc",
    setup(b) {
      b.onResolve({ filter: /crc16(\.js)?$/ }, (args) => {
        if (!args.importer.startsWith(firmware)) return undefined;
        return resolve(args.resolveDir, args.path).replace(/\.(js|ts)$/, "") === twin ? { path: marked } : undefined;
      });
    },
  };
}

/** Work of the windows that run natively on the device: AES blocks ("A") and CRC-16 ("N"). */
function nativeWork(ws: readonly Window[], o: number): number {
  return total(all(ws, "A"), o) + total(all(ws, "N"), o);
}

/** XS cost of one record, AES block rounds and CRC-16 loops excluded unless the name says aes or crc. Undefined = the stage did not run. */
export interface RecordCost {
  /** Corpus index (the position in the run when parsed alone). */
  index: number;
  /** stripDllCrc + copy + readDllHeader (or the wired frame parse). */
  link: number;
  /** ELL/AFL/TPL headers, payload checks and the decoder glue: decodeTelegram − link − security − records. */
  chain: number;
  /** Security hook calls (key lookup, IV/KDF, CBC/CTR/CMAC glue) when the hook was called. */
  security?: number;
  /** True when at least one AES block ran inside the security hook (the telegram was decrypted or tried). */
  decrypted: boolean;
  /** Portable AES (noble) inside the security hook, and its block count. */
  aesSecurity: number;
  aesSecurityBlocks: number;
  /** APL: data records, compact or format frame. */
  records?: number;
  /** TelegramDecoder.decode (with key store and replay guard), AES excluded. */
  decode: number;
  /** makeReading, AES excluded (undefined without firmware/meters). */
  reading?: number;
  /** makeReading threw for this telegram. */
  readingThrew: boolean;
  /** decode + reading, AES excluded: the target figure. */
  pipeline: number;
  /** Portable AES inside the pipeline, and its block count. */
  aesPipeline: number;
  aesPipelineBlocks: number;
  /** CRC-16 loops (TS twin under XS) inside the pipeline, and the number of CRC calls. */
  crcPipeline: number;
  crcPipelineCalls: number;
}

export interface TwinCost {
  /** XS computrons per byte of the TS twins: CRC-16, frame-A strip (per input byte), 3-of-6 (per decoded byte). */
  crc: number;
  strip: number;
  threeOfSix: number;
}

export interface StageRun {
  printOverhead: number;
  records: RecordCost[];
  twins: TwinCost;
  readings: boolean;
  /** The meter after the whole run (also deterministic). */
  finalMeter: number;
}

/** Turns the xsnap output of one harness run into per-record costs. */
export function parseStageOutput(out: string, readings: boolean): StageRun {
  const events = parseLines(out);
  const o = calibration(events);

  // Records are separated by "#".
  const groups: Event[][] = [];
  let cur: Event[] | undefined;
  let twinEvents: Event[] = [];
  for (const e of events) {
    if (e.tag === "#") {
      cur = [];
      groups.push(cur);
    } else if (e.tag.startsWith("n ")) {
      cur = undefined;
      twinEvents = [e];
    } else if (cur) cur.push(e);
    else if (twinEvents.length) twinEvents.push(e);
  }
  if (groups.length && groups[groups.length - 1].length === 0) groups.pop();

  const records: RecordCost[] = groups.map((g, i) => {
    const ws = windows(g);
    const one = (tag: string) => {
      const f = ws.filter((w) => w.tag === tag);
      if (f.length !== 1) throw new Error(`record #${i}: expected one ${tag} window, got ${f.length}`);
      return f[0];
    };
    const p = one("P");
    const d = all([p], "D")[0];
    const g2 = all([p], "G")[0];
    const l = one("L");
    const t = one("T");
    const c = ws.find((w) => w.tag === "C");
    const sWins = all([t], "S");
    const aInS = all(sWins, "A");
    const aInP = all([p], "A");
    const link = work(l, o) - nativeWork([l], o);
    const records = c ? work(c, o) - nativeWork([c], o) : undefined;
    const security = sWins.length ? total(sWins, o) - nativeWork(sWins, o) : undefined;
    const reading = g2 ? work(g2, o) - nativeWork([g2], o) : undefined;
    const nInP = all([p], "N");
    return {
      index: i,
      link,
      chain: work(t, o) - nativeWork([t], o) - (security ?? 0) - link - (records ?? 0),
      security,
      decrypted: aInS.length > 0,
      aesSecurity: total(aInS, o),
      aesSecurityBlocks: aInS.length,
      records,
      decode: work(d, o) - nativeWork([d], o),
      reading,
      readingThrew: g.some((e) => e.tag === "!"),
      pipeline: work(p, o) - nativeWork([p], o),
      aesPipeline: total(aInP, o),
      aesPipelineBlocks: aInP.length,
      crcPipeline: total(nInP, o),
      crcPipelineCalls: nInP.length,
    };
  });

  const sizes = twinEvents.length ? twinEvents[0].tag.split(" ").slice(1).map(Number) : [NaN, NaN, NaN];
  const tw = windows(twinEvents.slice(1));
  const perByte = (tag: string, n: number) => Math.min(...tw.filter((w) => w.tag === tag).map((w) => work(w, o))) / n;
  return {
    printOverhead: o,
    records,
    twins: { crc: perByte("c", sizes[0]), strip: perByte("s", sizes[1]), threeOfSix: perByte("3", sizes[2]) },
    readings,
    finalMeter: events.length ? events[events.length - 1].meter : 0,
  };
}

/** The generated entry module: corpus data, the harness, the portable AES, makeReading when it exists. */
export function stageEntry(records: readonly BenchRecord[], opts: { readings?: boolean } = {}): string {
  const readings = opts.readings ?? readingsAvailable();
  const data = writeTempModule("bench-corpus.js", "export default " + JSON.stringify(records) + ";\n");
  const q = (p: string) => JSON.stringify(p);
  return writeTempModule(
    "bench-entry.js",
    `import data from ${q(data)};
import { runStages, runTwins } from ${q(repoModule("host-tests/bench/xs-harness"))};
import { nobleCipher } from ${q(repoModule("host-tests/support/aes-noble"))};
${readings ? `import { makeReading } from ${q(repoModule("firmware/meters/reading"))};` : "const makeReading = undefined;"}
${readings ? `import { ReadingPlans } from ${q(repoModule("firmware/meters/plans"))};` : "const ReadingPlans = undefined;"}
// one ReadingPlans for the run, as a gateway's ReadingSession keeps one
runStages(data, nobleCipher(), makeReading, ReadingPlans ? new ReadingPlans() : undefined);
runTwins();
`,
  );
}

/** Runs the stage harness over `records` under xsnap and returns the costs. */
export async function runXsStages(records: readonly BenchRecord[], opts: { readings?: boolean } = {}): Promise<StageRun> {
  const readings = opts.readings ?? readingsAvailable();
  const out = await runUnderXs(stageEntry(records, { readings }), { meter: true, plugins: [nativeCrcPlugin()] });
  const run = parseStageOutput(out, readings);
  if (run.records.length !== records.length) throw new Error(`XS harness reported ${run.records.length} of ${records.length} records`);
  run.records.forEach((r, i) => (r.index = records[i].index));
  return run;
}

/** Per telegram sums of the hotspot windows (see xs-hotspots.ts), AES excluded (none runs there). */
export interface HotspotTelegram {
  records: number;
  vibRules: number;
  /** Sum over the telegram's records / readings of each window tag. */
  cost: { [tag: string]: number };
}

export function parseHotspotOutput(out: string): HotspotTelegram[] {
  const events = parseLines(out);
  const o = calibration(events);
  const res: HotspotTelegram[] = [];
  let cur: Event[] | undefined;
  let head: string[] = [];
  const flush = () => {
    if (!cur) return;
    const cost: { [tag: string]: number } = {};
    for (const w of windows(cur)) cost[w.tag] = (cost[w.tag] ?? 0) + work(w, o);
    res.push({ records: Number(head[1]), vibRules: Number(head[2]), cost });
  };
  for (const e of events) {
    if (e.tag.startsWith("r ") || e.tag === "#") {
      flush();
      cur = [];
      head = e.tag.split(" ");
    } else if (cur && (e.tag.startsWith("<") || e.tag.startsWith(">"))) cur.push(e);
  }
  return res;
}

/** Runs the hotspot pass (bench --hotspots) under xsnap. */
export async function runXsHotspots(records: readonly BenchRecord[]): Promise<HotspotTelegram[]> {
  const readings = readingsAvailable();
  const data = writeTempModule("hot-corpus.js", "export default " + JSON.stringify(records) + ";\n");
  const q = (p: string) => JSON.stringify(p);
  const entry = writeTempModule(
    "hot-entry.js",
    `import data from ${q(data)};
import { runHotspots } from ${q(repoModule("host-tests/bench/xs-hotspots"))};
import { nobleCipher } from ${q(repoModule("host-tests/support/aes-noble"))};
${
  readings
    ? `import { makeReading } from ${q(repoModule("firmware/meters/reading"))};
import { driverByName, detectDriver } from ${q(repoModule("firmware/meters/drivers/index"))};
import { applyRules, vibHex } from ${q(repoModule("firmware/meters/fields"))};
import { ReadingPlans } from ${q(repoModule("firmware/meters/plans"))};
const parts = { makeReading, driverByName, detectDriver, applyRules, vibHex, plans: new ReadingPlans() };`
    : "const parts = undefined;"
}
runHotspots(data, nobleCipher(), parts);
`,
  );
  return parseHotspotOutput(await runUnderXs(entry, { meter: true }));
}

/** XS cost per frame of the apartment replay (xs-replay.ts), native windows left out; frames in replay order. */
export async function runXsReplay(replay: GatewayReplay, memo: MemoSizes): Promise<number[]> {
  const data = writeTempModule("replay-data.js", "export default " + JSON.stringify(replay) + ";\n");
  const q = (p: string) => JSON.stringify(p);
  const entry = writeTempModule(
    "replay-entry.js",
    `import replay from ${q(data)};
import { runReplayCost } from ${q(repoModule("host-tests/bench/xs-replay"))};
import { nobleCipher } from ${q(repoModule("host-tests/support/aes-noble"))};
runReplayCost(replay, nobleCipher(), ${JSON.stringify(memo)});
`,
  );
  const out = await runUnderXs(entry, { meter: true, maxBuffer: 1 << 28, plugins: [nativeCrcPlugin()] });
  const events = parseLines(out);
  const o = calibration(events);
  const frames = windows(events).filter((w) => w.tag === "F");
  if (frames.length !== replay.frames.length) throw new Error(`XS replay reported ${frames.length} of ${replay.frames.length} frames`);
  return frames.map((w) => work(w, o) - nativeWork([w], o));
}
