/**
 * Room sensors: B METERS RFM-AMB (temperature and humidity with 1 h / 24 h statistics),
 * ELV / Elvaco CMa12w, …
 */
import type { Driver, FieldRule } from "../types.js";

const RFMAMB_FIELDS: readonly FieldRule[] = [
  { n: "current_temperature", u: "c", r: "external_temperature" },
  { n: "average_temperature_1h", u: "c", r: "external_temperature_storage_1" },
  { n: "average_temperature_24h", u: "c", r: "external_temperature_storage_2" },
  { n: "maximum_temperature_1h", u: "c", r: "external_temperature_max" },
  { n: "minimum_temperature_1h", u: "c", r: "external_temperature_min" },
  { n: "maximum_temperature_24h", u: "c", r: "external_temperature_storage_1_max" },
  { n: "minimum_temperature_24h", u: "c", r: "external_temperature_storage_1_min" },
  { n: "current_relative_humidity", u: "rh", r: "relative_humidity" },
  { n: "average_relative_humidity_1h", u: "rh", r: "relative_humidity_storage_1" },
  { n: "average_relative_humidity_24h", u: "rh", r: "relative_humidity_storage_2" },
  { n: "minimum_relative_humidity_1h", u: "rh", r: "relative_humidity_min" },
  { n: "maximum_relative_humidity_1h", u: "rh", r: "relative_humidity_max" },
  { n: "maximum_relative_humidity_24h", u: "rh", r: "relative_humidity_storage_1_max" },
  { n: "minimum_relative_humidity_24h", u: "rh", r: "relative_humidity_storage_1_min" },
  { n: "device_datetime", r: "date_time", as: "datetime" },
];

const PIIGTH_FIELDS: readonly FieldRule[] = [
  { n: "temperature", u: "c", r: "external_temperature" },
  { n: "average_temperature_1h", u: "c", r: "external_temperature_storage_1" },
  { n: "average_temperature_24h", u: "c", r: "external_temperature_storage_2" },
  { n: "relative_humidity", u: "rh", r: "relative_humidity" },
  { n: "relative_humidity_1h", u: "rh", r: "relative_humidity_storage_1" },
  { n: "relative_humidity_24h", u: "rh", r: "relative_humidity_storage_2" },
  { n: "fabrication_no", r: "fabrication_number", as: "str" },
  { n: "software_version", r: "software_version", as: "rhex" },
];

export const ROOM: readonly Driver[] = Object.freeze([
  {
    name: "munia",
    detect: [{ m: "WEP", v: 0x02, t: 0x1b }, { m: "WEP", v: 0x04, t: 0x1b }],
    fields: [
      { n: "current_temperature", u: "c", r: "external_temperature" },
      { n: "current_relative_humidity", u: "rh", r: "relative_humidity" },
    ],
  },
  {
    name: "elvsense",
    detect: [{ m: "ELV", v: 0x50, t: 0x1b }, { m: "ELV", v: 0x51, t: 0x1b }, { m: "ELV", v: 0x52, t: 0x1b }, { m: "ELV", v: 0x53, t: 0x1b }, { m: "ELV", v: 0x54, t: 0x1b }],
    fields: [
      { n: "temperature", u: "c", r: "external_temperature" },
      { n: "humidity", u: "rh", r: "relative_humidity" },
      { n: "battery", u: "v", r: "voltage" },
      { n: "co2_ppm", r: "plain_text_unit" },
    ],
  },
  {
    name: "cma12w",
    detect: [{ m: "ELV", v: 0x20, t: 0x1b }],
    fields: [
      { n: "current_temperature", u: "c", r: "external_temperature" },
      { n: "average_temperature_1h", u: "c", r: "external_temperature_storage_1" },
      { n: "software_version", r: "software_version", as: "str" },
      { n: "battery", r: "digital_input", as: "int", fmt: (v) => (typeof v === "number" ? "BATTERY_" + v.toString(16).toUpperCase() : v) },
    ],
  },
  { name: "piigth", detect: [{ m: "PII", v: 0x01, t: 0x1b }], fields: PIIGTH_FIELDS },
  {
    name: "rfmamb",
    detect: [{ m: "BMT", v: 0x10, t: 0x1b }],
    fields: RFMAMB_FIELDS,
    // this sensor reports a removed radio module in STS bit 3
    status: [{ n: "status", parts: [{ sts: true, stsTable: { e: [[0x03, 0x01, "BUSY"], [0x03, 0x02, "ERROR"], [0x03, 0x03, "ALARM"], [0x04, "POWER_LOW"], [0x08, "MODULE_REMOVED"], [0x10, "TEMPORARY_ERROR"]] } }] }],
  },
]);
