/**
 * Room sensors: B METERS RFM-AMB (temperature and humidity with 1 h / 24 h statistics),
 * ELV / Elvaco CMa12w, …
 */
import type { Driver, FieldRule } from "../types.js";

const RFMAMB_FIELDS: readonly FieldRule[] = [
  { name: "current_temperature", unit: "c", record: "external_temperature" },
  { name: "average_temperature_1h", unit: "c", record: "external_temperature_storage_1" },
  { name: "average_temperature_24h", unit: "c", record: "external_temperature_storage_2" },
  { name: "maximum_temperature_1h", unit: "c", record: "external_temperature_max" },
  { name: "minimum_temperature_1h", unit: "c", record: "external_temperature_min" },
  { name: "maximum_temperature_24h", unit: "c", record: "external_temperature_storage_1_max" },
  { name: "minimum_temperature_24h", unit: "c", record: "external_temperature_storage_1_min" },
  { name: "current_relative_humidity", unit: "rh", record: "relative_humidity" },
  { name: "average_relative_humidity_1h", unit: "rh", record: "relative_humidity_storage_1" },
  { name: "average_relative_humidity_24h", unit: "rh", record: "relative_humidity_storage_2" },
  { name: "minimum_relative_humidity_1h", unit: "rh", record: "relative_humidity_min" },
  { name: "maximum_relative_humidity_1h", unit: "rh", record: "relative_humidity_max" },
  { name: "maximum_relative_humidity_24h", unit: "rh", record: "relative_humidity_storage_1_max" },
  { name: "minimum_relative_humidity_24h", unit: "rh", record: "relative_humidity_storage_1_min" },
  { name: "device_datetime", record: "date_time", valueType: "datetime" },
];

const PIIGTH_FIELDS: readonly FieldRule[] = [
  { name: "temperature", unit: "c", record: "external_temperature" },
  { name: "average_temperature_1h", unit: "c", record: "external_temperature_storage_1" },
  { name: "average_temperature_24h", unit: "c", record: "external_temperature_storage_2" },
  { name: "relative_humidity", unit: "rh", record: "relative_humidity" },
  { name: "relative_humidity_1h", unit: "rh", record: "relative_humidity_storage_1" },
  { name: "relative_humidity_24h", unit: "rh", record: "relative_humidity_storage_2" },
  { name: "fabrication_no", record: "fabrication_number", valueType: "str" },
  { name: "software_version", record: "software_version", valueType: "rhex" },
];

export const ROOM: readonly Driver[] = Object.freeze([
  {
    name: "munia",
    detect: [{ manufacturer: "WEP", version: 0x02, deviceType: 0x1b }, { manufacturer: "WEP", version: 0x04, deviceType: 0x1b }],
    fields: [
      { name: "current_temperature", unit: "c", record: "external_temperature" },
      { name: "current_relative_humidity", unit: "rh", record: "relative_humidity" },
    ],
  },
  {
    name: "elvsense",
    detect: [{ manufacturer: "ELV", version: 0x50, deviceType: 0x1b }, { manufacturer: "ELV", version: 0x51, deviceType: 0x1b }, { manufacturer: "ELV", version: 0x52, deviceType: 0x1b }, { manufacturer: "ELV", version: 0x53, deviceType: 0x1b }, { manufacturer: "ELV", version: 0x54, deviceType: 0x1b }],
    fields: [
      { name: "temperature", unit: "c", record: "external_temperature" },
      { name: "humidity", unit: "rh", record: "relative_humidity" },
      { name: "battery", unit: "v", record: "voltage" },
      { name: "co2_ppm", record: "plain_text_unit" },
    ],
  },
  {
    name: "cma12w",
    detect: [{ manufacturer: "ELV", version: 0x20, deviceType: 0x1b }],
    fields: [
      { name: "current_temperature", unit: "c", record: "external_temperature" },
      { name: "average_temperature_1h", unit: "c", record: "external_temperature_storage_1" },
      { name: "software_version", record: "software_version", valueType: "str" },
      { name: "battery", record: "digital_input", valueType: "int", transform: (v) => (typeof v === "number" ? "BATTERY_" + v.toString(16).toUpperCase() : v) },
    ],
  },
  { name: "piigth", detect: [{ manufacturer: "PII", version: 0x01, deviceType: 0x1b }], fields: PIIGTH_FIELDS },
  {
    name: "rfmamb",
    detect: [{ manufacturer: "BMT", version: 0x10, deviceType: 0x1b }],
    fields: RFMAMB_FIELDS,
    // this sensor reports a removed radio module in STS bit 3
    status: [{ name: "status", parts: [{ tplStatus: true, tplStatusTable: { entries: [[0x03, 0x01, "BUSY"], [0x03, 0x02, "ERROR"], [0x03, 0x03, "ALARM"], [0x04, "POWER_LOW"], [0x08, "MODULE_REMOVED"], [0x10, "TEMPORARY_ERROR"]] } }] }],
  },
]);
