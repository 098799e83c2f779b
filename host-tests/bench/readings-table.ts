/**
 * Readings vs the corpus (both files): decodes every corpus record (one decoder for the whole corpus, in
 * order, as a running gateway would: compact frames use the formats learnt from earlier full
 * frames; each record's prelude and key are fed first), makes the reading with the record's
 * meter name and driver, and compares every field of `expected` (timestamp masked, numbers within
 * 1e-9 relative).
 *
 *   node build/host-tests/bench/readings-table.js            per-driver table
 *   node build/host-tests/bench/readings-table.js --diff X   mismatches of driver X (or record index X)
 */
import { fileURLToPath } from "node:url";
import { REPLAY_TIMESTAMP, runReadingJob, type ReadingJob } from "../../firmware/host/replay.js";
import { TelegramDecoder } from "../../firmware/decoder/decoder.js";
import type { Reading } from "../../firmware/meters/reading.js";
import { ReadingSession } from "../../firmware/meters/session.js";
import { KeyStore } from "../../firmware/security/key-store.js";
import { nodeCipher } from "../../host/aes-node.js";
import { configuredName, corpusPaths, readCorpusLines, type CorpusLine } from "./corpus.js";

/** Both corpus files: tests that run "over the corpus" run over both, in one session (first file first). */
export const CORPORA = corpusPaths();
export const MASK = REPLAY_TIMESTAMP;
export type { ReadingJob };

export interface Mismatch {
  index: number;
  /** The corpus file of the record. */
  file: string;
  field: string;
  expected: unknown;
  got: unknown;
}

export interface DriverStat {
  driver: string;
  records: number;
  fields: number;
  fieldsOk: number;
  numeric: number;
  numericOk: number;
}

/** Expected and matching fields of one corpus file. */
export interface FileStat {
  path: string;
  records: number;
  fields: number;
  fieldsOk: number;
  numeric: number;
  numericOk: number;
}

export interface CorpusComparison {
  files: FileStat[];
  fields: number;
  fieldsOk: number;
  numeric: number;
  numericOk: number;
  drivers: DriverStat[];
  mismatches: Mismatch[];
  readings: { index: number; reading: Reading }[];
}

export function sameValue(e: unknown, g: unknown): boolean {
  if (typeof e === "number" && typeof g === "number") {
    if (e === g) return true;
    const m = Math.max(Math.abs(e), Math.abs(g));
    return Math.abs(e - g) <= 1e-9 * m;
  }
  return e === g;
}


/**
 * Receiver metadata from the capture notes: telegrams captured by rtl_wmbus carry "rssi=N"; the
 * reading reports the receiver as wmbusmeters does ("rtlwmbus[]").
 */
export function captureMetadata(r: CorpusLine): { device?: string; rssi_dbm?: number } {
  for (const n of r.notes ?? []) {
    const m = /^rtl_wmbus line: .*rssi=(-?\d+)/.exec(n);
    if (m) return { device: "rtlwmbus[]", rssi_dbm: Number(m[1]) };
  }
  return {};
}


/**
 * Options of the wmbusmeters run behind a record that change its JSON (its command line, not telegram
 * content): #418 --json_floor=5 --json_address="RoodRd 42" --field_city="Stockholm" (constant fields),
 * #459 --addconversions=GJ,L,F, #611 --detailedfirst (the source record index of each field),
 * #621 --calculate_gurka_jh=power_kw, #585 the meter configured with driver "auto".
 */
type RunOptions = Pick<ReadingJob, "conversions" | "extra" | "fieldOrigin" | "calculate" | "driver">;
const RUN_OPTIONS: { readonly [index: number]: RunOptions } = {
  418: { extra: { floor: "5", address: "RoodRd 42", city: "Stockholm" } },
  459: { conversions: ["gj", "l", "f"] },
  611: { fieldOrigin: true },
  621: { calculate: { gurka_jh: "power_kw" } },
  585: { driver: "auto" },
};
function corpusLines(paths: string | readonly string[]): CorpusLine[] {
  const list = typeof paths === "string" ? [paths] : paths;
  const out: CorpusLine[] = [];
  for (const p of list) for (const r of readCorpusLines(p)) out.push(r);
  return out;
}

export function readingJobs(paths: string | readonly string[] = CORPORA): ReadingJob[] {
  return corpusLines(paths).map((r) => {
    const key = r.key !== null && r.key.length === 32 ? r.key : undefined;
    const meterId = key !== undefined && r.id !== null && /^[0-9a-fA-F]{8}$/.test(r.id) ? r.id : undefined;
    return { index: r.index, telegram: r.telegram, prelude: r.prelude, key, meterId, name: configuredName(r), driver: r.driver ?? undefined, ...captureMetadata(r), ...RUN_OPTIONS[r.index], read: r.expected !== null };
  });
}

/**
 * Runs the jobs through one reading session (the algorithm the XS test repeats under XS). A record's key
 * configures its meter, as a gateway's meter list does: later telegrams of that meter without a key of
 * their own (e.g. a test that gave the key on the command line, which the corpus does not keep) use it.
 */
export function runJobs(jobs: readonly ReadingJob[], session: ReadingSession, keys: KeyStore): { index: number; reading: Reading }[] {
  const out: { index: number; reading: Reading }[] = [];
  for (const j of jobs) {
    const r = runReadingJob(session, keys, j);
    if (r !== undefined) out.push({ index: j.index, reading: r.reading as Reading });
  }
  return out;
}

export function compareCorpus(paths: string | readonly string[] = CORPORA): CorpusComparison {
  const cipher = nodeCipher();
  const keys = new KeyStore();
  const session = new ReadingSession(new TelegramDecoder({ cipher, keys }));
  const res: CorpusComparison = { files: [], fields: 0, fieldsOk: 0, numeric: 0, numericOk: 0, drivers: [], mismatches: [], readings: [] };
  const byDriver: { [d: string]: DriverStat } = {};
  const recs = new Map<number, CorpusLine>();
  const fileOf = new Map<number, FileStat>();
  for (const p of typeof paths === "string" ? [paths] : paths) {
    const f: FileStat = { path: p, records: 0, fields: 0, fieldsOk: 0, numeric: 0, numericOk: 0 };
    res.files.push(f);
    for (const r of readCorpusLines(p)) {
      recs.set(r.index, r);
      fileOf.set(r.index, f);
    }
  }
  for (const { index, reading } of runJobs(readingJobs(paths), session, keys)) {
    const r = recs.get(index)!;
    const file = fileOf.get(index)!;
    file.records++;
    res.readings.push({ index, reading });
    const drv = r.driver ?? "";
    const st = (byDriver[drv] ??= { driver: drv, records: 0, fields: 0, fieldsOk: 0, numeric: 0, numericOk: 0 });
    st.records++;
    for (const [field, want] of Object.entries(r.expected!)) {
      const got = reading[field];
      const ok = sameValue(want, got);
      const num = typeof want === "number";
      st.fields++;
      file.fields++;
      if (ok) {
        st.fieldsOk++;
        file.fieldsOk++;
      }
      if (num) {
        st.numeric++;
        file.numeric++;
        if (ok) {
          st.numericOk++;
          file.numericOk++;
        }
      }
      if (!ok) res.mismatches.push({ index, file: file.path, field, expected: want, got });
    }
  }
  for (const st of Object.values(byDriver)) {
    res.fields += st.fields;
    res.fieldsOk += st.fieldsOk;
    res.numeric += st.numeric;
    res.numericOk += st.numericOk;
    res.drivers.push(st);
  }
  res.drivers.sort((a, b) => b.records - a.records || (a.driver < b.driver ? -1 : a.driver > b.driver ? 1 : 0));
  return res;
}

export function pct(ok: number, all: number): string {
  return all === 0 ? "100.0" : ((100 * ok) / all).toFixed(1);
}

function table(c: CorpusComparison): string[] {
  const lines = [`${"driver".padEnd(16)} ${"recs".padStart(4)} ${"fields".padStart(9)} ${"%".padStart(6)} ${"numeric".padStart(9)} ${"%".padStart(6)}`];
  for (const d of c.drivers) {
    lines.push(
      `${d.driver.padEnd(16)} ${String(d.records).padStart(4)} ${`${d.fieldsOk}/${d.fields}`.padStart(9)} ${pct(d.fieldsOk, d.fields).padStart(6)} ${`${d.numericOk}/${d.numeric}`.padStart(9)} ${pct(d.numericOk, d.numeric).padStart(6)}`,
    );
  }
  for (const f of c.files) {
    lines.push(`${f.path.replace(/.*\//, "")}: fields ${f.fieldsOk}/${f.fields} = ${pct(f.fieldsOk, f.fields)} %, numeric ${f.numericOk}/${f.numeric} = ${pct(f.numericOk, f.numeric)} %`);
  }
  lines.push(`TOTAL fields ${c.fieldsOk}/${c.fields} = ${pct(c.fieldsOk, c.fields)} %, numeric ${c.numericOk}/${c.numeric} = ${pct(c.numericOk, c.numeric)} %`);
  return lines;
}

function main(argv: string[]): void {
  const c = compareCorpus();
  const i = argv.indexOf("--diff");
  if (i >= 0) {
    const want = argv.slice(i + 1);
    const drivers = new Map<number, string>();
    for (const r of corpusLines(CORPORA)) drivers.set(r.index, r.driver ?? "");
    for (const m of c.mismatches) {
      const d = drivers.get(m.index) ?? "";
      if (want.length && !want.includes(d) && !want.includes(String(m.index))) continue;
      console.log(`#${m.index} ${d} ${m.field}: expected ${JSON.stringify(m.expected)} got ${JSON.stringify(m.got)}`);
    }
    return;
  }
  for (const l of table(c)) console.log(l);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) main(process.argv.slice(2));
