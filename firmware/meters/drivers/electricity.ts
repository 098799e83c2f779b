/**
 * Electricity meters: the driver list; ABB B23 and Schneider iEM3000 rules in abb-iem.ts, …
 */
import type { Driver, FieldRule, FieldValue, FlagTable, MfctContext } from "../types.js";
import { round6 } from "../units.js";
import { series } from "./history.js";
import { errorFlags, errorsThenStatus, phases, stsAndErrors } from "./rules.js";
import { deepFreeze } from "../../util/freeze.js";
import { ABBB23_FIELDS, IEM3000_ALL_FIELDS, IEM_ERRORS } from "./abb-iem.js";

const ESYSWM_FIELDS: readonly FieldRule[] = [
  { name: "total_energy_consumption", unit: "kwh", record: "energy" },
  { name: "total_energy_production", unit: "kwh", record: "energy_backward_flow" },
  { name: "total_energy_consumption_tariff1", unit: "kwh", record: "energy_tariff_1" },
  { name: "total_energy_consumption_tariff2", unit: "kwh", record: "energy_tariff_2" },
  { name: "current_power_consumption", unit: "kw", record: "power" },
  ...phases((i) => "current_power_consumption_phase" + i, "kw", "A9FF"),
  { name: "fabrication_no", record: "fabrication_number", valueType: "str" },
  { name: "enhanced_id", record: "enhanced_identification", valueType: "str" },
  { name: "location", record: "customer_location", valueType: "hex" },
  { name: "location_hex", record: "customer_location", valueType: "hex" },
  { name: "version", record: "device_type", valueType: "str" },
];

const GRANSYSTEMS_FIELDS: readonly FieldRule[] = [
  { name: "total_energy_consumption", unit: "kwh", record: "energy" },
  ...series(4, (i) => "total_energy_consumption_tariff_" + i, "kwh", (i) => "energy_tariff_" + i),
  { name: "target_datetime", record: "date_time_storage_2", valueType: "datetime" },
  { name: "target_energy_consumption", unit: "kwh", record: "energy_storage_2" },
  ...series(4, (i) => "target_energy_consumption_tariff_" + i, "kwh", (i) => "energy_storage_2_tariff_" + i),
  { name: "device_datetime", record: "date_time", valueType: "datetime" },
  { name: "voltage_at_phase_1", unit: "v", record: "voltage" },
  ...series(3, (i) => "voltage_at_phase_" + i, "v", (i) => "voltage_subunit_" + i),
  { name: "current_at_phase_1", unit: "a", record: "current" },
  ...series(3, (i) => "current_at_phase_" + i, "a", (i) => "current_subunit_" + i),
  { name: "frequency", unit: "hz", record: "frequency" },
];

/** GRAN-SYSTEMS error flags: low 16 bits errors, high 16 bits the meter kind. */
const GRAN_ERRORS: FlagTable = deepFreeze({ entries: [[0x0002, "RTC_ERROR"], [0xffff0000, 0, ""]], unknownPrefix: "ERROR_FLAGS_" });
/** The meter kind in the error-flags word: bits 0x01030000 as a code (other bits belong to GRAN_ERRORS). */
const GRAN_INFO: FlagTable = deepFreeze({
  entries: [[0x01030000, 0x01020000, "SINGLE_PHASE_METER"], [0x01030000, 0x01010000, "THREE_PHASE_METER"]],
  unknownPrefix: "",
});

const NZR_FIELDS: readonly FieldRule[] = [
  { name: "total_energy_consumption", unit: "kwh", record: ["energy", "energy_tariff_1"] },
  { name: "current_power_consumption", unit: "kw", record: "power" },
  ...series(3, (i) => "current_power_consumption_" + i, "kw", (i) => "power_storage_" + 2 * i),
  ...series(3, (i) => "voltage_at_phase_" + i, "v", (i) => "voltage_storage_" + 2 * i),
  ...series(3, (i) => "current_at_phase_" + i, "a", (i) => "current_storage_" + 2 * i),
];

const NEMO_FIELDS: readonly FieldRule[] = [
  { name: "total_active_positive_3phase", unit: "kwh", record: "energy_tariff_1_subunit_1" },
  { name: "active_positive_3phase", unit: "kw", record: "power_tariff_1_subunit_1" },
  { name: "total_reactive_positive_3phase", unit: "kwh", record: "energy_tariff_1_subunit_2" },
  { name: "reactive_positive_3phase", unit: "kw", record: "power_tariff_1_subunit_2" },
  { name: "total_active_partial_3phase", unit: "kwh", record: "energy_tariff_2_subunit_1" },
  { name: "active_negative_3phase", unit: "kw", record: "power_tariff_2_subunit_1" },
  { name: "total_reactive_partial_3phase", unit: "kwh", record: "energy_tariff_2_subunit_2" },
  { name: "reactive_negative_3phase", unit: "kw", record: "power_tariff_2_subunit_2" },
  { name: "power_factor", record: "dimensionless" },
  ...phases((i) => "current_at_phase_" + i, "a", "FDD9FF"),
  ...phases((i) => "voltage_at_phase_" + i, "v", "FDC8FF"),
  ...series(3, (i) => "active_power_at_phase_" + i, "kw", (i) => "power_vife_0" + i + "_subunit_1"),
  ...series(3, (i) => "reactive_power_at_phase_" + i, "kw", (i) => "power_vife_0" + i + "_subunit_2"),
  ...series(3, (i) => "at_phase_" + i + "_power", "factor", (i) => "dimensionless_vife_0" + i),
  { name: "voltage_l1_l2", unit: "v", record: "voltage_vife_04" },
  { name: "voltage_l2_l3", unit: "v", record: "voltage_vife_05" },
  { name: "voltage_l3_l1", unit: "v", record: "voltage_vife_06" },
  { name: "current_in_neutral", unit: "a", record: "current_vife_04" },
  { name: "frequency", unit: "hz", header: "05FF5A", divisor: 10 },
  { name: "frequency", unit: "hz", record: "frequency", always: true },
];

/**
 * IME Nemo / Conto D4: every value sits under a manufacturer VIF (FF xx) with its own fixed scale, picked
 * by the exact DIF/VIF header. Tariff codes in the DIFEs select totals, phases and partial counters.
 */
function ime(n: string, u: string, h: string, div: number): FieldRule {
  return { name: n, unit: u, header: h, divisor: div };
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
  { name: "pulse_unit", header: "02FF912B", lookup: { ...IME_PULSE_UNITS } },
  { name: "kta", unit: "txt", header: "02FF922B", valueType: "int" },
  { name: "ktv", unit: "txt", header: "02FF9329", valueType: "int" },
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
  { name: "power_factor_sector", header: "82B010FF8C2B", lookup: { 0: "RESISTIVE", 1: "INDUCTIVE", 2: "CAPACITIVE" } },
  ime("total_active_power_requirement", "kw", "8410FF8D2B", 1000),
  ime("max_total_active_power_tariff1", "kw", "8410FF8E2B", 1000),
  ime("max_total_active_power_tariff2", "kw", "8420FF8E2B", 1000),
  ime("run_meter_total", "h", "84B010FF8F21", 60),
  ime("run_meter_tariff1", "h", "8410FF8F21", 60),
  ime("run_meter_tariff2", "h", "8420FF8F21", 60),
];

/** Carlo Gavazzi EM24 error flags: voltage overflow of phases 1..3, then current overflow. */
const EM24_ERRORS: FlagTable = deepFreeze({
  entries: [[0x01, "V_1_OVERFLOW"], [0x02, "V_2_OVERFLOW"], [0x04, "V_3_OVERFLOW"], [0x08, "I_1_OVERFLOW"], [0x10, "I_2_OVERFLOW"], [0x20, "I_3_OVERFLOW"]],
  unknownPrefix: "ERROR_",
});

const EM24_FIELDS: readonly FieldRule[] = [
  { name: "total_energy_consumption", unit: "kwh", record: "energy" },
  { name: "total_energy_production", unit: "kwh", record: "energy_backward_flow" },
  { name: "total_reactive_energy_consumption", unit: "kvarh", record: "reactive_energy" },
  { name: "total_reactive_energy_production", unit: "kvarh", record: "reactive_energy_backward_flow" },
  { name: "power", unit: "kw", record: "power" },
  { name: "frequency", unit: "hz", record: "frequency", always: true },
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
  { name: "total_energy_consumption", unit: "kwh", record: "energy" },
  ...phases((i) => "current_power_consumption_phase" + i, "kw", "A9FF"),
  { name: "customer", record: "customer", valueType: "str" },
];

/** The total power is the sum of the three phases (null without them). */
function phaseSum(c: MfctContext): void {
  const o = c.out;
  const a = o.current_power_consumption_phase1_kw, b = o.current_power_consumption_phase2_kw, d = o.current_power_consumption_phase3_kw;
  o.current_power_consumption_kw = typeof a === "number" && typeof b === "number" && typeof d === "number" ? round6(a + b + d) : null;
}

export const ELECTRICITY: readonly Driver[] = Object.freeze([
  { name: "abbb23", detect: [{ manufacturer: "ABB", version: 0x20, deviceType: 0x02 }], fields: ABBB23_FIELDS },
  {
    name: "em24",
    detect: [{ manufacturer: "KAM", version: 0x33, deviceType: 0x02 }, { manufacturer: "GAV", version: 0x00, deviceType: 0x02 }],
    fields: EM24_FIELDS,
    status: [{ name: "error", parts: [errorFlags(EM24_ERRORS)], okText: "" }, { name: "status", parts: [{ copyOf: "error" }] }],
    decode: em24Apparent,
  },
  { name: "ebzwmbe", detect: [{ manufacturer: "EBZ", version: 0x01, deviceType: 0x02 }], fields: EBZWMBE_FIELDS, status: [], decode: phaseSum },
  { name: "ime", detect: [{ manufacturer: "IME", version: 0x66, deviceType: 0x02 }], fields: IME_FIELDS, status: [{ name: "status", parts: [{ tplStatus: true }] }] },
  { name: "nemo", detect: [{ manufacturer: "IME", version: 0x1d, deviceType: 0x02 }], fields: NEMO_FIELDS },
  { name: "nzr", detect: [{ manufacturer: "NZR", version: 0x00, deviceType: 0x02 }, { manufacturer: "EMH", version: 0x00, deviceType: 0x02 }], fields: NZR_FIELDS },
  {
    name: "gransystems",
    detect: [{ manufacturer: "GSS", version: 0x01, deviceType: 0x02 }],
    fields: GRANSYSTEMS_FIELDS,
    status: [
      stsAndErrors({ errors: GRAN_ERRORS }),
      { name: "info", parts: [errorFlags(GRAN_INFO)], okText: "SINGLE_PHASE_METER", onlyWhenPresent: true },
    ],
  },
  { name: "esyswm", detect: [{ manufacturer: "ESY", version: 0x30, deviceType: 0x37 }, { manufacturer: "ESY", version: 0x11, deviceType: 0x02 }], fields: ESYSWM_FIELDS, status: [] },
  {
    name: "iem3000",
    detect: [{ manufacturer: "SEC", version: 0x13, deviceType: 0x02 }, { manufacturer: "SEC", version: 0x15, deviceType: 0x02 }, { manufacturer: "SEC", version: 0x18, deviceType: 0x02 }],
    fields: IEM3000_ALL_FIELDS,
    status: errorsThenStatus({ name: "error_flags", parts: [errorFlags(IEM_ERRORS)], onlyWhenPresent: true }),
  },
]);
