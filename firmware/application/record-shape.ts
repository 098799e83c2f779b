/**
 * APL record headers (EN 13757-3:2018 §6): DIF [DIFE…] VIF [VIFE…] [plain-text unit], parsed into a
 * RecordShape (meaning, name, data length), and the memo that shares one shape among all records with
 * the same header bytes. Only WmbusError is ever thrown: truncated / bad_dif / too_many_dife / too_many_vife.
 */
import { toHex } from "../util/hex.js";
import { Reader } from "../util/reader.js";
import { readDif, type DifInfo } from "./dif.js";
import type { RecordFunction } from "./record.js";
import { readVif, resolveVif, type VifChain, type VifInfo } from "./vif.js";
import { deepFreeze } from "../util/freeze.js";

/** Everything the header bytes say about a record, wherever it sits; shared by all records with these bytes. */
export interface RecordShape {
  /** Header bytes (DIF, DIFEs, VIF, VIFEs, plain-text unit), copied. */
  bytes: Uint8Array;
  /** The header bytes as upper-case hex (DataRecord.header). */
  hex: string;
  /** VIF, VIFEs and plain-text unit as upper-case hex: the header without DIF and DIFEs. */
  vibHex: string;
  dif: DifInfo;
  /** null for special DIFs (0F, 1F, 2F, 7F). */
  vib: VifChain | null;
  info: VifInfo;
  /** Data length in bytes; -1 = LVAR (length byte first); -2 = manufacturer data to the end. */
  dataLength: number;
  /** Stable record name (quantity, labels, storage, tariff, sub-unit, function). */
  name: string;
  /**
   * A number unique to this shape object among the shapes of its memo (so that a list of shapes can be hashed, see
   * format-cache.ts); 0 for a shape that is not memoised (a header the memo does not keep, or no memo).
   */
  serial: number;
  /**
   * The most common data, a plain binary or BCD number without an additive VIFE, is read by decodeRecordData
   * itself: 1 = signed (type B), 2 = unsigned (type C), 3 = BCD (type A, decodeValue words a bad digit),
   * 0 = decodeValue decides.
   */
  plainInt: number;
  /** The record's VIFEs, frozen: every record of this shape shares the array (no copy per record). */
  vifes: readonly number[];
  /** The record's labels, frozen and shared like `vifes`; undefined when there are none. */
  labels: readonly string[] | undefined;
  /**
   * Memoised shapes only (ShapeMemo): the shape of the record that followed this one in the last full frame parsed,
   * tried first for the next record (records.ts); null once this shape has left the memo (see ShapeMemo.shapeAt).
   */
  follow?: RecordShape | null;
}

/** A record header at a place in a buffer; compact frames keep these per format. */
export interface RecordHeader extends RecordShape {
  /** Offset of the DIF in the buffer. */
  offset: number;
}

const FUNCTION_SUFFIX: { readonly [f in RecordFunction]: string } = deepFreeze({
  instantaneous: "",
  maximum: "_max",
  minimum: "_min",
  error: "_error",
});

/** quantity [_label…] [_storage_N] [_tariff_N] [_subunit_N] [_max|_min|_error] */
export function recordName(quantity: string, nameLabels: readonly string[], dif: DifInfo): string {
  let s = quantity;
  for (const l of nameLabels) s += "_" + l;
  if (dif.storage > 0) s += "_storage_" + dif.storage;
  if (dif.tariff > 0) s += "_tariff_" + dif.tariff;
  if (dif.subunit > 0) s += "_subunit_" + dif.subunit;
  return s + FUNCTION_SUFFIX[dif.function];
}

const SPECIAL_QUANTITY = deepFreeze({
  manufacturer: "manufacturer_data",
  more_records: "manufacturer_data",
  filler: "idle_filler",
  global_readout: "global_readout",
} as const);

/**
 * Parses the record header at `pos` (bounded by `end`). For special DIFs the header is the DIF
 * byte alone: 2F fillers and 7F have no data, 0F/1F have manufacturer data up to `end`.
 */
export function parseRecordHeader(buf: Uint8Array, pos: number, end: number): RecordHeader {
  const s = parseShape(buf, pos, end, 0);
  return {
    offset: pos, bytes: s.bytes, hex: s.hex, vibHex: s.vibHex, dif: s.dif, vib: s.vib, info: s.info, dataLength: s.dataLength,
    name: s.name, serial: s.serial, plainInt: s.plainInt, vifes: s.vifes, labels: s.labels,
  };
}

/**
 * The shape's labels: the meaning's own label array, frozen in place (it is fresh per parse, never a module constant:
 * on the device a preloaded object cannot be output as JSON); undefined when there are none. The name labels,
 * needed only to build the name, then share that array when they are the same (most headers have neither), so a
 * memoised shape keeps one array where it kept three.
 */
function frozenLabels(info: VifInfo): readonly string[] | undefined {
  const labels = info.labels;
  const names = info.nameLabels;
  let same = names.length === labels.length;
  for (let i = 0; same && i < labels.length; i++) same = names[i] === labels[i];
  Object.freeze(labels);
  if (same) info.nameLabels = labels;
  return labels.length > 0 ? labels : undefined;
}

/** DIF and VIF parts kept by a ShapeMemo for its shapes to share (a few dozen of each serve every meter). */
const MAX_PARTS = 64;

/** The VIF part of a shape (RecordShape.vib, info and labels), shared by the shapes with the same VIF bytes. */
interface VifPart {
  vib: VifChain;
  info: VifInfo;
  labels: readonly string[] | undefined;
}

/** Key of the DIF part at `at` when it is one byte (DIF) or two (DIF DIFE); -1 otherwise (parsed every time). */
function difKey(buf: Uint8Array, at: number, end: number): number {
  if (at >= end) return -1;
  const d = buf[at];
  if ((d & 0x80) === 0) return d;
  if (at + 1 >= end || (buf[at + 1] & 0x80) !== 0) return -1;
  return 256 + d * 256 + buf[at + 1];
}

/**
 * Key of the VIB at `at` when it is one byte (VIF) or two (VIF VIFE) and has no plain-text unit; -1 otherwise
 * (those are parsed every time).
 */
function vibKey(buf: Uint8Array, at: number, end: number): number {
  if (at >= end) return -1;
  const v = buf[at];
  if ((v & 0x7f) === 0x7c) return -1;
  if ((v & 0x80) === 0) return v;
  if (at + 1 >= end || (buf[at + 1] & 0x80) !== 0) return -1;
  return 256 + v * 256 + buf[at + 1];
}

/**
 * Parses the header at `pos` into a new shape; `serial` numbers it (ShapeMemo), 0 when it is not memoised. With
 * `memo` the shape shares its DIF part (DIF and at most one DIFE) and its VIF part (VIF and at most one VIFE) with
 * the memo's other shapes that have the same bytes there: shared parts are frozen.
 */
function parseShape(buf: Uint8Array, pos: number, end: number, serial: number, memo?: ShapeMemo): RecordShape {
  const r = new Reader(buf, pos, end);
  const difs = memo?.difs;
  const dk = difs !== undefined ? difKey(buf, pos, end) : -1;
  let dif = dk >= 0 ? difs!.get(dk) : undefined;
  if (dif !== undefined) r.skip(dk < 256 ? 1 : 2, "DIF");
  else {
    dif = readDif(r);
    // kept when the bytes read are the key's (a special DIF stops after one byte)
    if (dk >= 0 && r.pos - pos === (dk < 256 ? 1 : 2)) {
      if (difs!.size >= MAX_PARTS) difs!.clear();
      Object.freeze(dif.difes); // its only nested object
      difs!.set(dk, Object.freeze(dif));
    }
  }
  if (dif.special !== undefined) {
    const mfct = dif.special === "manufacturer" || dif.special === "more_records";
    const info: VifInfo = { quantity: SPECIAL_QUANTITY[dif.special], unit: "", exponent: 0, kind: "hex", labels: [], nameLabels: [] };
    if (dif.special === "more_records") info.labels.push("more_records_follow");
    const bytes = buf.slice(pos, r.pos);
    return {
      bytes, hex: toHex(bytes), vibHex: "", dif, vib: null, info, dataLength: mfct ? -2 : 0, name: info.quantity, serial, plainInt: 0,
      // a fresh array per shape, never a module constant: on the device a preloaded object cannot be output (JSON)
      vifes: Object.freeze([] as number[]), labels: frozenLabels(info),
    };
  }
  const vifs = memo?.vifs;
  const key = vifs !== undefined ? vibKey(buf, r.pos, end) : -1;
  let part = key >= 0 ? vifs!.get(key) : undefined;
  if (part !== undefined) r.skip(key < 256 ? 1 : 2, "VIB");
  else {
    const vib = readVif(r);
    const info = resolveVif(vib);
    Object.freeze(vib.vifes); // the chain's own array (fresh per parse), frozen in place
    part = { vib, info, labels: frozenLabels(info) };
    if (key >= 0) {
      if (vifs!.size >= MAX_PARTS) vifs!.clear();
      Object.freeze(info.nameLabels);
      Object.freeze(info);
      Object.freeze(vib);
      vifs!.set(key, part);
    }
  }
  const { vib, info } = part;
  const bytes = buf.slice(pos, r.pos);
  const name = recordName(info.quantity, info.nameLabels, dif);
  const hex = toHex(bytes);
  const vibHex = hex.slice(2 + 2 * dif.difes.length);
  return {
    bytes, hex, vibHex, dif, vib, info, dataLength: dif.dataLength, name, serial, plainInt: plainInt(dif, info),
    vifes: vib.vifes, labels: part.labels,
  };
}

/**
 * See RecordShape.plainInt: the cases where values.ts intValue reads and scales a number of ≤ 6 bytes (its
 * signed default branch: kinds num and mfct; unsigned), or bcdData a type A number of ≤ 7 bytes (every kind but
 * the digit strings and hex), each without an additive VIFE.
 */
function plainInt(dif: DifInfo, info: VifInfo): number {
  const k = info.kind;
  if (info.additive !== undefined) return 0;
  if (dif.coding === "int" && dif.dataLength <= 6) return k === "num" || k === "mfct" ? 1 : k === "unsigned" ? 2 : 0;
  if (dif.coding === "bcd" && dif.dataLength <= 7) return k === "hex" || k === "container" || k === "id" ? 0 : 3;
  return 0;
}

/**
 * Parsed headers by their bytes. A meter repeats the same few headers in every telegram and the
 * meters of one model share them, so most records skip the DIF/VIF parse and the name building.
 * Only headers of at most MEMO_BYTES bytes without a plain-text unit are kept (the key must be an
 * exact number); when full, the oldest shape makes room, which bounds its memory. A shape costs about 1 KB
 * of XS heap on the ESP32 (990 B measured: objects for DIF, VIB and meaning, header bytes and strings),
 * so the device keeps DEVICE_SHAPE_MEMO; a host gateway or the CLI sizes it for hundreds of models.
 * One memo per FormatCache (format-cache.ts): the shapes it hands out are how that cache recognises formats.
 */
export const DEVICE_SHAPE_MEMO = 32;
const MEMO_BYTES = 6;

export class ShapeMemo {
  /** How many shapes are kept (0: none). */
  readonly max: number;
  /** Shapes by header key (shapeKey). Not private: a private field costs XS more per record than a property. */
  readonly memo = new Map<number, RecordShape>();
  /** DIF parts its shapes share (parseShape), by DIF and DIFE bytes. */
  readonly difs = new Map<number, DifInfo>();
  /** VIF parts its shapes share (parseShape), by VIF and VIFE bytes. */
  readonly vifs = new Map<number, VifPart>();
  /** The last serial handed out (RecordShape.serial: unique among the shapes of this memo). */
  #serial = 0;

  constructor(max = DEVICE_SHAPE_MEMO) {
    this.max = max > 0 ? Math.floor(max) : 0;
  }

  get size(): number {
    return this.memo.size;
  }

  /** The shape of the header at `pos`, from the memo when these header bytes were parsed before. */
  shapeAt(buf: Uint8Array, pos: number, end: number): RecordShape {
    const key = this.max > 0 ? shortKey(buf, pos, end) : -1;
    if (key < 0) return parseShape(buf, pos, end, 0); // parsed afresh every time: serial 0
    const memo = this.memo;
    let s = memo.get(key);
    if (s === undefined) {
      s = parseShape(buf, pos, end, this.#next(), this);
      if (memo.size >= this.max) {
        // the least recently used shape goes first; it keeps no follower, so at most one shape per memoised one
        // stays reachable after leaving the memo (the follower of a memoised shape)
        const old = memo.keys().next().value!;
        memo.get(old)!.follow = null;
        memo.delete(old);
      }
      memo.set(key, s);
    } else if (memo.size >= this.max) {
      // a full memo keeps its order by use, so shapes that every meter sends (date/time, volume) stay
      memo.delete(key);
      memo.set(key, s);
    }
    return s;
  }

  #next(): number {
    this.#serial = (this.#serial + 1) % 0x40000000;
    return this.#serial;
  }
}

/**
 * shapeKey for the common headers, DIF VIF or DIF VIF VIFE or DIF DIFE VIF (no loop: this runs per record);
 * the same key, so the same memo entry. Anything else goes to shapeKey.
 */
function shortKey(buf: Uint8Array, pos: number, end: number): number {
  const a = buf[pos];
  if (end - pos < 3 || (a & 0x0f) === 0x0f) return shapeKey(buf, pos, end);
  const b = buf[pos + 1];
  const c = buf[pos + 2];
  if (a < 0x80) {
    if (b === 0x7c || b === 0xfc) return -1; // plain-text unit: variable
    if (b < 0x80) return (a * 256 + b) * 8 + 2;
    if (c < 0x80) return ((a * 256 + b) * 256 + c) * 8 + 3;
  } else if (b < 0x80 && c < 0x80 && c !== 0x7c) {
    return ((a * 256 + b) * 256 + c) * 8 + 3;
  }
  return shapeKey(buf, pos, end);
}

/** The memo key of the header at `pos`: its bytes as a number, times 8, plus its length; -1 = not memoisable. */
function shapeKey(buf: Uint8Array, pos: number, end: number): number {
  let p = pos;
  let key = 0;
  let b = 0;
  const limit = end - pos < MEMO_BYTES ? end : pos + MEMO_BYTES;
  const first = buf[pos];
  // special DIFs 0F, 1F, 2F, 7F: the shape is the DIF byte alone (no header is 1 byte long otherwise)
  if (first === 0x0f || first === 0x1f || first === 0x2f || first === 0x7f) return first * 8 + 1;
  if ((first & 0x0f) === 0x0f) return -1; // other special DIF bytes: let readDif judge them
  do {
    if (p >= limit) return -1;
    b = buf[p++];
    key = key * 256 + b;
  } while (b & 0x80); // DIF, DIFEs
  if (p >= limit || (buf[p] & 0x7f) === 0x7c) return -1; // plain-text unit: variable
  do {
    if (p >= limit) return -1;
    b = buf[p++];
    key = key * 256 + b;
  } while (b & 0x80); // VIF, VIFEs
  return key * 8 + (p - pos);
}

/** The shape of the header at `pos`: from `memo` when given, else freshly parsed. */
export function recordShapeAt(buf: Uint8Array, pos: number, end: number, memo?: ShapeMemo): RecordShape {
  return memo === undefined ? parseShape(buf, pos, end, 0) : memo.shapeAt(buf, pos, end);
}
