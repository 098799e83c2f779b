/**
 * Transmit side of the PHY: a frame (L first, DLL CRCs included) → the chips a meter sends, for the air model,
 * the chip simulators and round-trip tests. Packed 8 chips per byte, first chip in bit 7.
 *
 *   T: n × `01`, sync `0000111101`, 3-of-6 frame, postamble;
 *   C: n × `01`, `0x543D`, `0x54CD` (A) or `0x543D` (B), NRZ frame, postamble;
 *   S: n × `01`, sync `000111011010010110`, Manchester frame, postamble.
 *
 * Postamble: alternating chips, 8 by default, 4 when that makes a T frame end on a byte boundary (IMST).
 */
import { fail } from "../errors.js";
import { encodeManchester } from "./manchester.js";
import type { FrameFormat, PhyMode } from "../vocabulary.js";
import { SYNC } from "./sync.js";
import { encode3of6 } from "./three-of-six.js";

export interface OnAir {
  /** Packed chips; unused chips of the last byte are 0. */
  chips: Uint8Array;
  chipCount: number;
  /** Chip index right after the radio's 16-bit sync word: where FIFO data starts. */
  fifoStart: number;
  /** Chip index after the last frame chip (before the postamble). */
  frameEnd: number;
}

export interface OnAirOptions {
  /** `01` preamble pairs; default: the mode's minimum (T 19, C 16, S 279). */
  preamblePairs?: number;
  /** Postamble chips (alternating, starting with 0); default 8, or 4 where that byte-aligns a T frame. */
  postambleChips?: number;
}

class BitWriter {
  bytes: Uint8Array;
  n = 0;
  constructor(capacityChips: number) {
    this.bytes = new Uint8Array((capacityChips + 7) >> 3);
  }
  put(value: number, count: number): void {
    for (let i = count - 1; i >= 0; i--) {
      if ((value >> i) & 1) this.bytes[this.n >> 3] |= 0x80 >> (this.n & 7);
      this.n++;
    }
  }
  /** Appends the first `chips` chips of b (whole bytes are shifted in, not chip by chip). */
  putBytes(b: Uint8Array, chips: number): void {
    const r = this.n & 7;
    let i = this.n >> 3;
    const whole = chips >> 3;
    for (let k = 0; k < whole; k++, i++) {
      this.bytes[i] |= b[k] >> r;
      if (r) this.bytes[i + 1] |= (b[k] << (8 - r)) & 0xff;
    }
    this.n += whole * 8;
    const rest = chips & 7;
    if (rest) this.put(b[whole] >> (8 - rest), rest);
  }
  alternating(count: number): void {
    for (let i = 0; i < count; i++) this.put(i & 1, 1);
  }
}

export function encodeOnAir(mode: PhyMode, format: FrameFormat, frame: Uint8Array, opts: OnAirOptions = {}): OnAir {
  if (format === "B" && mode !== "C") fail("bad_argument", `mode ${mode} has no frame format B`);
  const spec = SYNC[mode];
  const pairs = opts.preamblePairs ?? spec.minPreamblePairs;
  const body =
    mode === "T" ? encode3of6(frame) : mode === "S" ? encodeManchester(frame) : frame;
  const bodyChips = frame.length * (mode === "T" ? 12 : mode === "S" ? 16 : 8);
  const head = 2 * pairs + spec.syncChips + (mode === "C" ? 16 : 0);
  const post = opts.postambleChips ?? ((head + bodyChips) % 8 === 4 ? 4 : 8);
  const w = new BitWriter(head + bodyChips + post);
  for (let i = 0; i < pairs; i++) w.put(0b01, 2);
  w.put(spec.syncWord, spec.syncChips);
  const fifoStart = w.n;
  if (mode === "C") w.put(format === "A" ? spec.formatWord!.A : spec.formatWord!.B, 16);
  w.putBytes(body, bodyChips);
  const frameEnd = w.n;
  w.alternating(post);
  return { chips: w.bytes, chipCount: w.n, fifoStart, frameEnd };
}

/** Reads `count` bytes of chips starting at chip `startChip` (any alignment); chips past the end read 0. */
export function chipsAt(chips: Uint8Array, startChip: number, count: number): Uint8Array {
  const out = new Uint8Array(count);
  const r = startChip & 7;
  const first = startChip >> 3;
  for (let k = 0; k < count; k++) {
    const i = first + k;
    const hi = i < chips.length ? chips[i] : 0;
    const lo = i + 1 < chips.length ? chips[i + 1] : 0;
    out[k] = r ? ((hi << r) | (lo >> (8 - r))) & 0xff : hi;
  }
  return out;
}

/**
 * What the radio FIFO delivers after the 16-bit sync match for this frame: the coded frame (C: after the
 * `54 CD`/`54 3D` word) up to the byte holding its last chip, then `extra` further bytes of postamble/noise.
 */
export function fifoBytes(mode: PhyMode, format: FrameFormat, frame: Uint8Array, extra = 0, opts: OnAirOptions = {}): Uint8Array {
  const a = encodeOnAir(mode, format, frame, opts);
  const n = ((a.frameEnd - a.fifoStart + 7) >> 3) + extra;
  return chipsAt(a.chips, a.fifoStart, n);
}
