import { fromHex } from "../../firmware/util/hex.js";
import { parseRecords } from "../../firmware/application/records.js";
import type { DataRecord } from "../../firmware/application/record.js";

/** Records of an APL given as hex (the whole string is the APL). */
export function recs(hex: string): DataRecord[] {
  const b = fromHex(hex);
  return parseRecords(b, 0, b.length);
}

/** Records of an APL that starts `start` bytes into the hex, bounded by `end` (default: all). */
export function recsAt(hex: string, start: number, end?: number): DataRecord[] {
  const b = fromHex(hex);
  return parseRecords(b, start, end ?? b.length);
}

/** The single record of a record hex string. */
export function one(hex: string): DataRecord {
  const r = recs(hex);
  if (r.length !== 1) throw new Error(`expected 1 record, got ${r.length}`);
  return r[0];
}

/** name → value of a record list (later duplicates win). */
export function byName(records: DataRecord[]): Record<string, DataRecord["value"]> {
  const out: Record<string, DataRecord["value"]> = {};
  for (const r of records) out[r.name] = r.value;
  return out;
}

/** Compact summary [name, value, unit] per record, for table-like assertions. */
export function summary(records: DataRecord[]): [string, DataRecord["value"], string][] {
  return records.map((r) => [r.name, r.value, r.unit]);
}
