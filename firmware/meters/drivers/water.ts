/**
 * Water meters with standard records: Diehl HYDRUS, Sensus iPERL, DWZ / EFE waterstarM,
 * Axioma Q400, Itron, B METERS hydrodigit (with its 0F block).
 */
import type { Driver, FieldRule, FieldValue, FlagTable, MfctContext } from "../types.js";
import { dateG, le } from "../bytes.js";
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

/** hydrodigit 0F block, firmware 0x13/0x15: contents bits, then battery code, backflow, 12 months. */
const MONTHS = deepFreeze(["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"]);
const HD_CONTENTS: FlagTable = deepFreeze({ e: [[0x01, "BACKFLOW"], [0x04, "BATTERY_VOLTAGE"], [0x10, "MONTHLY_DATA"], [0x80, "LEAK_DATE"]], rest: "CONTENTS_" });
const HD_CONTENTS_17: FlagTable = deepFreeze({ e: [[0x01, "BATTERY_VOLTAGE"], [0x02, "FRAUD_DATE"]], rest: "CONTENTS_" });
/** Battery codes (low nibble) seen in the corpus → volts. */
const HD_VOLTS: { readonly [code: number]: number } = deepFreeze({ 0x0a: 3.05, 0x0b: 3.2, 0x0e: 3.7 });

function flagText(v: number, t: FlagTable): string {
  const out: string[] = [];
  for (const e of t.e) if (e.length === 2 && (v & e[0]) !== 0) out.push(e[1]);
  return out.sort().join(" ");
}

function decodeHydrodigit(c: MfctContext): void {
  const b = c.mfct;
  if (b.length < 1) return;
  const v = c.t.meter?.version ?? 0;
  const contents = b[0];
  let p = 1;
  if (v === 0x17) {
    // firmware 0x17: bit 0 battery code (0 seen as 3.7 V), bit 1 fraud date (G) + fraud type
    c.out.contents = flagText(contents, HD_CONTENTS_17);
    if (contents & 0x01 && p < b.length) {
      if (b[p] === 0) c.out.voltage_v = 3.7;
      p++;
    }
    if (contents & 0x02 && p + 3 <= b.length) {
      c.out.fraud_date = b[p] === 0 && b[p + 1] === 0 ? null : dateG(b, p);
      c.out.fraud_type = b[p + 2] === 0 ? "NO_TYPE_INFO" : "FRAUD_TYPE_" + b[p + 2];
    }
    return;
  }
  c.out.contents = flagText(contents, HD_CONTENTS);
  if (contents & 0x04 && p < b.length) {
    const volts: FieldValue | undefined = HD_VOLTS[b[p] & 0x0f];
    if (volts !== undefined) c.out.voltage_v = volts;
    p++;
  }
  if (contents & 0x80 && p + 3 <= b.length) {
    // leak date: BCD year, month, day
    const bcd2 = (x: number) => (x >> 4) * 10 + (x & 15);
    const pad = (n: number) => (n < 10 ? "0" : "") + n;
    c.out.leak_date = b[p] === 0 && b[p + 1] === 0 && b[p + 2] === 0 ? null : `${2000 + bcd2(b[p])}-${pad(bcd2(b[p + 1]))}-${pad(bcd2(b[p + 2]))}`;
    p += 3;
  }
  if (contents & 0x01 && p + 4 <= b.length) {
    c.out.backflow_m3 = le(b, p, 4) / 1000;
    p += 4;
  }
  if (contents & 0x10 && p + 36 <= b.length) {
    for (let i = 0; i < 12; i++) {
      const v = le(b, p + 3 * i, 3);
      c.out[MONTHS[i] + "_total_m3"] = v === 0xffffff ? 0 : v / 100; // FFFFFF: month not recorded yet
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
