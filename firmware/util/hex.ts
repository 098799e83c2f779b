import { fail } from "../errors.js";

const HEX = "0123456789ABCDEF";

/** The two upper-case hex digits of every byte value (frozen: one string per byte instead of two lookups and a concatenation). */
const BYTE_HEX: readonly string[] = Object.freeze(Array.from({ length: 256 }, (_, b) => HEX[b >> 4] + HEX[b & 15]));

/** Parses hex text. Spaces, tabs, newlines and the separators `_ | # :` and `-` are ignored. */
export function fromHex(text: string): Uint8Array {
  // one pass into a buffer of the largest possible size (no per-digit list); cut only when separators were skipped
  const out = new Uint8Array(text.length >> 1);
  let n = 0;
  let high = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    let v: number;
    if (c >= 48 && c <= 57) v = c - 48;
    else if (c >= 65 && c <= 70) v = c - 55;
    else if (c >= 97 && c <= 102) v = c - 87;
    else if (c === 32 || c === 9 || c === 10 || c === 13 || c === 95 || c === 124 || c === 35 || c === 58 || c === 45) continue;
    else return fail("bad_hex", `not a hex digit: '${text[i]}' at character ${i}`, i);
    if ((n & 1) === 0) high = v;
    else out[n >> 1] = (high << 4) | v;
    n++;
  }
  if (n & 1) fail("bad_hex", `odd number of hex digits (${n})`, n >> 1);
  return n >> 1 === out.length ? out : out.slice(0, n >> 1);
}

/** Upper-case hex of bytes [start, end). */
export function toHex(bytes: Uint8Array, start = 0, end = bytes.length): string {
  let s = "";
  for (let i = start; i < end; i++) s += BYTE_HEX[bytes[i]];
  return s;
}

/** Two upper-case hex digits of one byte. */
export function hex8(v: number): string {
  return HEX[(v >> 4) & 15] + HEX[v & 15];
}

/** Four hex digits of a 16-bit value, most significant first. */
export function hex16(v: number): string {
  return hex8(v >> 8) + hex8(v);
}
