import { Reader } from "../util/reader.js";
import { manufacturerCode } from "./manufacturer.js";
import { deviceTypeName } from "./device-types.js";
import { cFieldName } from "./c-field.js";
import { hex8 } from "../util/hex.js";

/** A meter address as used in the DLL A-field and the TPL long header (EN 13757-4 §5.4, EN 13757-7 §7.5). */
export interface Address {
  m: number; // M-field value
  manufacturer: string; // 3 letters
  id: string; // 8 digits (BCD read as hex digits, so non-BCD ids still print)
  version: number;
  deviceType: number;
  /** The 8 bytes M(2) ID(4) version type, in DLL order, as used by IVs and the ELL ICB. */
  bytes: Uint8Array;
}

/**
 * Reads the 4 ID bytes (LE BCD) as the 8-character id string. Non-BCD ids (some meters use hex ids)
 * print their hex digits in lower case, as wmbusmeters does, so ids match existing configurations.
 */
export function idString(b: Uint8Array, p: number): string {
  const w = b[p + 3], x = b[p + 2], y = b[p + 1], z = b[p];
  const c = LOWER_HEX;
  // one string built from 8 char codes: every telegram has one or two ids, so this is a hot path
  return String.fromCharCode(c[w >> 4], c[w & 15], c[x >> 4], c[x & 15], c[y >> 4], c[y & 15], c[z >> 4], c[z & 15]);
}

/** Char codes of "0123456789abcdef". */
const LOWER_HEX = /* @__PURE__ */ (() => {
  const t = new Uint8Array(16);
  for (let i = 0; i < 16; i++) t[i] = i < 10 ? 48 + i : 87 + i;
  return t;
})();

/** DLL order: M (2), ID (4), version, type. */
export function readDllAddress(r: Reader): Address {
  r.need(8, "A-field");
  const p = r.pos;
  const b = r.buf;
  const m = b[p] | (b[p + 1] << 8);
  r.pos += 8;
  return address(m, idString(b, p + 2), b[p + 6], b[p + 7], b.subarray(p, p + 8));
}

/** TPL long-header order: ID (4), M (2), version, type — reordered into DLL order for `bytes`. */
export function readLongHeaderAddress(r: Reader): Address {
  r.need(8, "TPL long header address");
  const p = r.pos;
  const b = r.buf;
  const m = b[p + 4] | (b[p + 5] << 8);
  const dllOrder = new Uint8Array(8);
  dllOrder[0] = b[p + 4];
  dllOrder[1] = b[p + 5];
  dllOrder[2] = b[p]; // the ID, byte by byte: cheaper under XS than a subarray view and set
  dllOrder[3] = b[p + 1];
  dllOrder[4] = b[p + 2];
  dllOrder[5] = b[p + 3];
  dllOrder[6] = b[p + 6];
  dllOrder[7] = b[p + 7];
  r.pos += 8;
  return address(m, idString(b, p), b[p + 6], b[p + 7], dllOrder);
}

function address(m: number, id: string, version: number, deviceType: number, bytes: Uint8Array): Address {
  return { m, manufacturer: manufacturerCode(m), id, version, deviceType, bytes };
}

export interface DllHeader {
  l: number;
  c: number;
  cName: string;
  address: Address;
}

/** First block of a wireless frame: L C M A (10 bytes). */
export function readDllHeader(r: Reader): DllHeader {
  const p = r.pos;
  if (r.end - p >= 10) {
    // all 10 bytes present: read them without the per-field checks (one call per field under XS)
    const b = r.buf;
    const c = b[p + 1];
    r.pos = p + 10;
    return { l: b[p], c, cName: cFieldName(c), address: address(b[p + 2] | (b[p + 3] << 8), idString(b, p + 4), b[p + 8], b[p + 9], b.subarray(p + 2, p + 10)) };
  }
  const l = r.u8("L-field");
  const c = r.u8("C-field");
  return { l, c, cName: cFieldName(c), address: readDllAddress(r) };
}

export function addressJson(a: Address): Record<string, string> {
  return {
    manufacturer: a.manufacturer,
    id: a.id,
    version: hex8(a.version),
    device_type: hex8(a.deviceType),
    media: deviceTypeName(a.deviceType),
  };
}
