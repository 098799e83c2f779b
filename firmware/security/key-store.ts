/**
 * Meter keys (AES-128 meter keys for mode 5 / ELL, master keys for mode 7 KDF-A), by meter ID and
 * optional manufacturer. Keys live only in a private field: describe(), toJSON() and toString()
 * never return them, and no error message ever contains key text.
 */
import { fail } from "../errors.js";
import type { KeyProvider, MeterIdentity } from "../vocabulary.js";
import { manufacturerCode, manufacturerValue } from "../link/manufacturer.js";
import { hex16 } from "../util/hex.js";

export interface KeyDescription {
  /** Meter ID, 8 hex digits, upper case (BCD IDs are plain decimal digits). */
  id: string;
  /** Three-letter manufacturer code, upper case, or null when the key applies to any manufacturer. */
  manufacturer: string | null;
  key_set: true;
}


function hexDigit(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 65 && c <= 70) return c - 55;
  if (c >= 97 && c <= 102) return c - 87;
  return -1;
}

/**
 * 32 hex digits → a 16-byte AES-128 key, or undefined when the text is anything else. The one key parser
 * of the project (key store, per-call CLI keys); callers write their own error, never echoing the text.
 */
export function parseKeyHex(text: string): Uint8Array | undefined {
  if (typeof text !== "string" || text.length !== 32) return undefined;
  const key = new Uint8Array(16);
  for (let i = 0; i < 16; i++) {
    const hi = hexDigit(text.charCodeAt(2 * i));
    const lo = hexDigit(text.charCodeAt(2 * i + 1));
    if (hi < 0 || lo < 0) {
      key.fill(0);
      return undefined;
    }
    key[i] = (hi << 4) | lo;
  }
  return key;
}

/** 2^32: a slot number is M-field × 2^32 + the id's 32 bits (M = 0: any manufacturer). */
const ID_SPAN = 0x100000000;

const ID_RE = /^[0-9A-Fa-f]{8}$/;
const MFCT_RE = /^[A-Za-z]{3}$/;

// Lookups run per telegram: the regex and parseInt are single native calls, cheaper under XS than a loop.

/** The 8 id digits as a 32-bit number, or -1 when `id` is not 8 hex digits. */
function idNumber(id: string): number {
  return typeof id === "string" && ID_RE.test(id) ? parseInt(id, 16) : -1;
}

/** M-field value of a three-letter manufacturer code (either case), or -1. */
function mfctNumber(code: string): number {
  return typeof code === "string" && MFCT_RE.test(code) ? manufacturerValue(code) : -1;
}

/** Id digits of a slot's 32-bit id, upper case as set() stores them. */
function idText(v: number): string {
  return hex16(v >>> 16) + hex16(v);
}

/**
 * Keys are kept packed, for gateways with hundreds of meters (docs/performance.md, ≤ 256 B per
 * registered meter): all key bytes in one pool of 16-byte cells, and a Map from a number (M-field and
 * id, no strings) to the cell. A removed key's cell is zeroed and reused.
 */
export class KeyStore implements KeyProvider {
  readonly #slots = new Map<number, number>();
  #pool = new Uint8Array(16 * 4);
  readonly #free: number[] = [];
  #used = 0;

  /**
   * Stores a 16-byte key given as 32 hex digits (surrounding white space ignored) for meter `id`
   * (8 hex digits), optionally only for manufacturer `mfct` (3 letters). Replaces an earlier key
   * for the same id and manufacturer. Throws WmbusError "bad_argument" for a bad id or
   * manufacturer and "bad_key" for a bad key; messages never echo the offending text.
   */
  set(id: string, keyHex: string, mfct?: string): void {
    const n = idNumber(id);
    if (n < 0) fail("bad_argument", `meter id must be 8 hex digits (got ${typeof id === "string" ? id.length + " characters" : typeof id})`);
    let m = 0;
    if (mfct !== undefined && mfct !== null && mfct !== "") {
      m = mfctNumber(mfct);
      if (m < 0) fail("bad_argument", `manufacturer for meter ${id} must be 3 letters`);
    }
    const key = parseKeyHex(typeof keyHex === "string" ? keyHex.trim() : "");
    if (!key) fail("bad_key", `key for meter ${id.toUpperCase()} must be 32 hex digits (AES-128)`);
    const slot = m * ID_SPAN + n;
    let cell = this.#slots.get(slot);
    if (cell === undefined) {
      cell = this.#free.length > 0 ? this.#free.pop()! : this.#used++;
      if (16 * (cell + 1) > this.#pool.length) {
        const grown = new Uint8Array(this.#pool.length * 2);
        grown.set(this.#pool);
        this.#pool.fill(0);
        this.#pool = grown;
      }
      this.#slots.set(slot, cell);
    }
    this.#pool.set(key, 16 * cell);
    key.fill(0);
  }

  /**
   * The key for a meter, as a fresh copy, or undefined. Tries (`id`, `mfct`) first, then
   * (`altId`, `altMfct`): pass the TPL long-header address first when there is one and the DLL
   * address second. A key stored with a manufacturer matches only that manufacturer; one stored
   * without matches any. An exact manufacturer match wins over a key without manufacturer.
   */
  lookup(id: string, mfct?: string, altId?: string, altMfct?: string): Uint8Array | undefined {
    let cell = this.#find(id, mfct);
    if (cell < 0 && altId !== undefined) cell = this.#find(altId, altMfct);
    return cell < 0 ? undefined : this.#pool.slice(16 * cell, 16 * cell + 16);
  }

  /** KeyProvider: the key for this meter (exact manufacturer first, then a key stored without one). */
  keyFor(meter: MeterIdentity): Uint8Array | undefined {
    return this.lookup(meter.id, meter.manufacturer);
  }

  #find(id: string, mfct: string | undefined): number {
    const n = idNumber(id);
    if (n < 0) return -1;
    const m = mfct === undefined ? -1 : mfctNumber(mfct);
    if (m > 0) {
      const c = this.#slots.get(m * ID_SPAN + n);
      if (c !== undefined) return c;
    }
    const c = this.#slots.get(n);
    return c === undefined ? -1 : c;
  }

  /** True when any key (with or without manufacturer) is stored for `id`. */
  has(id: string): boolean {
    const n = idNumber(id);
    if (n < 0) return false;
    for (const slot of this.#slots.keys()) if (slot % ID_SPAN === n) return true;
    return false;
  }

  /** Removes the key for (`id`, `mfct`); without `mfct`, the key stored without manufacturer. */
  delete(id: string, mfct?: string): boolean {
    const n = idNumber(id);
    const m = typeof mfct === "string" && mfct !== "" ? mfctNumber(mfct) : 0;
    if (n < 0 || m < 0) return false;
    const slot = m * ID_SPAN + n;
    const cell = this.#slots.get(slot);
    if (cell === undefined) return false;
    this.#pool.fill(0, 16 * cell, 16 * cell + 16);
    this.#free.push(cell);
    return this.#slots.delete(slot);
  }

  /** Forgets (and zeroes) every key. */
  clear(): void {
    this.#pool.fill(0);
    this.#slots.clear();
    this.#free.length = 0;
    this.#used = 0;
  }

  get size(): number {
    return this.#slots.size;
  }

  /** Which meters have keys; never the keys themselves. */
  describe(): KeyDescription[] {
    const out: KeyDescription[] = [];
    for (const slot of this.#slots.keys()) {
      const m = Math.floor(slot / ID_SPAN);
      out.push({ id: idText(slot % ID_SPAN), manufacturer: m === 0 ? null : manufacturerCode(m), key_set: true });
    }
    return out;
  }

  toJSON(): KeyDescription[] {
    return this.describe();
  }

  toString(): string {
    return `KeyStore(${this.#slots.size} key${this.#slots.size === 1 ? "" : "s"})`;
  }
}

/**
 * A key for whichever meter a telegram names: the TPL long-header address first (the meter's own), then the
 * DLL address (which may be a radio converter's, and a converter can share its id with another meter;
 * corpus: qheat behind DLL 78563412 = a topaseskr's id). Undefined when neither has a key.
 */
export function meterKey(keys: KeyProvider, meter: MeterIdentity | undefined, link: MeterIdentity | undefined): Uint8Array | undefined {
  const k = meter ? keys.keyFor(meter) : undefined;
  return k ?? (link && link !== meter ? keys.keyFor(link) : undefined);
}

/** The warning of a telegram that decoded although the key given for it was malformed (never the key's text). */
export const UNUSED_KEY_WARNING = "the given key was not used: it is not 32 hex digits (AES-128)";

/**
 * A provider holding one key for one telegram (the CLI's `--key`, a jsonl line's "key"): it answers for any
 * meter. A malformed key fails only a telegram that needs a key (bad_key), so the frame is still shown.
 * `wipe()` zeroes the key once the telegram is done.
 */
export class SingleKey implements KeyProvider {
  readonly #key?: Uint8Array;
  readonly #length: number;
  constructor(hex: string) {
    const clean = hex.replace(/[\s_|#:]/g, "");
    this.#key = parseKeyHex(clean);
    this.#length = clean.length;
  }
  /** True when the text was a well-formed key. */
  get valid(): boolean {
    return this.#key !== undefined;
  }
  keyFor(): Uint8Array {
    if (!this.#key) fail("bad_key", `key must be 32 hex digits (AES-128), got ${this.#length} characters`);
    return this.#key.slice();
  }
  wipe(): void {
    if (this.#key) this.#key.fill(0);
  }
  toJSON(): string {
    return "SingleKey";
  }
}
