/**
 * Readings: named, unit-suffixed meter values (field-naming contract: docs/readings.md).
 * Drivers are data: detection keys, field rules that pick records, status tables and, where a
 * meter sends manufacturer-specific bytes, byte-field tables.
 */
import type { DataRecord } from "../application/record.js";
import type { Telegram } from "../telegram.js";

export type FieldValue = number | string | null;

/** `{"_":"telegram","media","meter","name","id", <fields>, "timestamp", "rssi_dbm"?}` in this key order. */
export type Reading = { [field: string]: FieldValue };

/** The fields a reading has whatever its driver (makeReading sets them, not the driver's rules). */
export const READING_HEADER_FIELDS: { readonly [k: string]: true } = Object.freeze({
  _: true, media: true, meter: true, name: true, id: true, timestamp: true, rssi_dbm: true, device: true, error: true, telegram: true,
});

/** Which telegrams a driver claims. Every given key must match; lists mean "any of". */
export interface Detect {
  /** Three-letter manufacturer code (TPL long header or DLL). */
  manufacturer: string;
  version?: number | readonly number[];
  deviceType?: number | readonly number[];
  /** The first CI after the link layer is one of these. */
  ciField?: number | readonly number[];
}

/**
 * How a matched record becomes the output value.
 * num       number, converted from the record unit into the field unit (default for numbers)
 * str       the value as text (default for texts)
 * date      "YYYY-MM-DD" (a date-time is cut; month/day 0 roll back: 2000-00-00 → 1999-11-30),
 *           date_raw keeps such dates as sent
 * datetime  "YYYY-MM-DD HH:MM" (a bare date gets " 00:00", seconds are cut; an IV-flagged type F
 *           date-time still prints, as wmbusmeters does); datetime_s keeps the seconds
 * hex       the record's data bytes as upper-case hex (LVAR length byte removed)
 * rhex      the data bytes last first as upper-case hex (how BCD-like ids read)
 * int       the raw data bytes as an unsigned little-endian integer, unscaled
 * readable  binary or LVAR data whose bytes (after leading zeros) are all printable: the bytes last
 *           first as text; any other data: as rhex (how identification texts read)
 */
export type ValueType = "num" | "str" | "date" | "date_raw" | "datetime" | "datetime_s" | "hex" | "rhex" | "int" | "readable";

/** A value transform applied after the unit conversion (lookup tables, version strings …). */
export type Formatter = (v: FieldValue, r: DataRecord | null) => FieldValue;

/**
 * One output field taken from one data record. Output name: `name` + "_" + `unit` (just `name` without `unit`).
 * A record is picked by its stable record name `record` (e.g. "volume_storage_1_tariff_2_max"), or by
 * the VIF/VIFE bytes `vifBytes` (with optional storage/tariff/sub-unit), or by the exact header `header`.
 */
export interface FieldRule {
  name: string;
  unit?: string;
  record?: string | readonly string[];
  vifBytes?: string;
  storage?: number;
  tariff?: number;
  subunit?: number;
  header?: string;
  /** Record unit required (e.g. "J" vs "Wh"). */
  recordUnit?: string;
  /** Take the nth (0-based) matching record. */
  occurrence?: number;
  valueType?: ValueType;
  /** Extra factor after the unit conversion (integers; use `divisor` for decimal scaling). */
  factor?: number;
  /** Divisor after the unit conversion (literal powers of ten for decimal scaling). */
  divisor?: number;
  transform?: Formatter;
  /** Names of coded values (value → text); a code the table lacks prints as "UNKNOWN_<code>". */
  lookup?: { readonly [code: number]: string };
  /** Print the field (null) even when no record matches. */
  always?: boolean;
  /** Print null when the record's value is invalid (default: an invalid number is left out). */
  nullWhenInvalid?: boolean;
  /** Overwrite a value an earlier rule already set (default: the first rule that matches wins). */
  overwrite?: boolean;
}

/**
 * A field read from manufacturer-specific bytes. `offset` is the offset in the area the driver
 * names (see Driver.bytes); negative offsets count from the end.
 */
export interface ByteField {
  name: string;
  unit?: string;
  offset: number;
  size: number;
  /** le (default) / be unsigned, sle signed little-endian, bcd number, G/F dates, hex text. */
  encoding?: "le" | "be" | "sle" | "bcd" | "dateG" | "dateF" | "hex";
  /** Bit field: (value >> shift) & mask, before scaling. */
  shift?: number;
  mask?: number;
  /** value / div × mul (literal factors). */
  divisor?: number;
  factor?: number;
  /** Offset of a primary VIF byte in the same area that scales the value (then converted to `unit`). */
  vifOffset?: number;
  /** A value equal to this (before scaling) means "no value": the field is left out. */
  noValue?: number;
  transform?: Formatter;
}

/**
 * A manufacturer-specific byte area: the data bytes of the record `fromRecord` picks (LVAR length byte
 * removed), or else the manufacturer area (`MfctContext.mfct`). Read only when it has at least
 * `minSize` bytes (default 1) and, when `signature` is given, starts with these hex bytes.
 */
export interface ByteBlock {
  fromRecord?: FieldRule;
  minSize?: number;
  signature?: string;
  fields: readonly ByteField[];
}

/**
 * Status flags of one status word. Entries are [mask, name] (set when the bit(s) are set) or
 * [mask, value, name] (set when word & mask === value). Bits no entry covers are printed as
 * `unknownPrefix` + their hex value ("UNKNOWN_" by default; "" drops them).
 */
export type FlagEntry = readonly [number, string] | readonly [number, number, string];
export interface FlagTable {
  readonly entries: readonly FlagEntry[];
  readonly unknownPrefix?: string;
  /**
   * The word's hex digits are read as a decimal number that sums codes: entries are [code, name] with
   * the codes in descending order, each taken while the number is at least that code.
   */
  readonly decimalCodes?: boolean;
}

/** One contributor to a status field. */
export interface StatusPart {
  /**
   * The TPL STS byte: standard bits 0..4 by EN 13757-7 table 5 (or by `tplStatusTable` for meters that
   * use them differently), `flags` names the manufacturer bits 5..7.
   */
  tplStatus?: boolean;
  tplStatusTable?: FlagTable;
  /** A record (by rule) read as an unsigned integer. */
  fromRecord?: FieldRule;
  /** Bytes of the manufacturer area. */
  fromBytes?: ByteField;
  /** The flags already collected for another status field. */
  copyOf?: string;
  flags?: FlagTable;
}

export interface StatusField {
  /** Field name, e.g. "status", "current_status", "error_flags". */
  name: string;
  parts: readonly StatusPart[];
  /** Text when no flag is set (default "OK"). */
  okText?: string;
  /** Print the field only when one of its sources is present. */
  onlyWhenPresent?: boolean;
}

/** What a manufacturer-specific decoder gets. */
export interface MfctContext {
  t: Telegram;
  /** Bytes after a 0F/1F DIF, or the APL of a manufacturer CI (A0–B7); empty when none. */
  mfct: Uint8Array;
  records: readonly DataRecord[];
  out: Reading;
  /** Extra status flags (merged into the first status field). */
  flags: string[];
  /** AES-128 decryption of one block with the meter key, when the caller gave a cipher and key. */
  aesDecrypt?: (block: Uint8Array) => Uint8Array;
}

export interface Driver {
  name: string;
  /** Other names the driver answers to in a configuration (e.g. a model name). */
  aliases?: readonly string[];
  detect: readonly Detect[];
  /** Media text override (otherwise from the meter's device type). */
  media?: string;
  /** Id and media from an enhanced-identification record (ID, M, version, type) when present. */
  addressFromEnhancedId?: boolean;
  /**
   * Some Diehl / Hydrometer radios send the A-field as version, type, ID (BCD, 4 bytes) instead
   * of ID, version, type. When the A-field reads that way (see reading.ts), id and media follow it.
   */
  swappedAddress?: boolean;
  fields: readonly FieldRule[];
  /** Byte fields of manufacturer-specific areas; later blocks overwrite fields of earlier rules. */
  blocks?: readonly ByteBlock[];
  /** Status fields; default: "status" from STS and the error-flags record. [] = none. */
  status?: readonly StatusField[];
  /**
   * The payload is the meter's own layout even when the TPL configuration names a security mode the
   * decoder cannot undo (e.g. RFM-TX1): the driver runs on the bytes as received.
   */
  ownPayload?: boolean;
  /** Manufacturer-specific decoding that is not a plain byte table (e.g. scrambled payloads). */
  decode?: (c: MfctContext) => void;
}
