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
const WATER_EVENTS: FlagTable = { e: [[0x01, "DRY"], [0x02, "REVERSED"], [0x04, "LEAK"], [0x08, "BURST"]], rest: "" };
const DURATIONS = deepFreeze(["", "1-8 hours", "9-24 hours", "2-3 days", "4-7 days", "8-14 days", "15-21 days", "22-31 days"]);
const duration = (shift: number) => (v: FieldValue): FieldValue =>
  typeof v === "number" ? DURATIONS[Math.floor(v / shift) % 8] : v;

const KAMWATER_FIELDS: readonly FieldRule[] = [
  { n: "total", u: "m3", r: "volume" },
  { n: "target", u: "m3", r: "volume_storage_1" },
  { n: "target_date", r: "date_storage_1", as: "date" },
  { n: "flow", u: "m3h", r: "volume_flow" },
  { n: "max_flow", u: "m3h", r: "volume_flow_storage_2_max" },
  { n: "min_flow", u: "m3h", r: "volume_flow_storage_2_min" },
  {
    n: "flow_temperature", u: "c",
    r: ["flow_temperature", "flow_temperature_storage_1_min", "flow_temperature_storage_2_min", "flow_temperature_storage_1_max", "flow_temperature_storage_2_max"],
  },
  { n: "min_flow_temperature", u: "c", r: "flow_temperature_storage_2_min" },
  { n: "max_flow_temperature", u: "c", r: "flow_temperature_storage_2_max" },
  { n: "min_external_temperature_last_month", u: "c", r: "external_temperature_storage_1_min" },
  { n: "max_external_temperature", u: "c", r: "external_temperature_storage_1_max" },
  { n: "min_external_temperature_last_day", u: "c", r: "external_temperature_storage_2_min" },
  // compatibility alias: older wmbusmeters releases print the last-month minimum under this name
  { n: "external_temperature", u: "c", r: ["external_temperature", "external_temperature_storage_1_min"] },
  { n: "time_dry", vib: "FF20", as: "int", fmt: duration(16) },
  { n: "time_reversed", vib: "FF20", as: "int", fmt: duration(128) },
  { n: "time_leaking", vib: "FF20", as: "int", fmt: duration(1024) },
  { n: "time_bursting", vib: "FF20", as: "int", fmt: duration(8192) },
];

/** MULTICAL 403/603 info codes (only the bits the corpus shows are named). */
const HEAT_INFO: FlagTable = {
  e: [
    [0x00000020, "SENSOR_T1_BELOW_MEASURING_RANGE"],
    [0x00000040, "SENSOR_T2_BELOW_MEASURING_RANGE"],
    [0x00000200, "WRONG_FLOW_DIRECTION"],
    [0x00010000, "V1_COMMUNICATION_ERROR"],
  ],
};

const KAMHEAT_FIELDS: readonly FieldRule[] = [
  { n: "total_energy_consumption", u: "kwh", r: "energy" },
  { n: "target_energy", u: "kwh", r: "energy_storage_1" },
  { n: "total_energy_backward", u: "kwh", r: "energy_backward_flow" },
  { n: "target_energy_backward", u: "kwh", r: "energy_backward_flow_storage_1" },
  { n: "total_volume", u: "m3", r: "volume" },
  { n: "target_volume", u: "m3", r: "volume_storage_1" },
  { n: "total_volume_subunit1", u: "m3", r: "volume_subunit_1" },
  { n: "total_volume_subunit2", u: "m3", r: "volume_subunit_2" },
  { n: "target_volume_subunit1", u: "m3", r: "volume_storage_1_subunit_1" },
  { n: "target_volume_subunit2", u: "m3", r: "volume_storage_1_subunit_2" },
  { n: "volume_flow", u: "m3h", r: "volume_flow" },
  { n: "max_flow", u: "m3h", r: "volume_flow_max" },
  { n: "power", u: "kw", r: "power" },
  { n: "max_power", u: "kw", r: "power_max" },
  { n: "t1_temperature", u: "c", r: "flow_temperature" },
  { n: "t2_temperature", u: "c", r: "return_temperature" },
  { n: "flow_return_temperature_difference", u: "c", r: "temperature_difference" },
  { n: "forward_energy", u: "m3c", vib: "FF07", st: 0 },
  { n: "return_energy", u: "m3c", vib: "FF08", st: 0 },
  { n: "va_counter", vib: "EEFF07" },
  { n: "vb_counter", vib: "EEFF08" },
  { n: "meter_date", r: "date", as: "date" },
  { n: "target_date", r: "date_storage_1", as: "date" },
  { n: "meter_datetime", r: "date_time", as: "datetime" },
  { n: "on_time", u: "h", r: "on_time" },
  { n: "on_time_at_error", u: "h", r: "on_time_error" },
  { n: "operating_time", u: "h", r: ["operating_time", "operating_time_vife_21"] },
  { n: "fabrication_no", r: "fabrication_number", as: "str" },
  { n: "enhanced_id", r: "enhanced_identification_vife_15", as: "rhex" },
];

export const KAMSTRUP: readonly Driver[] = Object.freeze([
  {
    name: "kamwater", aliases: ["multical21", "flowiq2200"],
    detect: [{ m: "KAM", v: 0x1b, t: 0x06 }, { m: "KAM", v: 0x1b, t: 0x16 }, { m: "KAW", v: 0x3a, t: 0x16 }, { m: "KAW", v: 0x3c, t: 0x16 }, { m: "KAM", v: 0x1d, t: 0x16 }, { m: "KAW", v: 0x42, t: 0x06 }, { m: "KAW", v: 0x42, t: 0x16 }],
    fields: KAMWATER_FIELDS,
    status: [
      { n: "current_status", parts: [{ rec: { n: "", vib: "FF20" }, flags: WATER_EVENTS }], ok: "", need: true },
      { n: "status", parts: [{ sts: true }, { of: "current_status" }, { rec: { n: "", vib: "FF23" } }] },
    ],
  },
  {
    name: "kamheat", aliases: ["multical302", "multical303", "multical403", "multical602", "multical603", "multical803"],
    detect: [{ m: "KAM", v: 0x30, t: 0x04 }, { m: "KAM", v: 0x30, t: 0x0d }, { m: "KAM", v: 0x30, t: 0x0c }, { m: "KAM", v: 0x40, t: 0x04 }, { m: "KAM", v: 0x40, t: 0x0c }, { m: "KAM", v: 0x40, t: 0x0d }, { m: "KAM", v: 0x19, t: 0x04 }, { m: "KAM", v: 0x34, t: 0x04 }, { m: "KAM", v: 0x34, t: 0x0a }, { m: "KAM", v: 0x34, t: 0x0b }, { m: "KAM", v: 0x34, t: 0x0c }, { m: "KAM", v: 0x34, t: 0x0d }, { m: "KAM", v: 0x1c, t: 0x04 }, { m: "KAM", v: 0x35, t: 0x04 }, { m: "KAM", v: 0x35, t: 0x0c }, { m: "KAM", v: 0x39, t: 0x04 }],
    fields: KAMHEAT_FIELDS,
    status: [
      {
        n: "status",
        parts: [{ sts: true }, { rec: { n: "", vib: "FF22" }, flags: HEAT_INFO }, { rec: { n: "", vib: "FF21" }, flags: HEAT_INFO }],
      },
    ],
  },
  {
    name: "kampress",
    detect: [{ m: "KAM", v: 0x01, t: 0x18 }],
    fields: [
      { n: "pressure", u: "bar", r: "pressure" },
      { n: "max_pressure", u: "bar", r: "pressure_max" },
      { n: "min_pressure", u: "bar", r: "pressure_min" },
      { n: "alfa_counter", vib: "FF09" },
      { n: "beta_counter", vib: "FF0A" },
    ],
    status: [stsAndErrors({ errors: { e: [[0x08, "LOW"]] } })],
  },
  {
    name: "omnipower",
    detect: [{ m: "KAM", v: 0x30, t: 0x02 }],
    fields: [
      { n: "total_energy_consumption", u: "kwh", r: "energy" },
      { n: "total_energy_production", u: "kwh", r: "energy_backward_flow" },
      { n: "current_power_consumption", u: "kw", r: "power" },
      { n: "current_power_production", u: "kw", r: "power_backward_flow" },
    ],
    status: [],
  },
]);
