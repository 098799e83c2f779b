/**
 * The terms of the user-driver validator (meters/driver-schema.ts): its limits, the keys and patterns a
 * definition may use (the same as docs/driver.schema.json), and `Check`, which reads untrusted JSON values and
 * collects one problem per bad entry, naming its path and never quoting a long or odd text.
 */
import type { ByteField, ValueType } from "./types.js";
import { deepFreeze } from "../util/freeze.js";

/** Limits of user drivers (docs/readings.md "User drivers"). */
export const USER_DRIVER_LIMITS = deepFreeze({
  /** Definitions in one list. */
  drivers: 16,
  /** JSON text of one definition (characters). */
  driverBytes: 6144,
  /** JSON text of all definitions together (the device keeps the settings in at most ~10 KB). */
  totalBytes: 8192,
  /** Driver names and aliases. */
  nameLength: 40,
  aliases: 8,
  detect: 32,
  /** Values in one detection list (version, deviceType, ciField). */
  detectValues: 16,
  fields: 128,
  fieldNameLength: 64,
  /** Record names in one rule. */
  records: 16,
  recordNameLength: 64,
  lookupEntries: 64,
  blocks: 4,
  byteFields: 32,
  statusFields: 4,
  statusParts: 8,
  flagEntries: 64,
  /** Flag names, status texts, lookup texts, media. */
  textLength: 64,
  /** Hex texts (VIF bytes, header, signature) in hex digits. */
  hexLength: 48,
});

export interface DriverProblem {
  /** Where, e.g. "drivers[1].fields[3].unit". */
  path: string;
  message: string;
}

/** Keys of each object of a definition (the schema's "properties"). */
export const DRIVER_KEYS = deepFreeze({
  driver: ["name", "aliases", "detect", "media", "addressFromEnhancedId", "swappedAddress", "ownPayload", "fields", "blocks", "status"],
  detect: ["manufacturer", "version", "deviceType", "ciField"],
  field: [
    "name", "unit", "record", "vifBytes", "storage", "tariff", "subunit", "header", "recordUnit", "occurrence", "valueType",
    "factor", "divisor", "lookup", "always", "nullWhenInvalid", "overwrite",
  ],
  byteField: ["name", "unit", "offset", "size", "encoding", "shift", "mask", "divisor", "factor", "vifOffset", "noValue"],
  block: ["fromRecord", "minSize", "signature", "fields"],
  flags: ["entries", "unknownPrefix", "decimalCodes"],
  statusPart: ["tplStatus", "tplStatusTable", "fromRecord", "fromBytes", "copyOf", "flags"],
  status: ["name", "parts", "okText", "onlyWhenPresent"],
});

/** The one- and two-letter keys of earlier versions → today's names (a hint when a definition uses one). */
const OLD_KEYS: { readonly [old: string]: string } = deepFreeze({
  m: "manufacturer", v: "version", t: "deviceType", ci: "ciField", n: "name", u: "unit", r: "record", vib: "vifBytes",
  st: "storage", tf: "tariff", su: "subunit", h: "header", ru: "recordUnit", nth: "occurrence", as: "valueType",
  k: "factor", div: "divisor", nul: "nullWhenInvalid", over: "overwrite", at: "offset", len: "size", enc: "encoding",
  mul: "factor", vifAt: "vifOffset", none: "noValue", rec: "fromRecord", min: "minSize", sig: "signature",
  e: "entries", rest: "unknownPrefix", decimal: "decimalCodes", sts: "tplStatus", stsTable: "tplStatusTable",
  bytes: "fromBytes", of: "copyOf", ok: "okText", need: "onlyWhenPresent",
});

export const VALUE_TYPES: readonly ValueType[] = deepFreeze(["num", "str", "date", "date_raw", "datetime", "datetime_s", "hex", "rhex", "int", "readable"]);
export const ENCODINGS: readonly NonNullable<ByteField["encoding"]>[] = deepFreeze(["le", "be", "sle", "bcd", "dateG", "dateF", "hex"]);

/** Driver and alias names: lower-case letters, digits, _ and -, starting with a letter (as wmbusmeters names them). */
export const DRIVER_NAME_RE = /^[a-z][a-z0-9_-]*$/;
/** Field names (the part before the unit suffix). */
export const FIELD_NAME_RE = /^[a-z][a-z0-9_]*$/;
/** Unit suffixes: lower-case letters and digits. */
export const UNIT_RE = /^[a-z][a-z0-9]{0,7}$/;
/** Record names as the decoder names records (application/records.ts), e.g. "volume_storage_1_tariff_2_max". */
export const RECORD_NAME_RE = /^[a-z0-9_]+$/;
export const MANUFACTURER_RE = /^[A-Z]{3}$/;
const HEX_BYTES_RE = /^(?:[0-9A-Fa-f]{2})+$/;
/** Printable text without control characters (also flag names and the unknown-bits prefix: "LEAK", "1-8 hours"). */
export const TEXT_RE = /^[^\u0000-\u001f\u007f]*$/;

/** Names a driver cannot take: "auto" means detection, "unknown" is the generic reading. */
export const RESERVED = deepFreeze(["auto", "unknown"]);

export type Obj = { [k: string]: unknown };

export function isObj(v: unknown): v is Obj {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

export function kind(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "a list";
  if (typeof v === "string") return v.length <= 24 && TEXT_RE.test(v) ? JSON.stringify(v) : `a text of ${v.length} characters`;
  if (typeof v === "number") return String(v);
  return "a " + typeof v;
}

/**
 * JSON text length of `v` as JSON.stringify would give it (close: escapes count as one character), or
 * `limit + 1` as soon as it is larger: the walk stops there, so a huge or deep value costs at most the limit.
 */
export function jsonSize(v: unknown, limit: number, depth = 0): number {
  if (depth > 16) return limit + 1;
  if (v === null || v === undefined) return 4;
  if (typeof v === "string") return v.length + 2;
  if (typeof v === "number") return String(v).length;
  if (typeof v === "boolean") return v ? 4 : 5;
  if (typeof v !== "object") return 4;
  let n = 2;
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length && n <= limit; i++) n += jsonSize(v[i], limit - n, depth + 1) + 1;
    return n;
  }
  const keys = Object.keys(v);
  for (let i = 0; i < keys.length && n <= limit; i++) n += keys[i].length + 4 + jsonSize((v as Obj)[keys[i]], limit - n, depth + 1);
  return n;
}

/** Characters as JSON Schema counts them (code points: a surrogate pair is one). */
function codePoints(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0xdc00 || c > 0xdfff || i === 0 || s.charCodeAt(i - 1) < 0xd800 || s.charCodeAt(i - 1) > 0xdbff) n++;
  }
  return n;
}

/** Collects problems; `who` says which definition and entry a message is about. */
export class Check {
  readonly problems: DriverProblem[] = [];

  add(path: string, who: string, message: string): void {
    this.problems.push({ path, message: who ? who + ": " + message : message });
  }

  /** Unknown keys of `o` (with the new name of an old short key, or the known keys). */
  keys(o: Obj, known: readonly string[], path: string, who: string): void {
    for (const k of Object.keys(o)) {
      if (known.indexOf(k) >= 0) continue;
      const shown = k.length <= 32 && /^[A-Za-z0-9_]+$/.test(k) ? `"${k}"` : `(a key of ${k.length} characters)`;
      const renamed = Object.prototype.hasOwnProperty.call(OLD_KEYS, k) ? OLD_KEYS[k] : undefined;
      let hint: string;
      if (k === "transform" || k === "fmt" || k === "decode") hint = "code cannot come from a driver definition";
      else if (renamed !== undefined && known.indexOf(renamed) >= 0) hint = `the key is now "${renamed}"`;
      else hint = "known here: " + known.join(", ");
      this.add(path + "." + (shown.startsWith("\"") ? k : "?"), who, `unknown key ${shown} (${hint})`);
    }
  }

  text(v: unknown, path: string, who: string, re: RegExp, max: number, what: string): string | undefined {
    if (typeof v !== "string") return void this.add(path, who, `expected ${what}, got ${kind(v)}`);
    const n = v.length > max ? codePoints(v) : v.length;
    if (n > max) return void this.add(path, who, `expected ${what} of at most ${max} characters, got ${n}`);
    if (!re.test(v)) return void this.add(path, who, `expected ${what}, got ${kind(v)}`);
    return v;
  }

  int(v: unknown, path: string, who: string, min: number, max: number): number | undefined {
    if (typeof v !== "number" || !Number.isInteger(v) || v < min || v > max) return void this.add(path, who, `expected a whole number ${min}..${max}, got ${kind(v)}`);
    return v;
  }

  num(v: unknown, path: string, who: string, nonZero: boolean): number | undefined {
    if (typeof v !== "number" || !Number.isFinite(v) || (nonZero && v === 0)) return void this.add(path, who, `expected a ${nonZero ? "non-zero " : ""}finite number, got ${kind(v)}`);
    return v;
  }

  bool(v: unknown, path: string, who: string): boolean | undefined {
    if (typeof v !== "boolean") return void this.add(path, who, `expected true or false, got ${kind(v)}`);
    return v;
  }

  list(v: unknown, path: string, who: string, min: number, max: number, what: string): readonly unknown[] | undefined {
    if (!Array.isArray(v)) return void this.add(path, who, `expected a list of ${what}, got ${kind(v)}`);
    if (v.length < min || v.length > max) return void this.add(path, who, `expected ${min}..${max} ${what}, got ${v.length}`);
    return v;
  }

  obj(v: unknown, path: string, who: string, what: string): Obj | undefined {
    if (!isObj(v)) return void this.add(path, who, `expected ${what} (an object), got ${kind(v)}`);
    return v;
  }

  hex(v: unknown, path: string, who: string): string | undefined {
    const h = this.text(v, path, who, HEX_BYTES_RE, USER_DRIVER_LIMITS.hexLength, "hex bytes (an even number of hex digits)");
    return h === undefined ? undefined : h.toUpperCase();
  }
}
