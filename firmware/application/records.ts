/**
 * APL data records (EN 13757-3:2018 §6): DIF [DIFE…] VIF [VIFE…] [plain-text unit] data,
 * interleaved with 2F idle fillers and optionally ended by 0F/1F manufacturer data. Headers: record-shape.ts.
 * Only WmbusError is ever thrown: truncated / bad_dif / too_many_dife / too_many_vife / bad_lvar.
 */
import { WmbusError } from "../errors.js";
import { fromHex, toHex } from "../util/hex.js";
import { POW10, scaleNumber } from "./datatypes.js";
import type { DataRecord, RecordFunction } from "./record.js";
import { ShapeMemo, type RecordShape } from "./record-shape.js";
import { bcdNumber, decodeValue } from "./values.js";

// Record headers and their memo live in record-shape.ts; re-exported for the many importers of this module.
export {
  DEVICE_SHAPE_MEMO,
  parseRecordHeader,
  recordName,
  recordShapeAt,
  ShapeMemo,
  type RecordHeader,
  type RecordShape,
} from "./record-shape.js";

/** 2^(8·n) for n = 0..6: the offset of a negative n-byte two's complement number. */
const POW256: readonly number[] = Object.freeze([1, 256, 65536, 16777216, 4294967296, 1099511627776, 281474976710656]);

/**
 * Decodes the data of `header` at `dataPos` (bounded by `end`) into a DataRecord. `offset` is
 * reported as the record's offset (default: the header's DIF offset; compact frames pass the
 * data offset). Returns the record and the position after its data.
 */
export function decodeRecordData(
  header: RecordShape & { offset?: number },
  buf: Uint8Array,
  dataPos: number,
  end: number,
  offset = header.offset ?? dataPos,
): { record: DataRecord; next: number } {
  const record = new DecodedRecord(header, buf, dataPos, end, offset);
  return { record, next: dataPos + record._length };
}

/**
 * A DataRecord whose `data` hex is spelt only when it is read (JSON output, readings that take raw
 * bytes): most readings need the values only, and the hex costs as much as decoding the value.
 * JSON.stringify gives the same text as for a plain DataRecord (toJSON, contract key order).
 * The record keeps a view of the buffer it was decoded from until the hex is spelt: the decoder
 * decodes its private copy of the telegram; a caller that parses its own buffer must not change
 * it while the records are in use.
 *
 * A record sets only what differs per record: offset, exponent, value, error when there is one, and four
 * internal properties (`_shape`, `_data`, `_start`, `_length`). Everything its header bytes say (header, dif,
 * vif, vifes, storage, tariff, subunit, function, quantity, unit, name, labels, text_unit) is read from its shape
 * by the getters below, so it is not copied per record; a spread copy therefore holds only the per-record
 * properties (use the JSON form for a plain DataRecord). The internal properties are plain ones: under XS a
 * private field costs more to set than a property. (An object literal with this prototype as `__proto__` would
 * cost XS less again, but V8 builds such objects several times slower.)
 */
class DecodedRecord implements DataRecord {
  declare offset: number;
  declare exponent: number;
  declare value: number | string | null;
  declare error?: string;
  declare _shape: RecordShape;
  /** The buffer the data is in, or once spelt (or set) the data hex. */
  declare _data: Uint8Array | string;
  declare _start: number;
  declare _length: number;

  /**
   * Decodes the data of `header` at `dataPos` (bounded by `end`); the record's data length is then `_length`.
   * The record's decoding is its constructor: one call per record instead of a decoding function and a constructor.
   */
  constructor(header: RecordShape, buf: Uint8Array, dataPos: number, end: number, offset: number) {
    const info = header.info;
    let value: number | string | null;
    let length: number;
    let error: string | undefined;
    let numeric = false;
    const n = header.dataLength;
    const plain = header.plainInt;
    let v = NaN;
    if (plain !== 0 && dataPos + n <= end) {
      if (plain === 3) v = bcdNumber(buf, dataPos, n, false); // NaN for a bad digit: decodeValue words the error
      else {
        // values.ts intValue for kinds num / mfct / unsigned, inlined (readInt, then scaled without additive)
        v = 0;
        for (let i = dataPos + n - 1; i >= dataPos; i--) v = v * 256 + buf[i];
        if (plain === 1 && buf[dataPos + n - 1] & 0x80) v -= POW256[n];
      }
    }
    if (v === v) {
      const e = info.exponent; // scaleNumber without the call for the exponents of its table
      value = e >= 0 ? (e <= 22 ? v * POW10[e] : scaleNumber(v, e)) : e >= -22 ? v / POW10[-e] : scaleNumber(v, e);
      length = n;
      numeric = true;
    } else if (n === -2) {
      length = end > dataPos ? end - dataPos : 0;
      value = length > 0 ? toHex(buf, dataPos, dataPos + length) : null;
    } else if (header.vib === null) {
      length = 0;
      value = null;
    } else {
      const d = decodeValue(header.dif, info, buf, dataPos, end);
      value = d.value;
      length = d.length;
      error = d.error;
      numeric = d.numeric === true;
    }
    if (info.recordError !== undefined) {
      const e = "record error: " + info.recordError;
      error = error === undefined ? e : error + "; " + e;
    }
    this.offset = offset;
    this.exponent = numeric ? info.exponent : 0;
    this.value = value;
    this._shape = header;
    this._data = buf;
    this._start = dataPos;
    this._length = length;
    if (error !== undefined) this.error = error;
  }

  get header(): string { return this._shape.hex; }
  get dif(): number { return this._shape.dif.dif; }
  get vif(): number | null { const v = this._shape.vib; return v === null ? null : v.vif; }
  get vifes(): number[] { return this._shape.vifes as number[]; }
  get storage(): number { return this._shape.dif.storage; }
  get tariff(): number { return this._shape.dif.tariff; }
  get subunit(): number { return this._shape.dif.subunit; }
  get function(): RecordFunction { return this._shape.dif.function; }
  get quantity(): string { return this._shape.info.quantity; }
  get unit(): string { return this._shape.info.unit; }
  get name(): string { return this._shape.name; }
  /** Shared and frozen (RecordShape.labels); undefined when there are none. */
  get labels(): string[] | undefined { return this._shape.labels as string[] | undefined; }
  get text_unit(): string | undefined { const v = this._shape.vib; return v === null ? undefined : v.textUnit; }

  /** Data bytes as upper-case hex (for LVAR including the LVAR byte). */
  get data(): string {
    const d = this._data;
    if (typeof d === "string") return d;
    const hex = toHex(d, this._start, this._start + this._length);
    this._data = hex;
    return hex;
  }

  set data(hex: string) {
    this._data = hex;
  }

  /** VIF, VIFEs and plain-text unit as hex (the header without DIF and DIFEs). */
  get vibHex(): string {
    return this._shape.vibHex;
  }

  /** The data bytes (a view, not a copy). */
  get dataBytes(): Uint8Array {
    const d = this._data;
    return typeof d === "string" ? fromHex(d) : d.subarray(this._start, this._start + this._length);
  }

  /** Data length in bytes (without spelling the hex). */
  get dataLength(): number {
    const d = this._data;
    return typeof d === "string" ? d.length >> 1 : this._length;
  }

  /** The CLI's output spells the same text itself (host/output-lines.ts): a change of members or order here goes there too. */
  toJSON(): DataRecord {
    return {
      offset: this.offset, header: this.header, data: this.data, dif: this.dif, vif: this.vif, vifes: this.vifes,
      storage: this.storage, tariff: this.tariff, subunit: this.subunit, function: this.function,
      quantity: this.quantity, unit: this.unit, exponent: this.exponent, value: this.value, name: this.name,
      labels: this.labels, text_unit: this.text_unit, error: this.error,
    };
  }
}

/**
 * What a record decoded here is made of, for a writer that spells its JSON text itself (the CLI's output,
 * host/output-lines.ts): the per-record members, the shape that fixes the rest, and where the data bytes are
 * (`_data` is the hex instead once it was spelt or set).
 */
export interface DecodedRecordParts {
  readonly offset: number;
  readonly exponent: number;
  readonly value: number | string | null;
  readonly error?: string;
  readonly _shape: RecordShape;
  readonly _data: Uint8Array | string;
  readonly _start: number;
  readonly _length: number;
}

/** `r` as its parts when it was decoded here (decodeRecordData); undefined for a plain DataRecord. */
export function decodedRecordParts(r: DataRecord): DecodedRecordParts | undefined {
  return r instanceof DecodedRecord ? r : undefined;
}

/** VIF + VIFE bytes of a record as hex (the header without DIF and DIFEs); kept per shape for decoded records. */
export function recordVibHex(r: DataRecord): string {
  if (r instanceof DecodedRecord) return r.vibHex;
  const h = r.header;
  let i = 0;
  while (i + 2 <= h.length) {
    const b = parseInt(h.substr(i, 2), 16);
    i += 2;
    if ((b & 0x80) === 0) break;
  }
  return h.slice(i);
}

/** The data bytes of a record (for LVAR including the LVAR byte), without going through hex when it was decoded here. */
export function recordDataBytes(r: DataRecord): Uint8Array {
  return r instanceof DecodedRecord ? r.dataBytes : fromHex(r.data);
}

/** Data length in bytes of a record, without spelling its hex when it was decoded here. */
export function recordDataLength(r: DataRecord): number {
  return r instanceof DecodedRecord ? r.dataLength : r.data.length >> 1;
}

/** Records together with the headers they were decoded from (used to learn compact formats). */
export interface ParsedRecords {
  records: DataRecord[];
  headers: RecordShape[];
  /** Lenient mode only: the error that stopped parsing; `records` holds everything before it. */
  error?: WmbusError;
}

/**
 * Parses all records in buf[start, end) and keeps their headers. 2F fillers are skipped;
 * 0F/1F end the list with one "manufacturer_data" record holding the rest of the bytes.
 * Every iteration consumes at least one byte, so the loop always ends. With `lenient` a
 * malformed record does not throw: parsing stops and the error is returned with the records
 * decoded so far (real meters put CRC leftovers or junk after their last record).
 */
export function parseRecordsWithHeaders(buf: Uint8Array, start: number, end: number, lenient = false, shapes?: ShapeMemo): ParsedRecords {
  const records: DataRecord[] = [];
  const headers: RecordShape[] = [];
  const memo = shapes ?? new ShapeMemo(0); // without a memo every header is parsed
  if (end > buf.length) end = buf.length;
  let pos = start < 0 ? 0 : start;
  let prev: RecordShape | undefined;
  try {
    while (pos < end) {
      if (buf[pos] === 0x2f) {
        pos++;
        continue;
      }
      // the record that followed the previous shape last time, when these are its header bytes: no memo look-up
      let h = prev === undefined ? undefined : prev.follow;
      if (h != null) {
        // its header bytes, compared without a loop for the common lengths 1 to 3
        const b = h.bytes;
        const n = b.length;
        if (pos + n > end || buf[pos] !== b[0] || (n > 1 && (buf[pos + 1] !== b[1] || (n > 2 && (buf[pos + 2] !== b[2] || (n > 3 && !sameHeader(b, buf, pos))))))) h = undefined;
      }
      if (h == null) {
        h = memo.shapeAt(buf, pos, end);
        if (prev !== undefined && prev.follow !== null && h.serial > 0) prev.follow = h;
      }
      prev = h.serial > 0 ? h : undefined;
      const dataPos = pos + h.bytes.length;
      const record = new DecodedRecord(h, buf, dataPos, end, pos);
      records[records.length] = record; // an index store costs XS less than push
      headers[headers.length] = h;
      pos = dataPos + record._length;
      if (h.dataLength === -2) break;
    }
  } catch (e) {
    // one try around the loop: entering a try block costs XS per record otherwise
    if (!lenient || !(e instanceof WmbusError)) throw e;
    return { records, headers, error: e };
  }
  return { records, headers };
}

/** buf at `pos` begins with the header bytes `bytes` (the caller checked the bounds): a header parses by its bytes alone, so into the same shape. */
function sameHeader(bytes: Uint8Array, buf: Uint8Array, pos: number): boolean {
  for (let i = 0; i < bytes.length; i++) if (bytes[i] !== buf[pos + i]) return false;
  return true;
}

/** Parses all records in buf[start, end). Offsets are relative to `buf`. */
export function parseRecords(buf: Uint8Array, start: number, end: number): DataRecord[] {
  return parseRecordsWithHeaders(buf, start, end).records;
}

/** Like parseRecords, but returns the records before a malformed one together with its error. */
export function parseRecordsLenient(buf: Uint8Array, start: number, end: number): { records: DataRecord[]; error?: WmbusError } {
  const r = parseRecordsWithHeaders(buf, start, end, true);
  return r.error === undefined ? { records: r.records } : { records: r.records, error: r.error };
}
