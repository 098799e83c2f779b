import { fail } from "../errors.js";

const HEX = "0123456789ABCDEF";

/** Parses hex text. Spaces, tabs, newlines and the separators `_ | # :` and `-` are ignored. */
export function fromHex(text: string): Uint8Array {
  const digits: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    let v = -1;
    if (c >= 48 && c <= 57) v = c - 48;
    else if (c >= 65 && c <= 70) v = c - 55;
    else if (c >= 97 && c <= 102) v = c - 87;
    else if (c === 32 || c === 9 || c === 10 || c === 13 || c === 95 || c === 124 || c === 35 || c === 58 || c === 45) continue;
    else fail("bad_hex", `not a hex digit: '${text[i]}' at character ${i}`, i);
    digits.push(v);
  }
  if (digits.length & 1) fail("bad_hex", `odd number of hex digits (${digits.length})`, digits.length >> 1);
  const out = new Uint8Array(digits.length >> 1);
  for (let i = 0; i < out.length; i++) out[i] = (digits[2 * i] << 4) | digits[2 * i + 1];
  return out;
}

/** Upper-case hex of bytes [start, end). */
export function toHex(bytes: Uint8Array, start = 0, end = bytes.length): string {
  let s = "";
  for (let i = start; i < end; i++) s += HEX[bytes[i] >> 4] + HEX[bytes[i] & 15];
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
