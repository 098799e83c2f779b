/**
 * Heat cost allocators: Innotas EurisII, EFE HCA-e2, Techem FHKV data IV, Zenner Caltos E,
 * B METERS hydroclima v2 (0F block), BFW 240 radio (proprietary APL after 2F2F).
 */
import type { Driver, FieldRule, FlagTable, MfctContext } from "../types.js";
import { bcd as bcdNum, be, le } from "../bytes.js";
import { monthsBack, series } from "./history.js";
import { dataBytes } from "../fields.js";
import { errorFlags, errorsThenStatus, stsAndErrors } from "./rules.js";
import { deepFreeze } from "../../util/freeze.js";
import { pad2 } from "../../application/datatypes.js";

function hex2(n: number): string {
  return (n < 16 ? "0" : "") + n.toString(16);
}

/**
 * BFW 240 radio: APL = 2F 2F, 2 bytes, previous value (BE), current value (BE), …, then 18
 * history values packed two per three bytes (backwards from the end), then the date (dd mm yy).
 */
function decodeBfw240(c: MfctContext): void {
  const t = c.t;
  const b = t.bytes.subarray(t.aplStart, t.aplEnd);
  if (b.length < 8 + 27 + 3 || b[0] !== 0x2f || b[1] !== 0x2f) return;
  c.out.current_hca = be(b, 6, 2);
  c.out.prev_hca = be(b, 4, 2);
  const n = b.length;
  let p = n - 3;
  for (let i = 0; i < 9; i++) {
    p -= 3;
    const hi = b[p + 1];
    c.out["prev_" + pad2(2 * i + 1) + "_hca"] = (hi & 15) * 256 + b[p + 2];
    c.out["prev_" + pad2(2 * i + 2) + "_hca"] = (hi >> 4) * 256 + b[p];
  }
  c.out.device_date = `20${hex2(b[n - 1])}-${hex2(b[n - 2])}-${hex2(b[n - 3])}`; // BCD
}

/** Innotas EurisII error flags: two bits seen in the corpus (0x21 → both names). */
const EURISII_ERRORS: FlagTable = deepFreeze({ entries: [[0x01, "MEASUREMENT"], [0x20, "RESET"]], unknownPrefix: "ERROR_FLAGS_" });

const EURISII_FIELDS: readonly FieldRule[] = [
  { name: "current_consumption", unit: "hca", record: "hca" },
  { name: "consumption_at_set_date", unit: "hca", record: "hca_storage_1" },
  ...series(17, (i) => "consumption_at_set_date_" + i, "hca", (i) => "hca_storage_" + i),
];

/** EFE HCA-e2 manufacturer error byte (VIF 7F, function error): three bits seen in the corpus. */
const HCAE2_ERRORS: FlagTable = { entries: [[0x02, "SENSOR_BREAK"], [0x08, "OPEN_C"], [0x10, "UNEXPECTED_RST"]], unknownPrefix: "ERROR_" };

const HCAE2_FIELDS: readonly FieldRule[] = [
  { name: "current_consumption", unit: "hca", record: "hca" },
  { name: "consumption", unit: "hca", record: "hca" },
  { name: "consumption_at_set_date_1", unit: "hca", record: "hca_storage_1" },
  { name: "target", unit: "hca", record: "hca_storage_1" },
  { name: "target_date", record: "date_storage_1", valueType: "date" },
  { name: "half_month_history_start_date", record: "date_storage_2", valueType: "date" },
  ...series(30, (i) => "delta_" + i + "_half_months_ago", "hca", (i) => "hca_storage_" + (32 - i)),
  { name: "meter_datetime", record: "date_time", valueType: "datetime" },
  { name: "meter_datetime_at_error", record: "date_time_error", valueType: "datetime" },
];

/**
 * Values of a (inverse) compact profile record (EN 13757-3 Annex F): LVAR data = spacing
 * control, spacing value, then `count` values of `size` bytes (binary, or BCD when `bcd`).
 */
function profileValues(c: MfctContext, name: string, size: number, bcd: boolean): number[] | undefined {
  for (const r of c.records) {
    if (r.name !== name) continue;
    const b = dataBytes(r);
    const out: number[] = [];
    for (let p = 2; p + size <= b.length; p += size) {
      const v = bcd ? bcdNum(b, p, size) : le(b, p, size);
      if (v === null) break;
      out.push(v);
    }
    return out;
  }
  return undefined;
}

/** FHKV data IV: 14 monthly values after set date 8, oldest month last in the profile. */
function decodeFhkvDataIV(c: MfctContext): void {
  const v = profileValues(c, "hca_compact_profile_storage_8", 2, false);
  const base = c.out.set_date_8;
  if (!v || typeof base !== "string") return;
  const n = v.length;
  for (let i = 1; i <= n; i++) {
    c.out["consumption_at_set_date_" + i + "_hca"] = v[n - i];
    c.out["consumption_at_set_date_" + i] = monthsBack(base, -i);
  }
}

/** Caltos E: inverse compact profile of BCD values, newest first, months back from the base date. */
function decodeCaltose(c: MfctContext): void {
  const v = profileValues(c, "hca_inverse_compact_profile_storage_8", 3, true);
  const base = c.out.base_date;
  if (!v || typeof base !== "string") return;
  for (let i = 1; i <= 4 && i <= v.length; i++) {
    c.out["consumption_" + i + "_hca"] = v[i - 1];
    c.out["consumption_" + i] = monthsBack(base, i);
  }
}

const FHKVDATAIV_FIELDS: readonly FieldRule[] = [
  { name: "current_consumption", unit: "hca", record: "hca" },
  { name: "set_date", record: "date_storage_1", valueType: "date" },
  { name: "consumption_at_set_date", unit: "hca", record: "hca_storage_1" },
  { name: "set_date_8", record: "date_storage_8", valueType: "date" },
];

const CALTOSE_FIELDS: readonly FieldRule[] = [
  { name: "consumption", unit: "hca", record: "hca" },
  { name: "target", unit: "hca", record: "hca_storage_1" },
  { name: "target_date", record: "date_storage_1", valueType: "date" },
  { name: "base", unit: "hca", record: "hca_storage_8" },
  { name: "base_date", record: "date_storage_8", valueType: "date" },
];

/** hydroclima v2 0F block: [0] layout, [1..2] error flags, then temperatures (1/100 °C) and values. */
type Slot = readonly [name: string, at: number, div: number];
const HYDROCLIMA_LAYOUTS: { readonly [layout: number]: readonly Slot[] } = deepFreeze({
  0x10: [
    ["average_ambient_temperature_c", 7, 100], ["max_ambient_temperature_c", 9, 100],
    ["average_ambient_temperature_last_month_c", 15, 100], ["average_heater_temperature_last_month_c", 17, 100],
    ["total_consumption_hca", 19, 1],
  ],
  0x11: [
    ["average_heater_temperature_c", 9, 100], ["average_ambient_temperature_c", 11, 100], ["max_ambient_temperature_c", 13, 100],
    ["average_heater_temperature_last_month_c", 17, 100], ["average_ambient_temperature_last_month_c", 19, 100],
    ["consumption_at_set_date_1_hca", 21, 1], ["consumption_at_set_date_2_hca", 23, 1],
    ["consumption_at_set_date_3_hca", 25, 1], ["consumption_at_set_date_4_hca", 27, 1],
    ["ambient_temperature_at_set_date_1_c", 29, 100], ["ambient_temperature_at_set_date_2_c", 31, 100],
    ["ambient_temperature_at_set_date_3_c", 33, 100], ["total_consumption_hca", 44, 1],
  ],
});

function decodeHydroclimaV2(c: MfctContext): void {
  const b = c.mfct;
  const slots = b.length >= 3 ? HYDROCLIMA_LAYOUTS[b[0]] : undefined;
  if (!slots) return;
  for (const [name, at, div] of slots) {
    if (at + 2 > b.length) continue;
    const v = le(b, at, 2);
    // temperatures (1/100 °C) are signed; 0x8000 (−327.68 °C) means "no value"
    c.out[name] = div === 1 ? v : v === 0x8000 ? null : (v >= 0x8000 ? v - 0x10000 : v) / div;
  }
}

const KADEN_FIELDS: readonly FieldRule[] = [
  { name: "consumption", unit: "hca", record: "hca" },
  { name: "target", unit: "hca", record: "hca_storage_1" },
  { name: "target_date", record: "date_storage_1", valueType: "date" },
  { name: "external_temperature", unit: "c", record: "external_temperature" },
  { name: "flow_temperature", unit: "c", record: "flow_temperature" },
  { name: "fabrication_no", record: "fabrication_number", valueType: "str" },
  { name: "meter_datetime", record: "date_time", valueType: "datetime" },
  { name: "no_measurement_duration", unit: "h", record: "actuality_duration", recordUnit: "min" },
  { name: "no_measurement_duration_last_year", unit: "h", record: "actuality_duration_storage_1" },
  { name: "tampering_duration", unit: "h", record: "actuality_duration", recordUnit: "s" },
];

const SONTEX868_FIELDS: readonly FieldRule[] = [
  { name: "current_consumption", unit: "hca", record: "hca" },
  { name: "set_date", record: "date_storage_1", valueType: "date" },
  { name: "consumption_at_set_date", unit: "hca", record: "hca_storage_1" },
  { name: "current_temp", unit: "c", record: "flow_temperature" },
  { name: "current_room_temp", unit: "c", record: "external_temperature" },
  { name: "max_temp", unit: "c", record: "flow_temperature_max" },
  { name: "max_temp_previous_period", unit: "c", record: "flow_temperature_storage_1_max" },
  { name: "device_datetime", record: "date_time", valueType: "datetime" },
];

export const HCA: readonly Driver[] = Object.freeze([
  {
    name: "lse_08",
    detect: [{ manufacturer: "LSE", version: 0x01, deviceType: 0x08 }],
    fields: [
      { name: "current_consumption", unit: "hca", record: "hca" },
      { name: "set_date", record: "date_storage_8", valueType: "date" },
      { name: "consumption_at_set_date", unit: "hca", record: "hca_storage_8" },
      { name: "device_datetime", record: "date_time", valueType: "datetime" },
      { name: "duration_since_readout", unit: "h", record: "duration_since_last_readout_future_value" },
      { name: "model_version", record: "model_version", valueType: "hex" },
    ],
  },
  {
    name: "relhca",
    detect: [{ manufacturer: "REL", version: 0x41, deviceType: 0x00 }],
    fields: [
      { name: "consumption", unit: "hca", record: "hca" },
      { name: "target", unit: "hca", record: "hca_storage_1" },
      { name: "target_date", record: "date_storage_1", valueType: "date" },
      { name: "next_target_date", record: "date_future_value_storage_1", valueType: "date" },
      { name: "meter_datetime", record: "date_time", valueType: "datetime" },
    ],
    status: [],
  },
  {
    name: "hydroclima",
    detect: [],
    fields: [{ name: "current_consumption", unit: "hca", record: "hca" }],
    status: [],
    decode: decodeHydroclimaV2,
  },
  {
    name: "kaden",
    detect: [{ manufacturer: "VIP", version: 0x1e, deviceType: 0x08 }],
    fields: KADEN_FIELDS,
    status: [stsAndErrors({ errors: { entries: [[0x08, "TAMPERING"]], unknownPrefix: "ERROR_FLAGS_" } })],
  },
  { name: "sontex868", detect: [{ manufacturer: "SON", version: 0x16, deviceType: 0x08 }], fields: SONTEX868_FIELDS, status: [] },
  {
    name: "fhkvdataiv",
    detect: [{ manufacturer: "TCH", version: 0x69, deviceType: 0x08 }, { manufacturer: "TCH", version: 0x94, deviceType: 0x08 }],
    fields: FHKVDATAIV_FIELDS,
    decode: decodeFhkvDataIV,
  },
  {
    name: "caltose", aliases: ["zennerhca"],
    detect: [{ manufacturer: "ZRI", version: 0xfc, deviceType: 0x08 }],
    fields: CALTOSE_FIELDS,
    // this allocator shows its radio mode (2F) in STS bit 6
    status: [stsAndErrors({ tplStatusFlags: { entries: [[0x40, "MODE_2F"]] } })],
    decode: decodeCaltose,
  },
  {
    name: "hydroclimav2",
    detect: [{ manufacturer: "BMP", version: 0x53, deviceType: 0x08 }, { manufacturer: "BMP", version: 0x85, deviceType: 0x08 }],
    fields: [
      { name: "consumption", unit: "hca", record: "hca" },
      { name: "target", unit: "hca", record: "hca_storage_1" },
      { name: "target_date", record: "date_storage_1", valueType: "date" },
    ],
    status: [{ name: "status", parts: [{ tplStatus: true }, { fromBytes: { name: "", offset: 1, size: 2 } }] }],
    decode: decodeHydroclimaV2,
  },
  {
    name: "eurisii",
    detect: [{ manufacturer: "INE", version: 0x55, deviceType: 0x08 }, { manufacturer: "RAM", version: 0x55, deviceType: 0x08 }],
    fields: EURISII_FIELDS,
    status: errorsThenStatus({ name: "error_flags", parts: [errorFlags(EURISII_ERRORS)] }),
  },
  {
    name: "hcae2",
    detect: [{ manufacturer: "EFE", version: 0x31, deviceType: 0x08 }],
    fields: HCAE2_FIELDS,
    status: [{ name: "status", parts: [{ tplStatus: true }, { fromRecord: { name: "", record: "manufacturer_specific_error" }, flags: HCAE2_ERRORS }] }],
  },
  {
    name: "bfw240radio",
    detect: [{ manufacturer: "BFW", version: 0x02, deviceType: 0x08 }],
    fields: [],
    status: [],
    decode: decodeBfw240,
  },
]);
