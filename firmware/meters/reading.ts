/**
 * makeReading: a decoded telegram → a named, unit-suffixed reading compatible with the JSON of
 * wmbusmeters (field-naming contract: docs/readings.md). Pure: no Node API, no Intl.
 */
import type { DataRecord } from "../application/record.js";
import type { Telegram } from "../decoder/telegram.js";
import { readByteField } from "./bytes.js";
import { applyRules, dataHex, fieldName, findRecord } from "./fields.js";
import { fromHex, toHex } from "../util/hex.js";
import { mediaText } from "./media.js";
import { applyStatus, DEFAULT_STATUS } from "./status.js";
import { detectDriver, driverByName, GENERIC } from "./drivers/index.js";
import type { ByteBlock, Driver, FieldValue, Reading } from "./types.js";
import { lenientRecords } from "./lenient.js";
import type { BlockCipher } from "../security/block-cipher.js";

export type { Reading, FieldValue, Driver } from "./types.js";

export interface ReadingOptions {
  /** The meter's configured name ("" when unknown). */
  name?: string;
  /** Force this driver (by name); otherwise the driver is detected from the telegram. */
  driver?: string;
  /** UTC ISO-8601 time of reception, e.g. "2024-05-01T12:00:00Z". */
  timestamp: string;
  rssi_dbm?: number;
  /**
   * The meter's previous reading. Fields this telegram does not carry keep their previous values,
   * as wmbusmeters does for meters that alternate short and long frames.
   */
  previous?: Reading;
  /**
   * AES block service and meter key (32 hex digits or 16 bytes) for manufacturer-specific
   * encryption that the OMS decoder does not handle (e.g. Apator NA-1 frames).
   */
  cipher?: BlockCipher;
  key?: string | Uint8Array;
  /** The receiver that heard the telegram (wmbusmeters' "device", e.g. "rtlwmbus[]"). */
  device?: string;
  /** The decoder's error for this telegram, if any: a wrong key is reported in the reading. */
  error?: { code: string };
  /** The telegram as received (for "telegram" in error readings). */
  raw?: Uint8Array;
}

const HEADER_FIELDS: { readonly [k: string]: true } = {
  _: true, media: true, meter: true, name: true, id: true, timestamp: true, rssi_dbm: true, device: true, error: true, telegram: true,
};

/** Manufacturer area: the APL of a manufacturer CI, or the bytes after a 0F/1F DIF. */
function mfctArea(t: Telegram, records: readonly DataRecord[]): Uint8Array {
  if (t.manufacturerData) return t.manufacturerData;
  for (const r of records) {
    if (r.quantity === "manufacturer_data" && r.vif === null) {
      const at = r.offset + 1;
      return t.bytes.subarray(at, at + (r.data.length >> 1));
    }
  }
  return new Uint8Array(0);
}

/** An 8-byte enhanced identification (ID, M, version, type) as [id, media]. */
function enhancedAddress(records: readonly DataRecord[]): [string, string] | undefined {
  for (const r of records) {
    if (r.quantity !== "enhanced_identification" || r.data.length !== 16) continue;
    const d = r.data;
    const id = d.substr(6, 2) + d.substr(4, 2) + d.substr(2, 2) + d.substr(0, 2);
    return [id.toLowerCase(), mediaText(parseInt(d.substr(14, 2), 16))];
  }
  return undefined;
}

function blockBytes(b: ByteBlock, records: readonly DataRecord[], mfct: Uint8Array): Uint8Array | undefined {
  if (!b.rec) return mfct;
  const r = findRecord(b.rec, records);
  return r === undefined ? undefined : fromHex(dataHex(r));
}

function applyBlock(b: ByteBlock, records: readonly DataRecord[], mfct: Uint8Array, out: Reading): void {
  const bytes = blockBytes(b, records, mfct);
  if (bytes === undefined || bytes.length < (b.min ?? 1)) return;
  if (b.sig !== undefined && toHex(bytes, 0, b.sig.length >> 1) !== b.sig) return;
  for (const f of b.fields) {
    const v = readByteField(f, bytes);
    if (v !== undefined) out[fieldName(f)] = v;
  }
}

function keyBytes(k: string | Uint8Array | undefined): Uint8Array | undefined {
  if (k === undefined) return undefined;
  if (typeof k !== "string") return k.length === 16 ? k : undefined;
  return k.length === 32 ? fromHex(k) : undefined;
}

/** Device types a meter reports; used to recognise a swapped (version, type, ID) A-field. */
const METER_TYPES: { readonly [t: number]: true } = { 0x02: true, 0x03: true, 0x04: true, 0x06: true, 0x07: true, 0x08: true, 0x0a: true, 0x0b: true, 0x0c: true, 0x0d: true, 0x16: true };

function isBcd(b: number): boolean {
  return (b & 0x0f) <= 9 && b >> 4 <= 9;
}

/** [id, media] when the DLL A-field is version, type, ID instead of ID, version, type. */
function swappedAddress(t: Telegram): [string, string] | undefined {
  const a = t.dll?.address;
  if (!a || t.tpl?.address) return undefined;
  const b = a.bytes; // M M id0 id1 id2 id3 version type
  if (METER_TYPES[b[7]] || !METER_TYPES[b[3]]) return undefined;
  for (let i = 4; i < 8; i++) if (!isBcd(b[i])) return undefined;
  return [toHex(b, 7, 8) + toHex(b, 6, 7) + toHex(b, 5, 6) + toHex(b, 4, 5), mediaText(b[3])];
}

/** Applies one driver to a telegram, filling `out` with its fields and status. */
export function applyDriver(d: Driver, t: Telegram, out: Reading, opts: { cipher?: BlockCipher; key?: string | Uint8Array } = {}): void {
  const records = t.records.length > 0 ? t.records : lenientRecords(t);
  const mfct = mfctArea(t, records);
  if (d.addressFromEnhancedId) {
    const a = enhancedAddress(records);
    if (a !== undefined) {
      out.id = a[0];
      out.media = a[1];
    }
  }
  applyRules(d.fields, records, out);
  if (d.blocks) for (const b of d.blocks) applyBlock(b, records, mfct, out);
  const flags: string[] = [];
  if (d.decode) {
    const key = keyBytes(opts.key);
    const cipher = opts.cipher;
    const aesDecrypt = cipher && key ? (b: Uint8Array) => cipher.decryptBlock(key, b) : undefined;
    d.decode({ t, mfct, records, out, flags, aesDecrypt });
  }
  applyStatus(d.status ?? DEFAULT_STATUS, t, records, mfct, flags, out);
}

/** The reading of telegram `t`. Fields the telegram does not carry are left out. */
export function makeReading(t: Telegram, opts: ReadingOptions): Reading {
  const forced = opts.driver !== undefined && opts.driver !== "" ? driverByName(opts.driver) : undefined;
  const d = forced ?? (opts.driver ? GENERIC : detectDriver(t));
  const meter = t.meter;
  const out: Reading = {
    _: "telegram",
    media: d.media ?? (meter ? mediaText(meter.deviceType) : "unknown"),
    meter: forced ? d.name : opts.driver ? opts.driver : d.name,
    name: opts.name ?? "",
    id: meter ? meter.id.toLowerCase() : "",
  };
  if (d.swappedAddress) {
    const a = swappedAddress(t);
    if (a !== undefined) {
      out.id = a[0];
      if (d.media === undefined) out.media = a[1];
    }
  }
  if (t.payloadState !== "encrypted") applyDriver(d, t, out, opts);
  const prev = opts.previous;
  if (prev) for (const k of Object.keys(prev)) if (!HEADER_FIELDS[k] && out[k] === undefined) out[k] = prev[k];
  if (opts.error && (opts.error.code === "wrong_key" || opts.error.code === "mac_mismatch")) {
    out.error = "decryption failed, please check key";
    if (opts.raw) out.telegram = toHex(opts.raw);
  }
  if (opts.device !== undefined) out.device = opts.device;
  const ts: FieldValue = opts.timestamp;
  out.timestamp = ts;
  if (opts.rssi_dbm !== undefined) out.rssi_dbm = opts.rssi_dbm;
  return out;
}
