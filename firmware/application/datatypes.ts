/**
 * Data types of EN 13757-3:2018 Annex A: type A (BCD), B (signed integer), C (unsigned),
 * H (32-bit real), F / G / I / J (date and time), plus exact power-of-ten scaling.
 * No Math.pow: scaling uses the literal table POW10 so that e.g. 2850427 × 10^-2 is the same
 * double as the literal 28504.27.
 */
import { deepFreeze } from "../util/freeze.js";


/** 10^0 … 10^22: every entry is an exact double. */
export const POW10: readonly number[] = deepFreeze([
  1, 10, 100, 1000, 10000, 100000, 1000000, 10000000, 100000000, 1000000000, 10000000000,
  100000000000, 1000000000000, 10000000000000, 100000000000000, 1000000000000000,
  10000000000000000, 100000000000000000, 1000000000000000000, 10000000000000000000,
  100000000000000000000, 1000000000000000000000, 10000000000000000000000,
]);

/** 2^(8·n) for n = 0..6. */
const POW256: readonly number[] = deepFreeze([1, 256, 65536, 16777216, 4294967296, 1099511627776, 281474976710656]);

/** raw × 10^exp. A negative exponent divides by the exact power of ten (no float noise). */
export function scaleNumber(raw: number, exp: number): number {
  let v = raw;
  while (exp > 22) {
    v *= POW10[22];
    exp -= 22;
  }
  while (exp < -22) {
    v /= POW10[22];
    exp += 22;
  }
  return exp >= 0 ? v * POW10[exp] : v / POW10[-exp];
}

/** Scales a decimal integer string ("-123") by 10^exp, keeping every digit. */
export function scaleDecimalString(s: string, exp: number): string {
  if (exp === 0) return s;
  const neg = s.charCodeAt(0) === 45;
  let digits = neg ? s.slice(1) : s;
  if (exp > 0) {
    if (digits === "0") return "0";
    for (let i = 0; i < exp; i++) digits += "0";
    return neg ? "-" + digits : digits;
  }
  const n = -exp;
  while (digits.length <= n) digits = "0" + digits;
  let int = digits.slice(0, digits.length - n);
  let frac = digits.slice(digits.length - n);
  let end = frac.length;
  while (end > 0 && frac.charCodeAt(end - 1) === 48) end--;
  frac = frac.slice(0, end);
  if (int === "") int = "0";
  const out = frac === "" ? int : int + "." + frac;
  return neg && out !== "0" ? "-" + out : out;
}

/**
 * Little-endian integer of 1..8 bytes (type B when signed, type C when not). Values beyond
 * ±2^53 come back as decimal strings (BigInt), all others as numbers.
 */
export function readInt(buf: Uint8Array, pos: number, len: number, signed: boolean): number | string {
  if (len <= 6) {
    let v = 0;
    for (let i = len - 1; i >= 0; i--) v = v * 256 + buf[pos + i];
    if (signed && len > 0 && buf[pos + len - 1] & 0x80) v -= POW256[len];
    return v;
  }
  const lo = (buf[pos] | (buf[pos + 1] << 8) | (buf[pos + 2] << 16) | (buf[pos + 3] << 24)) >>> 0;
  let hi = 0;
  for (let i = len - 1; i >= 4; i--) hi = hi * 256 + buf[pos + i];
  if (signed && buf[pos + len - 1] & 0x80) hi -= POW256[len - 4];
  if (hi < 0x200000 && hi >= -0x200000) return hi * 4294967296 + lo;
  return (BigInt(hi) * BigInt(4294967296) + BigInt(lo)).toString();
}

export interface BcdResult {
  /** Digits (most significant first, no sign) or null when a nibble is not 0-9. */
  digits: string | null;
  negative: boolean;
}

/**
 * Type A BCD, least significant byte first. A top nibble of 0xF marks a negative value
 * (EN 13757-3 Annex A); any other nibble above 9 makes the value invalid.
 */
export function readBcd(buf: Uint8Array, pos: number, len: number): BcdResult {
  let s = "";
  let negative = false;
  for (let i = len - 1; i >= 0; i--) {
    const b = buf[pos + i];
    const hi = b >> 4, lo = b & 15;
    if (i === len - 1 && hi === 15) negative = true;
    else if (hi > 9) return { digits: null, negative: false };
    else s += String.fromCharCode(48 + hi);
    if (lo > 9) return { digits: null, negative: false };
    s += String.fromCharCode(48 + lo);
  }
  return { digits: s, negative };
}

/** BCD digits as a signed number (≤ 15 digits) or, when longer, a decimal string. */
export function bcdValue(r: BcdResult): number | string | null {
  if (r.digits === null) return null;
  let d = r.digits;
  let i = 0;
  while (i < d.length - 1 && d.charCodeAt(i) === 48) i++;
  d = d.slice(i);
  if (d.length <= 15) {
    let v = 0;
    for (let k = 0; k < d.length; k++) v = v * 10 + (d.charCodeAt(k) - 48);
    return r.negative ? -v : v;
  }
  return r.negative ? "-" + d : d;
}

/** Type H, IEEE 754 single precision, little endian. */
export function readReal32(buf: Uint8Array, pos: number): number {
  return new DataView(buf.buffer, buf.byteOffset + pos, 4).getFloat32(0, true);
}

/** Bytes [pos, pos+n) as ISO 8859-1 text, last byte first (LVAR texts and plain-text units). */
export function latin1Reversed(buf: Uint8Array, pos: number, n: number): string {
  let s = "";
  for (let i = pos + n - 1; i >= pos; i--) s += String.fromCharCode(buf[i]);
  return s;
}

/** A number with a leading zero below 10 (two digits for 0..99): the date and time fields' form. */
export function pad2(n: number): string {
  return n < 10 ? "0" + n : "" + n;
}

/** pad2 of 0 … 99, looked up instead of spelt (a call and a concatenation each under XS): hot date and time paths. */
export const PAD2: readonly string[] = deepFreeze(Array.from({ length: 100 }, (_, n) => pad2(n)));

/** Year from the 7-bit year field: 1900 + 100·HY + y, with y ≤ 80 and HY = 0 meaning 20yy. */
function year(y: number, hy: number): number {
  return hy === 0 && y <= 80 ? 2000 + y : 1900 + 100 * hy + y;
}

/**
 * EN 13757-3 Annex A: the all-ones year 127 is no year but "every year" (a recurring date such as a
 * yearly due date), so it prints as the ISO 8601 year-less date "--MM-DD", never as 2027.
 */
const EVERY_YEAR = 127;

function ymd(b0: number, b1: number, hy: number): string {
  const y = ((b0 >> 5) & 7) | ((b1 >> 1) & 0x78);
  const md = PAD2[b1 & 0x0f] + "-" + PAD2[b0 & 0x1f];
  return y === EVERY_YEAR ? "--" + md : year(y, hy) + "-" + md;
}

/** Type G date (2 bytes LE) "YYYY-MM-DD" (EN 13757-3 Annex A table A.5). */
function dateG(buf: Uint8Array, p: number): string {
  return ymd(buf[p], buf[p + 1], 0);
}

/** Type F date-time (4 bytes LE) "YYYY-MM-DD HH:MM"; hundred-year bits in byte 1 bits 6..5. */
function dateF(buf: Uint8Array, p: number): string {
  const hy = (buf[p + 1] >> 5) & 3;
  return ymd(buf[p + 2], buf[p + 3], hy) + " " + PAD2[buf[p + 1] & 0x1f] + ":" + PAD2[buf[p] & 0x3f];
}

/** Type I date-time with seconds (6 bytes LE) "YYYY-MM-DD HH:MM:SS". */
function dateI(buf: Uint8Array, p: number): string {
  return ymd(buf[p + 3], buf[p + 4], 0) + " " + PAD2[buf[p + 2] & 0x1f] + ":" + PAD2[buf[p + 1] & 0x3f] + ":" + PAD2[buf[p] & 0x3f];
}

/** Type J time (3 bytes LE) "HH:MM:SS". */
function timeJ(buf: Uint8Array, p: number): string {
  return PAD2[buf[p + 2] & 0x1f] + ":" + PAD2[buf[p + 1] & 0x3f] + ":" + PAD2[buf[p] & 0x3f];
}

function allFF(buf: Uint8Array, p: number, n: number): boolean {
  for (let i = 0; i < n; i++) if (buf[p + i] !== 0xff) return false;
  return true;
}

export interface DateType {
  readonly type: string;
  readonly decode: (buf: Uint8Array, p: number) => string;
  /** IV bit set or all bytes FF: the value is null. */
  readonly invalid: (buf: Uint8Array, p: number) => boolean;
}

/** Date/time type chosen by the data length (2 G, 3 J, 4 F, 6 I). */
export const DATE_BY_LENGTH: { readonly [len: number]: DateType } = deepFreeze({
  2: { type: "G", decode: dateG, invalid: (b, p) => allFF(b, p, 2) },
  3: { type: "J", decode: timeJ, invalid: (b, p) => allFF(b, p, 3) },
  4: { type: "F", decode: dateF, invalid: (b, p) => (b[p] & 0x80) !== 0 }, // IV: byte 0 bit 7
  6: { type: "I", decode: dateI, invalid: (b, p) => (b[p + 1] & 0x80) !== 0 }, // IV: byte 1 bit 7
});
