/**
 * Qundis (QDS) Q water 5.5, Q caloric 5.5, Q heat 5.5, Q smoke. Besides standard records (CI
 * 7A/72) they send a manufacturer record (VIF FF 5F, LVAR) in CI 78 frames: 10 header bytes
 * (the last one a primary VIF that scales the values), the error date, the current value (BCD),
 * the year set date and value, the month set date and value, then 2-byte history values.
 */
import type { ByteBlock, ByteField, Driver, FieldRule, FieldValue } from "../types.js";

const emptyIfNull = (v: FieldValue): FieldValue => (v === null ? "" : v);

/** Names of the LVAR fields: [current, year date, year value, month date, month value]. */
type Names = readonly [cur: ByteField["name"], yd: string, yv: string, md: string, mv: string];

function qdsBlock(names: Names, u: string, scale: "vif" | number, extra: readonly ByteField[] = []): ByteBlock {
  const num = (n: string, at: number): ByteField =>
    scale === "vif" ? { name: n, unit: u, offset: at, size: 4, encoding: "bcd", vifOffset: 9 } : { name: n, unit: u, offset: at, size: 4, encoding: "bcd", divisor: scale };
  return {
    fromRecord: { name: "", vifBytes: "FF5F" },
    minSize: 28,
    signature: "0082",
    fields: [
      num(names[0], 12),
      { name: names[1], offset: 16, size: 2, encoding: "dateG" },
      num(names[2], 18),
      { name: names[3], offset: 22, size: 2, encoding: "dateG" },
      num(names[4], 24),
      ...extra,
    ],
  };
}

/** Set dates and values of every storage number, as the HCA meters print them. */
function setDates(u: string, q: string): FieldRule[] {
  const out: FieldRule[] = [];
  for (let s = 1; s <= 32; s++) {
    out.push({ name: "set_date_" + s, record: "date_storage_" + s, valueType: "date" });
    out.push({ name: "consumption_at_set_date_" + s, unit: u, record: q + "_storage_" + s });
  }
  return out;
}

const QWATER_FIELDS: readonly FieldRule[] = [
  { name: "total", unit: "m3", record: "volume" },
  { name: "due_date", unit: "m3", record: "volume_storage_1" },
  { name: "due_date", record: "date_storage_1", valueType: "date" },
  { name: "due_17_date", unit: "m3", record: "volume_storage_17" },
  { name: "due_17_date", record: "date_storage_17", valueType: "date" },
  { name: "error_date", record: "date_error", valueType: "date" },
  { name: "volume_flow", unit: "m3h", vifBytes: "BB56" },
  { name: "meter_datetime", record: "date_time", valueType: "datetime" },
];

const QWATERV2_FIELDS: readonly FieldRule[] = [
  { name: "total", unit: "m3", record: "volume" },
  { name: "target_year", unit: "m3", record: "volume_storage_1" },
  { name: "target_year_date", record: "date_storage_1", valueType: "date" },
  { name: "target", unit: "m3", record: "volume_storage_17" },
  { name: "target_date", record: "date_storage_17", valueType: "date" },
  { name: "device_error_date", record: "date_error", valueType: "date" },
  { name: "volume_flow", unit: "m3h", vifBytes: "BB56" },
  { name: "meter_datetime", record: "date_time", valueType: "datetime" },
];

const QCALORIC_FIELDS: readonly FieldRule[] = [
  { name: "current_consumption", unit: "hca", record: "hca" },
  { name: "set_date", record: "date_storage_1", valueType: "date" },
  { name: "consumption_at_set_date", unit: "hca", record: "hca_storage_1" },
  ...setDates("hca", "hca"),
  { name: "error_date", record: "date_error", valueType: "date", transform: emptyIfNull },
  { name: "device_datetime", record: "date_time", valueType: "datetime" },
  { name: "model_version", record: "model_version", valueType: "hex" },
  { name: "flow_temperature", unit: "c", record: "flow_temperature" },
];

const QHEAT_FIELDS: readonly FieldRule[] = [
  { name: "total_energy_consumption", unit: "kwh", record: "energy" },
  { name: "last_year_energy_consumption", unit: "kwh", record: "energy_storage_1" },
  { name: "last_year_date", record: "date_storage_1", valueType: "date", transform: emptyIfNull },
  { name: "last_month_energy_consumption", unit: "kwh", record: "energy_storage_17" },
  { name: "last_month_date", record: "date_storage_17", valueType: "date", transform: emptyIfNull },
  { name: "device_error_date", record: "date_error", valueType: "date", transform: emptyIfNull },
  { name: "device_date_time", record: "date_time", valueType: "datetime" },
];

const QHEATV2_FIELDS: readonly FieldRule[] = [
  { name: "total", unit: "kwh", record: "energy" },
  { name: "target_year", unit: "kwh", record: "energy_storage_1" },
  { name: "target_year_date", record: "date_storage_1", valueType: "date" },
  { name: "target", unit: "kwh", record: "energy_storage_17" },
  { name: "target_date", record: "date_storage_17", valueType: "date" },
  { name: "device_error_date", record: "date_error", valueType: "date" },
  { name: "meter_datetime", record: "date_time", valueType: "datetime" },
  { name: "enhanced_id", record: "enhanced_identification", valueType: "rhex" },
];

/** Q heat 5.5 (v2): twelve signed 2-byte monthly deltas after the set-date values. */
function energyDeltas(): ByteField[] {
  const out: ByteField[] = [];
  for (let i = 0; i < 12; i++) out.push({ name: "energy_delta_" + (i + 2), unit: "kwh", offset: 28 + 2 * i, size: 2, encoding: "sle", vifOffset: 9 });
  return out;
}

/** Q water 5.5 (v2): the same twelve signed monthly deltas, in the block's volume unit. */
function volumeDeltas(): ByteField[] {
  const out: ByteField[] = [];
  for (let i = 0; i < 12; i++) out.push({ name: "volume_delta_" + (i + 2), unit: "m3", offset: 28 + 2 * i, size: 2, encoding: "sle", vifOffset: 9 });
  return out;
}

const QSMOKE_FIELDS: readonly FieldRule[] = [
  { name: "last_alarm_date", record: "date_storage_6", valueType: "date" },
  { name: "alarm_counter", record: "plain_text_unit_storage_6" },
  { name: "test_button_last_date", record: "date_storage_4", valueType: "date" },
  { name: "test_button_counter", record: "plain_text_unit_storage_4" },
  { name: "transmission_counter", record: "access_number" },
  { name: "at_error_date", record: "date_error", valueType: "date" },
  { name: "message_datetime", record: "date_time", valueType: "datetime" },
  { name: "some_sort_of_duration", unit: "h", record: "duration_since_last_readout_future_value" },
];

export const QUNDIS: readonly Driver[] = Object.freeze([
  {
    name: "qwater",
    detect: [],
    fields: QWATER_FIELDS,
    blocks: [qdsBlock(["total", "due_date", "due_date", "due_17_date", "due_17_date"], "m3", 1000)],
  },
  {
    name: "qwaterv2",
    detect: [{ manufacturer: "QDS", version: 0x33, deviceType: 0x37 }, { manufacturer: "QDS", version: 0x35, deviceType: 0x37 }, { manufacturer: "QDS", version: 0x16, deviceType: 0x06 }, { manufacturer: "QDS", version: 0x16, deviceType: 0x07 }, { manufacturer: "QDS", version: 0x17, deviceType: 0x06 }, { manufacturer: "QDS", version: 0x17, deviceType: 0x07 }, { manufacturer: "QDS", version: 0x18, deviceType: 0x06 }, { manufacturer: "QDS", version: 0x18, deviceType: 0x07 }, { manufacturer: "QDS", version: 0x19, deviceType: 0x07 }, { manufacturer: "QDS", version: 0x1a, deviceType: 0x06 }, { manufacturer: "QDS", version: 0x1a, deviceType: 0x07 }, { manufacturer: "QDS", version: 0x1d, deviceType: 0x06 }, { manufacturer: "QDS", version: 0x1d, deviceType: 0x07 }, { manufacturer: "QDS", version: 0x36, deviceType: 0x06 }, { manufacturer: "QDS", version: 0x36, deviceType: 0x07 }, { manufacturer: "LSE", version: 0x19, deviceType: 0x07 }, { manufacturer: "LSE", version: 0x1a, deviceType: 0x06 }, { manufacturer: "LSE", version: 0x1a, deviceType: 0x07 }, { manufacturer: "LSE", version: 0x1d, deviceType: 0x06 }, { manufacturer: "LSE", version: 0x1d, deviceType: 0x07 }, { manufacturer: "LSE", version: 0x33, deviceType: 0x37 }, { manufacturer: "LSE", version: 0x35, deviceType: 0x37 }, { manufacturer: "LSE", version: 0x36, deviceType: 0x06 }, { manufacturer: "LSE", version: 0x36, deviceType: 0x07 }],
    fields: QWATERV2_FIELDS,
    blocks: [qdsBlock(["total", "target_year_date", "target_year", "target_date", "target"], "m3", 1000, volumeDeltas())],
  },
  {
    name: "qcaloric", aliases: ["whe5x", "whe46x"],
    detect: [{ manufacturer: "LSE", version: 0x34, deviceType: 0x08 }, { manufacturer: "LSE", version: 0x35, deviceType: 0x08 }, { manufacturer: "QDS", version: 0x35, deviceType: 0x08 }, { manufacturer: "QDS", version: 0x34, deviceType: 0x08 }, { manufacturer: "QDS", version: 0x36, deviceType: 0x08 }, { manufacturer: "LSE", version: 0x18, deviceType: 0x08 }, { manufacturer: "ZRI", version: 0xfd, deviceType: 0x08 }],
    fields: QCALORIC_FIELDS,
    blocks: [
      qdsBlock(["current_consumption", "set_date", "consumption_at_set_date", "set_date_17", "consumption_at_set_date_17"], "hca", 1, [
        { name: "set_date_1", offset: 16, size: 2, encoding: "dateG" },
        { name: "consumption_at_set_date_1", unit: "hca", offset: 18, size: 4, encoding: "bcd" },
      ]),
    ],
  },
  {
    name: "qheat",
    detect: [],
    addressFromEnhancedId: true,
    fields: QHEAT_FIELDS,
    blocks: [qdsBlock(["total_energy_consumption", "last_year_date", "last_year_energy_consumption", "last_month_date", "last_month_energy_consumption"], "kwh", 10)],
  },
  {
    name: "qheatv2",
    detect: [{ manufacturer: "QDS", version: 0x23, deviceType: 0x04 }, { manufacturer: "QDS", version: 0x23, deviceType: 0x37 }, { manufacturer: "QDS", version: 0x3e, deviceType: 0x04 }, { manufacturer: "QDS", version: 0x3e, deviceType: 0x37 }, { manufacturer: "QDS", version: 0x46, deviceType: 0x04 }, { manufacturer: "QDS", version: 0x46, deviceType: 0x37 }, { manufacturer: "QDS", version: 0x47, deviceType: 0x04 }, { manufacturer: "QDS", version: 0x47, deviceType: 0x37 }, { manufacturer: "QDS", version: 0x48, deviceType: 0x04 }, { manufacturer: "QDS", version: 0x48, deviceType: 0x37 }, { manufacturer: "LSE", version: 0x23, deviceType: 0x04 }, { manufacturer: "LSE", version: 0x23, deviceType: 0x37 }, { manufacturer: "LSE", version: 0x3e, deviceType: 0x04 }, { manufacturer: "LSE", version: 0x3e, deviceType: 0x37 }, { manufacturer: "LSE", version: 0x46, deviceType: 0x04 }, { manufacturer: "LSE", version: 0x46, deviceType: 0x37 }, { manufacturer: "LSE", version: 0x47, deviceType: 0x04 }, { manufacturer: "LSE", version: 0x47, deviceType: 0x37 }, { manufacturer: "LSE", version: 0x48, deviceType: 0x04 }, { manufacturer: "LSE", version: 0x48, deviceType: 0x37 }],
    fields: QHEATV2_FIELDS,
    blocks: [qdsBlock(["total", "target_year_date", "target_year", "target_date", "target"], "kwh", "vif", energyDeltas())],
  },
  {
    name: "qsmoke",
    detect: [{ manufacturer: "QDS", version: 0x21, deviceType: 0x1a }, { manufacturer: "QDS", version: 0x23, deviceType: 0x1a }, { manufacturer: "LSE", version: 0x21, deviceType: 0x1a }, { manufacturer: "LSE", version: 0x23, deviceType: 0x1a }],
    fields: QSMOKE_FIELDS,
  },
]);
