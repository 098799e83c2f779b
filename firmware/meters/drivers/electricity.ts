/**
 * Electricity meters: Schneider iEM3000 (wired M-Bus, many manufacturer VIFs FF xx), …
 */
import type { Driver, FieldRule, FieldValue, FlagTable, MfctContext } from "../types.js";
import { round6 } from "../units.js";
import { series } from "./history.js";
import { errorFlags, errorsThenStatus, phases, stsAndErrors } from "./rules.js";
import { deepFreeze } from "../../util/freeze.js";

/** 0 → "", else prefix + hex: status words that print empty when clear. */
const word = (prefix: string) => (v: FieldValue): FieldValue =>
  typeof v === "number" ? (v === 0 ? "" : prefix + v.toString(16).toUpperCase()) : v;

const IEM_ERRORS: FlagTable = deepFreeze({
  e: [
    [0xffffff, 0x000000, "CODE_101_EEPROM_ERROR"],
    [0xffffff, 0x000040, "CODE_203_PHASE_SEQUENCE_REVERSED"],
  ],
  rest: "",
});

const IEM3000_FIELDS: readonly FieldRule[] = [
  { n: "total_energy_consumption", u: "kwh", r: "energy" },
  { n: "total_energy_production", u: "kwh", vib: "83FF09", su: 0 },
  { n: "total_reactive_energy_consumption", u: "kvarh", r: "energy_subunit_1" },
  { n: "total_reactive_energy_production", u: "kvarh", vib: "83FF09", su: 1 },
  { n: "partial_energy_consumption", u: "kwh", vib: "83FF0D", su: 0 },
  { n: "partial_reactive_energy_consumption", u: "kvarh", vib: "83FF0D", su: 1 },
  ...phases((i) => "total_energy_consumption_l" + i, "kwh", "83FF"),
  ...series(4, (i) => "total_energy_consumption_tariff_" + i, "kwh", (i) => "energy_tariff_" + i),
  { n: "active_consumption", u: "kw", r: "power" },
  ...phases((i) => "active_consumption_l" + i, "kw", "AEFF"),
  { n: "reactive_consumption", u: "kw", r: "power_subunit_1" },
  { n: "apparent_consumption", u: "kw", r: "power_subunit_2" },
  { n: "current_average", u: "a", vib: "FDDCFF00" },
  ...phases((i) => "current_l" + i, "a", "FDDCFF"),
  ...phases((i) => "voltage_l" + i + "_n", "v", "FDC9FF"),
  { n: "voltage_average_ln", u: "v", vib: "FDC9FF04" },
  { n: "voltage_l1_l2", u: "v", vib: "FDC9FF05" },
  { n: "voltage_l2_l3", u: "v", vib: "FDC9FF06" },
  { n: "voltage_l3_l1", u: "v", vib: "FDC9FF07" },
  { n: "voltage_average_ll", u: "v", vib: "FDC9FF08" },
  { n: "power_factor", vib: "FF0A" },
  { n: "frequency", u: "hz", vib: "FF0B" },
  { n: "manufacturer", r: "manufacturer", as: "str" },
  { n: "model_version", r: "model_version", as: "str" },
  { n: "firmware_version", r: "firmware_version", as: "str" },
  { n: "meter_datetime", r: "date_time", as: "datetime" },
  { n: "last_partial_energy_reset_datetime", vib: "EDFF0C", as: "datetime" },
  { n: "last_input_metering_reset_datetime", vib: "EDFF0E", as: "datetime" },
  { n: "last_alarm_datetime", vib: "EDFF39", as: "datetime" },
  { n: "input_metering_cumulation_counter", r: "cumulation_counter" },
  { n: "active_tariff_nr", vib: "FF10" },
  { n: "operating_time", u: "y", vib: "FF20" },
  { n: "phases_counter", vib: "FF21" },
  { n: "wires_nr", vib: "FF22" },
  { n: "power_system_configuration", vib: "FF23", as: "int", fmt: word("POWER_SYS_CONFIG_") },
  { n: "nominal_frequency", u: "hz", vib: "FF24" },
  { n: "vts_counter", vib: "FF25" },
  { n: "vt_primary_nr", vib: "FF26" },
  { n: "vt_secondary_nr", vib: "FF27" },
  { n: "cts_counter", vib: "FF28" },
  { n: "ct_primary_nr", vib: "FF29" },
  { n: "ct_secondary_nr", vib: "FF2A" },
  { n: "vt_connection_type_nr", vib: "FF2B" },
  { n: "pulse_duration_counter", vib: "FF2C" },
  { n: "digital_output_association", vib: "FF2D", as: "int", fmt: word("ASSOCIATION_") },
  { n: "pulse_weight_counter", vib: "FF2E" },
  { n: "pulse_constant_counter", vib: "FF2F" },
  { n: "digital_input_association", vib: "FF30", as: "int", fmt: word("ASSOCIATION_") },
  { n: "digital_input_status", vib: "FF32", as: "int", fmt: word("INPUT_STATUS_") },
  { n: "overload_alarm_setup", vib: "FF34", as: "int", fmt: word("ALARM_") },
  { n: "pickup_setpoint_counter", vib: "FF35" },
  { n: "activated_status", vib: "FF36", as: "int", fmt: word("ACTIVATED_") },
  { n: "unack_status", vib: "FF37", as: "int", fmt: word("UNACK_") },
  { n: "digital_output_association_2", vib: "FF38", as: "int", fmt: word("ASSOCIATION_") },
  { n: "last_alarm_nr", vib: "FF3A", nul: true },
  { n: "digital_input", r: "digital_input", as: "int", fmt: word("INPUT_") },
  { n: "digital_output", r: "digital_output", as: "int", fmt: word("OUTPUT_") },
];

const ESYSWM_FIELDS: readonly FieldRule[] = [
  { n: "total_energy_consumption", u: "kwh", r: "energy" },
  { n: "total_energy_production", u: "kwh", r: "energy_backward_flow" },
  { n: "total_energy_consumption_tariff1", u: "kwh", r: "energy_tariff_1" },
  { n: "total_energy_consumption_tariff2", u: "kwh", r: "energy_tariff_2" },
  { n: "current_power_consumption", u: "kw", r: "power" },
  ...phases((i) => "current_power_consumption_phase" + i, "kw", "A9FF"),
  { n: "fabrication_no", r: "fabrication_number", as: "str" },
  { n: "enhanced_id", r: "enhanced_identification", as: "str" },
  { n: "location", r: "customer_location", as: "hex" },
  { n: "location_hex", r: "customer_location", as: "hex" },
  { n: "version", r: "device_type", as: "str" },
];

const GRANSYSTEMS_FIELDS: readonly FieldRule[] = [
  { n: "total_energy_consumption", u: "kwh", r: "energy" },
  ...series(4, (i) => "total_energy_consumption_tariff_" + i, "kwh", (i) => "energy_tariff_" + i),
  { n: "target_datetime", r: "date_time_storage_2", as: "datetime" },
  { n: "target_energy_consumption", u: "kwh", r: "energy_storage_2" },
  ...series(4, (i) => "target_energy_consumption_tariff_" + i, "kwh", (i) => "energy_storage_2_tariff_" + i),
  { n: "device_datetime", r: "date_time", as: "datetime" },
  ...series(3, (i) => "voltage_at_phase_" + i, "v", (i) => "voltage_subunit_" + i),
  ...series(3, (i) => "current_at_phase_" + i, "a", (i) => "current_subunit_" + i),
  { n: "frequency", u: "hz", r: "frequency" },
];

/** GRAN-SYSTEMS error flags: low 16 bits errors, high 16 bits the meter kind. */
const GRAN_ERRORS: FlagTable = deepFreeze({ e: [[0x0002, "RTC_ERROR"], [0xffff0000, 0, ""]], rest: "ERROR_FLAGS_" });
const GRAN_INFO: FlagTable = deepFreeze({
  e: [[0x0000ffff, 0x10000, ""], [0xffff0000, 0x01010000, "THREE_PHASE_METER"]],
  rest: "INFO_",
});

const NZR_FIELDS: readonly FieldRule[] = [
  { n: "total_energy_consumption", u: "kwh", r: ["energy", "energy_tariff_1"] },
  { n: "current_power_consumption", u: "kw", r: "power" },
  ...series(3, (i) => "current_power_consumption_" + i, "kw", (i) => "power_storage_" + 2 * i),
  ...series(3, (i) => "voltage_at_phase_" + i, "v", (i) => "voltage_storage_" + 2 * i),
  ...series(3, (i) => "current_at_phase_" + i, "a", (i) => "current_storage_" + 2 * i),
];

const NEMO_FIELDS: readonly FieldRule[] = [
  { n: "total_active_positive_3phase", u: "kwh", r: "energy_tariff_1_subunit_1" },
  { n: "active_positive_3phase", u: "kw", r: "power_tariff_1_subunit_1" },
  { n: "total_reactive_positive_3phase", u: "kwh", r: "energy_tariff_1_subunit_2" },
  { n: "reactive_positive_3phase", u: "kw", r: "power_tariff_1_subunit_2" },
  { n: "total_active_partial_3phase", u: "kwh", r: "energy_tariff_2_subunit_1" },
  { n: "active_negative_3phase", u: "kw", r: "power_tariff_2_subunit_1" },
  { n: "total_reactive_partial_3phase", u: "kwh", r: "energy_tariff_2_subunit_2" },
  { n: "reactive_negative_3phase", u: "kw", r: "power_tariff_2_subunit_2" },
  { n: "power_factor", r: "dimensionless" },
  ...phases((i) => "current_at_phase_" + i, "a", "FDD9FF"),
  ...phases((i) => "voltage_at_phase_" + i, "v", "FDC8FF"),
  { n: "frequency", u: "hz", r: "frequency", always: true },
];

/** IME: manufacturer VIFs FF 87/88/89/8A with tariffs 8..10 for the three phases (0.1 V, mA, 0.1 Hz). */
const IME_FIELDS: readonly FieldRule[] = [
  { n: "voltage_1_n", u: "v", vib: "FF8748", tf: 8, div: 10 },
  { n: "voltage_2_n", u: "v", vib: "FF8748", tf: 9, div: 10 },
  { n: "voltage_3_n", u: "v", vib: "FF8748", tf: 10, div: 10 },
  { n: "voltage_1_2", u: "v", vib: "FF8848", tf: 8, div: 10 },
  { n: "voltage_2_3", u: "v", vib: "FF8848", tf: 9, div: 10 },
  { n: "voltage_3_1", u: "v", vib: "FF8848", tf: 10, div: 10 },
  { n: "current_l1", u: "a", vib: "FF8959", tf: 8, div: 1000 },
  { n: "current_l2", u: "a", vib: "FF8959", tf: 9, div: 1000 },
  { n: "current_l3", u: "a", vib: "FF8959", tf: 10, div: 1000 },
  { n: "frequency", u: "hz", vib: "FF8A48", div: 10 },
];

/** Carlo Gavazzi EM24 error flags: voltage overflow of phases 1..3, then current overflow. */
const EM24_ERRORS: FlagTable = deepFreeze({
  e: [[0x01, "V_1_OVERFLOW"], [0x02, "V_2_OVERFLOW"], [0x04, "V_3_OVERFLOW"], [0x08, "I_1_OVERFLOW"], [0x10, "I_2_OVERFLOW"], [0x20, "I_3_OVERFLOW"]],
  rest: "ERROR_",
});

const EM24_FIELDS: readonly FieldRule[] = [
  { n: "total_energy_consumption", u: "kwh", r: "energy" },
  { n: "total_energy_production", u: "kwh", r: "energy_backward_flow" },
  { n: "total_reactive_energy_consumption", u: "kvarh", r: "reactive_energy" },
  { n: "total_reactive_energy_production", u: "kvarh", r: "reactive_energy_backward_flow" },
  { n: "power", u: "kw", r: "power" },
  { n: "frequency", u: "hz", r: "frequency", always: true },
];

/** Apparent energy = √(active² + reactive²), null when the active part is missing. */
function em24Apparent(c: MfctContext): void {
  const o = c.out;
  const pair = (a: FieldValue, r: FieldValue): FieldValue =>
    typeof a === "number" && typeof r === "number" ? round6(Math.sqrt(a * a + r * r)) : null;
  o.total_apparent_energy_consumption_kvah = pair(o.total_energy_consumption_kwh, o.total_reactive_energy_consumption_kvarh);
  o.total_apparent_energy_production_kvah = pair(o.total_energy_production_kwh, o.total_reactive_energy_production_kvarh);
}

const EBZWMBE_FIELDS: readonly FieldRule[] = [
  { n: "total_energy_consumption", u: "kwh", r: "energy" },
  ...phases((i) => "current_power_consumption_phase" + i, "kw", "A9FF"),
  { n: "customer", r: "customer", as: "str" },
];

/** The total power is the sum of the three phases (null without them). */
function phaseSum(c: MfctContext): void {
  const o = c.out;
  const a = o.current_power_consumption_phase1_kw, b = o.current_power_consumption_phase2_kw, d = o.current_power_consumption_phase3_kw;
  o.current_power_consumption_kw = typeof a === "number" && typeof b === "number" && typeof d === "number" ? round6(a + b + d) : null;
}

/** Text of a record's data bytes in sending order (the ABB B23 product number). */
const ascii = (v: FieldValue): FieldValue => {
  if (typeof v !== "string") return v;
  let s = "";
  for (let i = 0; i + 2 <= v.length; i += 2) s += String.fromCharCode(parseInt(v.substr(i, 2), 16));
  return s;
};

const flagsOk = (empty: string) => (v: FieldValue): FieldValue => (v === 0 ? empty : typeof v === "number" ? "FLAGS_" + v.toString(16).toUpperCase() : v);

const ABBB23_FIELDS: readonly FieldRule[] = [
  { n: "total_energy_consumption", u: "kwh", r: "energy" },
  { n: "ct_numerator_factor", vib: "FFA015" },
  { n: "ct_denominator_factor", vib: "FFA115" },
  { n: "vt_numerator_factor", vib: "FFA215" },
  { n: "vt_denominator_factor", vib: "FFA315" },
  { n: "alarm_flags", vib: "FFA600", as: "int", fmt: flagsOk("OK") },
  { n: "error_flags", vib: "FFA700", as: "int", fmt: flagsOk("OK") },
  { n: "warning_flags", vib: "FFA800", as: "int", fmt: flagsOk("OK") },
  { n: "information_flags", vib: "FFA900", as: "int", fmt: flagsOk("") },
  { n: "firmware_version", r: "firmware_version", as: "str" },
  { n: "product_no", vib: "FFAA00", as: "hex", fmt: ascii },
];

export const ELECTRICITY: readonly Driver[] = [
  { name: "abbb23", detect: [{ m: "ABB", t: 0x02 }], fields: ABBB23_FIELDS },
  {
    name: "em24",
    detect: [{ m: "GAV", t: 0x02 }],
    fields: EM24_FIELDS,
    status: errorsThenStatus({ n: "error", parts: [errorFlags(EM24_ERRORS)], ok: "" }),
    decode: em24Apparent,
  },
  { name: "ebzwmbe", detect: [{ m: "EBZ", t: 0x02 }], fields: EBZWMBE_FIELDS, status: [], decode: phaseSum },
  { name: "ime", detect: [{ m: "IME", t: 0x02, v: 0x66 }], fields: IME_FIELDS },
  { name: "nemo", detect: [{ m: "IME", t: 0x02, v: 0x1d }], fields: NEMO_FIELDS },
  { name: "nzr", detect: [{ m: "NZR", t: 0x02 }], fields: NZR_FIELDS },
  {
    name: "gransystems",
    detect: [{ m: "GSS", t: 0x02 }],
    fields: GRANSYSTEMS_FIELDS,
    status: [
      stsAndErrors({ errors: GRAN_ERRORS }),
      { n: "info", parts: [errorFlags(GRAN_INFO)], ok: "", need: true },
    ],
  },
  { name: "esyswm", detect: [{ m: "ESY", t: 0x02 }, { m: "ETY", t: 0x02 }], fields: ESYSWM_FIELDS, status: [] },
  {
    name: "iem3000",
    detect: [{ m: "SEC", t: 0x02 }],
    fields: IEM3000_FIELDS,
    status: errorsThenStatus({ n: "error_flags", parts: [errorFlags(IEM_ERRORS)], need: true }),
  },
];
