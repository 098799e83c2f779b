import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { addFrameACrc, addFrameBCrc, frameALength } from "../../firmware/link/frame-format.js";
import { fromHex, toHex } from "../../firmware/util/hex.js";
import {
  decodeManchester,
  DECODE_MANCHESTER,
  encodeManchester,
} from "../../firmware/phy/manchester.js";
import { airtimeMicros, fifoByteMicros, LINK_MODES, linkMode } from "../../firmware/phy/modes.js";
import { chipsAt, encodeOnAir, fifoBytes } from "../../firmware/phy/on-air.js";
import {
  detectTC,
  fifoLength,
  packetChips,
  packetLength,
  RADIO_SYNC_S,
  RADIO_SYNC_TC,
  validL,
} from "../../firmware/phy/sync.js";
import {
  CODE_3OF6,
  decode3of6,
  DECODE_3OF6,
  encode3of6,
  encodedLength3of6,
} from "../../firmware/phy/three-of-six.js";

const SEED = 0x3d65;
const bits = (v: number, n: number) => v.toString(2).padStart(n, "0");

/** Puts a 6-chip pattern at symbol index s of packed 3-of-6 chips. */
function setSymbol(chips: Uint8Array, s: number, pattern: number): void {
  for (let i = 0; i < 6; i++) {
    const c = 6 * s + i;
    const bit = (pattern >> (5 - i)) & 1;
    chips[c >> 3] = (chips[c >> 3] & ~(0x80 >> (c & 7))) | (bit ? 0x80 >> (c & 7) : 0);
  }
}

const INVALID_3OF6 = Array.from({ length: 64 }, (_, i) => i).filter((i) => DECODE_3OF6[i] < 0);

describe("3-out-of-6", () => {
  it("has 16 distinct weight-3 codes and a 64-entry reverse table", () => {
    expect(new Set(CODE_3OF6).size).toBe(16);
    for (const c of CODE_3OF6) expect(bits(c, 6).split("").filter((b) => b === "1")).toHaveLength(3);
    expect(INVALID_3OF6).toHaveLength(48);
    for (let n = 0; n < 16; n++) expect(DECODE_3OF6[CODE_3OF6[n]]).toBe(n);
    expect(bits(CODE_3OF6[0], 6)).toBe("010110");
    expect(bits(CODE_3OF6[15], 6)).toBe("101001");
  });

  it("encodes high nibble first, MSB first, 12 chips per byte", () => {
    expect(toHex(encode3of6(fromHex("00")))).toBe("5960"); // 010110 010110 + 4 unused chips
    expect(toHex(encode3of6(fromHex("1234")))).toBe("34E2DC"); // 001101 001110 001011 011100
    expect(encode3of6(new Uint8Array(5))).toHaveLength(8);
  });

  it("round-trips any bytes", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (b) => {
        const chips = encode3of6(b);
        expect(chips.length).toBe(encodedLength3of6(b.length));
        const r = decode3of6(chips, b.length);
        expect(r.ok).toBe(true);
        expect(r.errorAt).toBe(-1);
        expect(r.bytes).toEqual(b);
      }),
      { seed: SEED, numRuns: 500 },
    );
  });

  it("reports the first invalid symbol and keeps the whole bytes before it", () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 1, maxLength: 80 }),
        fc.nat(),
        fc.constantFrom(...INVALID_3OF6),
        fc.option(fc.tuple(fc.nat(), fc.constantFrom(...INVALID_3OF6))),
        (b, at, bad, second) => {
          const chips = encode3of6(b);
          const s = at % (2 * b.length);
          setSymbol(chips, s, bad);
          let first = s;
          if (second) {
            const s2 = second[0] % (2 * b.length);
            setSymbol(chips, s2, second[1]);
            first = Math.min(s, s2);
          }
          const r = decode3of6(chips, b.length);
          expect(r.ok).toBe(false);
          expect(r.errorAt).toBe(first);
          expect(r.bytes).toEqual(b.subarray(0, first >> 1));
        },
      ),
      { seed: SEED, numRuns: 500 },
    );
  });

  it("clamps the byte count to what the chips hold", () => {
    const chips = encode3of6(fromHex("A5C3"));
    expect(decode3of6(chips.subarray(0, 2), 2).bytes).toEqual(fromHex("A5"));
    expect(decode3of6(new Uint8Array(0), 4)).toEqual({ ok: true, bytes: new Uint8Array(0), errorAt: -1 });
    expect(decode3of6(chips).bytes).toEqual(fromHex("A5C3"));
  });
});

describe("Manchester", () => {
  it("01 = 1, 10 = 0, MSB first", () => {
    expect(toHex(encodeManchester(fromHex("CA")))).toBe("5A66"); // 1100 1010 → 01011010 01100110
    expect(toHex(encodeManchester(fromHex("00FF")))).toBe("AAAA5555");
    expect(DECODE_MANCHESTER.filter((v) => v >= 0)).toHaveLength(16);
  });

  it("round-trips any bytes", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (b) => {
        const r = decodeManchester(encodeManchester(b));
        expect(r).toEqual({ ok: true, bytes: b, errorAt: -1 });
      }),
      { seed: SEED, numRuns: 300 },
    );
  });

  it("reports the first violating chip pair as a bit index", () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 80 }), fc.nat(), fc.boolean(), (b, at, ones) => {
        const chips = encodeManchester(b);
        const bit = at % (8 * b.length);
        const c = 2 * bit; // first chip of the pair
        const byte = c >> 3, shift = 6 - (c & 7);
        chips[byte] = (chips[byte] & ~(3 << shift)) | ((ones ? 3 : 0) << shift);
        const r = decodeManchester(chips);
        expect(r.ok).toBe(false);
        expect(r.errorAt).toBe(bit);
        expect(r.bytes).toEqual(b.subarray(0, bit >> 3));
      }),
      { seed: SEED, numRuns: 300 },
    );
  });
});

describe("lengths from the L-field", () => {
  it("frame A: L + 1 + 2·(1 + ceil((L − 9) / 16))", () => {
    const cases: [number, number][] = [
      [9, 12], // block 1 only
      [10, 15],
      [25, 30],
      [26, 33],
      [0x2e, 55], // docs/protocol.md §1.5 example
      [0x73, 132], // WM-7: 8 CRC blocks
      [255, 290],
    ];
    for (const [l, n] of cases) {
      expect(packetLength("T", "A", l)).toBe(n);
      expect(packetLength("C", "A", l)).toBe(n);
      expect(packetLength("S", "A", l)).toBe(n);
    }
    for (let l = 9; l <= 255; l++) {
      expect(packetLength("C", "A", l)).toBe(frameALength(l));
      // TI AN067 / culfw form: nBlocks = 2 for L < 26, else (L − 26) / 16 + 3 (same from L = 10 on)
      if (l >= 10) expect(packetLength("C", "A", l)).toBe(l + 1 + 2 * (l < 26 ? 2 : Math.floor((l - 26) / 16) + 3));
    }
  });

  it("frame B: L + 1; impossible L and mode/format pairs give -1", () => {
    expect(packetLength("C", "B", 12)).toBe(13);
    expect(packetLength("C", "B", 0xc2)).toBe(0xc3);
    for (const l of [0, 11, 128, 129, 256, -1, 1.5]) expect(packetLength("C", "B", l)).toBe(-1);
    for (const l of [0, 8, 256]) expect(packetLength("T", "A", l)).toBe(-1);
    expect(packetLength("T", "B", 40)).toBe(-1);
    expect(packetLength("S", "B", 40)).toBe(-1);
    expect(validL("B", 130)).toBe(true);
  });

  it("chips and FIFO bytes per mode (esp32-receivers §3.1 limits)", () => {
    expect(packetChips("T", "A", 0x2e)).toBe(12 * 55);
    expect(packetChips("C", "A", 0x2e)).toBe(8 * 55);
    expect(packetChips("S", "A", 0x2e)).toBe(16 * 55);
    expect(fifoLength("T", "A", 0x2e)).toBe(83); // (3·55 + 1) / 2
    expect(fifoLength("C", "A", 0x2e)).toBe(57);
    expect(fifoLength("C", "B", 0x2e)).toBe(0x2e + 3);
    expect(fifoLength("S", "A", 0x2e)).toBe(110);
    expect(fifoLength("T", "A", 255)).toBe(435);
    expect(fifoLength("T", "A", 149)).toBeLessThanOrEqual(255);
    expect(fifoLength("T", "A", 150)).toBeGreaterThan(255);
    expect(fifoLength("C", "A", 222)).toBe(255);
    expect(fifoLength("C", "A", 223)).toBeGreaterThan(255);
    expect(fifoLength("C", "B", 252)).toBe(255);
    for (let l = 0; l < 256; l++) {
      const n = packetLength("T", "A", l);
      if (n > 0) expect(fifoLength("T", "A", l)).toBe(Math.ceil((12 * n) / 8));
    }
  });
});

describe("link modes", () => {
  it("are data with integer frequencies and chip rates", () => {
    expect(linkMode("T1")).toMatchObject({ frequencyHz: 868_950_000, chipRate: 100_000, coding: "3of6", formats: ["A"] });
    expect(linkMode("C1")).toMatchObject({ frequencyHz: 868_950_000, coding: "nrz", formats: ["A", "B"] });
    expect(linkMode("S1")).toMatchObject({ frequencyHz: 868_300_000, chipRate: 32_768, minPreamblePairs: 279 });
    expect(linkMode("C2-down").frequencyHz).toBe(869_525_000);
    for (const m of LINK_MODES) {
      expect(Number.isInteger(m.frequencyHz) && Number.isInteger(m.chipRate)).toBe(true);
    }
    expect(fifoByteMicros(100_000)).toBe(80);
    expect(fifoByteMicros(32_768)).toBe(244);
    // 19 pairs + 10 sync + 55 × 12 + 8 postamble = 716 chips at 100 kcps
    expect(airtimeMicros(linkMode("T1"), "A", 0x2e)).toBe(7160);
    expect(airtimeMicros(linkMode("T1"), "B", 0x2e)).toBe(-1);
  });
});

/** Random valid frame (L first, CRCs included) for a mode/format. */
function frameArb(format: "A" | "B", minL = format === "A" ? 9 : 10, maxL = format === "A" ? 255 : 251) {
  return fc
    .uint8Array({ minLength: minL + 1, maxLength: maxL + 1 })
    .map((s) => {
      const f = s.slice();
      f[0] = f.length - 1;
      return format === "A" ? addFrameACrc(f) : addFrameBCrc(f);
    });
}

describe("sync words and mode detection", () => {
  const frame = addFrameACrc(fromHex("294493444433221155087288776655934455080004100500DFE2A782146D1513581CD2F83F3904015B19"));

  it("T: the 16 chips before the FIFO data read 0x543D, then the 3-of-6 L-field", () => {
    const a = encodeOnAir("T", "A", frame);
    expect(a.fifoStart).toBe(48);
    expect(toHex(chipsAt(a.chips, a.fifoStart - 16, 2))).toBe("543D");
    expect(toHex(chipsAt(a.chips, 0, 6))).toBe("55555555543D"); // 19 × 01 + 0000111101
    expect(a.chipCount % 8).toBe(0);
    expect(detectTC(fifoBytes("T", "A", frame))).toEqual({ kind: "frame", mode: "T", format: "A", l: 0x29, fifoLength: fifoLength("T", "A", 0x29) });
  });

  it("C: 0x543D then 0x54CD (frame A) or 0x543D (frame B)", () => {
    const a = encodeOnAir("C", "A", frame);
    expect(toHex(chipsAt(a.chips, a.fifoStart - 16, 4))).toBe("543D54CD");
    const b = encodeOnAir("C", "B", addFrameBCrc(fromHex("0E44934444332211550872AABBCC")));
    expect(toHex(chipsAt(b.chips, b.fifoStart - 16, 4))).toBe("543D543D");
    expect(detectTC(fromHex("54CD29"))).toMatchObject({ kind: "frame", mode: "C", format: "A", l: 0x29, fifoLength: 50 });
    expect(detectTC(fromHex("543D0F"))).toMatchObject({ kind: "frame", mode: "C", format: "B", l: 15, fifoLength: 18 });
  });

  it("S: 18-chip sync 000111011010010110; the last 24 chips read 0x547696", () => {
    const a = encodeOnAir("S", "A", frame);
    expect(a.fifoStart).toBe(2 * 279 + 18);
    expect(toHex(chipsAt(a.chips, a.fifoStart - 24, 3))).toBe("547696");
    expect(RADIO_SYNC_S).toBe(0x7696);
    expect(RADIO_SYNC_TC).toBe(0x543d);
  });

  it("tells C from T from the first FIFO bytes, and reports what is wrong", () => {
    expect(detectTC(fromHex("54"))).toEqual({ kind: "more", need: 2 });
    expect(detectTC(fromHex("54CD08"))).toMatchObject({ kind: "error", error: "length", mode: "C", l: 8 });
    expect(detectTC(fromHex("543D80"))).toMatchObject({ kind: "error", error: "length", mode: "C", l: 128 });
    expect(detectTC(fromHex("54AA29"))).toMatchObject({ kind: "error", error: "sync", mode: "C" });
    expect(detectTC(fromHex("000000"))).toMatchObject({ kind: "error", error: "coding", mode: "T" });
    const t8 = encode3of6(fromHex("0844"));
    expect(detectTC(t8)).toMatchObject({ kind: "error", error: "length", mode: "T", l: 8 });
    // 0x54 = 010101.. is not a 3-of-6 code: no T frame can start with it
    expect(DECODE_3OF6[0x54 >> 2]).toBe(-1);
    fc.assert(
      fc.property(frameArb("A"), (f) => {
        const d = detectTC(fifoBytes("T", "A", f));
        expect(d).toMatchObject({ kind: "frame", mode: "T", l: f[0] });
        expect(fifoBytes("T", "A", f)[0]).not.toBe(0x54);
      }),
      { seed: SEED, numRuns: 200 },
    );
  });
});

describe("on-air encoding", () => {
  it("puts the coded frame between sync and postamble", () => {
    fc.assert(
      fc.property(fc.constantFrom("T", "C", "S"), frameArb("A"), fc.integer({ min: 0, max: 40 }), (mode, f, pairs) => {
        const a = encodeOnAir(mode as "T" | "C" | "S", "A", f, { preamblePairs: pairs });
        const coded = chipsAt(a.chips, a.fifoStart + (mode === "C" ? 16 : 0), Math.ceil((a.frameEnd - a.fifoStart) / 8));
        const back = mode === "T" ? decode3of6(coded, f.length).bytes : mode === "S" ? decodeManchester(coded, f.length).bytes : coded.subarray(0, f.length);
        expect(back).toEqual(f);
        expect(a.chipCount - a.frameEnd).toBeGreaterThanOrEqual(4);
      }),
      { seed: SEED, numRuns: 200 },
    );
  });
});
