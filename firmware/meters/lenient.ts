/**
 * Records up to the first damage. When the decoder stops at a truncated or reserved record it
 * reports no records at all; a reading still wants the intact records before the damage
 * (meters that append a broken tail, or frames cut short by a byte).
 */
import type { DataRecord } from "../application/record.js";
import { decodeRecordData, parseRecordHeader } from "../application/records.js";
import type { Telegram } from "../decoder/telegram.js";

export function lenientRecords(t: Telegram): DataRecord[] {
  const out: DataRecord[] = [];
  const tpl = t.tpl;
  if (!tpl || tpl.info.payload !== "full") return out;
  if (t.payloadState === "encrypted" || t.payloadState === "none") return out;
  const buf = t.bytes;
  const end = t.aplEnd < buf.length ? t.aplEnd : buf.length;
  let pos = t.aplStart;
  try {
    while (pos < end) {
      if (buf[pos] === 0x2f) {
        pos++;
        continue;
      }
      const h = parseRecordHeader(buf, pos, end);
      const { record, next } = decodeRecordData(h, buf, pos + h.bytes.length, end);
      out.push(record);
      pos = next;
      if (h.dataLength === -2) break;
    }
  } catch {
    // keep what was intact
  }
  return out;
}
