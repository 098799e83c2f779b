/**
 * Byte fields of manufacturer-specific payloads (CI A0–B7 APLs, data after a 0F DIF).
 */
import type { ByteField, FieldValue } from "./types.js";
import { convert, round6 } from "./units.js";
import { lookupVif, PRIMARY_TABLE } from "../application/vif-tables.js";
import { pad2, scaleNumber } from "../application/datatypes.js";

/** Unsigned little-endian integer of b[at, at+len) (len ≤ 6 is exact). */
export function le(b: Uint8Array, at: number, len: number): number {
  let v = 0;
  for (let i = at + len - 1; i >= at; i--) v = v * 256 + b[i];
  return v;
}

export function be(b: Uint8Array, at: number, len: number): number {
  let v = 0;
  for (let i = at; i < at + len; i++) v = v * 256 + b[i];
  return v;
}

/** BCD digits of b[at, at+len), little-endian byte order, as a number; null for non-decimal digits. */
export function bcd(b: Uint8Array, at: number, len: number): number | null {
  let v = 0;
  for (let i = at + len - 1; i >= at; i--) {
    const hi = b[i] >> 4, lo = b[i] & 15;
    if (hi > 9 || lo > 9) return null;
    v = v * 100 + hi * 10 + lo;
  }
  return v;
}

/** Type G date (2 bytes, little-endian); null when invalid (month 0 or > 12, or all ones). */
export function dateG(b: Uint8Array, at: number): string | null {
  const lo = b[at], hi = b[at + 1];
  if (lo === 0xff && hi === 0xff) return null;
  const day = lo & 0x1f, month = hi & 0x0f;
  const year = 2000 + (((lo & 0xe0) >> 5) | ((hi & 0xf0) >> 1));
  return `${year}-${pad2(month)}-${pad2(day)}`;
}

/** Type F date-time (4 bytes) "YYYY-MM-DD HH:MM". */
export function dateF(b: Uint8Array, at: number): string | null {
  const d = dateG(b, at + 2);
  return d === null ? null : `${d} ${pad2(b[at + 1] & 0x1f)}:${pad2(b[at] & 0x3f)}`;
}

function hexOf(b: Uint8Array, at: number, len: number): string {
  const H = "0123456789ABCDEF";
  let s = "";
  for (let i = at; i < at + len; i++) s += H[b[i] >> 4] + H[b[i] & 15];
  return s;
}

function pow2(n: number): number {
  let p = 1;
  for (let i = 0; i < n; i++) p *= 2;
  return p;
}

/** Reads one byte field; undefined when the area is too short. */
export function readByteField(f: ByteField, b: Uint8Array): FieldValue | undefined {
  const at = f.offset < 0 ? b.length + f.offset : f.offset;
  if (at < 0 || at + f.size > b.length) return undefined;
  let v: FieldValue;
  switch (f.encoding) {
    case "be":
      v = be(b, at, f.size);
      break;
    case "sle": {
      v = le(b, at, f.size);
      const half = f.size === 1 ? 128 : f.size === 2 ? 32768 : f.size === 3 ? 8388608 : 2147483648;
      if (v >= half) v -= 2 * half;
      break;
    }
    case "bcd":
      v = bcd(b, at, f.size);
      break;
    case "dateG":
      v = dateG(b, at);
      break;
    case "dateF":
      v = dateF(b, at);
      break;
    case "hex":
      v = hexOf(b, at, f.size);
      break;
    default:
      v = le(b, at, f.size);
  }
  if (typeof v === "number") {
    if (f.noValue !== undefined && v === f.noValue) return undefined;
    if (f.shift !== undefined) v = Math.floor(v / pow2(f.shift));
    if (f.mask !== undefined) v = v % (f.mask + 1); // masks are 2^n - 1
    if (f.divisor !== undefined) v = v / f.divisor;
    if (f.factor !== undefined) v = v * f.factor;
    if (f.vifOffset !== undefined && f.vifOffset < b.length) {
      const m = lookupVif(PRIMARY_TABLE, b[f.vifOffset]);
      if (m === undefined) return undefined;
      v = scaleNumber(v, m.exponent);
      if (f.unit !== undefined) v = convert(v, m.unit, f.unit) ?? v;
    }
  }
  if (f.transform) v = f.transform(v, null);
  return typeof v === "number" ? round6(v) : v;
}
