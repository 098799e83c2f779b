/**
 * Combinable (orthogonal) VIFEs (EN 13757-3:2018 §6.4.6, table 15) and the extension of
 * combinable VIFEs after 0xFC (table 16). Correction factors 0x70..0x7B, 0x7D and the escape
 * codes 0x7C / 0x7F are applied in vif.ts; everything else becomes a label.
 *
 * Record error codes (E000xxxx / E001xxxx, §6.4.8 of the older editions) are kept for the
 * codes the 2018 edition leaves reserved.
 */
import { TIME_UNITS, type ValueKind } from "./vif-tables.js";
import { deepFreeze } from "../util/freeze.js";

export interface VifeMeaning {
  readonly label: string;
  /** Appended to the record name (default true): the label changes what the value means. */
  readonly inName?: boolean;
  /**
   * Changes how the data is read: "date" (the value is a date, not the VIF quantity), "hex"
   * (compact profiles: a binary structure), "unsigned" (data presented as type C / D).
   */
  readonly kind?: ValueKind;
  /** Replaces the unit; the exponent becomes 0 (counts, durations). */
  readonly unit?: string;
  /** Appended to the unit ("/h"). */
  readonly suffix?: string;
  /** Meter-reported record error (set as the record's `error`). */
  readonly recordError?: string;
}

type Row = readonly [code: number, meaning: VifeMeaning];

const RECORD_ERRORS: readonly (readonly [number, string])[] = deepFreeze([
  [0x01, "too_many_difes"],
  [0x02, "storage_not_implemented"],
  [0x03, "unit_not_implemented"],
  [0x04, "tariff_not_implemented"],
  [0x05, "function_not_implemented"],
  [0x06, "data_class_not_implemented"],
  [0x07, "data_size_not_implemented"],
  [0x08, "reserved_08"],
  [0x09, "reserved_09"],
  [0x0a, "reserved_0A"],
  [0x0b, "too_many_vifes"],
  [0x0c, "illegal_vif_group"],
  [0x0d, "illegal_vif_exponent"],
  [0x0e, "vif_dif_mismatch"],
  [0x0f, "unimplemented_action"],
  [0x10, "reserved_10"],
  [0x11, "reserved_11"],
  [0x15, "no_data_available"],
  [0x16, "data_overflow"],
  [0x17, "data_underflow"],
  [0x18, "data_error"],
  [0x19, "reserved_19"],
  [0x1a, "reserved_1A"],
  [0x1b, "reserved_1B"],
  [0x1c, "premature_end_of_record"],
]);

const ROWS: readonly Row[] = deepFreeze([
  [0x00, { label: "record_error_none", inName: false }],
  [0x12, { label: "average" }],
  [0x13, { label: "inverse_compact_profile", kind: "hex" }],
  [0x14, { label: "relative_deviation" }],
  [0x1d, { label: "standard_conformant", inName: false }],
  [0x1e, { label: "compact_profile_with_register_numbers", kind: "hex" }],
  [0x1f, { label: "compact_profile", kind: "hex" }],
  [0x20, { label: "per_second", suffix: "/s" }],
  [0x21, { label: "per_minute", suffix: "/min" }],
  [0x22, { label: "per_hour", suffix: "/h" }],
  [0x23, { label: "per_day", suffix: "/d" }],
  [0x24, { label: "per_week", suffix: "/week" }],
  [0x25, { label: "per_month", suffix: "/month" }],
  [0x26, { label: "per_year", suffix: "/year" }],
  [0x27, { label: "per_revolution" }],
  [0x28, { label: "increment_per_input_pulse_0" }],
  [0x29, { label: "increment_per_input_pulse_1" }],
  [0x2a, { label: "increment_per_output_pulse_0" }],
  [0x2b, { label: "increment_per_output_pulse_1" }],
  [0x2c, { label: "per_litre", suffix: "/l" }],
  [0x2d, { label: "per_m3", suffix: "/m3" }],
  [0x2e, { label: "per_kg", suffix: "/kg" }],
  [0x2f, { label: "per_kelvin", suffix: "/K" }],
  [0x30, { label: "per_kwh", suffix: "/kWh" }],
  [0x31, { label: "per_gj", suffix: "/GJ" }],
  [0x32, { label: "per_kw", suffix: "/kW" }],
  [0x33, { label: "per_kelvin_litre", suffix: "/(K*l)" }],
  [0x34, { label: "per_volt", suffix: "/V" }],
  [0x35, { label: "per_ampere", suffix: "/A" }],
  [0x36, { label: "times_second", suffix: "*s" }],
  [0x37, { label: "times_second_per_volt", suffix: "*s/V" }],
  [0x38, { label: "times_second_per_ampere", suffix: "*s/A" }],
  [0x39, { label: "start_date", kind: "date" }],
  [0x3a, { label: "uncorrected" }],
  [0x3b, { label: "forward_flow" }], // accumulation only if positive
  [0x3c, { label: "backward_flow" }], // accumulation of abs value only if negative
  [0x3d, { label: "non_metric" }], // reserved for alternate non-metric unit system
  [0x3e, { label: "at_base_conditions" }],
  [0x3f, { label: "obis_declaration" }],
  [0x40, { label: "lower_limit" }],
  [0x41, { label: "lower_limit_exceed_count", unit: "" }],
  [0x48, { label: "upper_limit" }],
  [0x49, { label: "upper_limit_exceed_count", unit: "" }],
  [0x68, { label: "value_during_lower_limit_exceed" }],
  [0x69, { label: "leakage_values" }],
  [0x6a, { label: "date_of_first_begin", kind: "date" }],
  [0x6b, { label: "date_of_first_end", kind: "date" }],
  [0x6c, { label: "value_during_upper_limit_exceed" }],
  [0x6d, { label: "overflow_values" }],
  [0x6e, { label: "date_of_last_begin", kind: "date" }],
  [0x6f, { label: "date_of_last_end", kind: "date" }],
  [0x7e, { label: "future_value" }],
]);

function build(): (VifeMeaning | undefined)[] {
  const t: (VifeMeaning | undefined)[] = [];
  for (let i = 0; i < 128; i++) t.push(undefined);
  for (const [c, name] of RECORD_ERRORS) t[c] = { label: "record_error_" + name, inName: false, recordError: name };
  for (const [c, m] of ROWS) t[c] = m;
  // E100 uf1b: date(/time) of begin (b=0) / end (b=1) of first (f=0) / last (f=1) lower (u=0) / upper (u=1) limit exceed
  // E101 ufnn: duration of limit exceed, nn = time unit
  const ul = ["lower", "upper"], fl = ["first", "last"], be = ["begin", "end"];
  for (let u = 0; u < 2; u++) {
    for (let f = 0; f < 2; f++) {
      for (let b = 0; b < 2; b++) {
        t[0x42 | (u << 3) | (f << 2) | b] = { label: `date_of_${fl[f]}_${ul[u]}_limit_exceed_${be[b]}`, kind: "date" };
      }
      for (let nn = 0; nn < 4; nn++) {
        t[0x50 | (u << 3) | (f << 2) | nn] = { label: `duration_of_${fl[f]}_${ul[u]}_limit_exceed`, unit: TIME_UNITS[nn] };
      }
    }
  }
  // E110 0fnn: duration of D, first / last, nn = time unit
  for (let f = 0; f < 2; f++) {
    for (let nn = 0; nn < 4; nn++) t[0x60 | (f << 2) | nn] = { label: `duration_of_${fl[f]}`, unit: TIME_UNITS[nn] };
  }
  return t;
}

/** Indexed by VIFE & 0x7F; undefined = reserved or handled in vif.ts. */
export const COMBINABLE: readonly (VifeMeaning | undefined)[] = deepFreeze(build());

/** Codes after the combinable-extension VIFE 0xFC (EN 13757-3:2018 table 16). */
export const COMBINABLE_EXT: { readonly [code: number]: VifeMeaning } = deepFreeze({
  0x01: { label: "phase_l1" },
  0x02: { label: "phase_l2" },
  0x03: { label: "phase_l3" },
  0x04: { label: "neutral" },
  0x05: { label: "phase_l1_l2" },
  0x06: { label: "phase_l2_l3" },
  0x07: { label: "phase_l3_l1" },
  0x08: { label: "quadrant_q1" },
  0x09: { label: "quadrant_q2" },
  0x0a: { label: "quadrant_q3" },
  0x0b: { label: "quadrant_q4" },
  0x0c: { label: "import_minus_export" },
  0x10: { label: "absolute_accumulation" },
  0x11: { label: "type_c", inName: false, kind: "unsigned" },
  0x12: { label: "type_d", inName: false, kind: "unsigned" },
});
