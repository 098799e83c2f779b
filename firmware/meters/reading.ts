/**
 * makeReading: a decoded telegram → a named, unit-suffixed reading compatible with the JSON of
 * wmbusmeters (field-naming contract: docs/readings.md). Pure: no Node API, no Intl.
 */
import type { DataRecord } from "../application/record.js";
import type { Telegram } from "../telegram.js";
import { readByteField } from "./bytes.js";
import { applyRules, dataBytes, fieldNames, UNPICKED } from "./fields.js";
import { RecordIndex } from "./record-index.js";
import { toHex } from "../util/hex.js";
import { mediaText } from "./media.js";
import { applyStatus, DEFAULT_STATUS, mfctArea } from "./status.js";
import { detectDriver, driverByName, GENERIC } from "./drivers/index.js";
import { READING_HEADER_FIELDS, type ByteBlock, type Driver, type FieldValue, type Reading } from "./types.js";
import { addConversions, round6 } from "./units.js";
import type { ReadingPlans } from "./plans.js";
import { enhancedAddress, swappedAddress } from "./address.js";
import type { BlockCipher } from "../security/block-cipher.js";
import { meterKey } from "../security/key-store.js";
import type { KeyProvider } from "../vocabulary.js";
import { applyCalculations, type Calculations } from "./calculate.js";
import type { UserDrivers } from "./user-drivers.js";

export type { Reading, FieldValue, Driver } from "./types.js";

export interface ReadingOptions {
  /**
   * Told when a manufacturer-specific decoder decrypts with the meter's key (e.g. Apator NA-1, whose TPL says
   * unencrypted): the gateway's no-downgrade rule counts such a telegram as decrypted with the key.
   */
  meterKeyUsed?: () => void;
  /** The meter's configured name ("" when unknown). */
  name?: string;
  /**
   * Force this driver (by name or alias); "auto" or none: detected from the telegram. A configured name no
   * driver has gives the generic fields under that name; "auto" with no matching driver prints "auto".
   */
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
   * AES block service and the key provider (the decoder's, see meters/session.ts) for manufacturer-specific
   * encryption that the OMS decoder does not handle (e.g. Apator NA-1 frames).
   */
  cipher?: BlockCipher;
  keys?: KeyProvider;
  /** Extra units to add next to the driver's fields, e.g. ["l", "f"] (see units.ts addConversions). */
  conversions?: readonly string[];
  /** Constant fields from the meter configuration (e.g. {"floor": "5"}), added after the driver's fields. */
  extra?: { readonly [field: string]: string };
  /** Add "<field>_field": the index of the data record each field came from (for checking a driver). */
  fieldOrigin?: boolean;
  /** Calculated fields, e.g. {"heat_jh": "power_kw"} (see calculate.ts). */
  calculate?: Calculations;
  /** The receiver that heard the telegram (wmbusmeters' "device", e.g. "rtlwmbus[]"). */
  device?: string;
  /** The decoder's error for this telegram, if any: a wrong key is reported in the reading. */
  error?: { code: string };
  /** The telegram as received (for "telegram" in error readings). */
  raw?: Uint8Array;
  /**
   * Work kept between readings (field names, rule and flag plans, the detection index): pass the same
   * instance for every telegram (ReadingSession does); without it each reading works them out afresh.
   */
  plans?: ReadingPlans;
  /** Drivers the user added (settings, CLI file): consulted before the registry, see user-drivers.ts. */
  drivers?: UserDrivers;
}

/**
 * The bytes of a block: its record's data bytes (fields.ts dataBytes: LVAR length byte skipped; a view, not spelt as
 * hex), else the manufacturer area. `at[k]` is the record the block picked in telegrams of this frame format
 * (RulePicks.blockAt; UNPICKED: look it up and keep it), `at` undefined: look it up.
 */
function blockBytes(b: ByteBlock, records: RecordIndex, mfct: Uint8Array, at: Int16Array | undefined, k: number): Uint8Array | undefined {
  if (!b.fromRecord) return mfct;
  let j = at === undefined ? UNPICKED : at[k];
  if (j === UNPICKED) {
    j = records.findAt(b.fromRecord);
    if (at !== undefined) at[k] = j;
  }
  if (j < 0) return undefined;
  return dataBytes(records.records[j]);
}

/** Byte fields of one manufacturer block (see ByteBlock). */
function applyBlock(
  b: ByteBlock, records: RecordIndex, mfct: Uint8Array, out: Reading, plans: ReadingPlans | undefined, at: Int16Array | undefined, k: number,
): void {
  const bytes = blockBytes(b, records, mfct, at, k);
  if (bytes === undefined || bytes.length < (b.minSize ?? 1)) return;
  if (b.signature !== undefined && toHex(bytes, 0, b.signature.length >> 1) !== b.signature) return;
  const names = fieldNames(b.fields, plans);
  for (let i = 0; i < b.fields.length; i++) {
    const v = readByteField(b.fields[i], bytes);
    if (v !== undefined) out[names[i]] = v; // readByteField rounds numbers (round6) itself
  }
}

/** Applies one driver to a telegram, filling `out` with its fields and status. */
function applyDriver(
  d: Driver, t: Telegram, out: Reading,
  opts: { cipher?: BlockCipher; keys?: KeyProvider; fieldOrigin?: boolean; calculate?: Calculations; plans?: ReadingPlans; meterKeyUsed?: () => void } = {},
): void {
  const plans = opts.plans;
  const records = t.records; // a damaged APL keeps the records before the damage (decoder apl_error)
  // Byte blocks and manufacturer decoders read the manufacturer area; status parts find it themselves when one
  // reads bytes (applyStatus), so for other drivers the record scan is skipped.
  const mfct = d.blocks !== undefined || d.decode !== undefined ? mfctArea(t, records) : undefined;
  if (d.addressFromEnhancedId) {
    const a = enhancedAddress(records);
    if (a !== undefined) {
      out.id = a.id;
      out.media = mediaText(a.deviceType);
    }
  }
  const index = new RecordIndex(records);
  const origin: Reading | undefined = opts.fieldOrigin || opts.calculate ? {} : undefined;
  const picks = applyRules(d.fields, index, out, origin, plans, t.recordShapes);
  if (origin && opts.fieldOrigin) for (const k of Object.keys(origin)) out[k] = origin[k];
  if (origin && opts.calculate) applyCalculations(opts.calculate, records, origin, out);
  const blocks = d.blocks;
  if (blocks !== undefined) {
    let at: Int16Array | undefined;
    if (picks !== undefined) {
      if (picks.blocksOf !== blocks) {
        picks.blockAt = new Int16Array(blocks.length).fill(UNPICKED);
        picks.blocksOf = blocks;
      }
      at = picks.blockAt;
    }
    for (let k = 0; k < blocks.length; k++) applyBlock(blocks[k], index, mfct!, out, plans, at, k);
  }
  const flags: string[] = [];
  if (d.decode) {
    const cipher = opts.cipher;
    // The key is looked up for a driver with a manufacturer decoder and wiped when the driver is done. A malformed key
    // (bad_key) or none leaves the encrypted fields out, as without a key.
    let key: Uint8Array | undefined;
    try {
      key = cipher && opts.keys ? meterKey(opts.keys, t.tpl?.address, t.dll?.address) : undefined;
    } catch {
      key = undefined;
    }
    const k = key;
    const used = opts.meterKeyUsed;
    const aesDecrypt = cipher && k ? (b: Uint8Array) => {
      if (used) used();
      return cipher.decryptBlock(k, b);
    } : undefined;
    try {
      d.decode({ t, mfct: mfct!, records, out, flags, aesDecrypt });
    } finally {
      if (key) key.fill(0);
    }
  }
  applyStatus(d.status ?? DEFAULT_STATUS, t, index, mfct, flags, out, plans, picks);
}

/** The reading of telegram `t`. Fields the telegram does not carry are left out. */
export function makeReading(t: Telegram, opts: ReadingOptions): Reading {
  // "auto" (or no driver) detects; a configured driver always wins, an unknown name gets the generic fields
  const auto = opts.driver === undefined || opts.driver === "" || opts.driver === "auto";
  const user = opts.drivers !== undefined && opts.drivers.list.length > 0 ? opts.drivers : undefined;
  const forced = auto ? undefined : (user?.byName(opts.driver!) ?? driverByName(opts.driver!));
  const d = forced ?? (auto ? detectDriver(t, opts.plans, user) : GENERIC);
  const meter = t.meter;
  const out: Reading = {
    _: "telegram",
    media: d.media ?? (meter ? mediaText(meter.deviceType) : "unknown"),
    meter: forced ? d.name : !auto ? opts.driver! : d === GENERIC && opts.driver === "auto" ? "auto" : d.name,
    name: opts.name ?? "",
    id: meter ? meter.id.toLowerCase() : "",
  };
  if (d.swappedAddress) {
    const a = swappedAddress(t);
    if (a !== undefined) {
      out.id = a.id;
      if (d.media === undefined) out.media = mediaText(a.deviceType);
    }
  }
  const decoded = t.payloadState !== "encrypted" || d.ownPayload === true;
  if (decoded) applyDriver(d, t, out, opts);
  if (opts.conversions) addConversions(out, opts.conversions);
  if (opts.extra) for (const k of Object.keys(opts.extra)) if (READING_HEADER_FIELDS[k] !== true && k !== "__proto__") out[k] = opts.extra[k]; // own names only: a user's "constructor" is a field
  // Rule and byte-field values are rounded where they are set; values computed afterwards (a manufacturer
  // decoder, conversions, calculations, constant extras) are rounded here.
  // An integer is its own round6 (sign of zero included), so only fractions are rounded and set again.
  if ((decoded && d.decode) || opts.conversions || opts.calculate || opts.extra) {
    const keys = Object.keys(out);
    for (let i = 0; i < keys.length; i++) {
      const k = keys[i];
      const v = out[k];
      if (typeof v === "number" && v % 1 !== 0) out[k] = round6(v);
    }
  }
  // Fields this telegram lacks come from the meter's previous reading, but only from one made by the same driver:
  // a reading of another meter that has the same id (another manufacturer or device, so another driver) must not
  // lend it its fields. A meter that sends under two manufacturer codes keeps its driver (esyswm).
  const prev = opts.previous;
  if (prev && prev.meter === out.meter) {
    const keys = Object.keys(prev);
    for (let i = 0; i < keys.length; i++) {
      const k = keys[i];
      if (out[k] === undefined && READING_HEADER_FIELDS[k] !== true) out[k] = prev[k];
    }
  }
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
