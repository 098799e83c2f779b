/**
 * ABB B21/B23/B24 and Schneider iEM3000: electricity meters with many manufacturer VIFs (FF xx) and the same
 * manufacturer record layout for phases, sub-units, factors, angles and quadrants, so their rule lists share
 * runs (ABB_*). The drivers themselves are in electricity.ts.
 */
import type { FieldRule, FieldValue, FlagTable } from "../types.js";
import { series } from "./history.js";
import { phases } from "./rules.js";
import { deepFreeze } from "../../util/freeze.js";

/** 0 → "", else prefix + hex: status words that print empty when clear. */
// xsl aliases every captured binding that is not const ("no const": RAM per closure on the device): copy the
// parameter into a const (docs/moddable-build.md §2)
const word = (prefix: string) => {
  const p = prefix;
  return (v: FieldValue): FieldValue => (typeof v === "number" ? (v === 0 ? "" : p + v.toString(16).toUpperCase()) : v);
};

export const IEM_ERRORS: FlagTable = deepFreeze({
  entries: [
    [0xffffff, 0x000000, "CODE_101_EEPROM_ERROR"],
    [0xffffff, 0x000010, "CODE_102_NO_CALIBRATION_TABLE"],
    [0xffffff, 0x000020, "CODE_201_MISMATCH_BETWEEN_FREQUENCY_SETTINGS_AND_FREQUENCY_MEASUREMENTS"],
    [0xffffff, 0x000030, "CODE_202_PHASE_SEQUENCE_REVERSED"],
    [0xffffff, 0x000040, "CODE_203_PHASE_SEQUENCE_REVERSED"],
    [0xffffff, 0x000050, "CODE_204_TOTAL_ACTIVE_ENERGY_NEGATIVE_DUE_TO_INCORRECT_V_OR_A_CONNECTIONS"],
    [0xffffff, 0x000060, "CODE_205_DATE_TIME_RESET_DUE_TO_POWER_FAILUER"],
    [0xffffff, 0x000070, "CODE_206_PULSE_MISSING_DUE_TO_OVERSPEED_OF_ENERGY_PULSE_OUTPUT"],
    [0xffffff, 0x000080, "CODE_207_ABNORMAL_INTERNAL_CLOCK_FUNCTION"],
    [0xffffff, 0x000090, "INTERNAL_DATA_BUS_COMUNICATION_ERROR"],
  ],
  unknownPrefix: "",
});

const IEM3000_FIELDS: readonly FieldRule[] = Object.freeze([
  { name: "total_energy_consumption", unit: "kwh", record: "energy" },
  { name: "total_energy_production", unit: "kwh", vifBytes: "83FF09", subunit: 0 },
  { name: "total_reactive_energy_consumption", unit: "kvarh", record: "energy_subunit_1" },
  { name: "total_reactive_energy_production", unit: "kvarh", vifBytes: "83FF09", subunit: 1 },
  { name: "partial_energy_consumption", unit: "kwh", vifBytes: "83FF0D", subunit: 0 },
  { name: "partial_reactive_energy_consumption", unit: "kvarh", vifBytes: "83FF0D", subunit: 1 },
  ...phases((i) => "total_energy_consumption_l" + i, "kwh", "83FF"),
  ...series(4, (i) => "total_energy_consumption_tariff_" + i, "kwh", (i) => "energy_tariff_" + i),
  { name: "active_consumption", unit: "kw", record: "power" },
  ...phases((i) => "active_consumption_l" + i, "kw", "AEFF"),
  { name: "reactive_consumption", unit: "kw", record: "power_subunit_1" },
  { name: "apparent_consumption", unit: "kw", record: "power_subunit_2" },
  { name: "current_average", unit: "a", vifBytes: "FDDCFF00" },
  ...phases((i) => "current_l" + i, "a", "FDDCFF"),
  ...phases((i) => "voltage_l" + i + "_n", "v", "FDC9FF"),
  { name: "voltage_average_ln", unit: "v", vifBytes: "FDC9FF04" },
  { name: "voltage_l1_l2", unit: "v", vifBytes: "FDC9FF05" },
  { name: "voltage_l2_l3", unit: "v", vifBytes: "FDC9FF06" },
  { name: "voltage_l3_l1", unit: "v", vifBytes: "FDC9FF07" },
  { name: "voltage_average_ll", unit: "v", vifBytes: "FDC9FF08" },
  { name: "power_factor", vifBytes: "FF0A", nullWhenInvalid: true },
  { name: "frequency", unit: "hz", vifBytes: "FF0B" },
  { name: "manufacturer", record: "manufacturer", valueType: "str" },
  { name: "model_version", record: "model_version", valueType: "str" },
  { name: "firmware_version", record: "firmware_version", valueType: "str" },
  { name: "meter_datetime", record: "date_time", valueType: "datetime" },
  { name: "last_partial_energy_reset_datetime", vifBytes: "EDFF0C", valueType: "datetime" },
  { name: "last_input_metering_reset_datetime", vifBytes: "EDFF0E", valueType: "datetime" },
  { name: "last_alarm_datetime", vifBytes: "EDFF39", valueType: "datetime" },
  { name: "input_metering_cumulation_counter", record: "cumulation_counter" },
  { name: "active_tariff_nr", vifBytes: "FF10" },
  { name: "operating_time", unit: "y", vifBytes: "FF20" },
  { name: "phases_counter", vifBytes: "FF21" },
  { name: "wires_nr", vifBytes: "FF22" },
  { name: "power_system_configuration", vifBytes: "FF23", valueType: "int", transform: word("POWER_SYS_CONFIG_") },
  { name: "nominal_frequency", unit: "hz", vifBytes: "FF24" },
  { name: "vts_counter", vifBytes: "FF25" },
  { name: "vt_primary_nr", vifBytes: "FF26" },
  { name: "vt_secondary_nr", vifBytes: "FF27" },
  { name: "cts_counter", vifBytes: "FF28" },
  { name: "ct_primary_nr", vifBytes: "FF29" },
  { name: "ct_secondary_nr", vifBytes: "FF2A" },
  { name: "vt_connection_type_nr", vifBytes: "FF2B" },
  { name: "pulse_duration_counter", vifBytes: "FF2C" },
  { name: "digital_output_association", vifBytes: "FF2D", valueType: "int", transform: word("ASSOCIATION_") },
  { name: "pulse_weight_counter", vifBytes: "FF2E" },
  { name: "pulse_constant_counter", vifBytes: "FF2F" },
  { name: "digital_input_association", vifBytes: "FF30", valueType: "int", transform: word("ASSOCIATION_") },
  { name: "digital_input_status", vifBytes: "FF32", valueType: "int", transform: word("INPUT_STATUS_") },
  { name: "overload_alarm_setup", vifBytes: "FF34", valueType: "int", transform: word("ALARM_") },
  { name: "pickup_setpoint_counter", vifBytes: "FF35" },
  { name: "activated_status", vifBytes: "FF36", valueType: "int", transform: word("ACTIVATED_") },
  { name: "unack_status", vifBytes: "FF37", valueType: "int", transform: word("UNACK_") },
  { name: "digital_output_association_2", vifBytes: "FF38", valueType: "int", transform: word("ASSOCIATION_") },
  { name: "last_alarm_nr", vifBytes: "FF3A", nullWhenInvalid: true },
  { name: "digital_input", record: "digital_input", valueType: "int", transform: word("INPUT_") },
  { name: "digital_output", record: "digital_output", valueType: "int", transform: word("OUTPUT_") },
]);

/** Text of a record's data bytes in sending order (the ABB B23 product number). */
const ascii = (v: FieldValue): FieldValue => {
  if (typeof v !== "string") return v;
  let s = "";
  for (let i = 0; i + 2 <= v.length; i += 2) s += String.fromCharCode(parseInt(v.substr(i, 2), 16));
  return s;
};

const flagsOk = (empty: string) => {
  const none = empty; // const: see word()
  return (v: FieldValue): FieldValue => (v === 0 ? none : typeof v === "number" ? "FLAGS_" + v.toString(16).toUpperCase() : v);
};

/** Record name with a sub-unit ("" for 0) and a phase VIFE label ("" for none): energy_vife_01_subunit_2 … */
function abbRecord(q: string, phase: number, subunit: number): string {
  return q + (phase > 0 ? "_vife_0" + phase : "") + (subunit > 0 ? "_subunit_" + subunit : "");
}

/** A total and its phases L1..L3 (manufacturer VIFE FF 01..03 after the quantity's VIF), in one sub-unit. */
function abbPhases(name: string, u: string, q: string, subunit: number, phaseUnit = u): FieldRule[] {
  const out: FieldRule[] = [{ name, unit: u, record: abbRecord(q, 0, subunit) }];
  for (let i = 1; i <= 3; i++) out.push({ name: name + "_l" + i, unit: phaseUnit, record: abbRecord(q, i, subunit) });
  return out;
}

/**
 * Rule runs abbb23 and iem3000 share (the same record keys, see IEM3000_MORE), spread at the same place in both
 * lists, so the order of the rules (and of the reading's fields) is each list's own.
 */
const ABB_FACTORS_AND_ANGLES: readonly FieldRule[] = deepFreeze([
  ...[1, 2, 3].map((i): FieldRule => ({ name: `power_l${i}_factor`, header: `02FFE0FF8${i}00` })),
  { name: "power_phase_angle_deg", header: "02FFD200" },
  ...[1, 2, 3].map((i): FieldRule => ({ name: `phase_angle_power_l${i}_deg`, header: `02FFD2FF8${i}00` })),
]);
const ABB_QUADRANT_TO_APPARENT: readonly FieldRule[] = deepFreeze([
  { name: "current_quadrant_nr", header: "01FF9700" },
  ...[1, 2, 3].map((i): FieldRule => ({ name: `current_quadrant_l${i}_nr`, header: `01FF97FF8${i}00` })),
  { name: "resettable_energy_consumption", unit: "kwh", record: "energy_vife_72" },
  { name: "resettable_energy_production", unit: "kwh", record: "energy_vife_72_subunit_1" },
  { name: "resettable_reactive_energy_consumption", unit: "kwh", record: "energy_vife_72_subunit_2" },
  { name: "resettable_reactive_energy_production", unit: "kwh", record: "energy_vife_72_subunit_3" },
  { name: "energy_co2", unit: "kg", header: "0EFFF9C400" },
  { name: "co2_conversion_factor", header: "04FFA400" },
  { name: "energy_currency_counter", header: "0EFFF9C900" },
  { name: "currency_conversion_factor", header: "04FFA500" },
  { name: "total_apparent_energy_consumption", unit: "kvah", record: "energy_subunit_4" },
  { name: "total_apparent_energy_production", unit: "kvah", record: "energy_subunit_5" },
]);
const ABB_NET_ENERGY: readonly FieldRule[] = deepFreeze([
  ...abbPhases("total_net_energy", "kwh", "energy", 6),
  ...abbPhases("total_net_reactive_energy", "kvarh", "energy", 7),
  ...abbPhases("total_net_apparent_energy", "kvah", "energy", 8),
]);

/**
 * ABB B21/B23/B24 (facts from wmbusmeters' abbb23 driver definition): energy and power per sub-unit (0 active
 * import, 1 active export, 2/3 reactive import/export, 4/5 apparent import/export, 6/7/8 net active/reactive/
 * apparent), phases as manufacturer VIFEs FF 01..03 (FF 05..07 for line-to-line voltages), FF 72 resettable
 * registers, and manufacturer records FF xx for transformer ratios, flags, quadrants, factors and angles.
 */
export const ABBB23_FIELDS: readonly FieldRule[] = [
  { name: "total_energy_consumption", unit: "kwh", record: "energy" },
  ...series(4, (i) => "total_energy_consumption_tariff_" + i, "kwh", (i) => "energy_tariff_" + i),
  { name: "total_energy_production", unit: "kwh", record: "energy_subunit_1" },
  ...series(4, (i) => "total_energy_production_tariff_" + i, "kwh", (i) => "energy_tariff_" + i + "_subunit_1"),
  { name: "active_tariff_nr", header: "01FF9300" },
  { name: "ct_numerator_factor", vifBytes: "FFA015" },
  { name: "vt_numerator_factor", vifBytes: "FFA115" },
  { name: "ct_denominator_factor", vifBytes: "FFA215" },
  { name: "vt_denominator_factor", vifBytes: "FFA315" },
  { name: "error_flags", vifBytes: "FFA600", valueType: "int", transform: flagsOk("OK") },
  { name: "warning_flags", vifBytes: "FFA700", valueType: "int", transform: flagsOk("OK") },
  { name: "information_flags", vifBytes: "FFA800", valueType: "int", transform: flagsOk("") },
  { name: "alarm_flags", vifBytes: "FFA900", valueType: "int", transform: flagsOk("OK") },
  { name: "unknown_vif_FFAD", header: "01FFAD00", valueType: "int", transform: flagsOk("OK") },
  { name: "firmware_version", record: "firmware_version", valueType: "str" },
  { name: "product_no", vifBytes: "FFAA00", valueType: "hex", transform: ascii },
  { name: "power_fail_counter", header: "04FF9800" },
  ...abbPhases("active_consumption", "kw", "power", 0),
  ...abbPhases("reactive_consumption", "kw", "power", 2),
  ...abbPhases("apparent_consumption", "kw", "power", 4),
  ...[1, 2, 3].map((i): FieldRule => ({ name: `voltage_l${i}_n`, unit: "v", record: "voltage_vife_0" + i })),
  { name: "voltage_l1_l2", unit: "v", record: "voltage_vife_05" },
  { name: "voltage_l2_l3", unit: "v", record: "voltage_vife_06" },
  { name: "voltage_l3_l1", unit: "v", record: "voltage_vife_07" },
  ...[1, 2, 3].map((i): FieldRule => ({ name: `current_l${i}`, unit: "a", record: "current_vife_0" + i })),
  { name: "frequency", unit: "hz", header: "0AFFD900" },
  { name: "power_factor", header: "02FFE000" },
  ...ABB_FACTORS_AND_ANGLES,
  { name: "total_reactive_energy_consumption", unit: "kvarh", record: "energy_subunit_2" },
  ...series(4, (i) => "total_reactive_energy_consumption_tariff_" + i, "kvarh", (i) => "energy_tariff_" + i + "_subunit_2"),
  { name: "total_reactive_energy_production", unit: "kvarh", record: "energy_subunit_3" },
  ...series(4, (i) => "total_reactive_energy_production_tariff_" + i, "kvarh", (i) => "energy_tariff_" + i + "_subunit_3"),
  ...ABB_QUADRANT_TO_APPARENT,
  ...[1, 2, 3].map((i): FieldRule => ({ name: `total_energy_consumption_l${i}`, unit: "kwh", record: abbRecord("energy", i, 0) })),
  ...[1, 2, 3].map((i): FieldRule => ({ name: `total_reactive_energy_consumption_l${i}`, unit: "kwh", record: abbRecord("energy", i, 2) })),
  ...[1, 2, 3].map((i): FieldRule => ({ name: `total_apparent_energy_consumption_l${i}`, unit: "kwh", record: abbRecord("energy", i, 4) })),
  ...[1, 2, 3].map((i): FieldRule => ({ name: `total_energy_production_l${i}`, unit: "kwh", record: abbRecord("energy", i, 1) })),
  ...[1, 2, 3].map((i): FieldRule => ({ name: `total_reactive_energy_production_l${i}`, unit: "kwh", record: abbRecord("energy", i, 3) })),
  ...[1, 2, 3].map((i): FieldRule => ({ name: `total_apparent_energy_production_l${i}`, unit: "kwh", record: abbRecord("energy", i, 5) })),
  ...ABB_NET_ENERGY,
];

/** iem3000 fields of wmbusmeters' current definition beyond IEM3000_FIELDS (same record keys as abbb23's). */
const IEM3000_MORE: readonly FieldRule[] = Object.freeze([
  { name: "warning_flags", vifBytes: "FFA700", valueType: "int", transform: flagsOk("OK") },
  { name: "information_flags", vifBytes: "FFA800", valueType: "int", transform: flagsOk("") },
  { name: "alarm_flags", vifBytes: "FFA900", valueType: "int", transform: flagsOk("OK") },
  { name: "unknown_vif_FFAD", header: "01FFAD00", valueType: "int", transform: flagsOk("OK") },
  { name: "product_no", vifBytes: "FFAA00", valueType: "hex", transform: ascii },
  { name: "power_fail_counter", header: "04FF9800" },
  ...[1, 2, 3].map((i): FieldRule => ({ name: `reactive_consumption_l${i}`, unit: "kw", record: abbRecord("power", i, 2) })),
  ...[1, 2, 3].map((i): FieldRule => ({ name: `apparent_consumption_l${i}`, unit: "kw", record: abbRecord("power", i, 4) })),
  ...ABB_FACTORS_AND_ANGLES,
  ...ABB_QUADRANT_TO_APPARENT,
  ...[1, 2, 3].map((i): FieldRule => ({ name: `total_reactive_energy_consumption_l${i}`, unit: "kvarh", record: abbRecord("energy", i, 2) })),
  ...[1, 2, 3].map((i): FieldRule => ({ name: `total_apparent_energy_consumption_l${i}`, unit: "kvah", record: abbRecord("energy", i, 4) })),
  ...[1, 2, 3].map((i): FieldRule => ({ name: `total_energy_production_l${i}`, unit: "kwh", record: abbRecord("energy", i, 1) })),
  ...[1, 2, 3].map((i): FieldRule => ({ name: `total_reactive_energy_production_l${i}`, unit: "kvarh", record: abbRecord("energy", i, 3) })),
  ...[1, 2, 3].map((i): FieldRule => ({ name: `total_apparent_energy_production_l${i}`, unit: "kvah", record: abbRecord("energy", i, 5) })),
  ...ABB_NET_ENERGY,
]);

/** iem3000: its own rules, then the ones of the ABB layout (wmbusmeters' current definition). */
export const IEM3000_ALL_FIELDS: readonly FieldRule[] = deepFreeze([...IEM3000_FIELDS, ...IEM3000_MORE]);
