/**
 * The CLI's standard output: JSON lines gathered into large writes, with the data records spelt straight into
 * the output bytes.
 *
 * Why the records are spelt here: on the corpus mix two thirds of an output line are data records (about seven
 * per line), and turning them into text was the largest single cost of `wmbus decode --jsonl` (JSON.stringify
 * calling each record's toJSON, then encoding the text as UTF-8). Most of a record's text is fixed by its header
 * bytes (the shape: header, DIF and VIF fields, name, labels), so that text is made once per shape, as bytes, and
 * only the offset, the data hex, the exponent, the value and an error are written per record. The text is the
 * one JSON.stringify gives for the record (its toJSON, `application/records.ts`), byte for byte; the CLI tests
 * compare the two over both corpus files and over random records.
 */
import { decodedRecordParts, type RecordShape } from "../firmware/application/records.js";
import type { DataRecord } from "../firmware/application/record.js";

/** Byte b in upper-case hex is HEX_BYTES[2b], HEX_BYTES[2b + 1]. */
const HEX_BYTES: Uint8Array = (() => {
  const t = new Uint8Array(512);
  const digits = "0123456789ABCDEF";
  for (let b = 0; b < 256; b++) {
    t[2 * b] = digits.charCodeAt(b >> 4);
    t[2 * b + 1] = digits.charCodeAt(b & 15);
  }
  return t;
})();

const OFFSET_KEY = Buffer.from('{"offset":');
const VALUE_KEY = Buffer.from(',"value":');
const RECORDS_KEY = Buffer.from('"records":[');

/** Copies `from` into `buf` at `pos`; returns the end. A loop for pieces of a few bytes, whose set() call costs more than the copy. */
function copyInto(buf: Uint8Array, pos: number, from: Uint8Array): number {
  if (from.length > 24) {
    buf.set(from, pos);
    return pos + from.length;
  }
  for (let i = 0; i < from.length; i++) buf[pos++] = from[i];
  return pos;
}

/** A record's text around its per-record members, fixed by its shape (JSON key order as in DataRecord.toJSON). */
interface ShapeText {
  /** `,"header":"…","data":"` */
  head: Buffer;
  /** `","dif":…,"unit":"…","exponent":` */
  mid: Buffer;
  /** `,"name":"…"`, then labels and text unit when the shape has them */
  tail: Buffer;
}

/** The shape-fixed text of record `r`, spelt by JSON.stringify from the record's own members. */
function shapeText(r: DataRecord): ShapeText {
  const head = JSON.stringify({ header: r.header });
  const mid = JSON.stringify({
    dif: r.dif, vif: r.vif, vifes: r.vifes, storage: r.storage, tariff: r.tariff, subunit: r.subunit,
    function: r.function, quantity: r.quantity, unit: r.unit,
  });
  const tail = JSON.stringify({ name: r.name, labels: r.labels, text_unit: r.text_unit });
  return {
    head: Buffer.from("," + head.slice(1, -1) + ',"data":"'),
    mid: Buffer.from('",' + mid.slice(1, -1) + ',"exponent":'),
    tail: Buffer.from("," + tail.slice(1, -1)),
  };
}

/**
 * Output lines gathered into large writes. One stream write per line (~2.6 KB on the corpus mix) cost as much
 * as decoding the telegram; joining lines into one string first copied every byte once more. Lines are
 * encoded straight into a buffer of `chunk` bytes; `flush` hands `write` the whole lines not written yet, and
 * the buffer goes on filling after them (the stream may keep what it was given, which is never written to
 * again). A new buffer is made only when the next piece of a line may not fit (the line's part so far moves
 * with it), so flushing after every line of a live stream costs no allocation.
 */
export class OutputBatch {
  readonly #write: (bytes: Buffer) => void;
  readonly #chunk: number;
  #buf: Buffer;
  /** Bytes of #buf handed to `write` already. */
  #written = 0;
  /** Where the line being written starts: the bytes before it are whole lines. */
  #lineStart = 0;
  #used = 0;
  /** Shape text by shape, for the records of this run; emptied when it holds `maxShapes`. */
  readonly #shapes = new Map<RecordShape, ShapeText>();
  readonly #maxShapes: number;

  constructor(write: (bytes: Buffer) => void, chunk = 1 << 20, maxShapes = 4096) {
    this.#write = write;
    this.#chunk = chunk;
    this.#buf = Buffer.allocUnsafe(chunk);
    this.#maxShapes = maxShapes;
  }

  /** Adds one line (without its newline). */
  add(line: string): void {
    this.#text(line);
    this.#endLine();
  }

  /**
   * Adds the JSON text of `value` as one line: the text JSON.stringify gives, with a `records` list of data
   * records spelt by this batch (see the module comment).
   */
  addJson(value: { readonly [k: string]: unknown }): void {
    const records = value.records;
    if (!Array.isArray(records) || typeof value.toJSON === "function") {
      this.add(JSON.stringify(value));
      return;
    }
    // the members before and after `records`, each stringified as one object
    const before: { [k: string]: unknown } = {};
    let after: { [k: string]: unknown } | undefined;
    for (const k of Object.keys(value)) {
      if (k === "records") after = {};
      else (after ?? before)[k] = value[k];
    }
    const head = JSON.stringify(before);
    const tail = JSON.stringify(after);
    this.#room(head.length * 3 + RECORDS_KEY.length + 1);
    if (head.length > 2) {
      this.#used += this.#buf.write(head, this.#used, "utf8");
      this.#buf[this.#used - 1] = 44; // the "}" becomes ","
    } else this.#buf[this.#used++] = 123; // "{"
    this.#used = copyInto(this.#buf, this.#used, RECORDS_KEY);
    for (let i = 0; i < records.length; i++) {
      if (i > 0) {
        this.#room(1);
        this.#buf[this.#used++] = 44;
      }
      this.#record(records[i] as DataRecord);
    }
    this.#room(tail.length * 3 + 1);
    this.#buf[this.#used++] = 93; // "]"
    if (tail.length > 2) {
      const at = this.#used;
      this.#used += this.#buf.write(tail, at, "utf8");
      this.#buf[at] = 44; // its "{" becomes ","
    } else this.#buf[this.#used++] = 125; // "}"
    this.#endLine();
  }

  /** Writes the whole lines gathered. */
  flush(): void {
    if (this.#lineStart === this.#written) return;
    this.#write(this.#buf.subarray(this.#written, this.#lineStart));
    this.#written = this.#lineStart;
  }

  /** One data record's JSON text. */
  #record(r: DataRecord): void {
    const p = decodedRecordParts(r);
    // a plain record, or one whose shape the decoder did not keep (a new object each time: nothing to reuse)
    if (p === undefined || p._shape.serial === 0) {
      this.#text(JSON.stringify(r) ?? "null"); // as JSON.stringify spells a list member that has no JSON form
      return;
    }
    let t = this.#shapes.get(p._shape);
    if (t === undefined) {
      t = shapeText(r);
      if (this.#shapes.size >= this.#maxShapes) this.#shapes.clear();
      this.#shapes.set(p._shape, t);
    }
    const data = p._data;
    const dataText = typeof data === "string" ? JSON.stringify(data) : undefined;
    const v = p.value;
    const valueText = v === undefined || (typeof v === "number" && Number.isSafeInteger(v)) ? undefined : JSON.stringify(v);
    const error = p.error === undefined ? undefined : JSON.stringify(p.error);
    this.#room(
      OFFSET_KEY.length + t.head.length + t.mid.length + VALUE_KEY.length + t.tail.length + 3 * 24 + 2 +
        (dataText === undefined ? 2 * p._length : 3 * dataText.length) +
        (valueText === undefined ? 0 : 3 * valueText.length) +
        (error === undefined ? 0 : 9 + 3 * error.length),
    );
    const buf = this.#buf;
    let pos = this.#used;
    pos = copyInto(buf, pos, OFFSET_KEY);
    pos = this.#number(pos, p.offset);
    pos = copyInto(buf, pos, t.head);
    if (dataText === undefined) {
      const bytes = data as Uint8Array;
      for (let i = p._start, end = p._start + p._length; i < end; i++) {
        const b = bytes[i];
        buf[pos++] = HEX_BYTES[2 * b];
        buf[pos++] = HEX_BYTES[2 * b + 1];
      }
    } else pos += buf.write(dataText, pos - 1, "utf8") - 2; // over the head's closing quote, and the mid's opening one
    pos = copyInto(buf, pos, t.mid);
    pos = this.#number(pos, p.exponent);
    if (v !== undefined) {
      pos = copyInto(buf, pos, VALUE_KEY);
      pos = valueText === undefined ? this.#number(pos, v as number) : pos + buf.write(valueText, pos, "utf8");
    }
    pos = copyInto(buf, pos, t.tail);
    if (error !== undefined) pos += buf.write(',"error":' + error, pos, "utf8");
    buf[pos++] = 125; // "}"
    this.#used = pos;
  }

  /** Writes number `v` at `pos` as JSON.stringify spells it (room for 24 bytes was made); returns the end. */
  #number(pos: number, v: number): number {
    const buf = this.#buf;
    if (!Number.isSafeInteger(v)) return pos + buf.write(JSON.stringify(v), pos, "latin1");
    if (v < 0) {
      buf[pos++] = 45; // "-"
      v = -v;
    }
    let digits = 1;
    for (let x = v; x >= 10; x = Math.floor(x / 10)) digits++;
    let at = pos + digits;
    for (let i = 0; i < digits; i++) {
      buf[--at] = 48 + (v % 10);
      v = Math.floor(v / 10);
    }
    return pos + digits;
  }

  /** Writes text `s` (UTF-8) into the current line. */
  #text(s: string): void {
    this.#room(s.length * 3); // a UTF-16 code unit is at most 3 UTF-8 bytes
    this.#used += this.#buf.write(s, this.#used, "utf8");
  }

  /** Ends the current line with its newline. */
  #endLine(): void {
    this.#room(1);
    this.#buf[this.#used++] = 10;
    this.#lineStart = this.#used;
  }

  /**
   * Makes room for `n` more bytes of the current line: when they may not fit, the whole lines go to `write` and
   * the line so far moves to a new buffer (the old one, which `write` may keep, is not written to again).
   */
  #room(n: number): void {
    if (this.#used + n <= this.#buf.length) return;
    this.flush();
    const partial = this.#used - this.#lineStart;
    const next = Buffer.allocUnsafe(Math.max(this.#chunk, 2 * (partial + n)));
    this.#buf.copy(next, 0, this.#lineStart, this.#used);
    this.#buf = next;
    this.#written = 0;
    this.#lineStart = 0;
    this.#used = partial;
  }
}
