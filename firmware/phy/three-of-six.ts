/**
 * 3-out-of-6 code of mode T (meter → gateway), EN 13757-4; docs/protocol.md §1.3.
 *
 * Each byte becomes 12 chips: the 6-chip code of the high nibble first, then the low nibble's; each code is
 * sent MSB first. Chips are packed 8 per byte, first chip in bit 7 (the order a radio FIFO delivers them), so
 * n bytes need ceil(12·n / 8) = (3·n + 1) >> 1 chip bytes. An odd byte count leaves 4 unused chips in the
 * low nibble of the last chip byte (written as 0 by the encoder, ignored by the decoder).
 *
 * Decoding is table driven (a 64-entry reverse table) and never throws on bad input: it stops at the first
 * 6-chip pattern that is not a code and reports that symbol's index. The native twin is
 * firmware/native/wmbus_3of6.c (`wmbus_3of6_decode`), with identical results.
 */
import { decodeAll, type CodingResult, type DecodeInto } from "./coding.js";
import { deepFreeze } from "../util/freeze.js";

export type { CodingResult };

/** Nibble → 6-chip code. */
export const CODE_3OF6: readonly number[] = deepFreeze([
  0x16, 0x0d, 0x0e, 0x0b, 0x1c, 0x19, 0x1a, 0x13, 0x2c, 0x25, 0x26, 0x23, 0x34, 0x31, 0x32, 0x29,
]);

/** 6-chip pattern → nibble, or -1 for the 48 patterns that are not codes. */
export const DECODE_3OF6: Int8Array = /* @__PURE__ */ (() => {
  const t = new Int8Array(64).fill(-1);
  for (let n = 0; n < 16; n++) t[CODE_3OF6[n]] = n;
  return t;
})();

/** Chip bytes that carry n 3-of-6 coded bytes. */
export function encodedLength3of6(n: number): number {
  return (3 * n + 1) >> 1;
}

/** Whole bytes that `chipBytes` chip bytes can carry (12 chips each). */
export function decodedLength3of6(chipBytes: number): number {
  return Math.floor((chipBytes * 2) / 3);
}

/** Encodes bytes [start, end) into packed chips. */
export function encode3of6(bytes: Uint8Array, start = 0, end = bytes.length): Uint8Array {
  const n = end - start;
  const out = new Uint8Array(encodedLength3of6(n));
  for (let k = 0; k < n; k++) {
    const v = bytes[start + k];
    const sym = (CODE_3OF6[v >> 4] << 6) | CODE_3OF6[v & 15]; // 12 chips
    const bit = 12 * k;
    const i = bit >> 3;
    if ((bit & 7) === 0) {
      out[i] = sym >> 4;
      out[i + 1] = (sym & 0x0f) << 4;
    } else {
      out[i] |= sym >> 8;
      out[i + 1] = sym & 0xff;
    }
  }
  return out;
}

/**
 * Decodes `n` bytes from packed chips starting at chip byte `chipStart` into `out` at `outStart`.
 * `n` is clamped to what the chips hold. Returns -1 when every symbol is a code, otherwise the index (from 0,
 * relative to `chipStart`; symbol 2k is the high nibble of byte k) of the first invalid symbol. Only whole
 * bytes before that symbol's byte are written.
 */
export const decode3of6Into: DecodeInto = (chips, chipStart, chipLength, out, outStart, n) => {
  const max = decodedLength3of6(chipLength);
  if (n > max) n = max;
  for (let k = 0; k < n; k++) {
    const i = chipStart + ((12 * k) >> 3);
    let hi: number, lo: number;
    if ((k & 1) === 0) {
      hi = chips[i] >> 2;
      lo = ((chips[i] & 0x03) << 4) | (chips[i + 1] >> 4);
    } else {
      hi = ((chips[i] & 0x0f) << 2) | (chips[i + 1] >> 6);
      lo = chips[i + 1] & 0x3f;
    }
    const h = DECODE_3OF6[hi];
    if (h < 0) return 2 * k;
    const l = DECODE_3OF6[lo];
    if (l < 0) return 2 * k + 1;
    out[outStart + k] = (h << 4) | l;
  }
  return -1;
};

/** Decodes `n` bytes (default: as many as the chips hold) from packed chips. */
export function decode3of6(chips: Uint8Array, n = decodedLength3of6(chips.length)): CodingResult {
  return decodeAll(decode3of6Into, chips, n, decodedLength3of6(chips.length), 1);
}
