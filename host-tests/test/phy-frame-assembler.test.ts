import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { addFrameACrc, addFrameBCrc, stripFrameA, stripFrameB } from "../../firmware/link/frame-format.js";
import { fromHex } from "../../firmware/util/hex.js";
import {
  FIFO_ERR_CODING,
  FIFO_ERR_LENGTH,
  FIFO_ERR_OVERFLOW,
  FIFO_ERR_SYNC,
  FIFO_FRAME,
  FIFO_MORE,
  FrameAssembler,
} from "../../firmware/phy/frame-assembler.js";
import { fifoBytes } from "../../firmware/phy/on-air.js";
import { fifoLength } from "../../firmware/phy/sync.js";
import { encode3of6 } from "../../firmware/phy/three-of-six.js";

const SEED = 0x543d;
type Kind = "T" | "CA" | "CB" | "S";
const modeOf = (k: Kind) => (k === "CA" || k === "CB" ? "C" : k) as "T" | "C" | "S";
const formatOf = (k: Kind) => (k === "CB" ? "B" : "A") as "A" | "B";

/** A random valid frame with CRCs for the kind. */
function frameArb(kind: Kind) {
  const b = kind === "CB";
  return fc.uint8Array({ minLength: b ? 11 : 10, maxLength: b ? 252 : 256 }).map((s) => {
    const f = s.slice();
    f[0] = f.length - 1;
    return b ? addFrameBCrc(f) : addFrameACrc(f);
  });
}

/** Splits bytes at sorted cut points. */
function chunk(bytes: Uint8Array, cuts: number[]): Uint8Array[] {
  const pos = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  const out: Uint8Array[] = [];
  let last = 0;
  for (const p of pos) {
    out.push(bytes.subarray(last, p));
    last = p;
  }
  out.push(bytes.subarray(last));
  return out;
}

describe("FrameAssembler (TS twin of wmbus_fifo.c)", () => {
  it("assembles T, C frame A, C frame B and S frames from FIFO chunks of any size", () => {
    fc.assert(
      fc.property(
        fc.constantFrom<Kind>("T", "CA", "CB", "S").chain((k) => fc.tuple(fc.constant(k), frameArb(k))),
        fc.array(fc.nat(), { maxLength: 12 }),
        fc.integer({ min: 0, max: 6 }),
        ([kind, frame], cuts, extra) => {
          const mode = modeOf(kind), format = formatOf(kind);
          const raw = fifoBytes(mode, format, frame, extra);
          const total = fifoLength(mode, format, frame[0]);
          expect(raw.length).toBe(total + extra);
          const a = new FrameAssembler(mode === "S" ? "S" : "TC");
          a.reset();
          let used = 0, status = FIFO_MORE as number;
          for (const c of chunk(raw, cuts)) {
            status = a.feed(c);
            used += a.consumed;
            if (status !== FIFO_MORE) break;
            if (a.rawTotal) expect(a.rawRemaining).toBe(total - used);
          }
          expect(status).toBe(FIFO_FRAME);
          expect(used).toBe(total);
          expect(a.mode).toBe(mode);
          expect(a.format).toBe(format);
          expect(a.frameLength).toBe(frame.length);
          expect(a.frame()).toEqual(frame);
          expect(a.rawRemaining).toBe(0);
          const stripped = format === "A" ? stripFrameA(a.frame()) : stripFrameB(a.frame());
          expect(stripped).not.toBeNull();
          // final: more bytes are not consumed
          expect(a.feed(fromHex("5555"))).toBe(FIFO_FRAME);
          expect(a.consumed).toBe(0);
        },
      ),
      { seed: SEED, numRuns: 400 },
    );
  });

  it("ends a T frame at the first invalid 3-of-6 symbol with the frame byte index", () => {
    const frame = addFrameACrc(fromHex("2E4493157856341233037A2A0020255923C95AAA26D1B2E7493B013EC4A6F6D3529B520EDFF0EA6DEFC99D6D69EBF3"));
    for (const at of [0, 1, 2, 17, frame.length - 1]) {
      const raw = fifoBytes("T", "A", frame);
      // symbol 2·at (high nibble of byte `at`) := 000000
      const c = 12 * at;
      for (let i = 0; i < 6; i++) raw[(c + i) >> 3] &= ~(0x80 >> ((c + i) & 7));
      const a = new FrameAssembler("TC");
      expect(a.feed(raw)).toBe(FIFO_ERR_CODING);
      expect(a.errorAt).toBe(at);
      expect(a.length).toBe(at);
      expect(a.frame()).toEqual(frame.subarray(0, at));
      expect(a.feed(raw)).toBe(FIFO_ERR_CODING); // final until reset
      a.reset();
      expect(a.feed(fifoBytes("T", "A", frame))).toBe(FIFO_FRAME);
    }
  });

  it("reports sync, length and overflow errors from the header", () => {
    const a = new FrameAssembler();
    expect(a.feed(fromHex("54AA29"))).toBe(FIFO_ERR_SYNC);
    expect(a.errorAt).toBe(-1);
    expect(a.mode).toBe("C");
    for (const h of ["54CD08", "543D0B", "543D80", "543D81"]) {
      a.reset();
      expect(a.feed(fromHex(h + "0000"))).toBe(FIFO_ERR_LENGTH);
      expect(a.consumed).toBe(3);
      expect(a.errorAt).toBe(0);
    }
    a.reset();
    expect(a.feed(encode3of6(fromHex("0844")))).toBe(FIFO_ERR_LENGTH);
    a.reset();
    expect(a.feed(fromHex("000000"))).toBe(FIFO_ERR_CODING);
    expect(a.mode).toBe("T");
  });

  it("checks the S header for Manchester violations and L", () => {
    const s = new FrameAssembler("S");
    expect(s.feed(fromHex("00"))).toBe(FIFO_MORE);
    expect(s.feed(fromHex("55"))).toBe(FIFO_ERR_CODING);
    expect(s.errorAt).toBe(0);
    s.reset();
    expect(s.feed(fromHex("AA6A"))).toBe(FIFO_ERR_LENGTH); // L = 0x08
    s.reset();
    expect(s.feed(fromHex("AA69"))).toBe(FIFO_MORE); // L = 0x09
    expect(s.rawTotal).toBe(24);
  });

  it("refuses frames longer than maxFrame", () => {
    const a = new FrameAssembler("TC", 101);
    expect(a.feed(fromHex("543D64"))).toBe(FIFO_MORE); // B, L = 100 → 101 bytes
    a.reset();
    expect(a.feed(fromHex("543D65"))).toBe(FIFO_ERR_OVERFLOW);
    expect(a.errorAt).toBe(0);
    expect(new FrameAssembler("TC", 9999).maxFrame).toBe(512);
  });
});
