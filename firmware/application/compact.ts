/**
 * Compact frames and format frames (EN 13757-3:2018 Annex G).
 *
 * Compact frame (CI 79 / 7B / 73, after the TPL header): format signature (2, LSB first),
 * full-frame CRC (2, LSB first), then the data bytes of every record in format order.
 * Format frame (CI 69 / 6A / 6B): length (2 + header bytes), signature (2), header bytes.
 * Full-frame CRC: CRC-16/EN-13757 over header + data of every record of the rebuilt full
 * frame, without 2F fillers and without manufacturer data (0F/1F).
 */
import { fail } from "../errors.js";
import { crc16 } from "../link/crc16.js";
import { fromHex, hex16, toHex } from "../util/hex.js";
import { Reader } from "../util/reader.js";
import { FormatCache, formatHeaderBytes, formatSignature, parseHeaderList, type FormatScope } from "./format-cache.js";
import type { DataRecord } from "./record.js";
import { decodeRecordData, parseRecordsWithHeaders, type RecordHeader, type RecordShape } from "./records.js";

export { FormatCache, formatHeaderBytes, formatSignature, parseHeaderList };
export type { Format, FormatScope } from "./format-cache.js";

/**
 * Parses the full frame APL buf[start, end) and learns its format. Returns the records and the
 * format signature (a frame without data records is parsed but not learnt).
 */
export function learnFromFullFrame(
  buf: Uint8Array,
  start: number,
  end: number,
  cache: FormatCache,
  scope?: FormatScope,
): { signature: number; records: DataRecord[] } {
  const parsed = parseRecordsWithHeaders(buf, start, end);
  const headers = formatHeaderBytes(parsed.headers);
  const signature = headers.length > 0 ? cache.learn(headers, scope) : formatSignature(headers);
  return { signature, records: parsed.records };
}

/** The full-frame CRC of records: CRC over header + data of each non-special record. */
export function fullFrameCrc(records: readonly DataRecord[]): number {
  let hex = "";
  for (const r of records) if (r.vif !== null) hex += r.header + r.data;
  return crc16(fromHex(hex));
}

export interface FormatFrame {
  signature: number;
  /** Header bytes as sent. */
  headers: Uint8Array;
  records: RecordHeader[];
}

/**
 * Decodes a format frame APL at buf[pos] (the length byte), bounded by `end`, and checks that
 * the signature is the CRC of the headers. With a cache the format is learnt.
 */
export function decodeFormatFrame(
  buf: Uint8Array,
  pos: number,
  end: number,
  cache?: FormatCache,
  scope?: FormatScope,
): FormatFrame {
  const r = new Reader(buf, pos, end);
  const len = r.u8("format frame length");
  if (len < 2) fail("bad_length", `format frame length ${len} is shorter than its signature`, pos);
  const signature = r.u16("format signature");
  const n = len - 2;
  r.need(n, "format frame headers");
  const headers = buf.slice(r.pos, r.pos + n);
  const crc = formatSignature(headers);
  if (crc !== signature) {
    fail("bad_crc", `format frame signature 0x${hex16(signature)} does not match its headers (CRC 0x${hex16(crc)})`, pos + 1);
  }
  const records = parseHeaderList(headers);
  if (cache !== undefined) cache.learn(headers, scope);
  return { signature, headers, records };
}

/**
 * Decodes a compact frame APL at buf[pos] (the format signature), bounded by `end`, with a
 * format from `cache`; rebuilds the full frame and checks the full-frame CRC.
 * Throws `unknown_format_signature` (message names the signature) or `bad_full_frame_crc`.
 * Bytes after the last record that are not 2F fillers come back as one "unparsed_data" record.
 * With `into` (the telegram), a frame that decodes is given the format's shape list as `recordShapes`: the same
 * list object for every compact frame of this format while the cache keeps it, as a full frame gets the frame
 * memo's list, so work a reader keys by it (rule picks) is done once per format.
 */
export function decodeCompact(
  buf: Uint8Array,
  pos: number,
  end: number,
  cache: FormatCache,
  scope?: FormatScope,
  into?: { recordShapes?: readonly RecordShape[] },
): DataRecord[] {
  if (end > buf.length) end = buf.length;
  const r = new Reader(buf, pos, end);
  const signature = r.u16("format signature");
  const expected = r.u16("full-frame CRC");
  const format = cache.lookup(signature, scope);
  if (format === undefined) {
    fail(
      "unknown_format_signature",
      `unknown format signature 0x${hex16(signature)}: no full frame or format frame with this signature was learnt`,
      pos,
    );
  }
  let p = r.pos;
  const full = new Uint8Array(format.bytes.length + (end - p));
  let q = 0;
  const records: DataRecord[] = [];
  const shapes = cache.shapesOf(format);
  for (let i = 0; i < shapes.length; i++) {
    const h = shapes[i];
    const { record, next } = decodeRecordData(h, buf, p, end, p);
    records.push(record);
    full.set(h.bytes, q);
    q += h.bytes.length;
    full.set(buf.subarray(p, next), q);
    q += next - p;
    p = next;
  }
  const crc = crc16(full, 0, q);
  if (crc !== expected) {
    fail(
      "bad_full_frame_crc",
      `full-frame CRC 0x${hex16(crc)} of the rebuilt frame does not match 0x${hex16(expected)} (format 0x${hex16(signature)})`,
      pos + 2,
    );
  }
  let tail = p;
  while (tail < end && buf[tail] === 0x2f) tail++;
  if (tail < end) records.push(unparsed(buf, tail, end));
  if (into !== undefined) into.recordShapes = shapes;
  return records;
}

function unparsed(buf: Uint8Array, start: number, end: number): DataRecord {
  const data = toHex(buf, start, end);
  return {
    offset: start,
    header: "",
    data,
    dif: 0,
    vif: null,
    vifes: [],
    storage: 0,
    tariff: 0,
    subunit: 0,
    function: "instantaneous",
    quantity: "unparsed_data",
    unit: "",
    exponent: 0,
    value: data,
    name: "unparsed_data",
    error: "bytes after the last record of the compact format",
  };
}
