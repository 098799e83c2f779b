import { toHex } from "../util/hex.js";
import type { Telegram } from "../telegram.js";

/** One span of the (decrypted) frame with the layer and field it belongs to, for `wmbus decode --analyze`. */
export interface Span {
  offset: number;
  length: number;
  layer: string;
  field: string;
  hex: string;
}

/**
 * Byte-by-byte layer view. Spans are derived from what the decoder recorded, in frame order; bytes the
 * decoder did not attribute show as "unparsed" so nothing is hidden.
 */
export function analyze(t: Telegram): Span[] {
  const spans: Span[] = [];
  const b = t.bytes;
  const add = (offset: number, length: number, layer: string, field: string): void => {
    if (length > 0 && offset + length <= b.length) spans.push({ offset, length, layer, field, hex: toHex(b, offset, offset + length) });
  };
  let pos = 0;
  if (t.dll) {
    add(0, 1, "dll", "L");
    add(1, 1, "dll", "C " + t.dll.cName);
    add(2, 2, "dll", "M " + t.dll.address.manufacturer);
    add(4, 4, "dll", "A id " + t.dll.address.id);
    add(8, 1, "dll", "A version");
    add(9, 1, "dll", "A device type");
    pos = 10;
  } else if (t.wired) {
    add(0, 4, "mbus", "start 68 L L 68");
    add(4, 1, "mbus", "C");
    add(5, 1, "mbus", "A");
    pos = 6;
  }
  const aplStart = t.aplStart || b.length;
  if (pos < aplStart) add(pos, aplStart - pos, "headers", "CI " + t.ciChain.map((c) => c.toString(16).toUpperCase()).join(" → "));
  for (const r of t.records) add(r.offset, (r.header.length + r.data.length) / 2, "apl", r.name);
  const last = t.records.length ? t.records[t.records.length - 1] : undefined;
  const end = last ? last.offset + (last.header.length + last.data.length) / 2 : aplStart;
  const stop = t.wired ? b.length - 2 : b.length;
  if (end < stop) add(end, stop - end, "apl", t.manufacturerData ? "manufacturer data" : "unparsed / fillers");
  return spans;
}
