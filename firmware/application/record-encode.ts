/**
 * Encoder side of the APL data records (EN 13757-3:2018 §6): DIF [DIFE…] VIF [VIFE…] data, 2F idle fillers,
 * 7F/data field 8 selections, and bytes carried as they are (0F/1F manufacturer data, compact-frame data, unparsed tails). The inverse of
 * dif.ts and values.ts for numbers: a value in its unit is scaled back by 10^-exponent and written as a
 * type B/C integer, a type A BCD (negative: F in the top nibble, §6.3 / Annex A) or a type H real.
 */
import { fail } from "../errors.js";
import type { Writer } from "../util/writer.js";
import { DATA_FIELDS, FUNCTIONS, MAX_DIFE } from "./dif.js";
import type { RecordFunction } from "./record.js";

export interface RecordFields {
  /** DIF bits 3..0 (EN 13757-3 table 4): 1-4, 6, 7 integer, 5 real, 9-C, E BCD, D LVAR, 0 no data. */
  dataField: number;
  function?: RecordFunction;
  storage?: number;
  tariff?: number;
  subunit?: number;
  /** DIFE count to write (at least what storage/tariff/sub-unit need; extra DIFEs are zero). */
  difes?: number;
  /** VIF, VIFEs (and a plain-text unit) as on air. */
  vib: Uint8Array;
  /** A number in the record's unit, written with `exponent` (value = raw × 10^exponent). */
  value?: number;
  exponent?: number;
  /** Data bytes as on air (LVAR: with its length byte); used when `value` is absent. */
  data?: Uint8Array;
}

export type AplItem =
  | { kind: "record"; record: RecordFields }
  | { kind: "filler"; count: number }
  | { kind: "raw"; bytes: Uint8Array };

const POW10 = [1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22];

/** value / 10^exp as the decoder's scaleNumber would have produced it from an integer or a real. */
function unscale(value: number, exp: number): number {
  if (exp < -22 || exp > 22) fail("bad_argument", `exponent ${exp} out of range`);
  return exp >= 0 ? value / POW10[exp] : value * POW10[-exp];
}

/** DIF and DIFEs (EN 13757-3 §6.3.3): storage bit 0 in the DIF, then 4 storage, 2 tariff, 1 sub-unit bits per DIFE. */
function writeDif(w: Writer, f: RecordFields): void {
  const fn = FUNCTIONS.indexOf(f.function ?? "instantaneous");
  if (fn < 0) fail("bad_argument", `record function "${f.function}" unknown`);
  if (!Number.isInteger(f.dataField) || f.dataField < 0 || f.dataField > 14) fail("bad_argument", `data field ${f.dataField} cannot be encoded as a record`);
  let storage = f.storage ?? 0, tariff = f.tariff ?? 0, subunit = f.subunit ?? 0;
  if (![storage, tariff, subunit].every((v) => Number.isInteger(v) && v >= 0)) fail("bad_argument", "storage, tariff and sub-unit are non-negative integers");
  const dif = (storage & 1) << 6 | fn << 4 | f.dataField;
  storage = Math.floor(storage / 2);
  const difes: number[] = [];
  while (storage > 0 || tariff > 0 || subunit > 0 || difes.length < (f.difes ?? 0)) {
    if (difes.length === MAX_DIFE) fail("bad_argument", `storage/tariff/sub-unit need more than ${MAX_DIFE} DIFEs`);
    difes.push((subunit & 1) << 6 | (tariff & 3) << 4 | (storage % 16));
    storage = Math.floor(storage / 16);
    tariff = Math.floor(tariff / 4);
    subunit = Math.floor(subunit / 2);
  }
  w.u8(difes.length ? dif | 0x80 : dif, "DIF");
  for (let i = 0; i < difes.length; i++) w.u8(i < difes.length - 1 ? difes[i] | 0x80 : difes[i], "DIFE");
}

/** Writes the data of a numeric record of fixed length from `value`. */
function writeNumber(w: Writer, f: RecordFields, value: number): void {
  const df = DATA_FIELDS[f.dataField];
  const exp = f.exponent ?? 0;
  if (!Number.isFinite(value)) fail("bad_argument", `record value ${value} is not finite`);
  if (df.coding === "real") {
    const b = new Uint8Array(4);
    new DataView(b.buffer).setFloat32(0, unscale(value, exp), true);
    w.put(b, 4, "real data");
    return;
  }
  const raw = Math.round(unscale(value, exp));
  if (!Number.isSafeInteger(raw)) fail("bad_argument", `record value ${value} × 10^${-exp} is not an exact integer`);
  const n = df.length;
  if (df.coding === "int") {
    const limit = 2 ** (8 * n);
    if (raw >= limit || raw < -limit / 2) fail("bad_argument", `value ${raw} does not fit ${n} byte(s)`);
    let v = raw < 0 ? limit + raw : raw;
    for (let i = 0; i < n; i++) {
      w.u8(v % 256, "integer data");
      v = Math.floor(v / 256);
    }
    return;
  }
  if (df.coding === "bcd") {
    const negative = raw < 0 || Object.is(raw, -0); // "F0" is minus zero: the decoder reads -0
    const digits = String(Math.abs(raw));
    const room = negative ? 2 * n - 1 : 2 * n;
    if (digits.length > room) fail("bad_argument", `value ${raw} does not fit ${2 * n} BCD digits`);
    const padded = digits.padStart(2 * n, "0");
    for (let i = 0; i < n; i++) {
      const hi = padded.charCodeAt(2 * n - 2 - 2 * i) - 48, lo = padded.charCodeAt(2 * n - 1 - 2 * i) - 48;
      w.u8(((i === n - 1 && negative ? 15 : hi) << 4) | lo, "BCD data");
    }
    return;
  }
  fail("bad_argument", `data field ${f.dataField} (${df.coding}) cannot carry a number; give the data bytes`);
}

export function writeRecord(w: Writer, f: RecordFields): void {
  writeDif(w, f);
  w.put(f.vib, f.vib.length, "VIB");
  if (f.value !== undefined) return writeNumber(w, f, f.value);
  const df = DATA_FIELDS[f.dataField];
  const data = f.data ?? new Uint8Array(0);
  if (df.length >= 0 && data.length !== df.length) fail("bad_argument", `data field ${f.dataField} needs ${df.length} data byte(s), got ${data.length}`);
  if (df.length < 0 && (data.length === 0 || (data[0] <= 0xbf && data[0] !== data.length - 1))) fail("bad_argument", "LVAR data must start with its length byte");
  w.put(data, data.length, "record data");
}

export function writeApl(w: Writer, items: readonly AplItem[]): void {
  for (const it of items) {
    if (it.kind === "record") writeRecord(w, it.record);
    else if (it.kind === "filler") for (let i = 0; i < it.count; i++) w.u8(0x2f, "filler");
    else w.put(it.bytes, it.bytes.length, "APL bytes");
  }
}
