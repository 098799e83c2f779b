import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { WmbusError } from "../../firmware/errors.js";
import { fromHex } from "../../firmware/util/hex.js";
import { parseRecords, parseRecordsLenient } from "../../firmware/application/records.js";
import { decodeCompact, decodeFormatFrame, FormatCache, learnFromFullFrame } from "../../firmware/application/compact.js";

function errorOf(hex: string): WmbusError {
  const b = fromHex(hex);
  try {
    parseRecords(b, 0, b.length);
  } catch (e) {
    if (e instanceof WmbusError) return e;
    throw e;
  }
  throw new Error(`no error for ${hex}`);
}

describe("malformed records", () => {
  it("truncated data, header, DIFE, VIFE, plain-text unit and LVAR", () => {
    for (const hex of ["0413010000", "04", "84", "0493", "0DFD0F05312E30", "0D13", "027C0557", "0C14270485"]) {
      expect(errorOf(hex).code, hex).toBe("truncated");
    }
    const e = errorOf("2F2F0413010000");
    expect(e.offset).toBe(4);
    expect(e.message).toMatch(/record data/);
  });

  it("more than 10 DIFEs / VIFEs", () => {
    expect(parseRecords(fromHex("80" + "80".repeat(9) + "0013"), 0, 12).length).toBe(1);
    expect(errorOf("80" + "80".repeat(10) + "0013").code).toBe("too_many_dife");
    expect(parseRecords(fromHex("0193" + "A2".repeat(9) + "2205"), 0, 13).length).toBe(1);
    expect(errorOf("0193" + "A2".repeat(10) + "2205").code).toBe("too_many_vife");
  });

  it("reserved LVAR values", () => {
    for (const l of ["CA", "CF", "DA", "DF", "F7", "FF"]) expect(errorOf(`0D13${l}00`).code, l).toBe("bad_lvar");
  });

  it("reserved special DIFs", () => {
    for (const d of ["3F", "4F", "5F", "6F", "8F", "FF"]) expect(errorOf(`${d}13`).code, d).toBe("bad_dif");
  });

  it("parseRecords never reads before start or at/after end", () => {
    const b = fromHex("0413FFFFFFFF0413010000000413FFFFFFFF");
    expect(parseRecords(b, 6, 12).map((r) => r.value)).toEqual([0.001]);
    expect(() => parseRecords(b, 6, 11)).toThrow(WmbusError);
  });

  it("lenient mode returns the records before the error", () => {
    const out = parseRecordsLenient(fromHex("0413010000002F2FDE47"), 0, 10);
    expect(out.records.map((r) => r.name)).toEqual(["volume"]);
    expect(out.error?.code).toBe("truncated");
    expect(parseRecordsLenient(fromHex("041301000000"), 0, 6).error).toBeUndefined();
  });
});

/** Only WmbusError may leave the APL decoders, whatever the bytes. */
function onlyWmbusError(f: () => unknown): boolean {
  try {
    f();
    return true;
  } catch (e) {
    if (e instanceof WmbusError) return true;
    throw e;
  }
}

const bytes = fc.uint8Array({ minLength: 0, maxLength: 300 });
/** Bytes biased towards record-like content: DIF/VIF codes with extension bits and small data. */
const recordish = fc
  .array(fc.oneof(fc.constantFrom(0x2f, 0x0d, 0x0f, 0x84, 0x80, 0xfd, 0xfb, 0xfc, 0x7c, 0xff, 0x6d, 0x04, 0x0c), fc.integer({ min: 0, max: 255 })), {
    maxLength: 200,
  })
  .map((a) => Uint8Array.from(a));

describe("fuzz (fast-check)", () => {
  it("parseRecords on random bytes returns or throws WmbusError", () => {
    fc.assert(fc.property(fc.oneof(bytes, recordish), (b) => onlyWmbusError(() => parseRecords(b, 0, b.length))), { numRuns: 3000 });
  });

  it("records never extend past end, even inside a longer buffer", () => {
    fc.assert(
      fc.property(fc.oneof(bytes, recordish), fc.nat(300), (b, cut) => {
        const end = Math.min(cut, b.length);
        const out = parseRecordsLenient(b, 0, end);
        for (const r of out.records) expect(r.offset + (r.header.length + r.data.length) / 2).toBeLessThanOrEqual(end);
        return true;
      }),
      { numRuns: 2000 },
    );
  });

  it("compact and format frame decoders on random bytes throw only WmbusError", () => {
    const cache = new FormatCache();
    const full = fromHex("780202D20402152E16022A3423");
    learnFromFullFrame(full, 1, full.length, cache);
    fc.assert(
      fc.property(fc.oneof(bytes, recordish), (b) => {
        const sig = fromHex("313B");
        const withSig = new Uint8Array(b.length + 2);
        withSig.set(sig);
        withSig.set(b, 2);
        return (
          onlyWmbusError(() => decodeCompact(b, 0, b.length, cache)) &&
          onlyWmbusError(() => decodeCompact(withSig, 0, withSig.length, cache)) &&
          onlyWmbusError(() => decodeFormatFrame(b, 0, b.length, cache)) &&
          onlyWmbusError(() => learnFromFullFrame(b, 0, b.length, cache))
        );
      }),
      { numRuns: 2000 },
    );
  });
});
