/**
 * More water (and gas) meters with standard records: Apator M-Bus NA and Ultrimis, GWF, Elster,
 * B METERS IWM-TX5, Zenner (minomess, 0B), Aerius, Itron/Sensus variants, Maddalena EVO 868,
 * Kaden, Ecomess picoflux, Aventies, Wehrle, Amiplus topas, Engelmann, LSE.
 */
import type { Driver, FieldRule, FlagTable, MfctContext, StatusField } from "../types.js";
import { le } from "../bytes.js";
import { historyDates, series } from "./history.js";
import { errorFlags, errorsThenStatus, stsAndErrors } from "./rules.js";
import { deepFreeze } from "../../util/freeze.js";
const LSE_07_17_FIELDS: readonly FieldRule[] = [
  { n: "total", u: "m3", r: "volume" },
  { n: "due", u: "m3", r: "volume_storage_1" },
  { n: "due_date", r: "date_storage_1", as: "date" },
  { n: "error_date", r: "date_error", as: "date" },
  { n: "set_date_8", r: "date_storage_8", as: "date" },
  { n: "consumption_at_set_date_8", u: "m3", r: "volume_storage_8" },
  { n: "device_datetime", r: "date_time", as: "datetime" },
  { n: "model_version", r: "model_version", as: "hex" },
];

const ENGELMANN_FAW_FIELDS: readonly FieldRule[] = [
  { n: "total", u: "m3", r: "volume" },
  { n: "meter_datetime", r: "date_time", as: "datetime" },
  { n: "reporting_date", r: "date_storage_1", as: "date" },
  { n: "consumption_at_reporting_date", u: "m3", r: "volume_storage_1" },
  ...series(15, (i) => "consumption_" + i + "_months_ago", "m3", (i) => "volume_storage_" + (i + 1)),
];

const EVO868_FIELDS: readonly FieldRule[] = [
  { n: "total", u: "m3", r: "volume" },
  { n: "device_datetime", r: "date_time", as: "datetime" },
  { n: "fabrication_no", r: "fabrication_number", as: "str" },
  { n: "consumption_at_set_date", u: "m3", r: "volume_storage_1" },
  { n: "set_date", r: "date_storage_1", as: "date" },
  { n: "consumption_at_set_date_2", u: "m3", r: "volume_storage_2" },
  { n: "set_date_2", r: "date_storage_2", as: "date" },
  { n: "max_flow_since_datetime", u: "m3h", r: "volume_flow_storage_3_max" },
  { n: "max_flow_datetime", r: "date_time_storage_3", as: "datetime" },
  { n: "history_reference_date", r: "date_storage_8", as: "date" },
  ...series(12, (i) => "consumption_at_history_" + i, "m3", (i) => "volume_storage_" + (i + 7)),
];

const TOPASESKR_FIELDS: readonly FieldRule[] = [
  { n: "total", u: "m3", r: "volume" },
  { n: "access_counter", r: "access_number" },
  { n: "temperature", u: "c", r: "flow_temperature" },
  { n: "current_flow", u: "m3h", r: "volume_flow" },
  { n: "volume_year_period", u: "m3", r: "volume_storage_1" },
  { n: "reverse_volume_year_period", u: "m3", r: "volume_storage_1_tariff_1" },
  { n: "meter_year_period_end_date", r: "date_storage_1", as: "date" },
  { n: "volume_month_period", u: "m3", r: "volume_storage_3" },
  { n: "meter_month_period_end_datetime", r: "date_time_storage_3", as: "datetime" },
  { n: "battery", u: "y", r: "remaining_battery_life" },
];

const AVENTIES_ERRORS: FlagTable = deepFreeze({
  e: [[0x0001, "MEASUREMENT"], [0x0002, "SABOTAGE"], [0x0004, "BATTERY"], [0x0008, "CS"], [0x0010, "HF"], [0x0020, "RESET"]],
  rest: "ERROR_FLAGS_",
});

const WERHLE_FIELDS: readonly FieldRule[] = [
  { n: "total", u: "m3", r: "volume" },
  { n: "meter_datetime", r: "date_time", as: "datetime" },
  { n: "fabrication_no", r: "fabrication_number", as: "str" },
  { n: "target", u: "m3", r: "volume_storage_1" },
  { n: "target_date", r: "date_storage_1", as: "date" },
  { n: "next_target_date", r: "date_future_value_storage_1", as: "date" },
  ...series(13, (i) => "target_" + i, "m3", (i) => "volume_storage_" + i),
  ...series(13, (i) => "target_" + i + "_date", undefined, (i) => "date_storage_" + i).map((r): FieldRule => ({ ...r, as: "date" })),
];

/** STS manufacturer bits of Kaden / picoflux water meters. */
const LEAK_BITS: FlagTable = deepFreeze({ e: [[0x20, "LEAK_FLOW_LOW"], [0x40, "LEAK_FLOW_HIGH"]] });

const KADENWATER_FIELDS: readonly FieldRule[] = [
  { n: "total", u: "m3", r: "volume" },
  { n: "volume_b", u: "m3", r: "volume", nth: 1 },
  { n: "volume_flow", u: "m3h", r: "volume_flow" },
  { n: "max_flow", u: "m3h", r: "volume_flow_max" },
  { n: "actuality_duration", u: "s", r: "actuality_duration" },
  { n: "duration_b", u: "s", r: "actuality_duration", nth: 1 },
  { n: "fabrication_no", r: "fabrication_number", as: "str" },
  { n: "meter_datetime", r: "date_time", as: "datetime" },
];

/** Apator Ultrimis error flags: current, this month, previous month bytes. */
const ULTRIMIS_ERRORS: FlagTable = deepFreeze({ e: [[0x000008, "NO_FLOW"], [0x000800, "NO_FLOW_THIS_MONTH"], [0x010000, "TAMPER_PREV_MONTH"]], rest: "ERROR_FLAGS_" });

/** Ultrimis v2 status record 03FD17: bits 0..7 now, 8..15 during this month, 16..23 during the previous month. */
const ULTRIMIS_STATES = deepFreeze(["TAMPER", "LOW_BATTERY", "DRY", "NO_FLOW", "HIGH_TEMPERATURE", "BURST", "REVERSE", "LEAK"]);
const ULTRIMISV2_ERRORS: FlagTable = {
  e: [
    ...ULTRIMIS_STATES.map((n, i): readonly [number, string] => [1 << i, n]),
    ...ULTRIMIS_STATES.map((n, i): readonly [number, string] => [1 << (i + 8), n + "_THIS_MONTH"]),
    ...ULTRIMIS_STATES.map((n, i): readonly [number, string] => [1 << (i + 16), n + "_PREV_MONTH"]),
  ],
  rest: "ERROR_FLAGS_",
};

/** Zenner 0B: manufacturer block after 0F: status word, target and total volume (1/256 l). */
function decodeZenner0b(c: MfctContext): void {
  const b = c.mfct;
  if (b.length < 12) return;
  const st = le(b, 0, 4);
  c.flags.push(st === 0 ? "" : "STATUS_" + st.toString(16).toUpperCase());
  c.out.target_m3 = le(b, 4, 4) / 256000;
  c.out.total_m3 = le(b, 8, 4) / 256000;
}

/** Apator M-Bus NA error flags (bit order within the two groups is not confirmed by the corpus). */
const APTMBUSNA_ERRORS: FlagTable = deepFreeze({
  e: [
    [0x0002, "P_LEAK"], [0x0004, "P_CLOCK_HAND_ERROR"], [0x0008, "P_DETECTION_WITHOUT_CHANGES"], [0x0010, "P_MBUS_DISCONNECTED"],
    [0x0040, "P_REVERSE_FLOW"], [0x0100, "P_MINIMUM_FLOW"], [0x0200, "P_PROCESSOR_RESET"], [0x0800, "P_STRONG_LIGHT"],
  ],
  rest: "ERROR_FLAGS_",
});

/** GWF water/gas: first byte of the 0F block is a status byte (bit 0 = normal operation). */
const GWF_STATUS = { n: "", at: 0, len: 1 };
const GWF_FLAGS: FlagTable = { e: [[0x01, ""]], rest: "UNKNOWN_MFCT_STATUS_" };

/** GWF water and gas meters send the same records and status. */
const GWF_FIELDS: readonly FieldRule[] = [
  { n: "total", u: "m3", r: "volume" },
  { n: "target", u: "m3", r: "volume_storage_1" },
  { n: "target_date", r: "date_storage_1", as: "date" },
  { n: "actuality_duration", u: "s", r: "actuality_duration" },
];
const GWF_STATUS_FIELDS: readonly StatusField[] = [{ n: "status", parts: [{ sts: true }, { bytes: GWF_STATUS, flags: GWF_FLAGS }] }];

/**
 * GWF water 0F block: 01, a status byte, a byte whose bit 0 is the power-saving mode and bits 3..7 the
 * battery life in half years. Any other first byte is itself an unknown manufacturer status.
 */
const GWF_WATER_STATUS: FlagTable = deepFreeze({ e: [[0x02, "CONTINUOUS_FLOW"], [0x08, "BROKEN_PIPE"], [0x20, "BATTERY_LOW"], [0x40, "BACKFLOW"]], rest: "UNKNOWN_MFCT_STATUS_" });
function decodeGwfWater(c: MfctContext): void {
  const b = c.mfct;
  if (b.length === 0) return;
  if (b[0] !== 0x01 || b.length < 3) {
    if (b[0] !== 0) c.flags.push("UNKNOWN_MFCT_STATUS_" + b[0].toString(16).toUpperCase());
    c.out.battery_y = null;
    return;
  }
  for (const e of GWF_WATER_STATUS.e) if (e.length === 2 && (b[1] & e[0]) !== 0) c.flags.push(e[1]);
  const rest = b[1] & ~0x6a;
  if (rest !== 0) c.flags.push("UNKNOWN_MFCT_STATUS_" + rest.toString(16).toUpperCase());
  c.out.power_mode = (b[2] & 1) === 1 ? "SAVING" : "NORMAL";
  c.out.battery_y = (b[2] >> 3) * 0.5;
}

export const WATER2: readonly Driver[] = Object.freeze([
  {
    name: "aptmbusna",
    detect: [{ m: "APA", v: 0x15, t: 0x07 }],
    fields: [
      { n: "total", u: "m3", r: "volume" },
      { n: "target", u: "m3", r: "volume_storage_1" },
      { n: "target_date", r: "date_storage_1", as: "date" },
      { n: "volume_flow", u: "m3h", r: "volume_flow" },
      { n: "operating_time", u: "h", r: "operating_time" },
      { n: "fabrication_no", r: "fabrication_number", as: "str" },
      { n: "meter_datetime", r: "date_time", as: "datetime" },
    ],
    status: [stsAndErrors({ errors: APTMBUSNA_ERRORS })],
  },
  {
    name: "gwfwater",
    detect: [{ m: "GWF", v: 0x01, t: 0x0e }, { m: "GWF", v: 0x3c, t: 0x07 }],
    fields: GWF_FIELDS,
    status: [{ n: "status", parts: [{ sts: true }] }],
    decode: decodeGwfWater,
  },
  {
    name: "gwfgas",
    detect: [{ m: "GWF", v: 0x3c, t: 0x03 }],
    fields: GWF_FIELDS,
    status: GWF_STATUS_FIELDS,
  },
  {
    name: "elster",
    detect: [{ m: "ELS", v: 0x81, t: 0x03 }],
    fields: [
      { n: "total", u: "m3", r: "volume" },
      { n: "actuality_duration", u: "s", r: "actuality_duration" },
    ],
    status: [],
  },
  {
    name: "iwmtx5",
    detect: [{ m: "BMT", v: 0x18, t: 0x07 }, { m: "BMT", v: 0x18, t: 0x06 }],
    fields: [
      { n: "total", u: "m3", r: "volume" },
      { n: "meter_datetime", r: "date_time", as: "datetime_s" },
    ],
    status: [{ n: "status", parts: [{ sts: true, flags: { e: [[0x40, "TAMPER"]] } }] }],
  },
  {
    name: "minomess",
    detect: [{ m: "ZRI", v: 0x00, t: 0x07 }, { m: "ZRI", v: 0x01, t: 0x16 }, { m: "ZRI", v: 0x01, t: 0x06 }],
    fields: [
      { n: "total", u: "m3", r: "volume" },
      { n: "meter_date", r: "date", as: "date" },
      { n: "target", u: "m3", r: "volume_storage_8" },
      { n: "target_date", r: "date_storage_8", as: "date" },
    ],
  },
  { name: "iporlwild", detect: [], fields: [{ n: "totalitator", u: "m3", r: "volume" }], status: [] },
  {
    name: "ultrimis",
    detect: [],
    fields: [
      { n: "total", u: "m3", r: "volume" },
      { n: "target", u: "m3", r: "volume_storage_1" },
      { n: "total_backward_flow", u: "m3", r: "volume_backward_flow" },
    ],
    status: [{ n: "current_status", parts: [errorFlags(ULTRIMIS_ERRORS)] }],
  },
  {
    name: "ultrimisv2",
    detect: [{ m: "APA", v: 0x01, t: 0x16 }, { m: "APA", v: 0x20, t: 0x16 }],
    fields: [
      { n: "total", u: "m3", r: "volume" },
      { n: "target", u: "m3", r: "volume_storage_1" },
      { n: "total_backward", u: "m3", r: "volume_backward_flow" },
    ],
    status: [{ n: "status", parts: [{ rec: { n: "", h: "03FD17" }, flags: ULTRIMISV2_ERRORS }] }],
  },
  { name: "zenner0b", detect: [{ m: "ZRI", v: 0x0b, t: 0x16 }], fields: [], decode: decodeZenner0b },
  {
    name: "aerius",
    detect: [{ m: "DME", v: 0x30, t: 0x03 }],
    fields: [
      { n: "total", u: "m3", r: ["volume", "volume_at_base_conditions"] },
      { n: "flow", u: "m3h", r: "volume_flow" },
      { n: "temperature", u: "c", r: "flow_temperature" },
      { n: "target_datetime", r: "date_time_storage_3", as: "datetime" },
      { n: "target", u: "m3", r: ["volume_storage_3", "volume_at_base_conditions_storage_3"] },
    ],
    status: [],
  },
  {
    name: "iporl",
    detect: [{ m: "SEN", t: 0x07, v: 0x99 }],
    fields: [
      { n: "totalitator", u: "m3", r: "volume" },
      { n: "max_flowwor", u: "m3h", r: "volume_flow" },
    ],
    status: [],
  },
  {
    name: "dme173",
    detect: [{ m: "DME", v: 0x63, t: 0x07 }],
    fields: [
      { n: "total", u: "m3", r: "volume" },
      { n: "total_backward", u: "m3", r: "volume_backward_flow" },
      { n: "total_at_set_date", u: "m3", r: "volume_storage_1" },
      { n: "set_date", r: "date_storage_1", as: "date" },
      { n: "target", u: "m3", r: "volume_storage_8" },
      { n: "target_datetime", r: "date_time_storage_8", as: "datetime" },
      { n: "flow_temperature", u: "c", r: "flow_temperature" },
    ],
  },
  {
    name: "picoflux",
    detect: [{ m: "ECM", v: 0x05, t: 0x07 }],
    fields: [
      { n: "total", u: "m3", r: "volume" },
      { n: "total_backward", u: "m3", r: "volume_backward_flow" },
      { n: "actuality_duration", u: "s", r: "actuality_duration" },
      { n: "meter_datetime", r: "date_time", as: "datetime" },
    ],
    status: [stsAndErrors({ sts: LEAK_BITS })],
  },
  {
    name: "kadenwater",
    detect: [{ m: "KDN", v: 0x01, t: 0x07 }, { m: "VIP", v: 0x01, t: 0x07 }],
    fields: KADENWATER_FIELDS,
    status: [stsAndErrors({ sts: LEAK_BITS })],
  },
  {
    name: "aventieswm",
    detect: [{ m: "AAA", v: 0x25, t: 0x07 }],
    fields: [
      { n: "total", u: "m3", r: "volume" },
      ...series(14, (i) => "consumption_at_set_date_" + i, "m3", (i) => "volume_storage_" + i),
    ],
    status: errorsThenStatus({ n: "error_flags", parts: [errorFlags(AVENTIES_ERRORS)], ok: "" }),
  },
  { name: "werhlemodwm", detect: [{ m: "WZG", v: 0x03, t: 0x16 }], fields: WERHLE_FIELDS, status: [] },
  { name: "topaseskr", detect: [{ m: "AMT", v: 0xf1, t: 0x06 }, { m: "AMT", v: 0xf1, t: 0x07 }], fields: TOPASESKR_FIELDS, status: [] },
  {
    name: "evo868",
    detect: [{ m: "MAD", v: 0x50, t: 0x06 }, { m: "MAD", v: 0x50, t: 0x07 }, { m: "MAD", v: 0x50, t: 0x16 }],
    fields: EVO868_FIELDS,
    status: [stsAndErrors({ n: "current_status" })],
    decode: (c) => historyDates(c.out, "history_reference_date", 12, -1),
  },
  { name: "engelmann_faw", aliases: ["engelmann-faw"], detect: [{ m: "EFE", v: 0x00, t: 0x07 }], fields: ENGELMANN_FAW_FIELDS },
  {
    name: "lse_07_17",
    detect: [{ m: "LSE", v: 0x18, t: 0x06 }, { m: "LSE", v: 0x18, t: 0x07 }, { m: "LSE", v: 0x16, t: 0x07 }, { m: "LSE", v: 0x17, t: 0x07 }, { m: "LSE", v: 0xd8, t: 0x07 }],
    fields: LSE_07_17_FIELDS,
    // "error_code" accompanies the error block (error flags and/or error date)
    status: [{ n: "error_code", parts: [errorFlags(), { rec: { n: "", r: "date_error" }, flags: { e: [], rest: "" } }], need: true }],
  },
]);
