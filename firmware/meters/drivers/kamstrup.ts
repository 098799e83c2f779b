/**
 * Kamstrup: MULTICAL 21 / flowIQ water meters (kamwater), MULTICAL 302/403/602/603/803 heat
 * meters (kamheat), pressure sensor (kampress), OMNIPOWER electricity meter (omnipower).
 * Manufacturer VIFs (FF xx) as the corpus shows them: FF07/FF08 forward/return energy (m3·°C),
 * FF20 water info codes, FF21/FF22 heat info codes, FF23 water error flags.
 */
import type { Driver, FieldRule, FieldValue, FlagTable } from "../types.js";
import { stsAndErrors } from "./rules.js";
import { deepFreeze } from "../../util/freeze.js";

/** MULTICAL 21 info code: 4 event bits, then a 3-bit duration per event. */
const WATER_EVENTS: FlagTable = { entries: [[0x01, "DRY"], [0x02, "REVERSED"], [0x04, "LEAK"], [0x08, "BURST"]], unknownPrefix: "" };
const DURATIONS = deepFreeze(["", "1-8 hours", "9-24 hours", "2-3 days", "4-7 days", "8-14 days", "15-21 days", "22-31 days"]);
const duration = (shift: number) => (v: FieldValue): FieldValue =>
  typeof v === "number" ? DURATIONS[Math.floor(v / shift) % 8] : v;

const KAMWATER_FIELDS: readonly FieldRule[] = [
  { name: "total", unit: "m3", record: "volume" },
  { name: "target", unit: "m3", record: "volume_storage_1" },
  { name: "target_date", record: "date_storage_1", valueType: "date" },
  { name: "flow", unit: "m3h", record: "volume_flow" },
  { name: "max_flow", unit: "m3h", record: "volume_flow_storage_2_max" },
  { name: "min_flow", unit: "m3h", record: "volume_flow_storage_2_min" },
  {
    name: "flow_temperature", unit: "c",
    record: ["flow_temperature", "flow_temperature_storage_1_min", "flow_temperature_storage_2_min", "flow_temperature_storage_1_max", "flow_temperature_storage_2_max"],
  },
  { name: "min_flow_temperature", unit: "c", record: "flow_temperature_storage_2_min" },
  { name: "max_flow_temperature", unit: "c", record: "flow_temperature_storage_2_max" },
  { name: "min_external_temperature_last_month", unit: "c", record: "external_temperature_storage_1_min" },
  { name: "max_external_temperature", unit: "c", record: "external_temperature_storage_1_max" },
  { name: "min_external_temperature_last_day", unit: "c", record: "external_temperature_storage_2_min" },
  // compatibility alias: older wmbusmeters releases print the last-month minimum under this name
  { name: "external_temperature", unit: "c", record: ["external_temperature", "external_temperature_storage_1_min"] },
  { name: "time_dry", vifBytes: "FF20", valueType: "int", transform: duration(16) },
  { name: "time_reversed", vifBytes: "FF20", valueType: "int", transform: duration(128) },
  { name: "time_leaking", vifBytes: "FF20", valueType: "int", transform: duration(1024) },
  { name: "time_bursting", vifBytes: "FF20", valueType: "int", transform: duration(8192) },
];

/** MULTICAL 403/603 info codes (only the bits the corpus shows are named). */
const HEAT_INFO: FlagTable = {
  entries: [
    [0x00000020, "SENSOR_T1_BELOW_MEASURING_RANGE"],
    [0x00000040, "SENSOR_T2_BELOW_MEASURING_RANGE"],
    [0x00000200, "WRONG_FLOW_DIRECTION"],
    [0x00010000, "V1_COMMUNICATION_ERROR"],
  ],
};

const KAMHEAT_FIELDS: readonly FieldRule[] = [
  { name: "total_energy_consumption", unit: "kwh", record: "energy" },
  { name: "target_energy", unit: "kwh", record: "energy_storage_1" },
  { name: "total_energy_backward", unit: "kwh", record: "energy_backward_flow" },
  { name: "target_energy_backward", unit: "kwh", record: "energy_backward_flow_storage_1" },
  { name: "total_volume", unit: "m3", record: "volume" },
  { name: "target_volume", unit: "m3", record: "volume_storage_1" },
  { name: "total_volume_subunit1", unit: "m3", record: "volume_subunit_1" },
  { name: "total_volume_subunit2", unit: "m3", record: "volume_subunit_2" },
  { name: "target_volume_subunit1", unit: "m3", record: "volume_storage_1_subunit_1" },
  { name: "target_volume_subunit2", unit: "m3", record: "volume_storage_1_subunit_2" },
  { name: "volume_flow", unit: "m3h", record: "volume_flow" },
  { name: "max_flow", unit: "m3h", record: "volume_flow_max" },
  { name: "power", unit: "kw", record: "power" },
  { name: "max_power", unit: "kw", record: "power_max" },
  { name: "t1_temperature", unit: "c", record: "flow_temperature" },
  { name: "t2_temperature", unit: "c", record: "return_temperature" },
  { name: "flow_return_temperature_difference", unit: "c", record: "temperature_difference" },
  { name: "forward_energy", unit: "m3c", vifBytes: "FF07", storage: 0 },
  { name: "return_energy", unit: "m3c", vifBytes: "FF08", storage: 0 },
  { name: "va_counter", vifBytes: "EEFF07" },
  { name: "vb_counter", vifBytes: "EEFF08" },
  { name: "meter_date", record: "date", valueType: "date" },
  { name: "target_date", record: "date_storage_1", valueType: "date" },
  { name: "meter_datetime", record: "date_time", valueType: "datetime" },
  { name: "on_time", unit: "h", record: "on_time" },
  { name: "on_time_at_error", unit: "h", record: "on_time_error" },
  { name: "operating_time", unit: "h", record: ["operating_time", "operating_time_vife_21"] },
  { name: "fabrication_no", record: "fabrication_number", valueType: "str" },
  { name: "enhanced_id", record: "enhanced_identification_vife_15", valueType: "rhex" },
];

export const KAMSTRUP: readonly Driver[] = Object.freeze([
  {
    name: "kamwater", aliases: ["multical21", "flowiq2200"],
    detect: [{ manufacturer: "KAM", version: 0x1b, deviceType: 0x06 }, { manufacturer: "KAM", version: 0x1b, deviceType: 0x16 }, { manufacturer: "KAW", version: 0x3a, deviceType: 0x16 }, { manufacturer: "KAW", version: 0x3c, deviceType: 0x16 }, { manufacturer: "KAM", version: 0x1d, deviceType: 0x16 }, { manufacturer: "KAW", version: 0x42, deviceType: 0x06 }, { manufacturer: "KAW", version: 0x42, deviceType: 0x16 }],
    fields: KAMWATER_FIELDS,
    status: [
      { name: "current_status", parts: [{ fromRecord: { name: "", vifBytes: "FF20" }, flags: WATER_EVENTS }], okText: "", onlyWhenPresent: true },
      { name: "status", parts: [{ tplStatus: true }, { copyOf: "current_status" }, { fromRecord: { name: "", vifBytes: "FF23" } }] },
    ],
  },
  {
    name: "kamheat", aliases: ["multical302", "multical303", "multical403", "multical602", "multical603", "multical803"],
    detect: [{ manufacturer: "KAM", version: 0x30, deviceType: 0x04 }, { manufacturer: "KAM", version: 0x30, deviceType: 0x0d }, { manufacturer: "KAM", version: 0x30, deviceType: 0x0c }, { manufacturer: "KAM", version: 0x40, deviceType: 0x04 }, { manufacturer: "KAM", version: 0x40, deviceType: 0x0c }, { manufacturer: "KAM", version: 0x40, deviceType: 0x0d }, { manufacturer: "KAM", version: 0x19, deviceType: 0x04 }, { manufacturer: "KAM", version: 0x34, deviceType: 0x04 }, { manufacturer: "KAM", version: 0x34, deviceType: 0x0a }, { manufacturer: "KAM", version: 0x34, deviceType: 0x0b }, { manufacturer: "KAM", version: 0x34, deviceType: 0x0c }, { manufacturer: "KAM", version: 0x34, deviceType: 0x0d }, { manufacturer: "KAM", version: 0x1c, deviceType: 0x04 }, { manufacturer: "KAM", version: 0x35, deviceType: 0x04 }, { manufacturer: "KAM", version: 0x35, deviceType: 0x0c }, { manufacturer: "KAM", version: 0x39, deviceType: 0x04 }],
    fields: KAMHEAT_FIELDS,
    status: [
      {
        name: "status",
        parts: [{ tplStatus: true }, { fromRecord: { name: "", vifBytes: "FF22" }, flags: HEAT_INFO }, { fromRecord: { name: "", vifBytes: "FF21" }, flags: HEAT_INFO }],
      },
    ],
  },
  {
    name: "kampress",
    detect: [{ manufacturer: "KAM", version: 0x01, deviceType: 0x18 }],
    fields: [
      { name: "pressure", unit: "bar", record: "pressure" },
      { name: "max_pressure", unit: "bar", record: "pressure_max" },
      { name: "min_pressure", unit: "bar", record: "pressure_min" },
      { name: "alfa_counter", vifBytes: "FF09" },
      { name: "beta_counter", vifBytes: "FF0A" },
    ],
    status: [stsAndErrors({ errors: { entries: [[0x08, "LOW"]] } })],
  },
  {
    name: "omnipower",
    detect: [{ manufacturer: "KAM", version: 0x30, deviceType: 0x02 }],
    fields: [
      { name: "total_energy_consumption", unit: "kwh", record: "energy" },
      { name: "total_energy_production", unit: "kwh", record: "energy_backward_flow" },
      { name: "current_power_consumption", unit: "kw", record: "power" },
      { name: "current_power_production", unit: "kw", record: "power_backward_flow" },
    ],
    status: [],
  },
]);
