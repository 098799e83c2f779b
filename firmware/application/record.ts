/**
 * One decoded APL data record (EN 13757-3 §6): DIF [DIFE…] VIF [VIFE…] data.
 * This shape is part of the stable CLI/JSON contract: fields may be added, never renamed.
 */
export type RecordFunction = "instantaneous" | "maximum" | "minimum" | "error";

export interface DataRecord {
  /** Byte offset of the DIF, relative to the start of the telegram as given. */
  offset: number;
  /** Record header bytes (DIF, DIFEs, VIF, VIFEs, plain-text unit) as upper-case hex. */
  header: string;
  /** Data bytes as upper-case hex (for LVAR including the LVAR byte). */
  data: string;
  dif: number;
  vif: number | null; // null for special DIFs (0F/1F manufacturer data)
  vifes: number[];
  storage: number;
  tariff: number;
  subunit: number;
  function: RecordFunction;
  /** Stable quantity key, e.g. "volume", "energy", "flow_temperature", "date_time", "error_flags". */
  quantity: string;
  /** Unit after scaling: "m3", "Wh", "J", "kg", "W", "m3/h", "C", "K", "bar", "s", "h", "d", "V", "A", "%", "" … */
  unit: string;
  /** Power of ten applied to the raw integer (value = raw × 10^exponent). 0 for non-numeric. */
  exponent: number;
  /**
   * Decoded value: a number (already scaled), a string (dates "YYYY-MM-DD" or "--MM-DD" for the recurring
   * year 127, date-times "YYYY-MM-DD HH:MM", identification numbers as digit strings,
   * texts, integers beyond 2^53 as decimal strings), or null when the data is invalid/absent.
   */
  value: number | string | null;
  /** Stable human name: quantity plus qualifiers, e.g. "volume", "volume_storage_1_tariff_2_max". */
  name: string;
  /** Extra labels from combinable VIFEs (e.g. "per_hour", "forward_flow"), in order. */
  labels?: string[];
  /** Plain-text unit (VIF 7C/FC). */
  text_unit?: string;
  /** Record-level problem that did not stop decoding (e.g. BCD with non-decimal digits). */
  error?: string;
}
