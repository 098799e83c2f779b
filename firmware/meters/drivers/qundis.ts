/**
 * Qundis (QDS) Q water 5.5, Q caloric 5.5, Q heat 5.5, Q smoke. Besides standard records (CI
 * 7A/72) they send a manufacturer record (VIF FF 5F, LVAR) in CI 78 frames: 10 header bytes
 * (the last one a primary VIF that scales the values), the error date, the current value (BCD),
 * the year set date and value, the month set date and value, then 2-byte history values.
 */
import type { ByteBlock, ByteField, Driver, FieldRule, FieldValue } from "../types.js";

const emptyIfNull = (v: FieldValue): FieldValue => (v === null ? "" : v);

/** Names of the LVAR fields: [current, year date, year value, month date, month value]. */
type Names = readonly [cur: ByteField["n"], yd: string, yv: string, md: string, mv: string];

function qdsBlock(names: Names, u: string, scale: "vif" | number, extra: readonly ByteField[] = []): ByteBlock {
  const num = (n: string, at: number): ByteField =>
    scale === "vif" ? { n, u, at, len: 4, enc: "bcd", vifAt: 9 } : { n, u, at, len: 4, enc: "bcd", div: scale };
  return {
    rec: { n: "", vib: "FF5F" },
    min: 28,
    sig: "0082",
    fields: [
      num(names[0], 12),
      { n: names[1], at: 16, len: 2, enc: "dateG" },
      num(names[2], 18),
      { n: names[3], at: 22, len: 2, enc: "dateG" },
      num(names[4], 24),
      ...extra,
    ],
  };
}

/** Set dates and values of every storage number, as the HCA meters print them. */
function setDates(u: string, q: string): FieldRule[] {
  const out: FieldRule[] = [];
  for (let s = 1; s <= 32; s++) {
    out.push({ n: "set_date_" + s, r: "date_storage_" + s, as: "date" });
    out.push({ n: "consumption_at_set_date_" + s, u, r: q + "_storage_" + s });
  }
  return out;
}

const QWATER_FIELDS: readonly FieldRule[] = [
  { n: "total", u: "m3", r: "volume" },
  { n: "due_date", u: "m3", r: "volume_storage_1" },
  { n: "due_date", r: "date_storage_1", as: "date" },
  { n: "due_17_date", u: "m3", r: "volume_storage_17" },
  { n: "due_17_date", r: "date_storage_17", as: "date" },
  { n: "error_date", r: "date_error", as: "date" },
  { n: "volume_flow", u: "m3h", vib: "BB56" },
  { n: "meter_datetime", r: "date_time", as: "datetime" },
];

const QWATERV2_FIELDS: readonly FieldRule[] = [
  { n: "total", u: "m3", r: "volume" },
  { n: "target_year", u: "m3", r: "volume_storage_1" },
  { n: "target_year_date", r: "date_storage_1", as: "date" },
  { n: "target", u: "m3", r: "volume_storage_17" },
  { n: "target_date", r: "date_storage_17", as: "date" },
  { n: "device_error_date", r: "date_error", as: "date" },
  { n: "volume_flow", u: "m3h", vib: "BB56" },
  { n: "meter_datetime", r: "date_time", as: "datetime" },
];

const QCALORIC_FIELDS: readonly FieldRule[] = [
  { n: "current_consumption", u: "hca", r: "hca" },
  { n: "set_date", r: "date_storage_1", as: "date" },
  { n: "consumption_at_set_date", u: "hca", r: "hca_storage_1" },
  ...setDates("hca", "hca"),
  { n: "error_date", r: "date_error", as: "date", fmt: emptyIfNull },
  { n: "device_datetime", r: "date_time", as: "datetime" },
  { n: "model_version", r: "model_version", as: "hex" },
  { n: "flow_temperature", u: "c", r: "flow_temperature" },
];

const QHEAT_FIELDS: readonly FieldRule[] = [
  { n: "total_energy_consumption", u: "kwh", r: "energy" },
  { n: "last_year_energy_consumption", u: "kwh", r: "energy_storage_1" },
  { n: "last_year_date", r: "date_storage_1", as: "date", fmt: emptyIfNull },
  { n: "last_month_energy_consumption", u: "kwh", r: "energy_storage_17" },
  { n: "last_month_date", r: "date_storage_17", as: "date", fmt: emptyIfNull },
  { n: "device_error_date", r: "date_error", as: "date", fmt: emptyIfNull },
  { n: "device_date_time", r: "date_time", as: "datetime" },
];

const QHEATV2_FIELDS: readonly FieldRule[] = [
  { n: "total", u: "kwh", r: "energy" },
  { n: "target_year", u: "kwh", r: "energy_storage_1" },
  { n: "target_year_date", r: "date_storage_1", as: "date" },
  { n: "target", u: "kwh", r: "energy_storage_17" },
  { n: "target_date", r: "date_storage_17", as: "date" },
  { n: "device_error_date", r: "date_error", as: "date" },
  { n: "meter_datetime", r: "date_time", as: "datetime" },
  { n: "enhanced_id", r: "enhanced_identification", as: "rhex" },
];

/** Q heat 5.5 (v2): twelve signed 2-byte monthly deltas after the set-date values. */
function energyDeltas(): ByteField[] {
  const out: ByteField[] = [];
  for (let i = 0; i < 12; i++) out.push({ n: "energy_delta_" + (i + 2), u: "kwh", at: 28 + 2 * i, len: 2, enc: "sle", vifAt: 9 });
  return out;
}

/** Q water 5.5 (v2): the same twelve signed monthly deltas, in the block's volume unit. */
function volumeDeltas(): ByteField[] {
  const out: ByteField[] = [];
  for (let i = 0; i < 12; i++) out.push({ n: "volume_delta_" + (i + 2), u: "m3", at: 28 + 2 * i, len: 2, enc: "sle", vifAt: 9 });
  return out;
}

const QSMOKE_FIELDS: readonly FieldRule[] = [
  { n: "last_alarm_date", r: "date_storage_6", as: "date" },
  { n: "alarm_counter", r: "plain_text_unit_storage_6" },
  { n: "test_button_last_date", r: "date_storage_4", as: "date" },
  { n: "test_button_counter", r: "plain_text_unit_storage_4" },
  { n: "transmission_counter", r: "access_number" },
  { n: "at_error_date", r: "date_error", as: "date" },
  { n: "message_datetime", r: "date_time", as: "datetime" },
  { n: "some_sort_of_duration", u: "h", r: "duration_since_last_readout_future_value" },
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
    detect: [{ m: "QDS", v: 0x33, t: 0x37 }, { m: "QDS", v: 0x35, t: 0x37 }, { m: "QDS", v: 0x16, t: 0x06 }, { m: "QDS", v: 0x16, t: 0x07 }, { m: "QDS", v: 0x17, t: 0x06 }, { m: "QDS", v: 0x17, t: 0x07 }, { m: "QDS", v: 0x18, t: 0x06 }, { m: "QDS", v: 0x18, t: 0x07 }, { m: "QDS", v: 0x19, t: 0x07 }, { m: "QDS", v: 0x1a, t: 0x06 }, { m: "QDS", v: 0x1a, t: 0x07 }, { m: "QDS", v: 0x1d, t: 0x06 }, { m: "QDS", v: 0x1d, t: 0x07 }, { m: "QDS", v: 0x36, t: 0x06 }, { m: "QDS", v: 0x36, t: 0x07 }, { m: "LSE", v: 0x19, t: 0x07 }, { m: "LSE", v: 0x1a, t: 0x06 }, { m: "LSE", v: 0x1a, t: 0x07 }, { m: "LSE", v: 0x1d, t: 0x06 }, { m: "LSE", v: 0x1d, t: 0x07 }, { m: "LSE", v: 0x33, t: 0x37 }, { m: "LSE", v: 0x35, t: 0x37 }, { m: "LSE", v: 0x36, t: 0x06 }, { m: "LSE", v: 0x36, t: 0x07 }],
    fields: QWATERV2_FIELDS,
    blocks: [qdsBlock(["total", "target_year_date", "target_year", "target_date", "target"], "m3", 1000, volumeDeltas())],
  },
  {
    name: "qcaloric", aliases: ["whe5x", "whe46x"],
    detect: [{ m: "LSE", v: 0x34, t: 0x08 }, { m: "LSE", v: 0x35, t: 0x08 }, { m: "QDS", v: 0x35, t: 0x08 }, { m: "QDS", v: 0x34, t: 0x08 }, { m: "QDS", v: 0x36, t: 0x08 }, { m: "LSE", v: 0x18, t: 0x08 }, { m: "ZRI", v: 0xfd, t: 0x08 }],
    fields: QCALORIC_FIELDS,
    blocks: [
      qdsBlock(["current_consumption", "set_date", "consumption_at_set_date", "set_date_17", "consumption_at_set_date_17"], "hca", 1, [
        { n: "set_date_1", at: 16, len: 2, enc: "dateG" },
        { n: "consumption_at_set_date_1", u: "hca", at: 18, len: 4, enc: "bcd" },
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
    detect: [{ m: "QDS", v: 0x23, t: 0x04 }, { m: "QDS", v: 0x23, t: 0x37 }, { m: "QDS", v: 0x3e, t: 0x04 }, { m: "QDS", v: 0x3e, t: 0x37 }, { m: "QDS", v: 0x46, t: 0x04 }, { m: "QDS", v: 0x46, t: 0x37 }, { m: "QDS", v: 0x47, t: 0x04 }, { m: "QDS", v: 0x47, t: 0x37 }, { m: "QDS", v: 0x48, t: 0x04 }, { m: "QDS", v: 0x48, t: 0x37 }, { m: "LSE", v: 0x23, t: 0x04 }, { m: "LSE", v: 0x23, t: 0x37 }, { m: "LSE", v: 0x3e, t: 0x04 }, { m: "LSE", v: 0x3e, t: 0x37 }, { m: "LSE", v: 0x46, t: 0x04 }, { m: "LSE", v: 0x46, t: 0x37 }, { m: "LSE", v: 0x47, t: 0x04 }, { m: "LSE", v: 0x47, t: 0x37 }, { m: "LSE", v: 0x48, t: 0x04 }, { m: "LSE", v: 0x48, t: 0x37 }],
    fields: QHEATV2_FIELDS,
    blocks: [qdsBlock(["total", "target_year_date", "target_year", "target_date", "target"], "kwh", "vif", energyDeltas())],
  },
  {
    name: "qsmoke",
    detect: [{ m: "QDS", v: 0x21, t: 0x1a }, { m: "QDS", v: 0x23, t: 0x1a }, { m: "LSE", v: 0x21, t: 0x1a }, { m: "LSE", v: 0x23, t: 0x1a }],
    fields: QSMOKE_FIELDS,
  },
]);
