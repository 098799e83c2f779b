/**
 * Water and gas meters whose telegrams carry standard records (facts from wmbusmeters' driver
 * definitions, see docs/readings.md): Integra aquastream, Fiorentini/FIO water, ista water,
 * Maddalena, WaterTech, Zenner IUWS, Itron/Pietro Fiorentini unismart gas.
 */
import type { Driver, FieldRule, FlagTable, MfctContext } from "../types.js";
import { stsAndErrors } from "./rules.js";
import { monthsBack } from "./history.js";
import { deepFreeze } from "../../util/freeze.js";

const TOTAL: FieldRule = { n: "total", u: "m3", r: "volume" };
const TARGET: FieldRule = { n: "target", u: "m3", r: "volume_storage_1" };
const TARGET_DATE: FieldRule = { n: "target_date", r: "date_storage_1", as: "date" };
const METER_DATETIME: FieldRule = { n: "meter_datetime", r: "date_time", as: "datetime" };

/** aquastream error-flags bits. */
const AQUASTREAM_ERRORS: FlagTable = deepFreeze({
  e: [[0x1, "TAMPER"], [0x4, "BURST"], [0x8, "LEAK"], [0x80, "NO_FLOW"], [0x100, "LOW_BATTERY"], [0x200, "REVERSE"], [0x400, "OVERFLOW"]],
  rest: "ERROR_FLAGS_",
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
    detect: [{ m: "IMT", v: 0x01, t: 0x07 }],
    fields: [
      TOTAL, METER_DATETIME, TARGET, TARGET_DATE,
      { n: "total_backwards", u: "m3", r: "volume_tariff_1" },
      { n: "battery_y", h: "02FD74", div: 365 },
    ],
    status: [stsAndErrors({ errors: AQUASTREAM_ERRORS })],
  },
  {
    name: "fiowater",
    detect: [{ m: "FIO", v: 0x01, t: 0x07 }],
    fields: [TOTAL, METER_DATETIME],
    status: [{ n: "status", parts: [{ sts: true }] }],
  },
  {
    name: "istawater",
    detect: [{ m: "IST", v: 0x31, t: 0x07 }],
    fields: [TOTAL, { n: "target", u: "m3", r: "volume_storage_2" }, { n: "target_date", r: "date_storage_2", as: "date" }],
    status: [],
  },
  {
    name: "maddalena",
    detect: [{ m: "MAD", v: 0x01, t: 0x07 }, { m: "MAD", v: 0x01, t: 0x06 }],
    fields: [{ n: "fabrication_no", r: "fabrication_number", as: "readable" }, METER_DATETIME, TARGET, TARGET_DATE, TOTAL],
  },
  {
    name: "watertech",
    detect: [{ m: "WTT", v: 0x59, t: 0x07 }],
    fields: [{ n: "software_version", r: "software_version", as: "readable" }, { n: "meter_datetime", r: "date_time", as: "datetime_s" }, TOTAL],
  },
  {
    name: "uiws",
    detect: [{ m: "ZRI", v: 0x99, t: 0x07 }],
    fields: [
      TOTAL, METER_DATETIME,
      { n: "flow_temperature", u: "c", r: "flow_temperature" },
      { n: "external_temperature", u: "c", r: "external_temperature" },
      { n: "unknown", u: "m3", r: "volume_storage_1", nul: true, fmt: (v) => (v === -2147483.648 ? null : v) },
      { n: "target_date", r: "date_storage_30", as: "date" },
      { n: "target", u: "m3", r: "volume_storage_30" },
    ],
    decode: decodeUiwsProfile,
  },
  {
    name: "unismart",
    detect: [{ m: "AMX", v: 0x01, t: 0x03 }],
    fields: [
      { n: "fabrication_no", r: "fabrication_number", as: "readable" },
      { n: "total_datetime", r: "date_time", as: "datetime" },
      { n: "total", u: "m3", r: "volume_uncorrected" },
      { n: "target_datetime", r: "date_time_storage_1", as: "datetime" },
      { n: "target", u: "m3", r: "volume_uncorrected_storage_1" },
      { n: "version", r: "model_version", as: "readable" },
      { n: "supplier_info", r: "special_supplier_information", as: "readable" },
      { n: "parameter_set", r: "parameter_set_id", as: "readable" },
      { n: "meter_datetime", r: "date_time", nth: 1, as: "datetime" },
    ],
    status: [
      { n: "status", parts: [{ rec: { n: "", h: "02FD74" }, flags: { e: [], rest: "STATUS_FLAGS_" } }] },
      { n: "other", parts: [{ rec: { n: "", h: "017F" }, flags: { e: [], rest: "OTHER_FLAGS_" } }], ok: "" },
    ],
  },
]);
