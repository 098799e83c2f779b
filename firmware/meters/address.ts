/**
 * Meter addresses besides the DLL / TPL ones: the enhanced identification record of radio
 * converters (CI 78 frames without TPL address) and the swapped A-field of some Diehl /
 * Hydrometer radios (version, type, ID instead of ID, version, type).
 */
import type { DataRecord } from "../application/record.js";
import type { Telegram } from "../telegram.js";
import { toHex } from "../util/hex.js";
import { deepFreeze } from "../util/freeze.js";

export interface AltAddress {
  /** 8 hex digits, lower case, as readings print ids. */
  id: string;
  manufacturer?: string;
  version: number;
  deviceType: number;
}

/** Device types a meter reports; used to recognise a swapped A-field. */
const METER_TYPES: { readonly [t: number]: true } = deepFreeze({
  0x02: true, 0x03: true, 0x04: true, 0x06: true, 0x07: true, 0x08: true, 0x0a: true, 0x0b: true, 0x0c: true, 0x0d: true, 0x16: true,
});

function isBcd(b: number): boolean {
  return (b & 0x0f) <= 9 && b >> 4 <= 9;
}

/** The address when the DLL A-field reads version, type, ID (BCD); undefined when it reads normally. */
export function swappedAddress(t: Telegram): AltAddress | undefined {
  const a = t.dll?.address;
  if (!a || t.tpl?.address || (a.manufacturer !== "DME" && a.manufacturer !== "HYD")) return undefined;
  const b = a.bytes; // M M id0 id1 id2 id3 version type
  if (METER_TYPES[b[7]] || !METER_TYPES[b[3]]) return undefined;
  for (let i = 4; i < 8; i++) if (!isBcd(b[i])) return undefined;
  const id = toHex(b, 7, 8) + toHex(b, 6, 7) + toHex(b, 5, 6) + toHex(b, 4, 5);
  return { id: id.toLowerCase(), manufacturer: a.manufacturer, version: b[2], deviceType: b[3] };
}

/** An 8-byte enhanced identification record (ID, M, version, type). */
export function enhancedAddress(records: readonly DataRecord[]): AltAddress | undefined {
  for (const r of records) {
    if (r.quantity !== "enhanced_identification" || r.data.length !== 16) continue;
    const d = r.data;
    const id = d.substr(6, 2) + d.substr(4, 2) + d.substr(2, 2) + d.substr(0, 2);
    return { id: id.toLowerCase(), version: parseInt(d.substr(12, 2), 16), deviceType: parseInt(d.substr(14, 2), 16) };
  }
  return undefined;
}
