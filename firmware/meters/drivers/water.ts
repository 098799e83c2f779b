/**
 * Water meters with standard records: Diehl HYDRUS, Sensus iPERL, DWZ / EFE waterstarM,
 * Axioma Q400, Itron, B METERS hydrodigit (with its 0F block).
 */
import type { Driver, FieldRule, FlagTable, MfctContext } from "../types.js";
import { le } from "../bytes.js";
import { historyDates, series } from "./history.js";
import { stsAndErrors } from "./rules.js";
import { deepFreeze } from "../../util/freeze.js";

const HYDRUS_FIELDS: readonly FieldRule[] = [
  { n: "customer", r: "customer", as: "readable" },
  { n: "total", u: "m3", r: "volume" },
  { n: "total_tariff1", u: "m3", r: "volume_tariff_1" },
  { n: "total_tariff2", u: "m3", r: "volume_tariff_2" },
  { n: "total_at_date", u: "m3", r: "volume_storage_1" },
  { n: "total_tariff1_at_date", u: "m3", r: "volume_storage_1_tariff_1" },
  { n: "total_tariff2_at_date", u: "m3", r: "volume_storage_1_tariff_2" },
  { n: "at_date", r: "date_storage_1", as: "date" },
  { n: "target", u: "m3", r: "volume_storage_3" },
  { n: "target_datetime", r: "date_time_storage_3", as: "datetime" },
  { n: "flow", u: "m3h", r: "volume_flow" },
  { n: "flow_temperature", u: "c", r: "flow_temperature" },
  { n: "external_temperature", u: "c", r: "external_temperature" },
  { n: "remaining_battery_life", u: "y", r: "remaining_battery_life" },
  { n: "operating_time", u: "h", r: "operating_time" },
  { n: "actuality_duration", u: "s", r: "actuality_duration" },
  { n: "meter_datetime", r: "date_time", as: "datetime" },
];

const WATERSTARM_ERRORS: FlagTable = deepFreeze({ e: [[0x40, "LEAKAGE_OR_NO_USAGE"]], rest: "ERROR_FLAGS_" });

const WATERSTARM_FIELDS: readonly FieldRule[] = [
  { n: "meter_datetime", r: "date_time", as: "datetime" },
  { n: "total", u: "m3", r: "volume" },
  { n: "total_backwards", u: "m3", r: "volume_backward_flow" },
  { n: "total_backwards_at_set_date", u: "m3", r: "volume_backward_flow_storage_1" },
  { n: "consumption_at_set_date", u: "m3", r: "volume_storage_1" },
  { n: "set_date", r: "date_storage_1", as: "date" },
  ...series(15, (i) => "consumption_at_history_" + i, "m3", (i) => "volume_storage_" + (i + 1)),
  { n: "meter_version", r: "model_version", as: "rhex" },
  { n: "parameter_set", r: "parameter_set_id", as: "rhex" },
  { n: "battery", u: "v", r: "voltage" },
];

const Q400_FIELDS: readonly FieldRule[] = [
  { n: "meter_datetime", r: "date_time", as: "datetime" },
  { n: "total", u: "m3", r: "volume" },
  { n: "total_forward", u: "m3", r: "volume_forward_flow" },
  { n: "total_backward", u: "m3", r: "volume_backward_flow" },
  { n: "flow_temperature", u: "c", r: "flow_temperature" },
  { n: "volume_flow", u: "m3h", r: "volume_flow" },
  { n: "set_datetime", r: "date_time_storage_1", as: "datetime" },
  { n: "consumption_at_set_date", u: "m3", r: "volume_storage_1" },
  { n: "forward_at_set_date", u: "m3", r: "volume_forward_flow_storage_1" },
  { n: "backward_at_set_date", u: "m3", r: "volume_backward_flow_storage_1" },
  { n: "battery", u: "pct", r: "remaining_battery_life", ru: "%" },
  { n: "battery", u: "pct", vib: "FD74" },
  { n: "on_time", u: "h", r: "on_time" },
  { n: "error_free_time", u: "h", r: "operating_time" },
  { n: "error_code_counter", r: "error_flags_error" },
];

const ITRON_FIELDS: readonly FieldRule[] = [
  { n: "total", u: "m3", r: "volume" },
  { n: "total_backward", u: "m3", r: "volume_backward_flow" },
  { n: "volume_flow", u: "m3h", r: "volume_flow" },
  { n: "target", u: "m3", r: "volume_storage_1" },
  { n: "target_date", r: "date_storage_1", as: "date" },
  { n: "meter_datetime", r: "date_time", as: "datetime_s" },
  { n: "enhanced_id", r: "enhanced_identification", as: "rhex" },
  { n: "unknowna", vib: "7F", as: "rhex", fmt: (v) => (typeof v === "string" ? "WOOTA_" + v.replace(/^0+/, "") : v) },
  { n: "unknownb", vib: "7F", nth: 1, as: "rhex", fmt: (v) => (typeof v === "string" ? "WOOTB_" + v : v) },
];

/**
 * hydrodigit 0F block (every firmware): a contents byte, then the parts it announces in this order: bit 0 battery
 * code (1 byte), bit 1 fraud type (1 byte) + fraud date (3 bytes: BCD year, binary month in the low nibble, BCD
 * day), bit 7 leak date (3 bytes: BCD year, month, day), bit 2 backflow (4 bytes, litres), bit 4 twelve monthly
 * volumes (3 bytes each, 1/100 m³; 10^7 and above: not recorded yet, printed 0). Bits 3, 5, 6 carry nothing.
 */
const MONTHS = deepFreeze(["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"]);
const HD_CONTENTS: FlagTable = deepFreeze({ e: [[0x01, "BATTERY_VOLTAGE"], [0x02, "FRAUD_DATE"], [0x04, "BACKFLOW"], [0x10, "MONTHLY_DATA"], [0x80, "LEAK_DATE"]], rest: "" });
/** Battery code (low nibble) → volts; codes 0, 14 and 15 mean 3.7 V. */
const HD_VOLTS: readonly number[] = deepFreeze([3.7, 1.9, 2.1, 2.2, 2.3, 2.4, 2.5, 2.65, 2.8, 2.9, 3.05, 3.2, 3.35, 3.5, 3.7, 3.7]);
/** Fraud type bits 5..7 of the fraud byte. */
const HD_FRAUD: FlagTable = deepFreeze({ e: [[0x80, "MAGNETIC_FRAUD_ATTEMPT"], [0x40, "SENSOR_FRAUD_ATTEMPT"], [0x20, "MODULE_REMOVED"]], rest: "" });

function flagText(v: number, t: FlagTable): string {
  const out: string[] = [];
  for (const e of t.e) if (e.length === 2 && (v & e[0]) !== 0) out.push(e[1]);
  return out.sort().join(" ");
}

const bcd2 = (x: number): number => (x >> 4) * 10 + (x & 15);
const pad = (n: number): string => (n < 10 ? "0" : "") + n;

/** A date of the block; null when the month or the day is 0 (nothing recorded). */
function hdDate(y: number, m: number, d: number): string | null {
  return m === 0 || d === 0 ? null : `${2000 + y}-${pad(m)}-${pad(d)}`;
}

function decodeHydrodigit(c: MfctContext): void {
  const b = c.mfct;
  if (b.length < 1) return;
  const contents = b[0];
  let p = 1;
  c.out.contents = flagText(contents, HD_CONTENTS);
  if (contents & 0x01) {
    if (p >= b.length) return;
    c.out.voltage_v = HD_VOLTS[b[p] & 0x0f];
    p++;
  }
  if (contents & 0x02) {
    if (p + 4 > b.length) return;
    c.out.fraud_type = flagText(b[p], HD_FRAUD) || "NO_TYPE_INFO";
    c.out.fraud_date = hdDate(bcd2(b[p + 1]), b[p + 2] & 15, bcd2(b[p + 3]));
    p += 4;
  }
  if (contents & 0x80) {
    if (p + 3 > b.length) return;
    c.out.leak_date = hdDate(bcd2(b[p]), bcd2(b[p + 1]), bcd2(b[p + 2]));
    p += 3;
  }
  if (contents & 0x04) {
    if (p + 4 > b.length) return;
    c.out.backflow_m3 = le(b, p, 4) / 1000;
    p += 4;
  }
  if (contents & 0x10 && p + 36 <= b.length) {
    for (let i = 0; i < 12; i++) {
      const v = le(b, p + 3 * i, 3);
      c.out[MONTHS[i] + "_total_m3"] = v < 10000000 ? v / 100 : 0;
    }
  }
}

export const WATER: readonly Driver[] = Object.freeze([
  { name: "hydrus", detect: [{ m: "DME", v: 0x70, t: 0x07 }, { m: "DME", v: 0x76, t: 0x07 }, { m: "HYD", v: 0x24, t: 0x07 }, { m: "HYD", v: 0x8b, t: 0x07 }, { m: "HYD", v: 0x8b, t: 0x06 }, { m: "DME", v: 0x70, t: 0x06 }, { m: "DME", v: 0x70, t: 0x16 }], swappedAddress: true, fields: HYDRUS_FIELDS },
  {
    name: "iperl",
    detect: [{ m: "SEN", v: 0x68, t: 0x06 }, { m: "SEN", v: 0x68, t: 0x07 }, { m: "SEN", v: 0x7c, t: 0x07 }],
    fields: [
      { n: "total", u: "m3", r: "volume" },
      { n: "max_flow", u: "m3h", r: "volume_flow" },
    ],
    status: [],
  },
  {
    name: "waterstarm",
    detect: [{ m: "DWZ", v: 0x00, t: 0x06 }, { m: "DWZ", v: 0x02, t: 0x06 }, { m: "DWZ", v: 0x02, t: 0x07 }, { m: "EFE", v: 0x03, t: 0x07 }, { m: "EFE", v: 0x70, t: 0x07 }, { m: "DWZ", v: 0x00, t: 0x07 }],
    fields: WATERSTARM_FIELDS,
    status: [stsAndErrors({ errors: WATERSTARM_ERRORS })],
    decode: (c) => historyDates(c.out, "meter_datetime", 15),
  },
  { name: "q400", detect: [{ m: "AXI", v: 0x01, t: 0x07 }, { m: "AXI", v: 0x10, t: 0x07 }, { m: "AXI", v: 0x20, t: 0x07 }], fields: Q400_FIELDS },
  { name: "itron", detect: [{ m: "ITW", v: 0x00, t: 0x07 }, { m: "ITW", v: 0x03, t: 0x07 }, { m: "ITW", v: 0x33, t: 0x07 }, { m: "ITW", v: 0x00, t: 0x16 }], fields: ITRON_FIELDS },
  {
    name: "hydrodigit",
    detect: [{ m: "BMT", v: 0x13, t: 0x06 }, { m: "BMT", v: 0x17, t: 0x06 }, { m: "BMT", v: 0x13, t: 0x07 }, { m: "BMT", v: 0x15, t: 0x07 }, { m: "BMT", v: 0x17, t: 0x07 }],
    fields: [
      { n: "total", u: "m3", r: "volume" },
      { n: "meter_datetime", r: "date_time", as: "datetime" },
    ],
    status: [],
    decode: decodeHydrodigit,
  },
]);
