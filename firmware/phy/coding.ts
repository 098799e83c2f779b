/**
 * What the two line codes of EN 13757-4 (3-of-6 for mode T, Manchester for modes S/R2) share: the
 * result type and the allocating wrapper around their decode-into loops. The loops themselves stay
 * in three-of-six.ts and manchester.ts (they differ in how chips pack into symbols).
 */

export interface CodingResult {
  /** True when every symbol (chip pair for Manchester) was valid. */
  ok: boolean;
  /** The bytes decoded before the first error (all of them when ok). */
  bytes: Uint8Array;
  /** Index of the first invalid 6-chip symbol (3-of-6) or bit (Manchester), -1 when ok. */
  errorAt: number;
}

/**
 * Decodes up to `n` bytes from chips [chipStart, chipStart + chipLength) into `out` at `outStart`;
 * returns -1 when all is valid, else the index of the first bad symbol.
 */
export type DecodeInto = (
  chips: Uint8Array,
  chipStart: number,
  chipLength: number,
  out: Uint8Array,
  outStart: number,
  n: number,
) => number;

/**
 * Decodes `n` bytes (clamped to 0..`max`, what the chips hold) from the whole `chips` array into a
 * new array. Symbol index `bad` lies in byte `bad >> symbolsPerByteLog2` (3-of-6: 2 symbols a byte,
 * Manchester: 8 bits a byte); only the whole bytes before it are returned.
 */
export function decodeAll(decodeInto: DecodeInto, chips: Uint8Array, n: number, max: number, symbolsPerByteLog2: number): CodingResult {
  if (n > max) n = max;
  if (n < 0) n = 0;
  const out = new Uint8Array(n);
  const bad = decodeInto(chips, 0, chips.length, out, 0, n);
  if (bad < 0) return { ok: true, bytes: out, errorAt: -1 };
  return { ok: false, bytes: out.subarray(0, bad >> symbolsPerByteLog2), errorAt: bad };
}
