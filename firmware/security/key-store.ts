/**
 * Meter keys (AES-128 meter keys for mode 5 / ELL, master keys for mode 7 KDF-A), by meter ID and
 * optional manufacturer. Keys live only in a private field: describe(), toJSON() and toString()
 * never return them, and no error message ever contains key text.
 */
import { fail } from "../errors.js";

export interface KeyDescription {
  /** Meter ID, 8 hex digits, upper case (BCD IDs are plain decimal digits). */
  id: string;
  /** Three-letter manufacturer code, upper case, or null when the key applies to any manufacturer. */
  manufacturer: string | null;
  key_set: true;
}

const ID_RE = /^[0-9A-Fa-f]{8}$/;
const MFCT_RE = /^[A-Za-z]{3}$/;

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

function slot(id: string, mfct: string | null): string {
  return mfct === null ? id : id + "/" + mfct;
}

export class KeyStore {
  readonly #keys = new Map<string, Uint8Array>();

  /**
   * Stores a 16-byte key given as 32 hex digits (surrounding white space ignored) for meter `id`
   * (8 hex digits), optionally only for manufacturer `mfct` (3 letters). Replaces an earlier key
   * for the same id and manufacturer. Throws WmbusError "bad_argument" for a bad id or
   * manufacturer and "bad_key" for a bad key; messages never echo the offending text.
   */
  set(id: string, keyHex: string, mfct?: string): void {
    if (typeof id !== "string" || !ID_RE.test(id)) {
      fail("bad_argument", `meter id must be 8 hex digits (got ${typeof id === "string" ? id.length + " characters" : typeof id})`);
    }
    let m: string | null = null;
    if (mfct !== undefined && mfct !== null && mfct !== "") {
      if (typeof mfct !== "string" || !MFCT_RE.test(mfct)) fail("bad_argument", `manufacturer for meter ${id} must be 3 letters`);
      m = mfct.toUpperCase();
    }
    const key = parseKeyHex(typeof keyHex === "string" ? keyHex.trim() : "");
    if (!key) fail("bad_key", `key for meter ${id.toUpperCase()} must be 32 hex digits (AES-128)`);
    this.#keys.set(slot(id.toUpperCase(), m), key);
  }

  /**
   * The key for a meter, as a fresh copy, or undefined. Tries (`id`, `mfct`) first, then
   * (`altId`, `altMfct`): pass the TPL long-header address first when there is one and the DLL
   * address second. A key stored with a manufacturer matches only that manufacturer; one stored
   * without matches any. An exact manufacturer match wins over a key without manufacturer.
   */
  lookup(id: string, mfct?: string, altId?: string, altMfct?: string): Uint8Array | undefined {
    const k = this.#find(id, mfct) ?? (altId !== undefined ? this.#find(altId, altMfct) : undefined);
    return k === undefined ? undefined : k.slice();
  }

  #find(id: string, mfct: string | undefined): Uint8Array | undefined {
    if (typeof id !== "string" || !ID_RE.test(id)) return undefined;
    const uid = id.toUpperCase();
    if (typeof mfct === "string" && MFCT_RE.test(mfct)) {
      const k = this.#keys.get(slot(uid, mfct.toUpperCase()));
      if (k !== undefined) return k;
    }
    return this.#keys.get(uid);
  }

  /** True when any key (with or without manufacturer) is stored for `id`. */
  has(id: string): boolean {
    if (typeof id !== "string" || !ID_RE.test(id)) return false;
    const uid = id.toUpperCase();
    for (const s of this.#keys.keys()) if (s === uid || s.startsWith(uid + "/")) return true;
    return false;
  }

  /** Removes the key for (`id`, `mfct`); without `mfct`, the key stored without manufacturer. */
  delete(id: string, mfct?: string): boolean {
    if (typeof id !== "string" || !ID_RE.test(id)) return false;
    const m = typeof mfct === "string" && mfct !== "" ? mfct.toUpperCase() : null;
    const s = slot(id.toUpperCase(), m);
    const k = this.#keys.get(s);
    if (k === undefined) return false;
    k.fill(0);
    return this.#keys.delete(s);
  }

  /** Forgets (and zeroes) every key. */
  clear(): void {
    for (const k of this.#keys.values()) k.fill(0);
    this.#keys.clear();
  }

  get size(): number {
    return this.#keys.size;
  }

  /** Which meters have keys; never the keys themselves. */
  describe(): KeyDescription[] {
    const out: KeyDescription[] = [];
    for (const s of this.#keys.keys()) {
      const slash = s.indexOf("/");
      out.push({ id: slash < 0 ? s : s.slice(0, slash), manufacturer: slash < 0 ? null : s.slice(slash + 1), key_set: true });
    }
    return out;
  }

  toJSON(): KeyDescription[] {
    return this.describe();
  }

  toString(): string {
    return `KeyStore(${this.#keys.size} key${this.#keys.size === 1 ? "" : "s"})`;
  }
}
