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
  { name: "customer", record: "customer", valueType: "readable" },
  { name: "total", unit: "m3", record: "volume" },
  { name: "total_tariff1", unit: "m3", record: "volume_tariff_1" },
  { name: "total_tariff2", unit: "m3", record: "volume_tariff_2" },
  { name: "total_at_date", unit: "m3", record: "volume_storage_1" },
  { name: "total_tariff1_at_date", unit: "m3", record: "volume_storage_1_tariff_1" },
  { name: "total_tariff2_at_date", unit: "m3", record: "volume_storage_1_tariff_2" },
  { name: "at_date", record: "date_storage_1", valueType: "date" },
  { name: "target", unit: "m3", record: "volume_storage_3" },
  { name: "target_datetime", record: "date_time_storage_3", valueType: "datetime" },
  { name: "flow", unit: "m3h", record: "volume_flow" },
  { name: "flow_temperature", unit: "c", record: "flow_temperature" },
  { name: "external_temperature", unit: "c", record: "external_temperature" },
  { name: "remaining_battery_life", unit: "y", record: "remaining_battery_life" },
  { name: "operating_time", unit: "h", record: "operating_time" },
  { name: "actuality_duration", unit: "s", record: "actuality_duration" },
  { name: "meter_datetime", record: "date_time", valueType: "datetime" },
];

const WATERSTARM_ERRORS: FlagTable = deepFreeze({ entries: [[0x40, "LEAKAGE_OR_NO_USAGE"]], unknownPrefix: "ERROR_FLAGS_" });

const WATERSTARM_FIELDS: readonly FieldRule[] = [
  { name: "meter_datetime", record: "date_time", valueType: "datetime" },
  { name: "total", unit: "m3", record: "volume" },
  { name: "total_backwards", unit: "m3", record: "volume_backward_flow" },
  { name: "total_backwards_at_set_date", unit: "m3", record: "volume_backward_flow_storage_1" },
  { name: "consumption_at_set_date", unit: "m3", record: "volume_storage_1" },
  { name: "set_date", record: "date_storage_1", valueType: "date" },
  ...series(15, (i) => "consumption_at_history_" + i, "m3", (i) => "volume_storage_" + (i + 1)),
  { name: "meter_version", record: "model_version", valueType: "rhex" },
  { name: "parameter_set", record: "parameter_set_id", valueType: "rhex" },
  { name: "battery", unit: "v", record: "voltage" },
];

const Q400_FIELDS: readonly FieldRule[] = [
  { name: "meter_datetime", record: "date_time", valueType: "datetime" },
  { name: "total", unit: "m3", record: "volume" },
  { name: "total_forward", unit: "m3", record: "volume_forward_flow" },
  { name: "total_backward", unit: "m3", record: "volume_backward_flow" },
  { name: "flow_temperature", unit: "c", record: "flow_temperature" },
  { name: "volume_flow", unit: "m3h", record: "volume_flow" },
  { name: "set_datetime", record: "date_time_storage_1", valueType: "datetime" },
  { name: "consumption_at_set_date", unit: "m3", record: "volume_storage_1" },
  { name: "forward_at_set_date", unit: "m3", record: "volume_forward_flow_storage_1" },
  { name: "backward_at_set_date", unit: "m3", record: "volume_backward_flow_storage_1" },
  { name: "battery", unit: "pct", record: "remaining_battery_life", recordUnit: "%" },
  { name: "battery", unit: "pct", vifBytes: "FD74" },
  { name: "on_time", unit: "h", record: "on_time" },
  { name: "error_free_time", unit: "h", record: "operating_time" },
  { name: "error_code_counter", record: "error_flags_error" },
];

const ITRON_FIELDS: readonly FieldRule[] = [
  { name: "total", unit: "m3", record: "volume" },
  { name: "total_backward", unit: "m3", record: "volume_backward_flow" },
  { name: "volume_flow", unit: "m3h", record: "volume_flow" },
  { name: "target", unit: "m3", record: "volume_storage_1" },
  { name: "target_date", record: "date_storage_1", valueType: "date" },
  { name: "meter_datetime", record: "date_time", valueType: "datetime_s" },
  { name: "enhanced_id", record: "enhanced_identification", valueType: "rhex" },
  { name: "unknowna", vifBytes: "7F", valueType: "rhex", transform: (v) => (typeof v === "string" ? "WOOTA_" + v.replace(/^0+/, "") : v) },
  { name: "unknownb", vifBytes: "7F", occurrence: 1, valueType: "rhex", transform: (v) => (typeof v === "string" ? "WOOTB_" + v : v) },
];

/** hydrodigit 0F block, firmware 0x13/0x15: contents bits, then battery code, backflow, 12 months. */
const MONTHS = deepFreeze(["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"]);
const HD_CONTENTS: FlagTable = deepFreeze({ entries: [[0x01, "BACKFLOW"], [0x04, "BATTERY_VOLTAGE"], [0x10, "MONTHLY_DATA"], [0x80, "LEAK_DATE"]], unknownPrefix: "CONTENTS_" });
const HD_CONTENTS_17: FlagTable = deepFreeze({ entries: [[0x01, "BATTERY_VOLTAGE"], [0x02, "FRAUD_DATE"]], unknownPrefix: "CONTENTS_" });
/** Battery codes (low nibble) seen in the corpus → volts. */
const HD_VOLTS: { readonly [code: number]: number } = deepFreeze({ 0x0a: 3.05, 0x0b: 3.2, 0x0e: 3.7 });

function flagText(v: number, t: FlagTable): string {
  const out: string[] = [];
  for (const e of t.entries) if (e.length === 2 && (v & e[0]) !== 0) out.push(e[1]);
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
  { name: "hydrus", detect: [{ manufacturer: "DME", version: 0x70, deviceType: 0x07 }, { manufacturer: "DME", version: 0x76, deviceType: 0x07 }, { manufacturer: "HYD", version: 0x24, deviceType: 0x07 }, { manufacturer: "HYD", version: 0x8b, deviceType: 0x07 }, { manufacturer: "HYD", version: 0x8b, deviceType: 0x06 }, { manufacturer: "DME", version: 0x70, deviceType: 0x06 }, { manufacturer: "DME", version: 0x70, deviceType: 0x16 }], swappedAddress: true, fields: HYDRUS_FIELDS },
  {
    name: "iperl",
    detect: [{ manufacturer: "SEN", version: 0x68, deviceType: 0x06 }, { manufacturer: "SEN", version: 0x68, deviceType: 0x07 }, { manufacturer: "SEN", version: 0x7c, deviceType: 0x07 }],
    fields: [
      { name: "total", unit: "m3", record: "volume" },
      { name: "max_flow", unit: "m3h", record: "volume_flow" },
    ],
    status: [],
  },
  {
    name: "waterstarm",
    detect: [{ manufacturer: "DWZ", version: 0x00, deviceType: 0x06 }, { manufacturer: "DWZ", version: 0x02, deviceType: 0x06 }, { manufacturer: "DWZ", version: 0x02, deviceType: 0x07 }, { manufacturer: "EFE", version: 0x03, deviceType: 0x07 }, { manufacturer: "EFE", version: 0x70, deviceType: 0x07 }, { manufacturer: "DWZ", version: 0x00, deviceType: 0x07 }],
    fields: WATERSTARM_FIELDS,
    status: [stsAndErrors({ errors: WATERSTARM_ERRORS })],
    decode: (c) => historyDates(c.out, "meter_datetime", 15),
  },
  { name: "q400", detect: [{ manufacturer: "AXI", version: 0x01, deviceType: 0x07 }, { manufacturer: "AXI", version: 0x10, deviceType: 0x07 }, { manufacturer: "AXI", version: 0x20, deviceType: 0x07 }], fields: Q400_FIELDS },
  { name: "itron", detect: [{ manufacturer: "ITW", version: 0x00, deviceType: 0x07 }, { manufacturer: "ITW", version: 0x03, deviceType: 0x07 }, { manufacturer: "ITW", version: 0x33, deviceType: 0x07 }, { manufacturer: "ITW", version: 0x00, deviceType: 0x16 }], fields: ITRON_FIELDS },
  {
    name: "hydrodigit",
    detect: [{ manufacturer: "BMT", version: 0x13, deviceType: 0x06 }, { manufacturer: "BMT", version: 0x17, deviceType: 0x06 }, { manufacturer: "BMT", version: 0x13, deviceType: 0x07 }, { manufacturer: "BMT", version: 0x15, deviceType: 0x07 }, { manufacturer: "BMT", version: 0x17, deviceType: 0x07 }],
    fields: [
      { name: "total", unit: "m3", record: "volume" },
      { name: "meter_datetime", record: "date_time", valueType: "datetime" },
    ],
    status: [],
    decode: decodeHydrodigit,
  },
]);
