import { parseRecordsWithHeaders } from "../application/records.js";
import { FormatCache, decodeCompact, decodeFormatFrame } from "../application/compact.js";
import type { WmbusError } from "../errors.js";
import type { Telegram } from "../telegram.js";

/**
 * Decodes the APL of a telegram by what the CI says it is (EN 13757-7 Table 2, EN 13757-3 Annex G):
 * data records, a compact frame (format from the cache), a format frame (teaches the cache),
 * manufacturer-specific bytes, or nothing. Fillers and a trailing 0F/1F block are the record parser's job.
 */
export function decodeApl(t: Telegram, formats: FormatCache | undefined): void {
  const tpl = t.tpl!;
  const { aplStart: start, aplEnd: end, bytes } = t;
  switch (tpl.info.payload) {
    case "full": {
      // One lenient parse serves both: the records, and the format a later compact frame will refer to.
      const parsed = parseRecordsWithHeaders(bytes, start, end, true, formats?.shapes);
      t.records = parsed.records;
      if (parsed.error) keepUnparsed(t, parsed.error);
      else if (formats && parsed.headers.length > 0) {
        const shapes = formats.learnFrame(parsed.headers, t.meter);
        if (shapes !== undefined) t.recordShapes = shapes; // one list object per frame format
      }
      return;
    }
    case "compact": {
      // An encrypted compact frame begins with the 2F2F decryption check of modes 5/7 (EN 13757-7); the signature follows.
      const s = tpl.securityMode !== 0 && end - start >= 2 && bytes[start] === 0x2f && bytes[start + 1] === 0x2f ? start + 2 : start;
      if (end - s >= 2) t.compactSignature = bytes[s] | (bytes[s + 1] << 8);
      t.records = decodeCompact(bytes, s, end, formats ?? new FormatCache(), t.meter, t);
      return;
    }
    case "format":
      if (formats) decodeFormatFrame(bytes, start, end, formats, t.meter);
      return;
    case "none":
      if (end > start) t.warnings.push(`${end - start} byte(s) after a TPL header that carries no APL`);
      return;
    default:
      if (end > start) t.manufacturerData = bytes.subarray(start, end);
      return;
  }
}

/**
 * A malformed record does not discard the telegram: real meters append CRC leftovers, junk or proprietary
 * bytes after their records. The records before it are kept, and the error and the bytes from the failing
 * record on are reported (`apl_error`, `unparsed`), so nothing is lost silently. A half-parsed frame
 * never teaches the compact-format cache.
 */
function keepUnparsed(t: Telegram, error: WmbusError): void {
  const last = t.records.length ? t.records[t.records.length - 1] : undefined;
  t.aplError = error;
  t.unparsedOffset = last ? last.offset + (last.header.length + last.data.length) / 2 : t.aplStart;
  t.warnings.push(`records after offset ${t.unparsedOffset} not decoded: ${error.message}`);
}
