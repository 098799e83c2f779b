/**
 * Decoding of a record's data bytes (EN 13757-3:2018 §6.3 table 4, §6.3.4 LVAR table 7,
 * Annex A data types) according to the data field of the DIF and the value kind of the VIB.
 */
import { fail } from "../errors.js";
import { hex8, toHex } from "../util/hex.js";
import { bcdValue, DATE_BY_LENGTH, latin1Reversed, readBcd, readInt, readReal32, scaleDecimalString, scaleNumber } from "./datatypes.js";
import type { DifInfo } from "./dif.js";
import type { VifInfo } from "./vif.js";

export interface DecodedValue {
  value: number | string | null;
  /** Data bytes used, including the LVAR byte. */
  length: number;
  /** The value is a scaled number (or a number too big for a double, or an invalid number). */
  numeric?: boolean;
  error?: string;
}

function allFF(buf: Uint8Array, p: number, n: number): boolean {
  for (let i = 0; i < n; i++) if (buf[p + i] !== 0xff) return false;
  return true;
}

function need(pos: number, n: number, end: number, what: string): void {
  if (pos + n > end) fail("truncated", `${what}: needs ${n} byte(s) at offset ${pos}, only ${end - pos} left`, pos);
}

/** raw × 10^exp (+ 10^additive when an additive correction VIFE is present), exact where possible. */
function scaled(raw: number | string, info: VifInfo): number | string {
  if (typeof raw === "string") return scaleDecimalString(raw, info.exponent);
  const add = info.additive;
  if (add === undefined) return scaleNumber(raw, info.exponent);
  const e = info.exponent < add ? info.exponent : add;
  return scaleNumber(scaleNumber(raw, info.exponent - e) + scaleNumber(1, add - e), e);
}

function hexMsbFirst(buf: Uint8Array, p: number, n: number): string {
  let s = "";
  for (let i = p + n - 1; i >= p; i--) s += hex8(buf[i]);
  return s;
}

/** Integer data (fixed-length data fields 1-4, 6, 7, and LVAR E0-E8) by value kind. */
function intValue(buf: Uint8Array, p: number, n: number, info: VifInfo): DecodedValue {
  switch (info.kind) {
    case "date": {
      const t = DATE_BY_LENGTH[n];
      if (t === undefined) return { value: toHex(buf, p, p + n), length: n };
      const text = t.decode(buf, p);
      if (!t.invalid(buf, p)) return { value: text, length: n };
      const shown = allFF(buf, p, n) ? "" : `: ${text}`;
      return { value: null, length: n, error: `invalid date/time (type ${t.type}${shown})` };
    }
    case "hex":
    case "container":
      return { value: toHex(buf, p, p + n), length: n };
    case "bin12": {
      const raw = readInt(buf, p, n, false);
      return { value: typeof raw === "number" ? raw / 4096 : raw, length: n };
    }
    case "unsigned":
      return { value: scaled(readInt(buf, p, n, false), info), length: n, numeric: true };
    case "id":
      // Identification numbers are digit strings (EN 13757-3 §6.4: fabrication no., enhanced id, customer …);
      // a binary-coded one prints its hex digits, most significant first, as the BCD form would.
      return { value: hexMsbFirst(buf, p, n), length: n };
    default:
      return { value: scaled(readInt(buf, p, n, true), info), length: n, numeric: true };
  }
}

/**
 * Type A BCD of at most 7 bytes (14 digits, always an exact double) read straight into a number, with
 * the same rules as readBcd + bcdValue: a top nibble F of the last byte means negative. Returns NaN when
 * a nibble is not a digit, so the caller takes the general path that words the error.
 */
export function bcdNumber(buf: Uint8Array, p: number, n: number, negative: boolean): number {
  let v = 0;
  for (let i = n - 1; i >= 0; i--) {
    const b = buf[p + i];
    const hi = b >> 4, lo = b & 15;
    if (i === n - 1 && hi === 15) negative = true;
    else if (hi > 9) return NaN;
    else v = v * 10 + hi;
    if (lo > 9) return NaN;
    v = v * 10 + lo;
  }
  return negative ? -v : v;
}

/** BCD data (type A) by value kind: identification numbers keep their digits as a string. */
function bcdData(buf: Uint8Array, p: number, n: number, info: VifInfo, negative: boolean, length: number): DecodedValue {
  if (info.kind === "hex" || info.kind === "container") return { value: toHex(buf, p, p + n), length };
  const numeric = info.kind !== "id";
  if (numeric && n <= 7) {
    const v = bcdNumber(buf, p, n, negative);
    if (v === v) return { value: scaled(v, info), length, numeric };
  }
  const r = readBcd(buf, p, n);
  if (r.digits === null) return { value: null, length, numeric, error: `invalid BCD digits ${toHex(buf, p, p + n)}` };
  r.negative = r.negative || negative;
  if (!numeric) return { value: r.negative ? "-" + r.digits : r.digits, length };
  const v = bcdValue(r);
  return { value: v === null ? null : scaled(v, info), length, numeric };
}

/** LVAR (EN 13757-3:2018 §6.3.4, table 7). */
function lvarData(buf: Uint8Array, pos: number, end: number, info: VifInfo): DecodedValue {
  need(pos, 1, end, "LVAR");
  const l = buf[pos];
  const p = pos + 1;
  let n: number;
  if (info.kind === "container" || l <= 0xbf) n = l; // plain byte count / ISO 8859-1 text
  else if (l <= 0xc9) n = l - 0xc0; // positive BCD, l - C0 bytes
  else if (l >= 0xd0 && l <= 0xd9) n = l - 0xd0; // negative BCD
  else if (l >= 0xe0 && l <= 0xef) n = l - 0xe0; // binary number
  else if (l >= 0xf0 && l <= 0xf4) n = 4 * (l - 0xec); // binary, 16..32 bytes
  else if (l === 0xf5) n = 48;
  else if (l === 0xf6) n = 64;
  else return fail("bad_lvar", `reserved LVAR 0x${hex8(l)} at offset ${pos}`, pos);
  need(p, n, end, "LVAR data");
  const length = n + 1;
  // containers, raw kinds and type M (LVAR date/time) stay hex
  if (info.kind === "container" || info.kind === "hex" || info.kind === "date") return { value: toHex(buf, p, p + n), length };
  if (l <= 0xbf) return { value: info.kind === "mfct" ? toHex(buf, p, p + n) : latin1Reversed(buf, p, n), length };
  if (l <= 0xd9) return bcdData(buf, p, n, info, l >= 0xd0, length);
  if (l <= 0xe8) return { ...intValue(buf, p, n, info), length };
  return { value: toHex(buf, p, p + n), length };
}

/** Decodes the data of one record starting at `pos`; never reads at or past `end`. */
export function decodeValue(dif: DifInfo, info: VifInfo, buf: Uint8Array, pos: number, end: number): DecodedValue {
  const n = dif.dataLength;
  switch (dif.coding) {
    case "lvar":
      return lvarData(buf, pos, end, info);
    case "int":
      need(pos, n, end, "record data");
      return intValue(buf, pos, n, info);
    case "bcd":
      need(pos, n, end, "record data");
      return bcdData(buf, pos, n, info, false, n);
    case "real": {
      need(pos, 4, end, "record data");
      if (info.kind === "hex" || info.kind === "container") return { value: toHex(buf, pos, pos + 4), length: 4 };
      const v = readReal32(buf, pos);
      if (v !== v || v === Infinity || v === -Infinity) return { value: null, length: 4, numeric: true, error: "real value is not finite" };
      return { value: scaled(v, info), length: 4, numeric: true };
    }
    default:
      return { value: null, length: 0 }; // no data, selection for readout
  }
}
