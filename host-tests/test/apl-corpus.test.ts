import { describe, expect, it } from "vitest";
import { WmbusError } from "../../firmware/errors.js";
import { fromHex } from "../../firmware/util/hex.js";
import { parseRecordsLenient } from "../../firmware/application/records.js";
import { decodeCompact, FormatCache, learnFromFullFrame } from "../../firmware/application/compact.js";
import type { DataRecord } from "../../firmware/application/record.js";
import { loadCorpus, type FullCorpusRecord } from "./corpus-helpers.js";

/**
 * APL sanity over the shared corpus. The APL bounds are found here by walking the CI bytes
 * (independent of the project's link/transport decoder): DLL 10 bytes, then ELL I 3 / ELL II 9 /
 * AFL 2 + AFLL bytes, then TPL none 1 / short 5 / long 13 bytes (+1 for the mode-7 CFG extension).
 * Wired long frames: 68 L L 68 C A 72 + 12-byte header, data up to 4 + L.
 */
const corpus = loadCorpus();
const PLAIN = new Set(["not_encrypted", "plaintext_in_place", "not_wmbus"]);
const ELL_SIZE: Record<number, number> = { 0x8c: 3, 0x8d: 9 };
const TPL_SIZE: Record<number, number> = { 0x78: 1, 0x79: 1, 0x7a: 5, 0x7b: 5, 0x72: 13, 0x73: 13 };
const COMPACT = new Set([0x79, 0x7b, 0x73]);

interface Apl {
  bytes: Uint8Array;
  start: number;
  end: number;
  compact: boolean;
}

function aplOf(hex: string, frame: Record<string, unknown>): Apl | null {
  const bytes = fromHex(hex);
  if (frame.format === "mbus_long") {
    if (bytes[6] !== 0x72) return null;
    return { bytes, start: 7 + 12, end: 4 + bytes[1], compact: false };
  }
  if (frame.format !== "wmbus" || frame.dll_crc !== "none") return null;
  const end = Math.min(bytes.length, bytes[0] + 1);
  let p = 10;
  for (;;) {
    const ci = bytes[p];
    if (ELL_SIZE[ci] !== undefined) p += ELL_SIZE[ci];
    else if (ci === 0x90) p += 2 + bytes[p + 1];
    else if (TPL_SIZE[ci] !== undefined) {
      const cfgAt = ci === 0x7a || ci === 0x7b ? p + 3 : p + 11;
      const mode7 = TPL_SIZE[ci] > 1 && (bytes[cfgAt + 1] & 0x1f) === 7;
      return { bytes, start: p + TPL_SIZE[ci] + (mode7 ? 1 : 0), end, compact: COMPACT.has(ci) };
    } else return null; // manufacturer-specific CI: no standard APL
  }
}

function scopeOf(frame: Record<string, unknown>) {
  const m = frame.m_field as string;
  return { m: parseInt(m, 16), deviceType: parseInt(frame.device_type as string, 16), id: frame.dll_id as string };
}

function decode(rec: FullCorpusRecord, cache: FormatCache): DataRecord[] | null {
  for (const pre of (rec as unknown as { prelude: string[] }).prelude ?? []) {
    const a = aplOf(pre, rec.frame as Record<string, unknown>);
    if (a && !a.compact) learnFromFullFrame(a.bytes, a.start, a.end, cache, scopeOf(rec.frame));
  }
  const a = aplOf(rec.telegram, rec.frame);
  if (a === null) return null;
  if (a.compact) return decodeCompact(a.bytes, a.start, a.end, cache, scopeOf(rec.frame));
  return learnFromFullFrame(a.bytes, a.start, a.end, cache, scopeOf(rec.frame)).records;
}

describe("APL over the corpus", () => {
  const cache = new FormatCache(1000);
  const plain = corpus.filter((r) => PLAIN.has(r.decrypt_check));
  interface Outcome {
    rec: FullCorpusRecord;
    records?: DataRecord[] | null;
    error?: unknown;
  }
  const results: Outcome[] = plain.map((rec) => {
    try {
      return { rec, records: decode(rec, cache) };
    } catch (e) {
      return { rec, error: e };
    }
  });

  it("throws nothing but WmbusError", () => {
    const others = results.filter((r) => "error" in r && !(r.error instanceof WmbusError));
    expect(others.map((r) => [r.rec.index, String(r.error)])).toEqual([]);
  });

  /**
   * Telegrams whose APL is not (entirely) EN 13757-3 records. wmbusmeters decodes them with
   * driver-specific code or stops quietly at the junk; a strict parser must reject them.
   */
  const KNOWN_BAD: Record<number, string> = {
    5: "truncated", // amiplus: 2 bytes DE47 after the 2F padding (CRC leftover), DIF DE needs a VIF
    51: "truncated", // bfw240radio: proprietary payload after 2F2F in a CI 7A frame
    52: "truncated", // bfw240radio
    56: "truncated", // bfw240radio
    102: "bad_dif", // evo868: trailing FFFF, DIF 0xFF is not defined
    299: "truncated", // qwaterv2: trailing FED0 (DIF FE with DIFE D0 needs more)
    385: "truncated", // qwater: L-field 0x37 cuts the last record (frame is longer than L)
    386: "truncated", // qwater: same, CI 78
    605: "truncated", // --analyze junk: 07 79 AABB, 64-bit integer with 2 bytes
  };

  it("decodes every plain full frame except the known non-standard ones", () => {
    const failures = results
      .filter((r) => "error" in r)
      .map((r) => ({ index: r.rec.index, code: (r.error as WmbusError).code, message: (r.error as WmbusError).message }));
    const unexpected = failures.filter((f) => f.code !== "unknown_format_signature" && KNOWN_BAD[f.index] !== f.code);
    const decoded = results.filter((r) => r.records);
    const n = decoded.reduce((s, r) => s + (r.records ?? []).length, 0);
    console.log(`APL corpus: ${decoded.length}/${plain.length} decoded (${n} records), ${failures.length} failures`);
    expect(unexpected).toEqual([]);
    expect(failures.filter((f) => KNOWN_BAD[f.index] !== undefined).length).toBe(Object.keys(KNOWN_BAD).length);
  });

  it("fails compact frames only for formats never learnt, and names the signature", () => {
    const unknown = results.filter((r) => "error" in r && (r.error as WmbusError).code === "unknown_format_signature");
    for (const r of unknown) expect((r.error as WmbusError).message).toMatch(/^unknown format signature 0x[0-9A-F]{4}: /);
    // Every compact frame that comes with its full frame in `prelude` decodes and passes the full-frame CRC.
    const withPrelude = results.filter((r) => (r.rec as unknown as { prelude: string[] }).prelude.length > 0);
    expect(withPrelude.length).toBeGreaterThan(0);
    for (const r of withPrelude) expect((r.records ?? []).length).toBeGreaterThan(0);
  });

  it("keeps the records before the junk in lenient mode", () => {
    for (const index of Object.keys(KNOWN_BAD).map(Number)) {
      const rec = corpus.find((r) => r.index === index)!;
      const a = aplOf(rec.telegram, rec.frame as Record<string, unknown>)!;
      const out = parseRecordsLenient(a.bytes, a.start, a.end);
      expect(out.error?.code).toBe(KNOWN_BAD[index]);
      if (index === 5) expect(out.records.length).toBe(13);
    }
  });

  it("agrees with wmbusmeters on the plain quantities it prints", () => {
    // expected field → [record name, unit, divisor]; only telegrams with exactly one such record
    const FIELDS: Record<string, [string, string, number]> = {
      total_m3: ["volume", "m3", 1],
      total_energy_consumption_kwh: ["energy", "Wh", 1000],
      flow_temperature_c: ["flow_temperature", "C", 1],
      return_temperature_c: ["return_temperature", "C", 1],
      volume_flow_m3h: ["volume_flow", "m3/h", 1],
      current_hca: ["hca", "", 1],
    };
    let compared = 0;
    const diffs: unknown[] = [];
    for (const r of results) {
      if (!r.records || r.rec.expected === null) continue;
      for (const [field, [name, unit, div]] of Object.entries(FIELDS)) {
        const want = r.rec.expected[field];
        const hits = r.records.filter((d) => d.name === name && d.unit === unit);
        if (typeof want !== "number" || hits.length !== 1 || typeof hits[0].value !== "number") continue;
        compared++; // 1e-6: reals, which wmbusmeters prints with 6 decimals
        if (Math.abs(hits[0].value / div - want) > 1e-6 * Math.max(1, Math.abs(want))) diffs.push([r.rec.index, field, want, hits[0].value]);
      }
    }
    console.log(`APL corpus: ${compared} values compared with wmbusmeters output`);
    expect(compared).toBeGreaterThan(200);
    // index 490: the expected JSON belongs to another telegram of the same test (total 6.548 vs BCD 00005648 L)
    expect(diffs).toEqual([[490, "total_m3", 6.548, 5.648]]);
  });
});
