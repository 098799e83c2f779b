/**
 * Manchester code of modes S, R2 and the T2 downlink (EN 13757-4; docs/protocol.md §1.4).
 *
 * Chip pair `01` is bit 1, `10` is bit 0; `00` and `11` are violations. Bytes are sent MSB first, so each byte
 * becomes 16 chips = 2 chip bytes (first chip in bit 7). Decoding never throws: it stops at the first
 * violation and reports the index of that bit (chip pair). The native twin is
 * firmware/native/wmbus_manchester.c (`wmbus_manchester_decode`).
 */
import { decodeAll, type CodingResult, type DecodeInto } from "./coding.js";

/** Nibble → 8 chips. */
const ENC: Uint8Array = /* @__PURE__ */ (() => {
  const t = new Uint8Array(16);
  for (let n = 0; n < 16; n++) {
    let c = 0;
    for (let b = 3; b >= 0; b--) c = (c << 2) | ((n >> b) & 1 ? 0b01 : 0b10);
    t[n] = c;
  }
  return t;
})();

/** 8 chips (4 pairs) → nibble, or -1 when a pair is `00` or `11`. */
export const DECODE_MANCHESTER: Int8Array = /* @__PURE__ */ (() => {
  const t = new Int8Array(256).fill(-1);
  for (let n = 0; n < 16; n++) t[ENC[n]] = n;
  return t;
})();

export function encodeManchester(bytes: Uint8Array, start = 0, end = bytes.length): Uint8Array {
  const out = new Uint8Array(2 * (end - start));
  for (let k = 0; k < end - start; k++) {
    const v = bytes[start + k];
    out[2 * k] = ENC[v >> 4];
    out[2 * k + 1] = ENC[v & 15];
  }
  return out;
}

/** Index (0..3) of the first violating pair in a chip byte whose table entry is -1. */
function firstViolation(c: number): number {
  for (let p = 0; p < 4; p++) {
    const pair = (c >> (6 - 2 * p)) & 3;
    if (pair === 0 || pair === 3) return p;
  }
  return 0; // not reached for a byte the table rejects
}

/**
 * Decodes `n` bytes (clamped to chipLength >> 1) from chips [chipStart, chipStart + chipLength) into `out`.
 * Returns -1 when there is no violation, otherwise the index of the first bad bit (bit 8k is the MSB of
 * byte k). Only whole bytes before the bad bit's byte are written.
 */
export const decodeManchesterInto: DecodeInto = (chips, chipStart, chipLength, out, outStart, n) => {
  const max = chipLength >> 1;
  if (n > max) n = max;
  for (let k = 0; k < n; k++) {
    const c0 = chips[chipStart + 2 * k];
    const hi = DECODE_MANCHESTER[c0];
    if (hi < 0) return 8 * k + firstViolation(c0);
    const c1 = chips[chipStart + 2 * k + 1];
    const lo = DECODE_MANCHESTER[c1];
    if (lo < 0) return 8 * k + 4 + firstViolation(c1);
    out[outStart + k] = (hi << 4) | lo;
  }
  return -1;
};

export function decodeManchester(chips: Uint8Array, n = chips.length >> 1): CodingResult {
  return decodeAll(decodeManchesterInto, chips, n, chips.length >> 1, 3);
}
