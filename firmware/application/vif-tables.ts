/**
 * Primary VIF table (EN 13757-3:2018 §6.4.2, table 10) as data, plus the entry type shared
 * with the FD (vif-fd.ts) and FB (vif-fb.ts) extension tables.
 *
 * Units are the base units after scaling ("Wh", "m3", "C" …); `exp` is the power of ten at
 * the first code of a range and grows by one per code (value = raw × 10^exponent). Entries
 * with a unit list (time units) have a fixed exponent and one unit per code.
 */

/**
 * How the data bytes of a record with this VIF are read:
 * num       signed integer / BCD / real, scaled by the exponent (the default)
 * unsigned  type C/D binary (error flags, digital in/out): unsigned integer
 * date      date/time type chosen by the data length (G 2, J 3, F 4, I 6 bytes)
 * id        identification number: BCD kept as a digit string (leading zeros kept)
 * hex       kept as upper-case hex (types K and L, keys, passwords)
 * container LVAR is a plain byte count; the payload is kept as hex
 * bin12     binary fraction scaled by 2^-12 (HCA rating factors)
 * mfct      manufacturer-specific VIF: numbers as "num", LVAR texts kept as hex
 */
import { deepFreeze } from "../util/freeze.js";

export type ValueKind = "num" | "unsigned" | "date" | "id" | "hex" | "container" | "bin12" | "mfct";

export interface VifEntry {
  /** First and last code of the range (VIF bits 6..0, or the code after FD / FB). */
  readonly from: number;
  readonly to: number;
  /** Stable snake_case quantity key. */
  readonly q: string;
  readonly unit: string | readonly string[];
  /** Exponent at `from` (default 0). */
  readonly exp?: number;
  readonly kind?: ValueKind;
}

export interface VifMeaning {
  quantity: string;
  unit: string;
  exponent: number;
  kind: ValueKind;
}

/** Time units nn = 0..3 (EN 13757-3 table 10 footnote: seconds, minutes, hours, days). */
export const TIME_UNITS: readonly string[] = deepFreeze(["s", "min", "h", "d"]);

/** Expands a range table into a 128-slot lookup array (one slot per code). */
export function expandTable(entries: readonly VifEntry[]): (VifEntry | undefined)[] {
  const out: (VifEntry | undefined)[] = [];
  for (let i = 0; i < 128; i++) out.push(undefined);
  for (const e of entries) for (let c = e.from; c <= e.to; c++) out[c] = e;
  return out;
}

/** Meaning of `code` in an expanded table, or undefined for reserved codes. */
export function lookupVif(table: readonly (VifEntry | undefined)[], code: number): VifMeaning | undefined {
  const e = table[code & 0x7f];
  if (e === undefined) return undefined;
  const n = (code & 0x7f) - e.from;
  const kind = e.kind ?? "num";
  if (typeof e.unit === "string") {
    return { quantity: e.q, unit: e.unit, exponent: e.exp === undefined ? 0 : e.exp + n, kind };
  }
  return { quantity: e.q, unit: e.unit[n], exponent: e.exp ?? 0, kind };
}

/** EN 13757-3:2018 table 10, primary VIFs 0x00..0x7A (0x7B..0x7F are handled in vif.ts). */
const PRIMARY_VIFS: readonly VifEntry[] = deepFreeze([
  { from: 0x00, to: 0x07, q: "energy", unit: "Wh", exp: -3 },
  { from: 0x08, to: 0x0f, q: "energy", unit: "J", exp: 0 },
  { from: 0x10, to: 0x17, q: "volume", unit: "m3", exp: -6 },
  { from: 0x18, to: 0x1f, q: "mass", unit: "kg", exp: -3 },
  { from: 0x20, to: 0x23, q: "on_time", unit: TIME_UNITS },
  { from: 0x24, to: 0x27, q: "operating_time", unit: TIME_UNITS },
  { from: 0x28, to: 0x2f, q: "power", unit: "W", exp: -3 },
  { from: 0x30, to: 0x37, q: "power", unit: "J/h", exp: 0 },
  { from: 0x38, to: 0x3f, q: "volume_flow", unit: "m3/h", exp: -6 },
  { from: 0x40, to: 0x47, q: "volume_flow", unit: "m3/min", exp: -7 },
  { from: 0x48, to: 0x4f, q: "volume_flow", unit: "m3/s", exp: -9 },
  { from: 0x50, to: 0x57, q: "mass_flow", unit: "kg/h", exp: -3 },
  { from: 0x58, to: 0x5b, q: "flow_temperature", unit: "C", exp: -3 },
  { from: 0x5c, to: 0x5f, q: "return_temperature", unit: "C", exp: -3 },
  { from: 0x60, to: 0x63, q: "temperature_difference", unit: "K", exp: -3 },
  { from: 0x64, to: 0x67, q: "external_temperature", unit: "C", exp: -3 },
  { from: 0x68, to: 0x6b, q: "pressure", unit: "bar", exp: -3 },
  { from: 0x6c, to: 0x6c, q: "date", unit: "", kind: "date" }, // type G
  { from: 0x6d, to: 0x6d, q: "date_time", unit: "", kind: "date" }, // type F / I / J by length
  { from: 0x6e, to: 0x6e, q: "hca", unit: "" }, // units for heat cost allocator
  // 0x6F reserved (2018: third extension table)
  { from: 0x70, to: 0x73, q: "averaging_duration", unit: TIME_UNITS },
  { from: 0x74, to: 0x77, q: "actuality_duration", unit: TIME_UNITS },
  { from: 0x78, to: 0x78, q: "fabrication_number", unit: "", kind: "id" },
  { from: 0x79, to: 0x79, q: "enhanced_identification", unit: "", kind: "id" },
  { from: 0x7a, to: 0x7a, q: "bus_address", unit: "" },
]);

export const PRIMARY_TABLE = deepFreeze(expandTable(PRIMARY_VIFS));
