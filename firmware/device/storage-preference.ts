/**
 * Device KeyValueStore on the Moddable `preference` module (ESP-IDF NVS). Device only: imports
 * "moddable:preference" (host tests replace that module with a fake that enforces the same limits).
 *
 * NVS limits handled here (modules/files/preference/esp32/modPreference.c, ESP-IDF NVS):
 *   - namespace (our `domain`) and key names are at most 15 characters;
 *   - a string value is at most 4000 bytes including its NUL, and cannot contain NUL.
 *
 * Layout. A logical key (1..MAX_KEY_UNITS characters) maps to a slot name: `k` + 8 hex digits of
 * its FNV-1a hash + a probe digit (0..3, for the rare hash collision), 10 characters. The slot's head record is the string
 *   "w1:" count ":" gen ":" keyLength ":" key firstPart
 * where the full key lets get() confirm the slot, and count is the number of parts. Parts 2..count
 * are stored under slot + gen ("a" or "b") + the part index in two base-36 digits (13 characters).
 * Each part holds at most CHUNK_UNITS UTF-16 code units (3 bytes each at most in UTF-8, so
 * 3900 + 1 bytes), and a surrogate pair is never split.
 *
 * Replacing a value writes the new parts under the other generation first and the head last, then
 * deletes the old parts (highest first), so a power cut leaves either the old or the new value,
 * never a mix, and the next write removes whatever the interrupted one left behind.
 * Writing a value equal to the stored one does nothing (every NVS write commits to flash).
 *
 * Capacity: the SDK's default NVS partition is 24 KB (build/devices/esp32/xsProj-esp32/partitions.csv),
 * of which one 4 KB page is kept free by NVS; an entry is 32 bytes and a string takes
 * ceil((length + 1) / 32) + 1 entries. Keep the number of keys small (pack many meter keys into one
 * value) or give the app a larger nvs partition.
 */
import Preference from "moddable:preference";
import type { KeyValueStore } from "../platform/services.js";

/** Longest NVS namespace or key name. */
export const NVS_NAME_MAX = 15;
/** UTF-16 code units per stored string (at most 3900 UTF-8 bytes plus NUL, under the 4000-byte limit). */
export const CHUNK_UNITS = 1300;
/** Most parts per value, so one value cannot fill the default 24 KB partition. */
export const MAX_PARTS = 8;
/** Longest logical key (it is repeated in the head record). */
export const MAX_KEY_UNITS = 256;

const PROBES = 4;
const MAGIC = "w1:";

interface Head {
  readonly count: number;
  readonly gen: "a" | "b";
  readonly key: string;
  readonly first: string;
}

export class PreferenceStore implements KeyValueStore {
  readonly #domain: string;

  /** `domain`: the NVS namespace (1..15 characters). */
  constructor(domain = "wmbus") {
    if (typeof domain !== "string" || domain.length < 1 || domain.length > NVS_NAME_MAX || domain.includes("\0")) {
      throw new RangeError(`preference domain must be 1..${NVS_NAME_MAX} characters`);
    }
    this.#domain = domain;
  }

  get(key: string): string | undefined {
    checkKey(key);
    const found = this.#find(key);
    return found ? this.#read(found.slot, found.head) : undefined;
  }

  set(key: string, value: string): void {
    checkKey(key);
    if (typeof value !== "string") throw new TypeError("preference value must be a string");
    if (value.includes("\0")) throw new RangeError("preference value cannot contain NUL");
    const found = this.#find(key);
    if (found && this.#read(found.slot, found.head) === value) return;

    const slot = found ? found.slot : this.#freeSlot(key);
    const gen: "a" | "b" = found?.head.gen === "a" ? "b" : "a";
    const header = (count: number) => `${MAGIC}${count}:${gen}:${key.length}:${key}`;
    const parts = split(value, CHUNK_UNITS - header(MAX_PARTS).length, CHUNK_UNITS);
    if (parts.length > MAX_PARTS) {
      throw new RangeError(`preference value too long (${value.length} characters)`);
    }
    const domain = this.#domain;
    for (let i = 1; i < parts.length; i++) Preference.set(domain, partName(slot, gen, i), parts[i]);
    Preference.set(domain, slot, header(parts.length) + parts[0]); // the switch to the new value
    this.#deleteParts(slot, gen === "a" ? "b" : "a", 1); // the old value, or leftovers of an interrupted delete
    this.#deleteParts(slot, gen, parts.length); // leftovers of an interrupted earlier write
  }

  delete(key: string): void {
    checkKey(key);
    const found = this.#find(key);
    if (found) {
      Preference.delete(this.#domain, found.slot); // the value is gone from here on
      this.#deleteParts(found.slot, found.head.gen, 1);
      return;
    }
    // Absent: still remove parts an interrupted delete may have left in this key's empty slots.
    const base = slotBase(key);
    for (let p = 0; p < PROBES; p++) {
      if (Preference.get(this.#domain, base + p) !== undefined) continue;
      this.#deleteParts(base + p, "a", 1);
      this.#deleteParts(base + p, "b", 1);
    }
  }

  #read(slot: string, head: Head): string | undefined {
    let value = head.first;
    for (let i = 1; i < head.count; i++) {
      const part = Preference.get(this.#domain, partName(slot, head.gen, i));
      if (typeof part !== "string") return undefined; // damaged outside this class
      value += part;
    }
    return value;
  }

  #find(key: string): { slot: string; head: Head } | undefined {
    const base = slotBase(key);
    for (let p = 0; p < PROBES; p++) {
      const slot = base + p;
      const head = parseHead(Preference.get(this.#domain, slot));
      if (head && head.key === key) return { slot, head };
    }
    return undefined;
  }

  #freeSlot(key: string): string {
    const base = slotBase(key);
    for (let p = 0; p < PROBES; p++) {
      const slot = base + p;
      if (Preference.get(this.#domain, slot) === undefined) return slot;
    }
    throw new RangeError(`no free preference slot for a key (${PROBES} hash collisions)`);
  }

  /**
   * Deletes the parts `from`, `from + 1`, ... of one generation up to the first missing one, highest
   * first. Parts are written lowest first and deleted highest first, so after any interruption the
   * parts of a generation still form one run 1..n, and a later call finds every leftover.
   */
  #deleteParts(slot: string, gen: "a" | "b", from: number): void {
    const domain = this.#domain;
    let last = from - 1;
    while (last + 1 < 36 * 36 && Preference.get(domain, partName(slot, gen, last + 1)) !== undefined) last++;
    for (let i = last; i >= from; i--) Preference.delete(domain, partName(slot, gen, i));
  }
}

function checkKey(key: string): void {
  if (typeof key !== "string" || key.length < 1 || key.length > MAX_KEY_UNITS || key.includes("\0")) {
    throw new RangeError(`preference key must be 1..${MAX_KEY_UNITS} characters without NUL`);
  }
}

/** The slot name prefix of a key: "k" + FNV-1a (32-bit, over UTF-16 code units) in 8 hex digits. Exported for tests. */
export function slotBase(key: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193);
  return "k" + (h >>> 0).toString(16).padStart(8, "0");
}

function partName(slot: string, gen: "a" | "b", index: number): string {
  return slot + gen + index.toString(36).padStart(2, "0");
}

function parseHead(stored: unknown): Head | undefined {
  if (typeof stored !== "string" || !stored.startsWith(MAGIC)) return undefined;
  const c1 = stored.indexOf(":", MAGIC.length);
  const c2 = stored.indexOf(":", c1 + 1);
  const c3 = stored.indexOf(":", c2 + 1);
  if (c1 < 0 || c2 < 0 || c3 < 0) return undefined;
  const count = Number(stored.slice(MAGIC.length, c1));
  const gen = stored.slice(c1 + 1, c2);
  const keyLength = Number(stored.slice(c2 + 1, c3));
  if (!(count >= 1 && count <= MAX_PARTS) || (gen !== "a" && gen !== "b") || !(keyLength >= 1)) return undefined;
  const keyEnd = c3 + 1 + keyLength;
  if (keyEnd > stored.length) return undefined;
  return { count, gen, key: stored.slice(c3 + 1, keyEnd), first: stored.slice(keyEnd) };
}

/** Splits `value` into a first part of at most `first` code units and further parts of at most `rest`, never inside a surrogate pair. */
function split(value: string, first: number, rest: number): string[] {
  const parts: string[] = [];
  let start = 0;
  let size = first;
  do {
    let end = Math.min(value.length, start + size);
    if (end < value.length && end - 1 > start) {
      const c = value.charCodeAt(end - 1);
      if (c >= 0xd800 && c <= 0xdbff) end--; // keep the pair together
    }
    parts.push(value.slice(start, end));
    start = end;
    size = rest;
  } while (start < value.length);
  return parts;
}
