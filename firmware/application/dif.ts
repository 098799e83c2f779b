/**
 * Data information block: DIF and DIFE (EN 13757-3:2018 §6.3, tables 4-7).
 *
 * DIF  bit 7 extension, bit 6 storage LSB, bits 5..4 function, bits 3..0 data field.
 * DIFE bit 7 extension, bit 6 sub-unit, bits 5..4 tariff, bits 3..0 storage.
 */
import { fail } from "../errors.js";
import { hex8 } from "../util/hex.js";
import type { Reader } from "../util/reader.js";
import type { RecordFunction } from "./record.js";
import { deepFreeze } from "../util/freeze.js";

/** EN 13757-3 §6.3.3 allows at most 10 DIFEs. */
export const MAX_DIFE = 10;

/** Data field (DIF bits 3..0) → how the data is coded (EN 13757-3 table 4). */
export type DataCoding = "none" | "int" | "real" | "selection" | "bcd" | "lvar" | "special";

/** Per data field code 0..15: coding and length in bytes (-1 = LVAR, length byte first). */
export const DATA_FIELDS: readonly { readonly coding: DataCoding; readonly length: number }[] = deepFreeze([
  { coding: "none", length: 0 }, // 0 no data
  { coding: "int", length: 1 }, // 1 8-bit integer
  { coding: "int", length: 2 }, // 2 16-bit integer
  { coding: "int", length: 3 }, // 3 24-bit integer
  { coding: "int", length: 4 }, // 4 32-bit integer
  { coding: "real", length: 4 }, // 5 32-bit real
  { coding: "int", length: 6 }, // 6 48-bit integer
  { coding: "int", length: 8 }, // 7 64-bit integer
  { coding: "selection", length: 0 }, // 8 selection for readout
  { coding: "bcd", length: 1 }, // 9 2-digit BCD
  { coding: "bcd", length: 2 }, // A 4-digit BCD
  { coding: "bcd", length: 3 }, // B 6-digit BCD
  { coding: "bcd", length: 4 }, // C 8-digit BCD
  { coding: "lvar", length: -1 }, // D variable length
  { coding: "bcd", length: 6 }, // E 12-digit BCD
  { coding: "special", length: 0 }, // F special functions (whole DIF byte, see SPECIAL_DIFS)
]);

/** DIF bits 5..4 (EN 13757-3 table 5). */
export const FUNCTIONS: readonly RecordFunction[] = deepFreeze(["instantaneous", "maximum", "minimum", "error"]);

/**
 * Special functions: the whole DIF byte (EN 13757-3 table 6). 0x3F..0x6F are reserved;
 * a DIF with data field F and any other upper bits is not defined either.
 */
export type SpecialDif = "manufacturer" | "more_records" | "filler" | "global_readout";
const SPECIAL_DIFS: { readonly [dif: number]: SpecialDif } = deepFreeze({
  0x0f: "manufacturer", // manufacturer-specific data until the end of the APL
  0x1f: "more_records", // as 0x0F, and more records follow in the next telegram
  0x2f: "filler", // idle filler
  0x7f: "global_readout", // global readout request (selection), no VIF, no data
});

/** Classifies a DIF byte whose data field is 0xF. Throws `bad_dif` for reserved codes. */
function specialDif(dif: number, offset: number): SpecialDif {
  const s = SPECIAL_DIFS[dif];
  if (s === undefined) fail("bad_dif", `reserved DIF 0x${hex8(dif)} at offset ${offset}`, offset);
  return s;
}

export interface DifInfo {
  dif: number;
  difes: number[];
  /** DIF bits 3..0. */
  dataField: number;
  coding: DataCoding;
  /** Fixed data length in bytes; -1 for LVAR. */
  dataLength: number;
  function: RecordFunction;
  storage: number;
  tariff: number;
  subunit: number;
  /** Set for DIF 0F / 1F / 2F / 7F. */
  special?: SpecialDif;
}

/**
 * Reads DIF and DIFEs at the reader position. Storage, tariff and sub-unit are assembled
 * little end first (EN 13757-3 §6.3.3): storage = DIF.b6 | DIFE1[3:0] << 1 | DIFE2[3:0] << 5 …
 * (up to 41 bits, so multiplication instead of shifts).
 */
export function readDif(r: Reader): DifInfo {
  const at = r.pos;
  const dif = r.u8("DIF");
  const dataField = dif & 0x0f;
  const df = DATA_FIELDS[dataField];
  const info: DifInfo = {
    dif,
    difes: [],
    dataField,
    coding: df.coding,
    dataLength: df.length,
    function: FUNCTIONS[(dif >> 4) & 3],
    storage: (dif >> 6) & 1,
    tariff: 0,
    subunit: 0,
  };
  if (dataField === 0x0f) {
    info.special = specialDif(dif, at);
    info.function = "instantaneous";
    info.storage = 0;
    return info;
  }
  let ext = dif & 0x80;
  let sMul = 2, tMul = 1, uMul = 1;
  while (ext) {
    if (info.difes.length === MAX_DIFE) {
      fail("too_many_dife", `more than ${MAX_DIFE} DIFEs in the record at offset ${at}`, r.pos);
    }
    const dife = r.u8("DIFE");
    info.difes.push(dife);
    info.storage += (dife & 0x0f) * sMul;
    info.tariff += ((dife >> 4) & 3) * tMul;
    info.subunit += ((dife >> 6) & 1) * uMul;
    sMul *= 16;
    tMul *= 4;
    uMul *= 2;
    ext = dife & 0x80;
  }
  return info;
}
