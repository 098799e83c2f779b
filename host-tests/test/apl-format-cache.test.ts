import { describe, expect, it } from "vitest";
import { WmbusError } from "../../firmware/errors.js";
import { fromHex } from "../../firmware/util/hex.js";
import { decodeCompact, FormatCache, learnFromFullFrame } from "../../firmware/application/compact.js";
import { crc16 } from "../../firmware/link/crc16.js";
import { parseRecordsWithHeaders } from "../../firmware/application/records.js";
import { summary } from "./apl-helpers.js";

const fullFrameCrcOf = (records: Uint8Array) => crc16(records);

const HEADERS = fromHex("02020215022A"); // STD-9 format, signature 0x3B31
const OTHER = fromHex("040504FB827504853C04FB82F53C01FD17"); // EX-2 format, signature 0x2274
const KAM = { m: 0x2c2d, deviceType: 0x16, id: "63452869" };
const KAM_OTHER_METER = { m: 0x2c2d, deviceType: 0x16, id: "11111111" };
const KAM_HEAT = { m: 0x2c2d, deviceType: 0x04, id: "22222222" };

function codeOf(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    return e instanceof WmbusError ? e.code : "not a WmbusError: " + String(e);
  }
  return "no error";
}

describe("FormatCache scoping (docs/protocol.md §7: per meter and per M/type, pre-seedable)", () => {
  it("a global format is found for every meter", () => {
    const c = new FormatCache();
    expect(c.learn(HEADERS)).toBe(0x3b31);
    expect(c.has(0x3b31)).toBe(true);
    expect(c.has(0x3b31, KAM)).toBe(true);
    expect(c.headersOf(c.lookup(0x3b31, KAM_HEAT)!).map((h) => h.name)).toEqual(["energy", "volume", "power"]);
  });

  it("a format learnt from one meter serves that meter and its M/type, not other types", () => {
    const c = new FormatCache();
    c.learn(HEADERS, KAM);
    expect(c.has(0x3b31, KAM)).toBe(true);
    expect(c.has(0x3b31, KAM_OTHER_METER)).toBe(true); // same M and device type
    expect(c.has(0x3b31, KAM_HEAT)).toBe(false);
    expect(c.has(0x3b31)).toBe(false);
  });

  it("meters of one model share one entry: a registered meter costs no entry of its own", () => {
    const c = new FormatCache();
    c.learn(HEADERS, KAM);
    c.learn(HEADERS, KAM_OTHER_METER);
    expect(c.lookup(0x3b31, KAM)).toBeDefined();
    expect(c.export()).toEqual(["mt:2C2D:16=02020215022A"]);
  });

  it("relearning the same format does not grow the cache", () => {
    const c = new FormatCache();
    for (let i = 0; i < 5; i++) c.learn(HEADERS, KAM);
    expect(c.size).toBe(1);
  });

  it("a meter whose format collides with its model's (same signature, other headers) keeps its own", () => {
    // Two header lists with the same CRC-16 signature 0x8530.
    const a = fromHex("040B041D0210");
    const b = fromHex("041004000210");
    const c = new FormatCache();
    expect(c.learn(a, KAM)).toBe(0x8530);
    expect(c.learn(b, KAM_OTHER_METER)).toBe(0x8530);
    expect(c.lookup(0x8530, KAM)!.bytes).toEqual(a);
    expect(c.lookup(0x8530, KAM_OTHER_METER)!.bytes).toEqual(b);
    expect(c.export()).toEqual(["mt:2C2D:16=040B041D0210", "meter:2C2D:11111111=041004000210"]);
    // When that meter sends its model's format again, its own entry goes.
    c.learn(a, KAM_OTHER_METER);
    expect(c.lookup(0x8530, KAM_OTHER_METER)!.bytes).toEqual(a);
    expect(c.export()).toEqual(["mt:2C2D:16=040B041D0210"]);
  });

  it("learnShapes learns the same format as learn with the header bytes", () => {
    const full = fromHex("782F0202D2040215 2E16022A34230F0102");
    const parsed = parseRecordsWithHeaders(full, 1, full.length);
    const c = new FormatCache();
    expect(c.learnShapes(parsed.headers, KAM)).toBe(0x3b31);
    expect(c.learnShapes(parseRecordsWithHeaders(full, 1, full.length).headers, KAM_OTHER_METER)).toBe(0x3b31);
    expect(c.export()).toEqual(["mt:2C2D:16=02020215022A"]);
  });

  it("is bounded and drops the oldest entry first", () => {
    const c = new FormatCache(2);
    c.learn(HEADERS);
    c.learn(OTHER);
    c.learn(fromHex("0413"));
    expect(c.size).toBe(2);
    expect(c.has(0x3b31)).toBe(false);
    expect(c.has(0x2274)).toBe(true);
  });

  it("a format in use (looked up) survives eviction", () => {
    const c = new FormatCache(2);
    c.learn(HEADERS);
    c.learn(OTHER);
    expect(c.has(0x3b31)).toBe(true); // use: moves to the end
    c.learn(fromHex("0413"));
    expect(c.has(0x3b31)).toBe(true);
    expect(c.has(0x2274)).toBe(false);
  });

  it("a stored format lets its full frame's record shapes go when the frame leaves the frame memo (the warm device heap)", () => {
    const c = new FormatCache(256, { shapes: 64, frames: 2 });
    const fulls = ["0213D2040215 2E16", "0413D2040000 022A3423", "0C1378563412 0C14 11223344"].map((h) => fromHex("78" + h.replace(/ /g, "")));
    const sigs = fulls.map((full) => c.learnShapes(parseRecordsWithHeaders(full, 1, full.length, false, c.shapes).headers, KAM));
    // the third frame format pushed the first out of the two-entry frame memo: its stored format keeps bytes only
    expect(c.lookup(sigs[0], KAM)!.shapes).toBeUndefined();
    expect(c.lookup(sigs[1], KAM)!.shapes).toHaveLength(2);
    expect(c.lookup(sigs[2], KAM)!.shapes).toHaveLength(2);
    // and a compact frame of the first format still decodes, from the header bytes
    const full = fulls[0];
    const crc = fullFrameCrcOf(full.subarray(1));
    const compact = Uint8Array.from([0x79, sigs[0] & 255, sigs[0] >> 8, crc & 255, crc >> 8, 0xd2, 0x04, 0x2e, 0x16]);
    expect(decodeCompact(compact, 1, compact.length, c, KAM).map((r) => r.value)).toEqual([1.234, 567.8]); // VIF 13: 10^-3 m3, VIF 15: 10^-1 m3
  });

  it("stays correct with more formats in use than parsed headers memoised", () => {
    const c = new FormatCache();
    const frames: Uint8Array[] = [];
    for (let i = 0; i < 20; i++) {
      // format i: i+1 volume records, all 8-bit
      const full = fromHex("78" + Array.from({ length: i + 1 }, (_, k) => "0113" + (k + 1).toString(16).padStart(2, "0")).join(""));
      frames.push(full);
      learnFromFullFrame(full, 1, full.length, c);
    }
    for (let round = 0; round < 2; round++) {
      for (let i = 0; i < 20; i++) {
        const full = frames[i];
        const sig = c.learn(full.subarray(1).filter((_, k) => k % 3 !== 2));
        const data = full.subarray(1).filter((_, k) => k % 3 === 2);
        const crc = fullFrameCrcOf(full.subarray(1));
        const compact = Uint8Array.from([0x79, sig & 255, sig >> 8, crc & 255, crc >> 8, ...data]);
        expect(decodeCompact(compact, 1, compact.length, c).map((r) => r.value)).toEqual(Array.from({ length: i + 1 }, (_, k) => (k + 1) / 1000));
      }
    }
  });
});

describe("FormatCache export / import", () => {
  it("round-trips global and scoped entries as hex strings", () => {
    const c = new FormatCache();
    c.learn(HEADERS);
    c.learn(OTHER, KAM);
    c.import(["meter:2C2D:22222222=0413"]);
    const list = c.export();
    expect(list).toEqual([
      "02020215022A",
      "mt:2C2D:16=040504FB827504853C04FB82F53C01FD17",
      "meter:2C2D:22222222=0413",
    ]);
    const d = new FormatCache();
    d.import(list);
    expect(d.export()).toEqual(list);
    expect(d.has(0x3b31)).toBe(true);
    expect(d.has(0x2274, KAM_OTHER_METER)).toBe(true);
    expect(d.has(0x2274, KAM_HEAT)).toBe(false);
  });

  it("pre-seeds a cache so that a compact frame decodes without its full frame", () => {
    const c = new FormatCache();
    c.import(["mt:2C2D:*=02020215022A"]);
    const compact = fromHex("79313B42A6D2042E163423");
    expect(summary(decodeCompact(compact, 1, compact.length, c, KAM))).toEqual([
      ["energy", 123.4, "Wh"],
      ["volume", 567.8, "m3"],
      ["power", 901.2, "W"],
    ]);
    expect(codeOf(() => decodeCompact(compact, 1, compact.length, c))).toBe("unknown_format_signature");
  });

  it("rejects malformed entries with WmbusError", () => {
    const c = new FormatCache();
    expect(codeOf(() => c.import(["zz"]))).toBe("bad_hex");
    expect(codeOf(() => c.import([""]))).toBe("bad_argument");
    expect(codeOf(() => c.import(["foo:1=0413"]))).toBe("bad_argument");
    expect(codeOf(() => c.import(["mt:2C2D=0413"]))).toBe("bad_argument");
    expect(codeOf(() => c.import(["mt:2C:16=0413"]))).toBe("bad_argument");
    expect(codeOf(() => c.import(["mt:*:16=0413"]))).toBe("bad_argument");
    expect(codeOf(() => c.import(["0F"]))).toBe("bad_dif"); // manufacturer data cannot be a format
    expect(codeOf(() => c.import(["04"]))).toBe("truncated");
  });
});

describe("compact frame edge cases", () => {
  const full = fromHex("780202D20402152E16022A3423");

  it("skips 2F fillers after the data and returns other trailing bytes as unparsed_data", () => {
    const c = new FormatCache();
    learnFromFullFrame(full, 1, full.length, c);
    const padded = fromHex("79313B42A6D2042E1634232F2F");
    expect(decodeCompact(padded, 1, padded.length, c).length).toBe(3);
    const extra = fromHex("79313B42A6D2042E163423AB");
    const r = decodeCompact(extra, 1, extra.length, c);
    expect(r.length).toBe(4);
    expect(r[3]).toMatchObject({ quantity: "unparsed_data", offset: 11, data: "AB", value: "AB", vif: null });
    expect(r[3].error).toBeDefined();
  });

  it("does not learn from a full frame without data records", () => {
    const c = new FormatCache();
    const onlyFillers = fromHex("782F2F2F");
    expect(learnFromFullFrame(onlyFillers, 1, onlyFillers.length, c).records).toEqual([]);
    expect(c.size).toBe(0);
  });

  it("leaves fillers and manufacturer data out of the learnt format", () => {
    const c = new FormatCache();
    const withJunk = fromHex("782F2F0202D2042F0215 2E16022A34230F0102");
    const out = learnFromFullFrame(withJunk, 1, withJunk.length, c);
    expect(out.signature).toBe(0x3b31);
    expect(out.records.map((r) => r.quantity)).toEqual(["energy", "volume", "power", "manufacturer_data"]);
  });
});
