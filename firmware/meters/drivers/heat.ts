/**
 * Heat and heat/cooling meters with standard records: B METERS HYDROCAL-M4, Diehl SHARKY 775 /
 * 774, …
 */
import type { Driver, FieldRule, FlagTable } from "../types.js";
import { stsAndErrors } from "./rules.js";
import { series } from "./history.js";
import { deepFreeze } from "../../util/freeze.js";

const HYDROCALM4_FIELDS: readonly FieldRule[] = [
  { name: "c1_volume", unit: "m3", record: "volume_subunit_1" },
  { name: "c2_volume", unit: "m3", record: "volume_subunit_2" },
  { name: "device_datetime", record: "date_time", valueType: "datetime" },
  { name: "total_heating", unit: "kwh", record: "energy" },
  { name: "total_heating", unit: "m3", record: "volume" },
  { name: "total_cooling", unit: "kwh", record: "energy_tariff_1" },
  { name: "total_cooling", unit: "m3", record: "volume_tariff_1" },
  { name: "power", unit: "kw", record: "power" },
  { name: "volume_flow", unit: "m3h", record: "volume_flow" },
  { name: "supply_temperature", unit: "c", record: "flow_temperature" },
  { name: "return_temperature", unit: "c", record: "return_temperature" },
];

const SHARKY_FIELDS: readonly FieldRule[] = [
  { name: "total_energy_consumption", unit: "kwh", record: "energy" },
  { name: "total_energy_consumption_tariff1", unit: "kwh", record: "energy_tariff_1" },
  { name: "total_volume", unit: "m3", record: "volume" },
  { name: "total_volume_tariff2", unit: "m3", record: "volume_tariff_2" },
  { name: "target_energy_consumption", unit: "kwh", record: "energy_storage_5" },
  { name: "target_volume", unit: "m3", record: "volume_storage_5" },
  { name: "target_date", record: "date_storage_5", valueType: "date" },
  { name: "volume_flow", unit: "m3h", record: "volume_flow" },
  { name: "power", unit: "kw", record: "power" },
  { name: "flow_temperature", unit: "c", record: "flow_temperature" },
  { name: "return_temperature", unit: "c", record: "return_temperature" },
  { name: "temperature_difference", unit: "c", record: "temperature_difference" },
  { name: "operating_time", unit: "h", record: "operating_time" },
];

const SHARKY774_FIELDS: readonly FieldRule[] = [
  { name: "total_energy_consumption", unit: "kwh", record: "energy" },
  { name: "total_volume", unit: "m3", record: "volume" },
  { name: "volume_flow", unit: "m3h", record: "volume_flow" },
  { name: "power", unit: "kw", record: "power" },
  { name: "flow_temperature", unit: "c", record: "flow_temperature" },
  { name: "return_temperature", unit: "c", record: "return_temperature" },
  { name: "operating_time", unit: "h", vifBytes: "26" },
  { name: "operating_time_in_error", unit: "h", vifBytes: "A618" },
  { name: "energy_at_set_date", unit: "kwh", record: "energy_storage_1" },
  { name: "set_date", record: "date_storage_1", valueType: "date" },
  { name: "total_cooling_consumption", unit: "kwh", record: "energy_tariff_1" },
  { name: "total_cooling_volume", unit: "m3", record: "volume_tariff_2" },
  { name: "cooling_at_set_date", unit: "kwh", record: "energy_storage_1_tariff_1" },
];

const ELF2_FIELDS: readonly FieldRule[] = [
  { name: "total_energy", unit: "kwh", record: "energy" },
  { name: "total_energy_period", unit: "kwh", record: "energy_storage_1" },
  { name: "total_energy_cooling", unit: "kwh", record: "energy_subunit_1" },
  { name: "total_energy_cooling_period", unit: "kwh", record: "energy_storage_1_subunit_1" },
  { name: "total_volume", unit: "m3", record: "volume" },
  { name: "total_volume_cooling", unit: "m3", record: "volume_subunit_1" },
  { name: "input1_volume", unit: "m3", record: "volume_tariff_1" },
  { name: "input2_volume", unit: "m3", record: "volume_tariff_2" },
  { name: "current_volume_flow", unit: "m3h", record: "volume_flow" },
  { name: "current_power", unit: "kw", record: "power" },
  { name: "t1_temperature", unit: "c", record: "flow_temperature" },
  { name: "t2_temperature", unit: "c", record: "return_temperature" },
  { name: "meter_date", record: "date", valueType: "date" },
  { name: "meter_datetime", record: "date_time", valueType: "datetime" },
  { name: "on_time", unit: "h", record: "on_time" },
  { name: "on_time_at_error", unit: "h", record: "on_time_error" },
  { name: "fabrication_no", record: "fabrication_number", valueType: "str" },
];

const QHEAT_55_US_FIELDS: readonly FieldRule[] = [
  { name: "device_datetime", record: "date_time", valueType: "datetime" },
  { name: "total_energy_consumption", unit: "kwh", record: "energy" },
  { name: "key_datetime", record: "date_time_storage_1", valueType: "datetime" },
  { name: "key_datetime", unit: "kwh", record: "energy_storage_1" },
  { name: "prev_month_datetime", record: "date_time_storage_2", valueType: "datetime" },
  ...series(13, (i) => "prev_" + i + "_month", "kwh", (i) => "energy_storage_" + (i + 1)),
  { name: "actuality_duration", unit: "h", record: "actuality_duration" },
  { name: "time_without_measurement", unit: "h", record: "on_time_error" },
];

const QUALCOSONIC_FIELDS: readonly FieldRule[] = [
  { name: "fabrication_no", record: "fabrication_number", valueType: "str" },
  { name: "operating_time", unit: "h", record: "operating_time" },
  { name: "on_time", unit: "h", record: "on_time" },
  { name: "meter_datetime", record: "date_time", valueType: "datetime" },
  { name: "meter_datetime_at_error", record: "date_time_error", valueType: "datetime" },
  { name: "total", unit: "m3", record: "volume" },
  { name: "flow_temperature", unit: "c", record: "flow_temperature" },
  { name: "return_temperature", unit: "c", record: "return_temperature" },
  { name: "flow_return_temperature_difference", unit: "c", record: "temperature_difference" },
  { name: "volume_flow", unit: "m3h", record: "volume_flow" },
  { name: "total_heat_energy", unit: "kwh", record: "energy_forward_flow" },
  { name: "total_cooling_energy", unit: "kwh", record: "energy_backward_flow" },
  { name: "power", unit: "kw", record: "power" },
  { name: "target_datetime", record: "date_time_storage_16", valueType: "datetime" },
  { name: "target_heat_energy", unit: "kwh", record: "energy_forward_flow_storage_16" },
  { name: "target_cooling_energy", unit: "kwh", record: "energy_backward_flow_storage_16" },
];

const ULTRAHEAT_FIELDS: readonly FieldRule[] = [
  { name: "fabrication_no", record: "fabrication_number", valueType: "readable" },
  { name: "heat", unit: "kwh", record: "energy" },
  { name: "target", unit: "kwh", record: "energy_storage_1" },
  { name: "volume", unit: "m3", record: "volume" },
  { name: "power", unit: "kw", record: "power" },
  { name: "flow", unit: "m3h", record: "volume_flow" },
  { name: "flow", unit: "c", record: "flow_temperature" },
  { name: "return", unit: "c", record: "return_temperature" },
  { name: "meter_datetime", record: "date_time", valueType: "datetime_s" },
  { name: "actuality_duration", unit: "s", record: "actuality_duration" },
];

/** Zenner C5 ISF error codes: decimal codes summed (the record's hex digits read as a decimal number). */
const C5ISF_ERRORS: FlagTable = deepFreeze({
  decimalCodes: true,
  entries: [
    [2000, "VERIFICATION_EXPIRED"], [1000, "BATTERY_EXPIRED"], [800, "WIRELESS_ERROR"], [100, "HARDWARE_ERROR3"], [50, "VALUE_OVERLOAD"],
    [40, "AIR_INSIDE"], [30, "REVERSE_FLOW"], [20, "DRY"], [10, "ERROR_MEASURING"], [9, "HARDWARE_ERROR2"], [8, "HARDWARE_ERROR1"],
    [7, "LOW_BATTERY"], [6, "SUPPLY_SENSOR_INTERRUPTED"], [5, "SHORT_CIRCUIT_SUPPLY_SENSOR"], [4, "RETURN_SENSOR_INTERRUPTED"],
    [3, "SHORT_CIRCUIT_RETURN_SENSOR"], [2, "TEMP_ABOVE_RANGE"], [1, "TEMP_BELOW_RANGE"],
  ],
  unknownPrefix: "ERROR_FLAGS_",
});

const C5ISF_FIELDS: readonly FieldRule[] = [
  { name: "total_energy_consumption", unit: "kwh", record: "energy" },
  { name: "total_cooling_consumption", unit: "kwh", record: "energy_tariff_1" },
  { name: "total_volume", unit: "m3", record: "volume" },
  { name: "due_energy_consumption", unit: "kwh", record: "energy_storage_8" },
  { name: "due_date", record: "date_storage_8", valueType: "date" },
  { name: "volume_flow", unit: "m3h", record: "volume_flow" },
  { name: "power", unit: "kw", record: "power" },
  { name: "flow_temperature", unit: "c", record: "flow_temperature" },
  { name: "return_temperature", unit: "c", record: "return_temperature" },
  { name: "total_energy_consumption_last_month", unit: "kwh", record: "energy_storage_32" },
  ...series(14, (i) => "prev_" + i + "_month_date", undefined, (i) => "date_storage_" + (31 + i)).map((f): FieldRule => ({ ...f, valueType: "date" })),
  ...series(14, (i) => "prev_" + i + "_month", "kwh", (i) => "energy_storage_" + (31 + i)),
  ...series(14, (i) => "prev_" + i + "_month", "m3", (i) => "volume_storage_" + (31 + i)),
  { name: "prev_1_month", unit: "kwh", record: "energy_storage_32" },
  { name: "prev_1_month_date", record: "date_storage_32", valueType: "date" },
  { name: "max_power_last_month", unit: "kw", record: "power_per_month_storage_32_max" },
];

const ENERCAL_FIELDS: readonly FieldRule[] = [
  { name: "total", unit: "kwh", record: "energy" },
  { name: "target", unit: "kwh", record: "energy_storage_1" },
  { name: "power", unit: "kw", record: "power" },
  { name: "flow", unit: "m3h", record: "volume_flow" },
  { name: "forward", unit: "c", record: "flow_temperature" },
  { name: "return", unit: "c", record: "return_temperature" },
  { name: "difference", unit: "c", record: "temperature_difference" },
  { name: "total", unit: "m3", record: "volume" },
  { name: "target", unit: "m3", record: "volume_storage_1" },
  { name: "subunit1", unit: "m3", record: "volume_subunit_1" },
  { name: "subunit1_target", unit: "m3", record: "volume_storage_1_subunit_1" },
  { name: "subunit1", unit: "hca", record: "hca_subunit_1" },
  { name: "subunit1_target", unit: "hca", record: "hca_storage_1_subunit_1" },
  { name: "subunit2", unit: "hca", record: "hca_subunit_2" },
  { name: "subunit2_target", unit: "hca", record: "hca_storage_1_subunit_2" },
  { name: "target_date", record: "date_storage_1", valueType: "date" },
  { name: "operating_time", unit: "h", record: "operating_time" },
  { name: "on_time", unit: "h", record: "on_time" },
  { name: "meter_datetime", record: "date_time", valueType: "datetime" },
];

const POLLUCOMF_FIELDS: readonly FieldRule[] = [
  { name: "total", unit: "kwh", record: "energy" },
  { name: "total", unit: "m3", record: "volume" },
  { name: "power", unit: "kw", record: "power" },
  { name: "flow", unit: "m3h", record: "volume_flow" },
  { name: "forward", unit: "c", record: "flow_temperature" },
  { name: "return", unit: "c", record: "return_temperature" },
  { name: "target_date", record: "date_storage_1", valueType: "date" },
  { name: "target", unit: "kwh", record: "energy_storage_1" },
  { name: "target", unit: "m3", record: "volume_storage_1" },
  { name: "forward_max", unit: "c", record: "flow_temperature_storage_1_max" },
  { name: "return_max", unit: "c", record: "return_temperature_storage_1_max" },
  { name: "flow_max", unit: "m3h", record: "volume_flow_storage_1_max" },
  { name: "on_time", unit: "h", record: "on_time" },
  { name: "on_time_at_error", unit: "h", record: "on_time_error" },
  { name: "meter_datetime", record: "date_time", valueType: "datetime" },
];

const SENSOSTAR_FIELDS: readonly FieldRule[] = [
  { name: "meter_datetime", record: "date_time", valueType: "datetime" },
  { name: "fabrication_no", record: "fabrication_number", valueType: "readable" },
  { name: "model_version", record: "model_version", valueType: "readable" },
  { name: "on_time", unit: "h", record: "on_time" },
  { name: "parameter_set", record: "parameter_set_id", valueType: "readable" },
  { name: "total", unit: "kwh", record: "energy" },
  { name: "total_tariff2", unit: "kwh", record: "energy_tariff_2" },
  { name: "total_tariff3", unit: "kwh", record: "energy_tariff_3" },
  ...series(3, (i) => "total_subunit" + i, "m3", (i) => "volume_subunit_" + i),
  { name: "total_water", unit: "m3", record: "volume" },
  { name: "total_water_tariff2", unit: "m3", record: "volume_tariff_2" },
  { name: "target_water", unit: "m3", record: "volume_storage_1" },
  { name: "power", unit: "kw", record: "power" },
  { name: "power_max", unit: "kw", record: "power_max" },
  { name: "flow_water", unit: "m3h", record: "volume_flow" },
  { name: "flow_water_max", unit: "m3h", record: "volume_flow_max" },
  { name: "forward", unit: "c", record: "flow_temperature" },
  { name: "return", unit: "c", record: "return_temperature" },
  { name: "difference", unit: "c", record: "temperature_difference" },
  { name: "target_date", record: "date_storage_1", valueType: "date" },
  { name: "target", unit: "kwh", record: "energy_storage_1" },
  { name: "target_tariff2", unit: "kwh", record: "energy_storage_1_tariff_2" },
  { name: "target_tariff3", unit: "kwh", record: "energy_storage_1_tariff_3" },
  ...series(3, (i) => "target_subunit" + i, "m3", (i) => "volume_storage_1_subunit_" + i),
  ...series(31, (i) => "target_" + (i + 1), "kwh", (i) => "energy_storage_" + (i + 1)),
];

/** Sensostar error-flags bits (mask 0xFF). */
const SENSOSTAR_ERRORS: FlagTable = deepFreeze({
  entries: [
    [0x01, "ERROR_TEMP_SENSOR_1_CABLE_BREAK"], [0x02, "ERROR_TEMP_SENSOR_1_SHORT_CIRCUIT"], [0x04, "ERROR_TEMP_SENSOR_2_CABLE_BREAK"],
    [0x08, "ERROR_TEMP_SENSOR_2_SHORT_CIRCUIT"], [0x10, "ERROR_FLOW_MEASUREMENT_SYSTEM_ERROR"], [0x20, "ERROR_ELECTRONICS_DEFECT"],
    [0x40, "OK_INSTRUMENT_RESET"], [0x80, "OK_BATTERY_LOW"],
  ],
  unknownPrefix: "ERROR_FLAGS_",
});

export const HEAT: readonly Driver[] = Object.freeze([
  {
    name: "vario451mid",
    detect: [{ manufacturer: "TCH", version: 0x17, deviceType: 0x04 }],
    fields: [
      { name: "total_energy_consumption", unit: "kwh", record: "energy" },
      { name: "energy_at_old_date", unit: "kwh", record: "energy_storage_1" },
      { name: "old_date", record: "date_storage_1", valueType: "date" },
      { name: "energy_at_set_date", unit: "kwh", record: "energy_storage_8" },
      { name: "set_date", record: "date_storage_8", valueType: "date" },
    ],
    status: [],
  },
  {
    name: "itronheat",
    detect: [{ manufacturer: "ITW", version: 0x00, deviceType: 0x04 }],
    fields: [
      { name: "total", unit: "kwh", record: "energy" },
      { name: "total", unit: "m3", record: "volume" },
      { name: "last_year", unit: "kwh", record: "energy_storage_1" },
      { name: "last_year_date", record: "date_storage_1", valueType: "date" },
      { name: "meter_datetime", record: "date_time", valueType: "datetime_s" },
    ],
  },
  {
    name: "qheat5us",
    detect: [],
    fields: [
      { name: "total", unit: "kwh", record: "energy" },
      { name: "target", unit: "kwh", record: "energy_storage_1" },
      { name: "target_date", record: "date_storage_1", valueType: "date" },
      { name: "meter_date_at_error", record: "date_error", valueType: "date", transform: (v) => (v === null ? "" : v) },
      { name: "meter_datetime", record: "date_time", valueType: "datetime" },
      { name: "fabrication_no", record: "fabrication_number", valueType: "str" },
    ],
  },
  {
    name: "supercal",
    detect: [{ manufacturer: "SON", version: 0x1b, deviceType: 0x04 }],
    fields: [
      { name: "total", unit: "kwh", record: "energy" },
      { name: "total", unit: "m3", record: "volume" },
      { name: "target", unit: "kwh", record: "energy_storage_20" },
      { name: "target", unit: "m3", record: "volume_storage_20" },
      { name: "target_date", record: "date_storage_20", valueType: "date" },
      { name: "flow_temperature", unit: "c", record: "flow_temperature" },
      { name: "return_temperature", unit: "c", record: "return_temperature" },
      { name: "volume_flow", unit: "m3h", record: "volume_flow" },
      { name: "power", unit: "kw", record: "power" },
      { name: "meter_datetime", record: "date_time", valueType: "datetime" },
    ],
    status: [],
  },
  {
    name: "istaheat",
    detect: [{ manufacturer: "IST", version: 0xa9, deviceType: 0x04 }],
    fields: [
      { name: "total", unit: "kwh", record: "energy" },
      { name: "last_year", unit: "kwh", record: "energy_storage_1" },
      { name: "last_year_date", record: "date_storage_1", valueType: "date" },
      { name: "target", unit: "kwh", record: "energy_storage_2" },
      { name: "target", unit: "m3", record: "volume_storage_2" },
      { name: "target_date", record: "date_storage_2", valueType: "date" },
    ],
  },
  { name: "sensostar", detect: [{ manufacturer: "EFE", version: 0x00, deviceType: 0x04 }], fields: SENSOSTAR_FIELDS, status: [stsAndErrors({ errors: SENSOSTAR_ERRORS })] },
  { name: "pollucomf", detect: [{ manufacturer: "SEN", version: 0x1d, deviceType: 0x04 }], fields: POLLUCOMF_FIELDS },
  { name: "c5isf", detect: [{ manufacturer: "ZRI", version: 0x88, deviceType: 0x0d }, { manufacturer: "ZRI", version: 0x88, deviceType: 0x07 }, { manufacturer: "ZRI", version: 0x88, deviceType: 0x04 }], fields: C5ISF_FIELDS, status: [stsAndErrors({ errors: C5ISF_ERRORS })] },
  { name: "enercal", detect: [{ manufacturer: "GWF", version: 0x08, deviceType: 0x04 }], fields: ENERCAL_FIELDS },
  { name: "ultraheat", detect: [{ manufacturer: "LUG", version: 0x04, deviceType: 0x04 }], fields: ULTRAHEAT_FIELDS },
  {
    name: "qualcosonic",
    detect: [{ manufacturer: "AXI", version: 0x0b, deviceType: 0x0d }, { manufacturer: "AXI", version: 0x0c, deviceType: 0x0d }],
    fields: QUALCOSONIC_FIELDS,
    status: [{ name: "status", parts: [{ tplStatus: true }, { fromRecord: { name: "", record: ["error_flags", "error_flags_error"] } }] }],
  },
  { name: "elf2", detect: [{ manufacturer: "APA", version: 0x42, deviceType: 0x04 }, { manufacturer: "APA", version: 0x42, deviceType: 0x0d }], fields: ELF2_FIELDS },
  { name: "qheat_55_us", detect: [{ manufacturer: "LUG", version: 0x07, deviceType: 0x04 }, { manufacturer: "LUG", version: 0x0a, deviceType: 0x04 }], fields: QHEAT_55_US_FIELDS, status: [] },
  { name: "sharky774", detect: [{ manufacturer: "DME", version: 0x41, deviceType: 0x04 }, { manufacturer: "DME", version: 0x41, deviceType: 0x0d }, { manufacturer: "DME", version: 0x41, deviceType: 0x0c }], fields: SHARKY774_FIELDS, status: [] },
  { name: "sharky", detect: [{ manufacturer: "HYD", version: 0x20, deviceType: 0x04 }, { manufacturer: "DME", version: 0x40, deviceType: 0x04 }], swappedAddress: true, fields: SHARKY_FIELDS },
  { name: "hydrocalm4", detect: [{ manufacturer: "BMT", version: 0x1a, deviceType: 0x0d }], fields: HYDROCALM4_FIELDS },
]);
