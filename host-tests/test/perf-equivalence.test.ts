/**
 * The performance shortcuts of issue 8 give the same results as the plain paths they replace:
 * the record-shape memo, the lazily spelt record hex, the record index of the readings, the packed
 * key store and replay guard, and the single key lookup per encrypted telegram.
 */
import { monthsBack } from "../../firmware/meters/drivers/history.js";
import { describe, expect, it } from "vitest";
import { fromHex, toHex } from "../../firmware/util/hex.js";
import { TelegramDecoder } from "../../firmware/decoder/decoder.js";
import { resultJson, stringify } from "../../firmware/decoder/json.js";
import { decodeValue } from "../../firmware/application/values.js";
import { parseRecordHeader, parseRecords, parseRecordsWithHeaders, recordDataBytes, recordDataLength, recordVibHex, ShapeMemo } from "../../firmware/application/records.js";
import type { DataRecord } from "../../firmware/application/record.js";
import type { MemoSizes } from "../../firmware/application/format-cache.js";
import { findRecord, RecordIndex } from "../../firmware/meters/record-index.js";
import { DRIVERS } from "../../firmware/meters/drivers/index.js";
import type { FieldRule } from "../../firmware/meters/types.js";
import { KeyStore } from "../../firmware/security/key-store.js";
import { ReplayGuard } from "../../firmware/security/replay.js";
import { createSecurityHook } from "../../firmware/security/telegram-security.js";
import { decodeTelegram } from "../../firmware/decoder/decode.js";
import { WmbusError } from "../../firmware/errors.js";
import { nodeCipher } from "../../host/aes-node.js";
import { makeReading } from "../../firmware/meters/reading.js";
import { ReadingPlans } from "../../firmware/meters/plans.js";
import { round6 } from "../../firmware/meters/units.js";
import { loadCorpus } from "./corpus-helpers.js";

const corpus = loadCorpus();

/** Every corpus telegram decoded with one decoder (preludes first, memo sizes `memo`), as JSON text. */
function decodeAll(memo?: MemoSizes): string[] {
  const dec = new TelegramDecoder({ cipher: nodeCipher(), memo });
  const out: string[] = [];
  for (const r of corpus) {
    const key = r.key && r.key.length === 32 ? r.key : undefined;
    for (const p of r.prelude) dec.decode(fromHex(p), { key });
    out.push(stringify(resultJson(dec.decode(fromHex(r.telegram), { key }))));
  }
  return out;
}

describe("record shape memo", () => {
  it("decodes the corpus to the same JSON with and without the memo, and with a memo too small to hold it", () => {
    const plain = decodeAll({ shapes: 0 });
    expect(decodeAll()).toEqual(plain); // the device sizes
    expect(decodeAll({ shapes: 3 })).toEqual(plain);
    expect(decodeAll({ shapes: 1024 })).toEqual(plain);
  });

  it("decodes the corpus, compact frames included, to the same JSON with any frame-format memo size", () => {
    const plain = decodeAll();
    expect(decodeAll({ frames: 1 })).toEqual(plain);
    expect(decodeAll({ frames: 1024 })).toEqual(plain);
  });

  it("keeps each decoder's memos to itself, sized by its options", () => {
    const small = new TelegramDecoder({ cipher: nodeCipher(), memo: { shapes: 3 } });
    const large = new TelegramDecoder({ cipher: nodeCipher(), memo: { shapes: 1024 } });
    for (const r of corpus) {
      const key = r.key && r.key.length === 32 ? r.key : undefined;
      large.decode(fromHex(r.telegram), { key });
    }
    expect(large.formats.shapes.size).toBeGreaterThan(100);
    expect(small.formats.shapes.size).toBe(0);
    for (const r of corpus.slice(0, 40)) small.decode(fromHex(r.telegram), { key: r.key && r.key.length === 32 ? r.key : undefined });
    expect(small.formats.shapes.size).toBe(3);
  });

  it("lets the records of one shape share frozen VIFE and label arrays", () => {
    const apl = fromHex("0493FF01 10270000 0493FF01 20270000");
    const r = parseRecordsWithHeaders(apl, 0, apl.length, false, new ShapeMemo()).records;
    expect(r[0].vifes).toEqual([0xff, 0x01]);
    expect(r[1].vifes).toBe(r[0].vifes);
    expect(Object.isFrozen(r[0].vifes)).toBe(true);
    expect(() => r[0].vifes.push(1)).toThrow(TypeError);
  });

  it("takes the shape that followed last time only when its header bytes match, and drops followers of evicted shapes", () => {
    const memo = new ShapeMemo(4);
    const frames = [
      "0413 10270000 8410FD3A 0102 02FD17 0000", // learns the followers
      "0413 10270000 8410FD3A 0102 02FD17 0000", // all followers match
      "0413 10270000 8410FD3B 0102 02FD17 0000", // 4-byte follower differs in its last byte
      "0413 10270000 0213 0102 02FD18 0000", // followers differ in the first / third byte
      "0413 10270000 02", // the follower would run past the end
      "0413 10270000 0F 0102", // special DIF as follower
      "0413 10270000 0F 0102",
    ];
    for (const f of frames) {
      const apl = fromHex(f);
      const memoised = parseRecordsWithHeaders(apl, 0, apl.length, true, memo);
      const plain = parseRecordsWithHeaders(apl, 0, apl.length, true);
      expect(JSON.stringify(memoised.records), f).toBe(JSON.stringify(plain.records));
      expect(memoised.error?.code, f).toBe(plain.error?.code);
    }
    const evicted = parseRecordsWithHeaders(fromHex("0413 10270000"), 0, 6, false, memo).headers[0];
    const other = fromHex("0113 01 0213 0100 0313 010000 0513 00000000");
    parseRecordsWithHeaders(other, 0, other.length, false, memo); // four new shapes push the others out
    expect(evicted.follow).toBe(null);
  });

  it("reads plain binary and BCD numbers inline exactly as decodeValue does, bad BCD digits and negatives included", () => {
    // DIF/VIF pairs: signed and unsigned ints, a manufacturer-specific VIF, BCD of 1 to 6 bytes, a date in BCD
    const headers = ["0113", "0213", "0313", "0413", "0613", "047F", "027F", "84017F", "02FD17", "0913", "0A13", "0B13", "0C13", "0E13", "0C6C", "0A5A", "0C78"];
    let seed = 7;
    const byte = (): number => (seed = (seed * 1103515245 + 12345) % 2147483648) >> 23;
    for (const hex of headers) {
      for (let k = 0; k < 40; k++) {
        const h = parseRecordHeader(fromHex(hex), 0, hex.length / 2);
        const data = Array.from({ length: h.dataLength }, byte);
        if (k % 4 === 0 && data.length > 0) data[data.length - 1] |= 0xf0; // BCD sign nibble / negative int
        const apl = fromHex(hex + toHex(Uint8Array.from(data)));
        const [r] = parseRecords(apl, 0, apl.length);
        const d = decodeValue(h.dif, h.info, apl, h.bytes.length, apl.length);
        expect([r.value, r.error, r.exponent], hex + " " + toHex(Uint8Array.from(data))).toEqual([d.value, d.error, d.numeric ? h.info.exponent : 0]);
      }
    }
  });

  it("gives records with the same header bytes their own offsets and data", () => {
    const apl = fromHex("0413 10270000 0413 20270000 2F 0413 30270000");
    const r = parseRecords(apl, 0, apl.length);
    expect(r.map((x) => [x.offset, x.header, x.data, x.value])).toEqual([
      [0, "0413", "10270000", 10],
      [6, "0413", "20270000", 10.016],
      [13, "0413", "30270000", 10.032],
    ]);
  });
});

describe("decoded records (data hex spelt on demand)", () => {
  const apl = fromHex("0C1327048502 0D FD0F 05 312E302E31 426CFFFF");
  const records = parseRecords(apl, 0, apl.length);

  it("serialise exactly like plain records, in the contract key order", () => {
    const plain = records.map((r) => {
      const o: DataRecord = {
        offset: r.offset, header: r.header, data: r.data, dif: r.dif, vif: r.vif, vifes: r.vifes, storage: r.storage,
        tariff: r.tariff, subunit: r.subunit, function: r.function, quantity: r.quantity, unit: r.unit,
        exponent: r.exponent, value: r.value, name: r.name,
      };
      if (r.labels) o.labels = r.labels;
      if (r.text_unit) o.text_unit = r.text_unit;
      if (r.error) o.error = r.error;
      return o;
    });
    expect(JSON.stringify(records)).toBe(JSON.stringify(plain));
    expect(records.map((r) => r.data)).toEqual(["27048502", "05312E302E31", "FFFF"]);
  });

  it("give data bytes, length and VIB without hex, and accept a new data text", () => {
    expect(records.map(recordDataLength)).toEqual([4, 6, 2]);
    expect(toHex(recordDataBytes(records[1]))).toBe("05312E302E31");
    expect(records.map(recordVibHex)).toEqual(["13", "FD0F", "6C"]);
    // a plain DataRecord (its JSON form): the record-level properties of a decoded record are getters on its prototype
    const plain = { ...(JSON.parse(JSON.stringify(records[1])) as DataRecord), data: "0541" };
    expect(recordVibHex(plain)).toBe("FD0F");
    expect(recordDataLength(plain)).toBe(2);
    records[2].data = "0102";
    expect(records[2].data).toBe("0102");
    expect(recordDataLength(records[2])).toBe(2);
  });
});

describe("readings record index", () => {
  /** Every rule of every driver: fields, block records and status records. */
  function allRules(): FieldRule[] {
    const out: FieldRule[] = [];
    for (const d of DRIVERS) {
      out.push(...d.fields);
      for (const b of d.blocks ?? []) if (b.fromRecord) out.push(b.fromRecord);
      for (const s of d.status ?? []) for (const p of s.parts) if (p.fromRecord) out.push(p.fromRecord);
    }
    // nth and unit filters, which the drivers use rarely
    out.push({ name: "x", record: "volume", occurrence: 1 }, { name: "x", record: ["volume", "volume", "energy"], occurrence: 1 }, { name: "x", vifBytes: "13", occurrence: 1 }, { name: "x", record: "volume", recordUnit: "m3" });
    return out;
  }

  it("finds the same record as a scan, for every driver rule on every corpus telegram", () => {
    const rules = allRules();
    const dec = new TelegramDecoder({ cipher: nodeCipher() });
    let checked = 0;
    for (const r of corpus) {
      const key = r.key && r.key.length === 32 ? r.key : undefined;
      for (const p of r.prelude) dec.decode(fromHex(p), { key });
      const records = dec.decode(fromHex(r.telegram), { key }).telegram.records;
      const index = new RecordIndex(records);
      index.withVibIndex();
      for (const rule of rules) {
        const want = findRecord(rule, records);
        expect(index.find(rule), `record ${r.index}, rule ${JSON.stringify(rule)}`).toBe(want);
        if (want) checked++;
      }
    }
    expect(checked).toBeGreaterThan(1000);
  });
});

describe("rule picks per frame format", () => {
  /** Every corpus telegram's reading, each telegram decoded and read `times` times in a row (the last one kept). */
  function readAll(memo: MemoSizes | undefined, plans: ReadingPlans | undefined, times: number): { readings: string[]; shaped: number; shapedCompact: number } {
    const dec = new TelegramDecoder({ cipher: nodeCipher(), memo });
    const readings: string[] = [];
    let shaped = 0;
    let shapedCompact = 0;
    for (const r of corpus) {
      const key = r.key && r.key.length === 32 ? r.key : undefined;
      for (const p of r.prelude) dec.decode(fromHex(p), { key });
      let text = "";
      for (let k = 0; k < times; k++) {
        const t = dec.decode(fromHex(r.telegram), { key }).telegram;
        if (k === times - 1 && t.recordShapes !== undefined) {
          shaped++;
          if (t.compactSignature !== undefined) shapedCompact++;
        }
        text = JSON.stringify(makeReading(t, { timestamp: "2024-01-01T00:00:00Z", driver: r.driver ?? undefined, plans, fieldOrigin: true, keys: key ? new KeyStore() : undefined }));
      }
      readings.push(text);
    }
    return { readings, shaped, shapedCompact };
  }

  it("give the readings (field origins included) of the plain record look-up, from the first frame of a format on", () => {
    const plain = readAll({ shapes: 0 }, undefined, 1); // no plans: every rule looked up
    // no shape memo: no shape lists for full frames; compact frames carry their format's list (shapes of the cache)
    expect(plain.shaped).toBe(plain.shapedCompact);
    const picked = readAll(undefined, new ReadingPlans(), 3);
    expect(picked.shapedCompact).toBeGreaterThan(10); // compact frames go through the picks too
    expect(picked.shaped).toBeGreaterThan(corpus.length / 2); // most telegrams go through the picks
    expect(picked.readings).toEqual(plain.readings);
    expect(readAll(undefined, new ReadingPlans(2), 2).readings).toEqual(plain.readings); // plans emptied all the time
  });
});

describe("round6 with fewer XS instructions", () => {
  /** The formula before round 4 (docs/performance.md). */
  function former(v: number): number {
    if (v !== v || v === Infinity || v === -Infinity) return v;
    const a = v < 0 ? -v : v;
    if (a >= 1e9) return v;
    const r = Math.round(a * 1000000) / 1000000;
    return v < 0 ? (r === 0 ? 0 : -r) : r;
  }

  it("gives the former formula's double (sign of zero included) for edge values and a million others", () => {
    const values = [0, -0, NaN, Infinity, -Infinity, 1e9, -1e9, 999999999.9999995, -999999999.9999995, 5e-7, -5e-7, 4.9e-7, -4.9e-7, 1.0000005, -1.0000005, 2.5e-6, -2.5e-6];
    let x = 0x2545f491;
    for (let i = 0; i < 1000000; i++) {
      x = (Math.imul(x, 1103515245) + 12345) | 0; // a fixed pseudo-random sequence
      const m = (x >>> 8) / 16777216;
      values.push((x & 1 ? -1 : 1) * m * 10 ** ((x >>> 1) % 24 - 12));
    }
    for (const v of values) expect(Object.is(round6(v), former(v))).toBe(true);
  });

  it("leaves every integer as it is (makeReading rounds only fractions after a manufacturer decoder)", () => {
    const ints = [0, -0, 1, -1, 999999999, -999999999, 1e9, -1e9, 2 ** 53, -(2 ** 53), 1e21];
    for (let i = 0; i < 100000; i++) ints.push(Math.round((i * 7919) % 2000003) - 1000001, i * 104729 * (i % 2 ? -1 : 1));
    for (const v of ints) expect(Object.is(round6(v), v)).toBe(true);
  });
});

describe("packed key store", () => {
  const key = (i: number) => (i.toString(16).padStart(2, "0") + "00112233445566778899AABBCCDDEE").slice(0, 32);

  it("keeps many keys, reuses the cells of deleted ones and describes ids and manufacturers", () => {
    const ks = new KeyStore();
    for (let i = 0; i < 40; i++) ks.set((20000000 + i).toString(), key(i));
    ks.set("ABCDEF01", key(99), "kam");
    for (let i = 0; i < 40; i += 2) expect(ks.delete((20000000 + i).toString())).toBe(true);
    for (let i = 100; i < 110; i++) ks.set((30000000 + i).toString(), key(i));
    expect(ks.size).toBe(31);
    for (let i = 1; i < 40; i += 2) expect(toHex(ks.lookup((20000000 + i).toString())!)).toBe(key(i).toUpperCase());
    for (let i = 100; i < 110; i++) expect(toHex(ks.lookup((30000000 + i).toString())!)).toBe(key(i).toUpperCase());
    expect(ks.lookup("20000000")).toBeUndefined();
    expect(toHex(ks.lookup("abcdef01", "KAM")!)).toBe(key(99).toUpperCase());
    expect(ks.lookup("abcdef01", "APA")).toBeUndefined();
    expect(ks.describe()).toContainEqual({ id: "ABCDEF01", manufacturer: "KAM", key_set: true });
    expect(ks.describe()).toContainEqual({ id: "20000001", manufacturer: null, key_set: true });
    expect(ks.has("abcdef01")).toBe(true);
  });
});

describe("packed replay guard", () => {
  it("keeps decoder meter names packed and any other name as it is, through export and import", () => {
    const g = new ReplayGuard();
    expect(g.accept("KAM12345678", "acc", 5)).toBe("ok");
    expect(g.accept("KAMabcdef01", "mcr", 7)).toBe("ok");
    expect(g.accept("KAMabcdef01", "sn", 9)).toBe("ok"); // a second kind for the same meter
    expect(g.accept("my meter", "acc", 1)).toBe("ok");
    expect(g.accept("KAMABCDEF01", "acc", 1)).toBe("ok"); // upper-case id: another meter string
    expect(g.accept("KAM12345678", "acc", 5)).toBe("replayed");
    expect(g.accept("KAMabcdef01", "mcr", 7)).toBe("replayed");
    const state = g.exportState();
    expect(state.meters).toEqual([
      { meter: "KAM12345678", acc: 5 },
      { meter: "KAMabcdef01", mcr: 7, sn: 9 },
      { meter: "my meter", acc: 1 },
      { meter: "KAMABCDEF01", acc: 1 },
    ]);
    const h = new ReplayGuard();
    h.importState(JSON.parse(JSON.stringify(state)));
    expect(h.exportState()).toEqual(state);
    expect(h.last("KAMabcdef01", "sn")).toBe(9);
    expect(h.forget("my meter")).toBe(true);
    expect(h.size).toBe(3);
  });
});

describe("one key lookup per encrypted telegram", () => {
  it("the decoder asks the key provider once and the hook decrypts with that key", () => {
    const mode5 = corpus.find((r) => r.decrypt_check === "ok" && (r.frame.ci_chain as string[]).join() === "7A" && r.prelude.length === 0)!;
    const ell = corpus.find((r) => r.decrypt_check === "ok" && (r.frame.ci_chain as string[])[0] === "8D" && r.prelude.length === 0)!;
    for (const r of [mode5, ell]) {
      let lookups = 0;
      const keys = { keyFor: () => { lookups++; return fromHex(r.key!); } };
      const res = decodeTelegram(fromHex(r.telegram), { security: createSecurityHook(nodeCipher()), keys });
      expect(res.ok, `record ${r.index}`).toBe(true);
      expect(res.telegram.payloadState).toBe("decrypted");
      expect(lookups).toBe(1);
    }
  });
});

describe("WmbusError without a stack trace", () => {
  it("keeps code, message and offset and leaves V8's stack trace limit as it was", () => {
    const limit = (Error as unknown as { stackTraceLimit: number }).stackTraceLimit;
    const e = new WmbusError("truncated", "VIF: needs 1 byte(s) at offset 9", 9);
    expect(e).toMatchObject({ code: "truncated", message: "VIF: needs 1 byte(s) at offset 9", offset: 9, name: "WmbusError" });
    expect(e instanceof Error).toBe(true);
    expect((Error as unknown as { stackTraceLimit: number }).stackTraceLimit).toBe(limit);
  });
});

describe("monthsBack with fewer XS instructions", () => {
  /** The implementation before round 4 (parseInt of the three parts, a template). */
  function former(date: string, n: number): string {
    const days = (y: number, m: number) => (m === 2 && ((y % 4 === 0 && y % 100 !== 0) || y % 400 === 0) ? 29 : [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1]);
    const pad2 = (v: number) => (v < 10 ? "0" + v : "" + v);
    let y = parseInt(date.substr(0, 4), 10);
    let m = parseInt(date.substr(5, 2), 10);
    let d = parseInt(date.substr(8, 2), 10);
    const monthEnd = m >= 1 && m <= 12 && d === days(y, m);
    m -= n;
    while (m < 1) { m += 12; y--; }
    while (m > 12) { m -= 12; y++; }
    if (monthEnd || d > days(y, m)) d = days(y, m);
    return `${y}-${pad2(m)}-${pad2(d)}`;
  }

  it("gives the former text for every day of 1999-2001 and 2099-2101, shifts of -30..30, and malformed dates", () => {
    const dates: string[] = [];
    for (const y of [1999, 2000, 2001, 2099, 2100, 2101]) for (let m = 1; m <= 12; m++) for (let d = 1; d <= 31; d++) dates.push(`${y}-${String(m).padStart(2, "0")}-${String(d).padStart(2, "0")}`);
    dates.push("2024-02-29 12:00", "2024-2-29", "20x4-02-29", "2024-02-", "", "0000-00-00", "9999-12-31", "2024-13-40", "2024/02/29");
    let n = 0;
    for (const date of dates) for (let k = -30; k <= 30; k++) {
      expect(monthsBack(date, k)).toBe(former(date, k));
      n++;
    }
    expect(n).toBeGreaterThan(100_000);
  });
});

describe("shapes of one memo share their DIF part (the warm device heap)", () => {
  it("two headers with the same DIF (and DIFE) bytes give shapes with one frozen DIF part; other DIFs their own", () => {
    const memo = new ShapeMemo(32);
    // 0C13 / 0C14: DIF 0C with two VIFs; 8C1013: DIF 8C DIFE 10 (tariff 1); 4C13: DIF 4C (storage 1)
    const buf = fromHex("0C13 0C14 8C1013 8C1014 4C13".replace(/ /g, ""));
    const [a, b, c, d, e] = [0, 2, 4, 7, 10].map((p) => memo.shapeAt(buf, p, buf.length));
    expect(a.dif).toBe(b.dif);
    expect(c.dif).toBe(d.dif);
    expect(c.dif).not.toBe(a.dif);
    expect(e.dif).not.toBe(a.dif);
    expect([a.dif.storage, c.dif.tariff, e.dif.storage]).toEqual([0, 1, 1]);
    expect(Object.isFrozen(a.dif) && Object.isFrozen(a.dif.difes)).toBe(true);
    expect([a.name, b.name, c.name, e.name]).toEqual(["volume", "volume", "volume_tariff_1", "volume_storage_1"]);
  });

  it("and their VIF part: same VIF (and VIFE) bytes under other DIFs give one frozen VIF chain and meaning", () => {
    const memo = new ShapeMemo(32);
    // 0C13 / 4C13: VIF 13 under two DIFs; 04FD17 / 02FD17: error flags (FD 17) under two DIFs; 0C14: another VIF
    const buf = fromHex("0C13 4C13 04FD17 02FD17 0C14".replace(/ /g, ""));
    const [a, b, c, d, e] = [0, 2, 4, 7, 10].map((p) => memo.shapeAt(buf, p, buf.length));
    expect(b.vib).toBe(a.vib);
    expect(b.info).toBe(a.info);
    expect(d.info).toBe(c.info);
    expect(e.info).not.toBe(a.info);
    expect(Object.isFrozen(a.info) && Object.isFrozen(a.vib) && Object.isFrozen(a.vifes)).toBe(true);
    expect([a.name, b.name, c.name, e.name]).toEqual(["volume", "volume_storage_1", "error_flags", "volume"]);
    expect([c.dataLength, d.dataLength]).toEqual([4, 2]); // the DIF's, not the first shape's
  });
});

describe("the readings' rule picks follow the decoder's frame memo", () => {
  it("a session keeps picks for as many frame formats as its decoder keeps (device 8, host 1 024)", async () => {
    const { ReadingSession } = await import("../../firmware/meters/session.js");
    const { HOST_MEMO } = await import("../../host/host-memo.js");
    const { DEVICE_FRAME_MEMO } = await import("../../firmware/application/format-cache.js");
    const device = new ReadingSession(new TelegramDecoder({ cipher: nodeCipher() }));
    const host = new ReadingSession(new TelegramDecoder({ cipher: nodeCipher(), memo: HOST_MEMO }));
    expect(device.plans.pickEntries).toBe(DEVICE_FRAME_MEMO);
    expect(host.plans.pickEntries).toBe(HOST_MEMO.frames);
    expect(host.plans.pickEntries).toBeGreaterThan(device.plans.pickEntries);
  });
});

describe("a rule gives way to a field already given (first rule wins unless overwrite)", () => {
  it("holds for fallbacks, for header fields and with overwrite, with and without a ReadingPlans", async () => {
    const { applyRules } = await import("../../firmware/meters/fields.js");
    // volume 12.345 m3 (0C13 BCD) and energy 7 kWh (0406 int32)
    const buf = fromHex("0C1345230100 040607000000".replace(/ /g, ""));
    const records = parseRecords(buf, 0, buf.length);
    const rules: FieldRule[] = [
      { name: "total", unit: "m3", record: "volume" },
      { name: "total", unit: "m3", record: "energy" }, // a fallback that must give way
      { name: "heat", unit: "kwh", record: "missing" },
      { name: "heat", unit: "kwh", record: "energy" }, // the fallback that gives the field
      { name: "id", record: "volume" }, // a header field: never overwritten without `overwrite`
      { name: "name", record: "energy", overwrite: true },
    ];
    for (const plans of [undefined, new ReadingPlans()]) {
      for (let round = 0; round < 2; round++) {
        const out: Record<string, unknown> = { _: "telegram", id: "12345678", name: "" };
        applyRules(rules, records, out as never, undefined, plans);
        expect(out).toEqual({ _: "telegram", id: "12345678", name: 7000, total_m3: 12.345, heat_kwh: 7 }); // name: the record's own unit, Wh
      }
    }
  });
});
