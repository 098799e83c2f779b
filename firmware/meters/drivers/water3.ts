/**
 * Water and gas meters whose telegrams carry standard records (facts from wmbusmeters' driver
 * definitions, see docs/readings.md): Integra aquastream, Fiorentini/FIO water, ista water,
 * Maddalena, WaterTech, Zenner IUWS, Itron/Pietro Fiorentini unismart gas.
 */
import type { Driver, FieldRule, FlagTable, MfctContext } from "../types.js";
import { stsAndErrors } from "./rules.js";
import { monthsBack } from "./history.js";
import { deepFreeze } from "../../util/freeze.js";

const TOTAL: FieldRule = { name: "total", unit: "m3", record: "volume" };
const TARGET: FieldRule = { name: "target", unit: "m3", record: "volume_storage_1" };
const TARGET_DATE: FieldRule = { name: "target_date", record: "date_storage_1", valueType: "date" };
const METER_DATETIME: FieldRule = { name: "meter_datetime", record: "date_time", valueType: "datetime" };

/** aquastream error-flags bits. */
const AQUASTREAM_ERRORS: FlagTable = deepFreeze({
  entries: [[0x1, "TAMPER"], [0x4, "BURST"], [0x8, "LEAK"], [0x80, "NO_FLOW"], [0x100, "LOW_BATTERY"], [0x200, "REVERSE"], [0x400, "OVERFLOW"]],
  unknownPrefix: "ERROR_FLAGS_",
});

/**
 * Zenner IUWS: the storage-30 record starts a compact profile (VIFE 13 on a volume, LVAR): a spacing
 * control byte, a spacing value byte, then 4-byte values one month apart going back from the storage-30 date
 * (value k is target_k, k = 1..10: storages 31..40).
 * A value of 0x80000000 means "no value" (printed null).
 */
function decodeUiwsProfile(c: MfctContext): void {
  const base = c.out.target_date;
  let prof;
  for (const r of c.records) if (r.name === "volume_inverse_compact_profile_storage_30") prof = r;
  if (prof === undefined || typeof base !== "string") return;
  const h = prof.data.slice(2); // LVAR length byte removed
  const count = Math.min(10, Math.floor((h.length / 2 - 2) / 4));
  for (let i = 1; i <= count; i++) {
    const at = 4 + 8 * (i - 1);
    const v = parseInt(h.substr(at + 6, 2) + h.substr(at + 4, 2) + h.substr(at + 2, 2) + h.substr(at, 2), 16);
    c.out["target_" + i + "_m3"] = v === 0x80000000 ? null : (v > 0x7fffffff ? v - 0x100000000 : v) / 1000;
    c.out["target_" + i + "_date"] = monthsBack(base, i);
  }
}

export const WATER3: readonly Driver[] = Object.freeze([
  {
    name: "aquastream",
    detect: [{ manufacturer: "IMT", version: 0x01, deviceType: 0x07 }],
    fields: [
      TOTAL, METER_DATETIME, TARGET, TARGET_DATE,
      { name: "total_backwards", unit: "m3", record: "volume_tariff_1" },
      { name: "battery_y", header: "02FD74", divisor: 365 },
    ],
    status: [stsAndErrors({ errors: AQUASTREAM_ERRORS })],
  },
  {
    name: "fiowater",
    detect: [{ manufacturer: "FIO", version: 0x01, deviceType: 0x07 }],
    fields: [TOTAL, METER_DATETIME],
    status: [{ name: "status", parts: [{ tplStatus: true }] }],
  },
  {
    name: "istawater",
    detect: [{ manufacturer: "IST", version: 0x31, deviceType: 0x07 }],
    fields: [TOTAL, { name: "target", unit: "m3", record: "volume_storage_2" }, { name: "target_date", record: "date_storage_2", valueType: "date" }],
    status: [],
  },
  {
    name: "maddalena",
    detect: [{ manufacturer: "MAD", version: 0x01, deviceType: 0x07 }, { manufacturer: "MAD", version: 0x01, deviceType: 0x06 }],
    fields: [{ name: "fabrication_no", record: "fabrication_number", valueType: "readable" }, METER_DATETIME, TARGET, TARGET_DATE, TOTAL],
  },
  {
    name: "watertech",
    detect: [{ manufacturer: "WTT", version: 0x59, deviceType: 0x07 }],
    fields: [{ name: "software_version", record: "software_version", valueType: "readable" }, { name: "meter_datetime", record: "date_time", valueType: "datetime_s" }, TOTAL],
  },
  {
    name: "uiws",
    detect: [{ manufacturer: "ZRI", version: 0x99, deviceType: 0x07 }],
    fields: [
      TOTAL, METER_DATETIME,
      { name: "flow_temperature", unit: "c", record: "flow_temperature" },
      { name: "external_temperature", unit: "c", record: "external_temperature" },
      { name: "unknown", unit: "m3", record: "volume_storage_1", nullWhenInvalid: true, transform: (v) => (v === -2147483.648 ? null : v) },
      { name: "target_date", record: "date_storage_30", valueType: "date" },
      { name: "target", unit: "m3", record: "volume_storage_30" },
    ],
    decode: decodeUiwsProfile,
  },
  {
    name: "unismart",
    detect: [{ manufacturer: "AMX", version: 0x01, deviceType: 0x03 }],
    fields: [
      { name: "fabrication_no", record: "fabrication_number", valueType: "readable" },
      { name: "total_datetime", record: "date_time", valueType: "datetime" },
      { name: "total", unit: "m3", record: "volume_uncorrected" },
      { name: "target_datetime", record: "date_time_storage_1", valueType: "datetime" },
      { name: "target", unit: "m3", record: "volume_uncorrected_storage_1" },
      { name: "version", record: "model_version", valueType: "readable" },
      { name: "supplier_info", record: "special_supplier_information", valueType: "readable" },
      { name: "parameter_set", record: "parameter_set_id", valueType: "readable" },
      { name: "meter_datetime", record: "date_time", occurrence: 1, valueType: "datetime" },
    ],
    status: [
      { name: "status", parts: [{ fromRecord: { name: "", header: "02FD74" }, flags: { entries: [], unknownPrefix: "STATUS_FLAGS_" } }] },
      { name: "other", parts: [{ fromRecord: { name: "", header: "017F" }, flags: { entries: [], unknownPrefix: "OTHER_FLAGS_" } }], okText: "" },
    ],
  },
]);
