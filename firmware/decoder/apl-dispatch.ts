import { parseRecords } from "../application/records.js";
import { FormatCache, decodeCompact, decodeFormatFrame, learnFromFullFrame } from "../application/compact.js";
import type { Telegram } from "./telegram.js";

/**
 * Decodes the APL of a telegram by what the CI says it is (EN 13757-7 Table 2, EN 13757-3 Annex G):
 * data records, a compact frame (format from the cache), a format frame (teaches the cache),
 * manufacturer-specific bytes, or nothing. Fillers and a trailing 0F/1F block are the record parser's job.
 */
export function decodeApl(t: Telegram, formats: FormatCache | undefined): void {
  const tpl = t.tpl!;
  const { aplStart: start, aplEnd: end, bytes } = t;
  switch (tpl.info.payload) {
    case "full":
      t.records = parseRecords(bytes, start, end);
      if (formats) learnFromFullFrame(bytes, start, end, formats, t.meter);
      return;
    case "compact": {
      if (end - start >= 2) t.compactSignature = bytes[start] | (bytes[start + 1] << 8);
      t.records = decodeCompact(bytes, start, end, formats ?? new FormatCache(), t.meter);
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
