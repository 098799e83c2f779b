/**
 * Cache of compact-frame formats (EN 13757-3:2018 Annex G), keyed by format signature
 * = CRC-16/EN-13757 over the concatenated record headers.
 *
 * A format can be scoped to one meter (M + ID) and to a manufacturer + device type
 * (M & 0x7FFF, as wmbusmeters keys its predeclared formats), or be global. Lookup tries the
 * meter, then M/type, then M with any type ("*"), then global. The link-layer Address is a
 * valid scope. A format learnt from a meter is kept under its M/type, shared by the meters of the
 * model; the meter gets an entry of its own only when its format collides with the model's (same
 * signature, other header bytes). The cache is bounded (least recently learnt or used entry dropped first) and
 * memory-lean for the device: an entry holds only the header bytes; parsed headers are kept
 * for the few most recently used formats.
 *
 * Persisted form (export/import), one string per entry:
 *   "HEADERHEX"                        global
 *   "mt:MMMM:TT=HEADERHEX"             manufacturer M (hex, MSB first) and device type (or "*")
 *   "meter:MMMM:IIIIIIII=HEADERHEX"    one meter (M or "*", id as printed)
 */
import { fail } from "../errors.js";
import { crc16 } from "../link/crc16.js";
import { fromHex, hex8, hex16, toHex } from "../util/hex.js";
import { KeySpeller, meterKey, type FormatScope } from "./format-keys.js";
import { DEVICE_SHAPE_MEMO, parseRecordHeader, ShapeMemo, type RecordHeader, type RecordShape } from "./record-shape.js";

export type { FormatScope } from "./format-keys.js";
export interface Format {
  signature: number;
  /** Header bytes as learnt (the signature is their CRC). */
  bytes: Uint8Array;
  /**
   * The record shapes of the full frame this format was last learnt from, while that frame is in the frame memo
   * (dropped when it leaves). Shapes are memoised by their bytes (FormatCache.shapes), so the same shapes in the
   * same order mean the same bytes.
   */
  shapes?: readonly RecordShape[];
}

/** How many formats keep their parsed headers (the rest are re-parsed when used). */
const PARSED_MEMO = 8;

/** Format signature: CRC-16/EN-13757 over the header bytes (sent LSB first). */
export function formatSignature(headers: Uint8Array, start = 0, end = headers.length): number {
  return crc16(headers, start, end);
}

/**
 * Parses a header list (no data bytes). 2F fillers are skipped; manufacturer data (0F/1F) and
 * 7F have no place in a format and give `bad_dif`.
 */
export function parseHeaderList(bytes: Uint8Array): RecordHeader[] {
  const out: RecordHeader[] = [];
  let pos = 0;
  while (pos < bytes.length) {
    if (bytes[pos] === 0x2f) {
      pos++;
      continue;
    }
    const h = parseRecordHeader(bytes, pos, bytes.length);
    if (h.vib === null) fail("bad_dif", `DIF 0x${hex8(h.dif.dif)} cannot be part of a compact-frame format`, pos);
    out.push(h);
    pos += h.bytes.length;
  }
  return out;
}

/** Header bytes of the records that form a compact format (no fillers, no manufacturer data). */
export function formatHeaderBytes(headers: readonly RecordShape[]): Uint8Array {
  let n = 0;
  for (let i = 0; i < headers.length; i++) if (headers[i].vib !== null) n += headers[i].bytes.length;
  const out = new Uint8Array(n);
  let p = 0;
  for (let i = 0; i < headers.length; i++) {
    const h = headers[i];
    if (h.vib === null) continue;
    out.set(h.bytes, p);
    p += h.bytes.length;
  }
  return out;
}

function sameShapes(a: readonly RecordShape[] | undefined, b: readonly RecordShape[]): boolean {
  if (a === b) return true;
  if (a === undefined || a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** A stored format has these header bytes (recognised by the shapes they were parsed into when known). */
function sameFormat(f: Format, headers: Uint8Array, shapes: readonly RecordShape[] | undefined): boolean {
  return (shapes !== undefined && sameShapes(f.shapes, shapes)) || sameBytes(f.bytes, headers);
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** A full frame's record shapes with their header bytes and signature (see FormatCache.learnShapes). */
interface FrameFormat {
  shapes: readonly RecordShape[];
  /** Every shape is memoised (serial > 0): the next frame of this format brings the same shape objects. */
  memoised: boolean;
  bytes: Uint8Array;
  signature: number;
  sig: string;
  /** The stored format that took `shapes` (Format.shapes), which lets them go when this entry leaves the memo. */
  holder?: Format;
}

/**
 * How many frame formats a cache keeps with their header bytes and signature on the device. An entry is keyed
 * by the serials of its memoised record shapes, so an entry whose shapes left the shape memo (DEVICE_SHAPE_MEMO)
 * can never be hit again but keeps them alive. Measured on the real SDK with the 50-meter apartment replay
 * (docs/performance.md): 128 entries held about 18 000 more XS slots than 32, and 8 hold about 3 150 fewer than
 * 32, while the XS cost per frame of that replay does not change (the entries hit on 10 % of its frames) and
 * neither does the stage bench's (it decodes a telegram right after learning its format). A host gateway or the
 * CLI that hears hundreds of meter models keeps more of both (the corpus alone has about 300 formats).
 */
export const DEVICE_FRAME_MEMO = 8;

/** Sizes of what a FormatCache memoises (see ShapeMemo and DEVICE_FRAME_MEMO); the device sizes by default. */
export interface MemoSizes {
  /** Parsed record headers kept (0: none). */
  shapes?: number;
  /** Frame formats kept with their header bytes and signature (at least 1). */
  frames?: number;
}

/**
 * Memo key of a list of shapes: first and last shape and the count (exact below 2^53). Equal lists get
 * equal keys; two lists that only share these are told apart by sameShapes. No loop: this runs per frame.
 */
function shapesKey(shapes: readonly RecordShape[]): number {
  return (shapes[0].serial * 4096 + (shapes[shapes.length - 1].serial % 4096)) * 256 + (shapes.length % 256);
}

/**
 * The formats a decoder has learnt, and the memos that make recognising them cheap: the record shapes
 * (ShapeMemo) that full frames are parsed with, and the frame formats worked out from them. One per decoder
 * (or shared by decoders that should learn together); nothing of it lives at module level.
 */
export class FormatCache {
  readonly maxEntries: number;
  /** Record shapes of full frames parsed with this cache (decoder/apl-dispatch.ts). */
  readonly shapes: ShapeMemo;
  readonly #frameMemo: number;
  readonly #keys = new KeySpeller();
  private readonly map = new Map<string, Format>();
  private readonly parsed = new Map<Format, RecordHeader[]>();
  private readonly frames = new Map<number, FrameFormat>();
  /** How many keys are meter-scoped (kept only on collisions, or imported). */
  private meterEntries = 0;

  constructor(maxEntries = 128, memo: MemoSizes = {}) {
    this.maxEntries = maxEntries > 0 ? maxEntries : 1;
    this.shapes = new ShapeMemo(memo.shapes ?? DEVICE_SHAPE_MEMO);
    const frames = memo.frames ?? DEVICE_FRAME_MEMO;
    this.#frameMemo = frames > 1 ? Math.floor(frames) : 1;
  }

  get size(): number {
    return this.map.size;
  }

  /** How many frame formats the memo keeps worked out (MemoSizes.frames). */
  get frameMemo(): number {
    return this.#frameMemo;
  }

  /**
   * Learns a format from its header bytes (copied); returns its signature. See learnShapes for where a
   * format with a meter scope is kept.
   */
  learn(headers: Uint8Array, scope?: FormatScope): number {
    const signature = formatSignature(headers);
    return this.keep(headers, signature, hex16(signature), scope, undefined).signature;
  }

  /**
   * Learns the format of a full frame from its record shapes (fillers and manufacturer data are left
   * out of the format); returns its signature. Same as learn(formatHeaderBytes(shapes)), but the
   * header bytes and signature of a frame format are worked out once per model, and a known format
   * is recognised by its memoised shapes without comparing bytes.
   *
   * With a meter scope the format is kept under the M/type key, which all meters of the model share
   * (the meters of one model send the same formats); the meter key gets an entry of its own only when
   * the model's entry has other header bytes under the same signature (a CRC-16 collision), so a
   * registered meter costs no cache entry (docs/performance.md).
   */
  learnShapes(shapes: readonly RecordShape[], scope?: FormatScope): number {
    if (shapes.length === 0) return this.learn(new Uint8Array(0), scope);
    return this.#learnFrame(shapes, scope).signature;
  }

  /**
   * learnShapes for a non-empty list, returning the memo's own list of these shapes instead of the signature: the
   * same list object for every frame of this format while the memos keep it, so a reader can key work done once per
   * frame format by it (Telegram.recordShapes). Undefined when some header is not memoised (too long, plain-text
   * unit, no shape memo): every frame of such a format brings a new list.
   */
  learnFrame(shapes: readonly RecordShape[], scope?: FormatScope): readonly RecordShape[] | undefined {
    const frame = this.#learnFrame(shapes, scope);
    return frame.memoised ? frame.shapes : undefined;
  }

  #learnFrame(shapes: readonly RecordShape[], scope: FormatScope | undefined): FrameFormat {
    const hash = shapesKey(shapes);
    let frame = this.frames.get(hash);
    if (frame === undefined || !sameShapes(frame.shapes, shapes)) {
      const bytes = formatHeaderBytes(shapes);
      const signature = formatSignature(bytes);
      let memoised = true;
      for (let i = 0; i < shapes.length; i++) if (shapes[i].serial === 0) memoised = false;
      frame = { shapes, memoised, bytes, signature, sig: hex16(signature), holder: undefined };
      if (this.frames.size >= this.#frameMemo) {
        const oldest = this.frames.keys().next().value!;
        const gone = this.frames.get(oldest)!;
        this.frames.delete(oldest);
        // a stored format keeps a frame's shapes only while the frame is in the memo: otherwise every model ever
        // heard kept a whole list of record shapes alive (about 5 000 XS slots in the real-SDK 50-meter replay,
        // docs/performance.md); its compact frames then parse its header bytes (headersOf)
        const h = gone.holder;
        if (h !== undefined && h.shapes === gone.shapes) h.shapes = undefined;
      }
      this.frames.set(hash, frame);
    }
    // the memo's own list: a format learnt from it is then recognised by identity (sameShapes)
    frame.holder = this.keep(frame.bytes, frame.signature, frame.sig, scope, frame.shapes);
    return frame;
  }

  /** Stores or refreshes a learnt format (see learnShapes); returns the stored format. */
  private keep(headers: Uint8Array, signature: number, sig: string, scope: FormatScope | undefined, shapes: readonly RecordShape[] | undefined): Format {
    if (scope === undefined || scope.m === undefined || scope.id === undefined) return this.store(this.#keys.scopeKeys(scope), headers, signature, sig, shapes);
    const mtKey = this.#keys.modelSigKey(scope.m, scope.deviceType, signature, sig);
    const shared = this.map.get(mtKey);
    if (shared === undefined || sameFormat(shared, headers, shapes)) {
      const f = shared ?? this.newFormat(signature, headers);
      if (shapes !== undefined) f.shapes = shapes;
      this.put(mtKey, f);
      if (this.meterEntries > 0) this.remove(meterKey(scope) + "|" + sig); // an own entry is stale now
      return f;
    }
    const own = meterKey(scope) + "|" + sig;
    const f = this.map.get(own);
    const format = f !== undefined && sameFormat(f, headers, shapes) ? f : this.newFormat(signature, headers);
    if (shapes !== undefined) format.shapes = shapes;
    this.put(own, format);
    return format;
  }

  /**
   * The format for `signature`: meter scope first, then M/type, then M/any type, then global.
   * A hit counts as use: the entry moves to the end of the eviction order.
   */
  lookup(signature: number, scope?: FormatScope): Format | undefined {
    const sig = hex16(signature);
    const keys = scope === undefined ? [""] : this.#keys.lookupKeys(scope);
    for (const k of keys) {
      const key = k + "|" + sig;
      const f = this.map.get(key);
      if (f !== undefined) {
        this.map.delete(key);
        this.map.set(key, f);
        return f;
      }
    }
    return undefined;
  }

  /** Parsed record headers of a format (2F fillers left out), memoised for recent formats. */
  headersOf(format: Format): RecordHeader[] {
    let h = this.parsed.get(format);
    if (h === undefined) {
      h = parseHeaderList(format.bytes);
      if (this.parsed.size >= PARSED_MEMO) {
        const oldest = this.parsed.keys().next();
        if (!oldest.done) this.parsed.delete(oldest.value);
      }
    } else {
      this.parsed.delete(format);
    }
    this.parsed.set(format, h);
    return h;
  }

  /**
   * The record shapes a compact frame of this format is decoded with: the memoised shapes of the full frame
   * it was learnt from when that frame had no special records (the same bytes parse into the same shapes),
   * else the parsed header list (headersOf). Saves re-parsing when more formats are in use than headersOf keeps.
   */
  shapesOf(format: Format): readonly RecordShape[] {
    const shapes = format.shapes;
    if (shapes !== undefined) {
      let plain = true;
      for (let i = 0; i < shapes.length; i++) if (shapes[i].vib === null) plain = false;
      if (plain) return shapes;
    }
    return this.headersOf(format);
  }

  has(signature: number, scope?: FormatScope): boolean {
    return this.lookup(signature, scope) !== undefined;
  }

  clear(): void {
    this.map.clear();
    this.parsed.clear();
    this.frames.clear();
    this.meterEntries = 0;
  }

  /** All entries in the persisted string form, oldest first. */
  export(): string[] {
    const out: string[] = [];
    this.map.forEach((f, key) => {
      const scope = key.slice(0, key.lastIndexOf("|"));
      out.push(scope === "" ? toHex(f.bytes) : scope + "=" + toHex(f.bytes));
    });
    return out;
  }

  /** Pre-seeds the cache from export() strings. Throws bad_argument / bad_hex on malformed entries. */
  import(list: readonly string[]): void {
    for (const entry of list) {
      const eq = entry.lastIndexOf("=");
      const hex = eq < 0 ? entry : entry.slice(eq + 1);
      const scope = eq < 0 ? "" : entry.slice(0, eq);
      const bytes = fromHex(hex);
      if (bytes.length === 0) fail("bad_argument", `empty compact format entry '${entry}'`);
      const signature = formatSignature(bytes);
      this.store([scope === "" ? "" : canonicalScope(scope, entry)], bytes, signature, hex16(signature), undefined);
    }
  }

  private store(keys: readonly string[], headers: Uint8Array, signature: number, sig: string, shapes: readonly RecordShape[] | undefined): Format {
    let format: Format | undefined;
    for (const k of keys) {
      const f = this.map.get(k + "|" + sig);
      if (f !== undefined && f !== format && sameBytes(f.bytes, headers)) format = f; // relearnt: no new parse
    }
    if (format === undefined) format = this.newFormat(signature, headers);
    if (shapes !== undefined) format.shapes = shapes;
    for (const k of keys) this.put(k + "|" + sig, format);
    return format;
  }

  /**
   * A new format from header bytes (copied). A malformed header list throws here, before it is stored. The
   * parsed list is not kept: a format is parsed again (and memoised) when a compact frame first uses it, so
   * formats learnt or imported but not in use cost only their bytes (the eight built-in formats' parsed
   * headers took about 5 000 XS slots at start-up: docs/performance.md, "XS heap on the real SDK").
   */
  private newFormat(signature: number, headers: Uint8Array): Format {
    const format: Format = { signature, bytes: headers.slice() };
    parseHeaderList(format.bytes);
    return format;
  }

  private put(key: string, format: Format): void {
    if (!this.map.delete(key) && key.startsWith("meter:")) this.meterEntries++;
    this.map.set(key, format);
    while (this.map.size > this.maxEntries) {
      const oldest = this.map.keys().next();
      if (oldest.done) break;
      const f = this.map.get(oldest.value);
      this.remove(oldest.value);
      if (f !== undefined) this.parsed.delete(f);
    }
  }

  private remove(key: string): void {
    if (this.map.delete(key) && key.startsWith("meter:")) this.meterEntries--;
  }
}

function hexField(text: string, digits: number, entry: string): number {
  if (text.length !== digits) fail("bad_argument", `bad compact format entry '${entry}'`);
  const b = fromHex(text);
  return digits === 4 ? (b[0] << 8) | b[1] : b[0];
}

/** Checks "mt:MMMM:TT" or "meter:MMMM:ID" (MMMM / TT may be "*") and returns its key form. */
function canonicalScope(scope: string, entry: string): string {
  const parts = scope.split(":");
  if (parts.length !== 3 || (parts[0] !== "mt" && parts[0] !== "meter")) {
    fail("bad_argument", `unknown compact format scope in '${entry}'`);
  }
  const m = parts[1] === "*" ? "*" : hex16(hexField(parts[1], 4, entry));
  if (parts[0] === "meter") return `meter:${m}:${parts[2]}`;
  if (m === "*") fail("bad_argument", `manufacturer scope without M in '${entry}'`);
  return `mt:${m}:${parts[2] === "*" ? "*" : hex8(hexField(parts[2], 2, entry))}`;
}
