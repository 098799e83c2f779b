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
  { n: "power_factor", vib: "FF0A", nul: true },
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
  { n: "voltage_at_phase_1", u: "v", r: "voltage" },
  ...series(3, (i) => "voltage_at_phase_" + i, "v", (i) => "voltage_subunit_" + i),
  { n: "current_at_phase_1", u: "a", r: "current" },
  ...series(3, (i) => "current_at_phase_" + i, "a", (i) => "current_subunit_" + i),
  { n: "frequency", u: "hz", r: "frequency" },
];

/** GRAN-SYSTEMS error flags: low 16 bits errors, high 16 bits the meter kind. */
const GRAN_ERRORS: FlagTable = deepFreeze({ e: [[0x0002, "RTC_ERROR"], [0xffff0000, 0, ""]], rest: "ERROR_FLAGS_" });
/** The meter kind in the error-flags word: bits 0x01030000 as a code (other bits belong to GRAN_ERRORS). */
const GRAN_INFO: FlagTable = deepFreeze({
  e: [[0x01030000, 0x01020000, "SINGLE_PHASE_METER"], [0x01030000, 0x01010000, "THREE_PHASE_METER"]],
  rest: "",
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
  ...series(3, (i) => "active_power_at_phase_" + i, "kw", (i) => "power_vife_0" + i + "_subunit_1"),
  ...series(3, (i) => "reactive_power_at_phase_" + i, "kw", (i) => "power_vife_0" + i + "_subunit_2"),
  ...series(3, (i) => "at_phase_" + i + "_power", "factor", (i) => "dimensionless_vife_0" + i),
  { n: "voltage_l1_l2", u: "v", r: "voltage_vife_04" },
  { n: "voltage_l2_l3", u: "v", r: "voltage_vife_05" },
  { n: "voltage_l3_l1", u: "v", r: "voltage_vife_06" },
  { n: "current_in_neutral", u: "a", r: "current_vife_04" },
  { n: "frequency", u: "hz", h: "05FF5A", div: 10 },
  { n: "frequency", u: "hz", r: "frequency", always: true },
];

/**
 * IME Nemo / Conto D4: every value sits under a manufacturer VIF (FF xx) with its own fixed scale, picked
 * by the exact DIF/VIF header. Tariff codes in the DIFEs select totals, phases and partial counters.
 */
function ime(n: string, u: string, h: string, div: number): FieldRule {
  return { n, u, h, div };
}
const IME_PULSE_UNITS = ["WH", "KWH", "MWH", "VARH", "KVARH", "MVARH", "VAH", "KVAH", "MVAH", "M3", "KM3", "WOOT", "NM3", "KNM3", "MNM3", "J", "KJ", "MJ", "cal", "KCAL", "G", "KG"];
const IME_FIELDS: readonly FieldRule[] = [
  ime("positive_total_active_energy", "kwh", "849010FF80843B", 100),
  ime("negative_total_active_energy", "kwh", "849010FF80843C", 100),
  ime("positive_total_reactive_energy", "kvarh", "849010FF81843B", 100),
  ime("negative_total_reactive_energy", "kvarh", "849010FF81843C", 100),
  ime("positive_tariff1_active_energy", "kwh", "8410FF80843B", 100),
  ime("positive_tariff2_active_energy", "kwh", "8420FF80843B", 100),
  ime("negative_tariff1_active_energy", "kwh", "8410FF80843C", 100),
  ime("negative_tariff2_active_energy", "kwh", "8420FF80843C", 100),
  ime("positive_tariff1_reactive_energy", "kvarh", "8410FF81843B", 100),
  ime("positive_tariff2_reactive_energy", "kvarh", "8420FF81843B", 100),
  ime("negative_tariff1_reactive_energy", "kvarh", "8410FF81843C", 100),
  ime("negative_tariff2_reactive_energy", "kvarh", "8420FF81843C", 100),
  ime("partial_positive_active_energy", "kwh", "84A010FF80843B", 100),
  ime("partial_negative_active_energy", "kwh", "84A010FF80843C", 100),
  ime("partial_positive_reactive_energy", "kvarh", "84A010FF81843B", 100),
  ime("partial_negative_reactive_energy", "kvarh", "84A010FF81843C", 100),
  ime("pulse_input", "counter", "04FF9029", 100),
  { n: "pulse_unit", h: "02FF912B", lookup: { ...IME_PULSE_UNITS } },
  { n: "kta", u: "txt", h: "02FF922B", as: "int" },
  { n: "ktv", u: "txt", h: "02FF9329", as: "int" },
  ime("three_phase_total_active_power", "kw", "84B010FF842B", 1000),
  ime("active_power_l1", "kw", "848020FF842B", 1000),
  ime("active_power_l2", "kw", "849020FF842B", 1000),
  ime("active_power_l3", "kw", "84A020FF842B", 1000),
  ime("three_phase_total_reactive_power", "kvar", "84B010FF852B", 1000),
  ime("reactive_power_l1", "kvar", "848020FF852B", 1000),
  ime("reactive_power_l2", "kvar", "849020FF852B", 1000),
  ime("reactive_power_l3", "kvar", "84A020FF852B", 1000),
  ime("three_phase_total_apparent_power", "kva", "84B010FF862B", 1000),
  ime("apparent_power_l1", "kva", "848020FF862B", 1000),
  ime("apparent_power_l2", "kva", "849020FF862B", 1000),
  ime("apparent_power_l3", "kva", "84A020FF862B", 1000),
  ime("voltage_1_n", "v", "848020FF8748", 10),
  ime("voltage_2_n", "v", "849020FF8748", 10),
  ime("voltage_3_n", "v", "84A020FF8748", 10),
  ime("voltage_1_2", "v", "848020FF8848", 10),
  ime("voltage_2_3", "v", "849020FF8848", 10),
  ime("voltage_3_1", "v", "84A020FF8848", 10),
  ime("current_l1", "a", "848020FF8959", 1000),
  ime("current_l2", "a", "849020FF8959", 1000),
  ime("current_l3", "a", "84A020FF8959", 1000),
  ime("frequency", "hz", "02FF8A48", 10),
  ime("three_phase_power", "factor", "82B010FF8B28", 1000),
  { n: "power_factor_sector", h: "82B010FF8C2B", lookup: { 0: "RESISTIVE", 1: "INDUCTIVE", 2: "CAPACITIVE" } },
  ime("total_active_power_requirement", "kw", "8410FF8D2B", 1000),
  ime("max_total_active_power_tariff1", "kw", "8410FF8E2B", 1000),
  ime("max_total_active_power_tariff2", "kw", "8420FF8E2B", 1000),
  ime("run_meter_total", "h", "84B010FF8F21", 60),
  ime("run_meter_tariff1", "h", "8410FF8F21", 60),
  ime("run_meter_tariff2", "h", "8420FF8F21", 60),
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
  ...series(3, (i) => "amperage_at_phase_" + i, "a", (i) => "current_phase_l" + i),
  ...series(3, (i) => "voltage_at_phase_" + i, "v", (i) => "voltage_phase_l" + i),
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

export const ELECTRICITY: readonly Driver[] = Object.freeze([
  { name: "abbb23", detect: [{ m: "ABB", v: 0x20, t: 0x02 }], fields: ABBB23_FIELDS },
  {
    name: "em24",
    detect: [{ m: "KAM", v: 0x33, t: 0x02 }, { m: "GAV", v: 0x00, t: 0x02 }],
    fields: EM24_FIELDS,
    status: [{ n: "error", parts: [errorFlags(EM24_ERRORS)], ok: "" }, { n: "status", parts: [{ of: "error" }] }],
    decode: em24Apparent,
  },
  { name: "ebzwmbe", detect: [{ m: "EBZ", v: 0x01, t: 0x02 }], fields: EBZWMBE_FIELDS, status: [], decode: phaseSum },
  { name: "ime", detect: [{ m: "IME", v: 0x66, t: 0x02 }], fields: IME_FIELDS, status: [{ n: "status", parts: [{ sts: true }] }] },
  { name: "nemo", detect: [{ m: "IME", v: 0x1d, t: 0x02 }], fields: NEMO_FIELDS },
  { name: "nzr", detect: [{ m: "NZR", v: 0x00, t: 0x02 }, { m: "EMH", v: 0x00, t: 0x02 }], fields: NZR_FIELDS },
  {
    name: "gransystems",
    detect: [{ m: "GSS", v: 0x01, t: 0x02 }],
    fields: GRANSYSTEMS_FIELDS,
    status: [
      stsAndErrors({ errors: GRAN_ERRORS }),
      { n: "info", parts: [errorFlags(GRAN_INFO)], ok: "SINGLE_PHASE_METER", need: true },
    ],
  },
  { name: "esyswm", detect: [{ m: "ESY", v: 0x30, t: 0x37 }, { m: "ESY", v: 0x11, t: 0x02 }], fields: ESYSWM_FIELDS, status: [] },
  {
    name: "iem3000",
    detect: [{ m: "SEC", v: 0x13, t: 0x02 }, { m: "SEC", v: 0x15, t: 0x02 }, { m: "SEC", v: 0x18, t: 0x02 }],
    fields: IEM3000_FIELDS,
    status: errorsThenStatus({ n: "error_flags", parts: [errorFlags(IEM_ERRORS)], need: true }),
  },
]);
