/**
 * Heat and heat/cooling meters with standard records: B METERS HYDROCAL-M4, Diehl SHARKY 775 /
 * 774, …
 */
import type { Driver, FieldRule, FlagTable } from "../types.js";
import { stsAndErrors } from "./rules.js";
import { series } from "./history.js";
import { deepFreeze } from "../../util/freeze.js";

const HYDROCALM4_FIELDS: readonly FieldRule[] = [
  { n: "c1_volume", u: "m3", r: "volume_subunit_1" },
  { n: "c2_volume", u: "m3", r: "volume_subunit_2" },
  { n: "device_datetime", r: "date_time", as: "datetime" },
  { n: "total_heating", u: "kwh", r: "energy" },
  { n: "total_heating", u: "m3", r: "volume" },
  { n: "total_cooling", u: "kwh", r: "energy_tariff_1" },
  { n: "total_cooling", u: "m3", r: "volume_tariff_1" },
  { n: "power", u: "kw", r: "power" },
  { n: "volume_flow", u: "m3h", r: "volume_flow" },
  { n: "supply_temperature", u: "c", r: "flow_temperature" },
  { n: "return_temperature", u: "c", r: "return_temperature" },
];

const SHARKY_FIELDS: readonly FieldRule[] = [
  { n: "total_energy_consumption", u: "kwh", r: "energy" },
  { n: "total_energy_consumption_tariff1", u: "kwh", r: "energy_tariff_1" },
  { n: "total_volume", u: "m3", r: "volume" },
  { n: "total_volume_tariff2", u: "m3", r: "volume_tariff_2" },
  { n: "target_energy_consumption", u: "kwh", r: "energy_storage_5" },
  { n: "target_volume", u: "m3", r: "volume_storage_5" },
  { n: "target_date", r: "date_storage_5", as: "date" },
  { n: "volume_flow", u: "m3h", r: "volume_flow" },
  { n: "power", u: "kw", r: "power" },
  { n: "flow_temperature", u: "c", r: "flow_temperature" },
  { n: "return_temperature", u: "c", r: "return_temperature" },
  { n: "temperature_difference", u: "c", r: "temperature_difference" },
  { n: "operating_time", u: "h", r: "operating_time" },
];

const SHARKY774_FIELDS: readonly FieldRule[] = [
  { n: "total_energy_consumption", u: "kwh", r: "energy" },
  { n: "total_volume", u: "m3", r: "volume" },
  { n: "volume_flow", u: "m3h", r: "volume_flow" },
  { n: "power", u: "kw", r: "power" },
  { n: "flow_temperature", u: "c", r: "flow_temperature" },
  { n: "return_temperature", u: "c", r: "return_temperature" },
  { n: "operating_time", u: "h", vib: "26" },
  { n: "operating_time_in_error", u: "h", vib: "A618" },
  { n: "energy_at_set_date", u: "kwh", r: "energy_storage_1" },
  { n: "set_date", r: "date_storage_1", as: "date" },
  { n: "total_cooling_consumption", u: "kwh", r: "energy_tariff_1" },
  { n: "total_cooling_volume", u: "m3", r: "volume_tariff_2" },
  { n: "cooling_at_set_date", u: "kwh", r: "energy_storage_1_tariff_1" },
];

const ELF2_FIELDS: readonly FieldRule[] = [
  { n: "total_energy", u: "kwh", r: "energy" },
  { n: "total_energy_period", u: "kwh", r: "energy_storage_1" },
  { n: "total_energy_cooling", u: "kwh", r: "energy_subunit_1" },
  { n: "total_energy_cooling_period", u: "kwh", r: "energy_storage_1_subunit_1" },
  { n: "total_volume", u: "m3", r: "volume" },
  { n: "total_volume_cooling", u: "m3", r: "volume_subunit_1" },
  { n: "input1_volume", u: "m3", r: "volume_tariff_1" },
  { n: "input2_volume", u: "m3", r: "volume_tariff_2" },
  { n: "current_volume_flow", u: "m3h", r: "volume_flow" },
  { n: "current_power", u: "kw", r: "power" },
  { n: "t1_temperature", u: "c", r: "flow_temperature" },
  { n: "t2_temperature", u: "c", r: "return_temperature" },
  { n: "meter_date", r: "date", as: "date" },
  { n: "meter_datetime", r: "date_time", as: "datetime" },
  { n: "on_time", u: "h", r: "on_time" },
  { n: "on_time_at_error", u: "h", r: "on_time_error" },
  { n: "fabrication_no", r: "fabrication_number", as: "str" },
];

const QHEAT_55_US_FIELDS: readonly FieldRule[] = [
  { n: "device_datetime", r: "date_time", as: "datetime" },
  { n: "total_energy_consumption", u: "kwh", r: "energy" },
  { n: "key_datetime", r: "date_time_storage_1", as: "datetime" },
  { n: "key_datetime", u: "kwh", r: "energy_storage_1" },
  { n: "prev_month_datetime", r: "date_time_storage_2", as: "datetime" },
  ...series(13, (i) => "prev_" + i + "_month", "kwh", (i) => "energy_storage_" + (i + 1)),
  { n: "actuality_duration", u: "h", r: "actuality_duration" },
  { n: "time_without_measurement", u: "h", r: "on_time_error" },
];

const QUALCOSONIC_FIELDS: readonly FieldRule[] = [
  { n: "fabrication_no", r: "fabrication_number", as: "str" },
  { n: "operating_time", u: "h", r: "operating_time" },
  { n: "on_time", u: "h", r: "on_time" },
  { n: "meter_datetime", r: "date_time", as: "datetime" },
  { n: "meter_datetime_at_error", r: "date_time_error", as: "datetime" },
  { n: "total", u: "m3", r: "volume" },
  { n: "flow_temperature", u: "c", r: "flow_temperature" },
  { n: "return_temperature", u: "c", r: "return_temperature" },
  { n: "flow_return_temperature_difference", u: "c", r: "temperature_difference" },
  { n: "volume_flow", u: "m3h", r: "volume_flow" },
  { n: "total_heat_energy", u: "kwh", r: "energy_forward_flow" },
  { n: "total_cooling_energy", u: "kwh", r: "energy_backward_flow" },
  { n: "power", u: "kw", r: "power" },
  { n: "target_datetime", r: "date_time_storage_16", as: "datetime" },
  { n: "target_heat_energy", u: "kwh", r: "energy_forward_flow_storage_16" },
  { n: "target_cooling_energy", u: "kwh", r: "energy_backward_flow_storage_16" },
];

const ULTRAHEAT_FIELDS: readonly FieldRule[] = [
  { n: "fabrication_no", r: "fabrication_number", as: "readable" },
  { n: "heat", u: "kwh", r: "energy" },
  { n: "target", u: "kwh", r: "energy_storage_1" },
  { n: "volume", u: "m3", r: "volume" },
  { n: "power", u: "kw", r: "power" },
  { n: "flow", u: "m3h", r: "volume_flow" },
  { n: "flow", u: "c", r: "flow_temperature" },
  { n: "return", u: "c", r: "return_temperature" },
  { n: "meter_datetime", r: "date_time", as: "datetime_s" },
  { n: "actuality_duration", u: "s", r: "actuality_duration" },
];

/** Zenner C5 ISF error codes: decimal codes summed (the record's hex digits read as a decimal number). */
const C5ISF_ERRORS: FlagTable = deepFreeze({
  decimal: true,
  e: [
    [2000, "VERIFICATION_EXPIRED"], [1000, "BATTERY_EXPIRED"], [800, "WIRELESS_ERROR"], [100, "HARDWARE_ERROR3"], [50, "VALUE_OVERLOAD"],
    [40, "AIR_INSIDE"], [30, "REVERSE_FLOW"], [20, "DRY"], [10, "ERROR_MEASURING"], [9, "HARDWARE_ERROR2"], [8, "HARDWARE_ERROR1"],
    [7, "LOW_BATTERY"], [6, "SUPPLY_SENSOR_INTERRUPTED"], [5, "SHORT_CIRCUIT_SUPPLY_SENSOR"], [4, "RETURN_SENSOR_INTERRUPTED"],
    [3, "SHORT_CIRCUIT_RETURN_SENSOR"], [2, "TEMP_ABOVE_RANGE"], [1, "TEMP_BELOW_RANGE"],
  ],
  rest: "ERROR_FLAGS_",
});

const C5ISF_FIELDS: readonly FieldRule[] = [
  { n: "total_energy_consumption", u: "kwh", r: "energy" },
  { n: "total_cooling_consumption", u: "kwh", r: "energy_tariff_1" },
  { n: "total_volume", u: "m3", r: "volume" },
  { n: "due_energy_consumption", u: "kwh", r: "energy_storage_8" },
  { n: "due_date", r: "date_storage_8", as: "date" },
  { n: "volume_flow", u: "m3h", r: "volume_flow" },
  { n: "power", u: "kw", r: "power" },
  { n: "flow_temperature", u: "c", r: "flow_temperature" },
  { n: "return_temperature", u: "c", r: "return_temperature" },
  { n: "total_energy_consumption_last_month", u: "kwh", r: "energy_storage_32" },
  ...series(14, (i) => "prev_" + i + "_month_date", undefined, (i) => "date_storage_" + (31 + i)).map((f): FieldRule => ({ ...f, as: "date" })),
  ...series(14, (i) => "prev_" + i + "_month", "kwh", (i) => "energy_storage_" + (31 + i)),
  ...series(14, (i) => "prev_" + i + "_month", "m3", (i) => "volume_storage_" + (31 + i)),
  { n: "prev_1_month", u: "kwh", r: "energy_storage_32" },
  { n: "prev_1_month_date", r: "date_storage_32", as: "date" },
  { n: "max_power_last_month", u: "kw", r: "power_per_month_storage_32_max" },
];

const ENERCAL_FIELDS: readonly FieldRule[] = [
  { n: "total", u: "kwh", r: "energy" },
  { n: "target", u: "kwh", r: "energy_storage_1" },
  { n: "power", u: "kw", r: "power" },
  { n: "flow", u: "m3h", r: "volume_flow" },
  { n: "forward", u: "c", r: "flow_temperature" },
  { n: "return", u: "c", r: "return_temperature" },
  { n: "difference", u: "c", r: "temperature_difference" },
  { n: "total", u: "m3", r: "volume" },
  { n: "target", u: "m3", r: "volume_storage_1" },
  { n: "subunit1", u: "m3", r: "volume_subunit_1" },
  { n: "subunit1_target", u: "m3", r: "volume_storage_1_subunit_1" },
  { n: "subunit1", u: "hca", r: "hca_subunit_1" },
  { n: "subunit1_target", u: "hca", r: "hca_storage_1_subunit_1" },
  { n: "subunit2", u: "hca", r: "hca_subunit_2" },
  { n: "subunit2_target", u: "hca", r: "hca_storage_1_subunit_2" },
  { n: "target_date", r: "date_storage_1", as: "date" },
  { n: "operating_time", u: "h", r: "operating_time" },
  { n: "on_time", u: "h", r: "on_time" },
  { n: "meter_datetime", r: "date_time", as: "datetime" },
];

const POLLUCOMF_FIELDS: readonly FieldRule[] = [
  { n: "total", u: "kwh", r: "energy" },
  { n: "total", u: "m3", r: "volume" },
  { n: "power", u: "kw", r: "power" },
  { n: "flow", u: "m3h", r: "volume_flow" },
  { n: "forward", u: "c", r: "flow_temperature" },
  { n: "return", u: "c", r: "return_temperature" },
  { n: "target_date", r: "date_storage_1", as: "date" },
  { n: "target", u: "kwh", r: "energy_storage_1" },
  { n: "target", u: "m3", r: "volume_storage_1" },
  { n: "forward_max", u: "c", r: "flow_temperature_storage_1_max" },
  { n: "return_max", u: "c", r: "return_temperature_storage_1_max" },
  { n: "flow_max", u: "m3h", r: "volume_flow_storage_1_max" },
  { n: "on_time", u: "h", r: "on_time" },
  { n: "on_time_at_error", u: "h", r: "on_time_error" },
  { n: "meter_datetime", r: "date_time", as: "datetime" },
];

const SENSOSTAR_FIELDS: readonly FieldRule[] = [
  { n: "meter_datetime", r: "date_time", as: "datetime" },
  { n: "fabrication_no", r: "fabrication_number", as: "readable" },
  { n: "model_version", r: "model_version", as: "readable" },
  { n: "on_time", u: "h", r: "on_time" },
  { n: "parameter_set", r: "parameter_set_id", as: "readable" },
  { n: "total", u: "kwh", r: "energy" },
  { n: "total_tariff2", u: "kwh", r: "energy_tariff_2" },
  { n: "total_tariff3", u: "kwh", r: "energy_tariff_3" },
  ...series(3, (i) => "total_subunit" + i, "m3", (i) => "volume_subunit_" + i),
  { n: "total_water", u: "m3", r: "volume" },
  { n: "total_water_tariff2", u: "m3", r: "volume_tariff_2" },
  { n: "target_water", u: "m3", r: "volume_storage_1" },
  { n: "power", u: "kw", r: "power" },
  { n: "power_max", u: "kw", r: "power_max" },
  { n: "flow_water", u: "m3h", r: "volume_flow" },
  { n: "flow_water_max", u: "m3h", r: "volume_flow_max" },
  { n: "forward", u: "c", r: "flow_temperature" },
  { n: "return", u: "c", r: "return_temperature" },
  { n: "difference", u: "c", r: "temperature_difference" },
  { n: "target_date", r: "date_storage_1", as: "date" },
  { n: "target", u: "kwh", r: "energy_storage_1" },
  { n: "target_tariff2", u: "kwh", r: "energy_storage_1_tariff_2" },
  { n: "target_tariff3", u: "kwh", r: "energy_storage_1_tariff_3" },
  ...series(3, (i) => "target_subunit" + i, "m3", (i) => "volume_storage_1_subunit_" + i),
  ...series(31, (i) => "target_" + (i + 1), "kwh", (i) => "energy_storage_" + (i + 1)),
];

/** Sensostar error-flags bits (mask 0xFF). */
const SENSOSTAR_ERRORS: FlagTable = deepFreeze({
  e: [
    [0x01, "ERROR_TEMP_SENSOR_1_CABLE_BREAK"], [0x02, "ERROR_TEMP_SENSOR_1_SHORT_CIRCUIT"], [0x04, "ERROR_TEMP_SENSOR_2_CABLE_BREAK"],
    [0x08, "ERROR_TEMP_SENSOR_2_SHORT_CIRCUIT"], [0x10, "ERROR_FLOW_MEASUREMENT_SYSTEM_ERROR"], [0x20, "ERROR_ELECTRONICS_DEFECT"],
    [0x40, "OK_INSTRUMENT_RESET"], [0x80, "OK_BATTERY_LOW"],
  ],
  rest: "ERROR_FLAGS_",
});

export const HEAT: readonly Driver[] = Object.freeze([
  {
    name: "vario451mid",
    detect: [{ m: "TCH", v: 0x17, t: 0x04 }],
    fields: [
      { n: "total_energy_consumption", u: "kwh", r: "energy" },
      { n: "energy_at_old_date", u: "kwh", r: "energy_storage_1" },
      { n: "old_date", r: "date_storage_1", as: "date" },
      { n: "energy_at_set_date", u: "kwh", r: "energy_storage_8" },
      { n: "set_date", r: "date_storage_8", as: "date" },
    ],
    status: [],
  },
  {
    name: "itronheat",
    detect: [{ m: "ITW", v: 0x00, t: 0x04 }],
    fields: [
      { n: "total", u: "kwh", r: "energy" },
      { n: "total", u: "m3", r: "volume" },
      { n: "last_year", u: "kwh", r: "energy_storage_1" },
      { n: "last_year_date", r: "date_storage_1", as: "date" },
      { n: "meter_datetime", r: "date_time", as: "datetime_s" },
    ],
  },
  {
    name: "qheat5us",
    detect: [],
    fields: [
      { n: "total", u: "kwh", r: "energy" },
      { n: "target", u: "kwh", r: "energy_storage_1" },
      { n: "target_date", r: "date_storage_1", as: "date" },
      { n: "meter_date_at_error", r: "date_error", as: "date", fmt: (v) => (v === null ? "" : v) },
      { n: "meter_datetime", r: "date_time", as: "datetime" },
      { n: "fabrication_no", r: "fabrication_number", as: "str" },
    ],
  },
  {
    name: "supercal",
    detect: [{ m: "SON", v: 0x1b, t: 0x04 }],
    fields: [
      { n: "total", u: "kwh", r: "energy" },
      { n: "total", u: "m3", r: "volume" },
      { n: "target", u: "kwh", r: "energy_storage_20" },
      { n: "target", u: "m3", r: "volume_storage_20" },
      { n: "target_date", r: "date_storage_20", as: "date" },
      { n: "flow_temperature", u: "c", r: "flow_temperature" },
      { n: "return_temperature", u: "c", r: "return_temperature" },
      { n: "volume_flow", u: "m3h", r: "volume_flow" },
      { n: "power", u: "kw", r: "power" },
      { n: "meter_datetime", r: "date_time", as: "datetime" },
    ],
    status: [],
  },
  {
    name: "istaheat",
    detect: [{ m: "IST", v: 0xa9, t: 0x04 }],
    fields: [
      { n: "total", u: "kwh", r: "energy" },
      { n: "last_year", u: "kwh", r: "energy_storage_1" },
      { n: "last_year_date", r: "date_storage_1", as: "date" },
      { n: "target", u: "kwh", r: "energy_storage_2" },
      { n: "target", u: "m3", r: "volume_storage_2" },
      { n: "target_date", r: "date_storage_2", as: "date" },
    ],
  },
  { name: "sensostar", detect: [{ m: "EFE", v: 0x00, t: 0x04 }], fields: SENSOSTAR_FIELDS, status: [stsAndErrors({ errors: SENSOSTAR_ERRORS })] },
  { name: "pollucomf", detect: [{ m: "SEN", v: 0x1d, t: 0x04 }], fields: POLLUCOMF_FIELDS },
  { name: "c5isf", detect: [{ m: "ZRI", v: 0x88, t: 0x0d }, { m: "ZRI", v: 0x88, t: 0x07 }, { m: "ZRI", v: 0x88, t: 0x04 }], fields: C5ISF_FIELDS, status: [stsAndErrors({ errors: C5ISF_ERRORS })] },
  { name: "enercal", detect: [{ m: "GWF", v: 0x08, t: 0x04 }], fields: ENERCAL_FIELDS },
  { name: "ultraheat", detect: [{ m: "LUG", v: 0x04, t: 0x04 }], fields: ULTRAHEAT_FIELDS },
  {
    name: "qualcosonic",
    detect: [{ m: "AXI", v: 0x0b, t: 0x0d }, { m: "AXI", v: 0x0c, t: 0x0d }],
    fields: QUALCOSONIC_FIELDS,
    status: [{ n: "status", parts: [{ sts: true }, { rec: { n: "", r: ["error_flags", "error_flags_error"] } }] }],
  },
  { name: "elf2", detect: [{ m: "APA", v: 0x42, t: 0x04 }, { m: "APA", v: 0x42, t: 0x0d }], fields: ELF2_FIELDS },
  { name: "qheat_55_us", detect: [{ m: "LUG", v: 0x07, t: 0x04 }, { m: "LUG", v: 0x0a, t: 0x04 }], fields: QHEAT_55_US_FIELDS, status: [] },
  { name: "sharky774", detect: [{ m: "DME", v: 0x41, t: 0x04 }, { m: "DME", v: 0x41, t: 0x0d }, { m: "DME", v: 0x41, t: 0x0c }], fields: SHARKY774_FIELDS, status: [] },
  { name: "sharky", detect: [{ m: "HYD", v: 0x20, t: 0x04 }, { m: "DME", v: 0x40, t: 0x04 }], swappedAddress: true, fields: SHARKY_FIELDS },
  { name: "hydrocalm4", detect: [{ m: "BMT", v: 0x1a, t: 0x0d }], fields: HYDROCALM4_FIELDS },
]);
