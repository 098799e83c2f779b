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
  { name: "total", unit: "m3", record: "volume" },
  { name: "due", unit: "m3", record: "volume_storage_1" },
  { name: "due_date", record: "date_storage_1", valueType: "date" },
  { name: "error_date", record: "date_error", valueType: "date" },
  { name: "set_date_8", record: "date_storage_8", valueType: "date" },
  { name: "consumption_at_set_date_8", unit: "m3", record: "volume_storage_8" },
  { name: "device_datetime", record: "date_time", valueType: "datetime" },
  { name: "model_version", record: "model_version", valueType: "hex" },
];

const ENGELMANN_FAW_FIELDS: readonly FieldRule[] = [
  { name: "total", unit: "m3", record: "volume" },
  { name: "meter_datetime", record: "date_time", valueType: "datetime" },
  { name: "reporting_date", record: "date_storage_1", valueType: "date" },
  { name: "consumption_at_reporting_date", unit: "m3", record: "volume_storage_1" },
  ...series(15, (i) => "consumption_" + i + "_months_ago", "m3", (i) => "volume_storage_" + (i + 1)),
];

const EVO868_FIELDS: readonly FieldRule[] = [
  { name: "total", unit: "m3", record: "volume" },
  { name: "device_datetime", record: "date_time", valueType: "datetime" },
  { name: "fabrication_no", record: "fabrication_number", valueType: "str" },
  { name: "consumption_at_set_date", unit: "m3", record: "volume_storage_1" },
  { name: "set_date", record: "date_storage_1", valueType: "date" },
  { name: "consumption_at_set_date_2", unit: "m3", record: "volume_storage_2" },
  { name: "set_date_2", record: "date_storage_2", valueType: "date" },
  { name: "max_flow_since_datetime", unit: "m3h", record: "volume_flow_storage_3_max" },
  { name: "max_flow_datetime", record: "date_time_storage_3", valueType: "datetime" },
  { name: "history_reference_date", record: "date_storage_8", valueType: "date" },
  ...series(12, (i) => "consumption_at_history_" + i, "m3", (i) => "volume_storage_" + (i + 7)),
];

const TOPASESKR_FIELDS: readonly FieldRule[] = [
  { name: "total", unit: "m3", record: "volume" },
  { name: "access_counter", record: "access_number" },
  { name: "temperature", unit: "c", record: "flow_temperature" },
  { name: "current_flow", unit: "m3h", record: "volume_flow" },
  { name: "volume_year_period", unit: "m3", record: "volume_storage_1" },
  { name: "reverse_volume_year_period", unit: "m3", record: "volume_storage_1_tariff_1" },
  { name: "meter_year_period_end_date", record: "date_storage_1", valueType: "date" },
  { name: "volume_month_period", unit: "m3", record: "volume_storage_3" },
  { name: "meter_month_period_end_datetime", record: "date_time_storage_3", valueType: "datetime" },
  { name: "battery", unit: "y", record: "remaining_battery_life" },
];

const AVENTIES_ERRORS: FlagTable = deepFreeze({
  entries: [[0x0001, "MEASUREMENT"], [0x0002, "SABOTAGE"], [0x0004, "BATTERY"], [0x0008, "CS"], [0x0010, "HF"], [0x0020, "RESET"]],
  unknownPrefix: "ERROR_FLAGS_",
});

const WERHLE_FIELDS: readonly FieldRule[] = [
  { name: "total", unit: "m3", record: "volume" },
  { name: "meter_datetime", record: "date_time", valueType: "datetime" },
  { name: "fabrication_no", record: "fabrication_number", valueType: "str" },
  { name: "target", unit: "m3", record: "volume_storage_1" },
  { name: "target_date", record: "date_storage_1", valueType: "date" },
  { name: "next_target_date", record: "date_future_value_storage_1", valueType: "date" },
  ...series(13, (i) => "target_" + i, "m3", (i) => "volume_storage_" + i),
  ...series(13, (i) => "target_" + i + "_date", undefined, (i) => "date_storage_" + i).map((r): FieldRule => ({ ...r, valueType: "date" })),
];

/** STS manufacturer bits of Kaden / picoflux water meters. */
const LEAK_BITS: FlagTable = deepFreeze({ entries: [[0x20, "LEAK_FLOW_LOW"], [0x40, "LEAK_FLOW_HIGH"]] });

const KADENWATER_FIELDS: readonly FieldRule[] = [
  { name: "total", unit: "m3", record: "volume" },
  { name: "volume_b", unit: "m3", record: "volume", occurrence: 1 },
  { name: "volume_flow", unit: "m3h", record: "volume_flow" },
  { name: "max_flow", unit: "m3h", record: "volume_flow_max" },
  { name: "actuality_duration", unit: "s", record: "actuality_duration" },
  { name: "duration_b", unit: "s", record: "actuality_duration", occurrence: 1 },
  { name: "fabrication_no", record: "fabrication_number", valueType: "str" },
  { name: "meter_datetime", record: "date_time", valueType: "datetime" },
];

/** Apator Ultrimis error flags: current, this month, previous month bytes. */
const ULTRIMIS_ERRORS: FlagTable = deepFreeze({ entries: [[0x000008, "NO_FLOW"], [0x000800, "NO_FLOW_THIS_MONTH"], [0x010000, "TAMPER_PREV_MONTH"]], unknownPrefix: "ERROR_FLAGS_" });

/** Ultrimis v2 status record 03FD17: bits 0..7 now, 8..15 during this month, 16..23 during the previous month. */
const ULTRIMIS_STATES = deepFreeze(["TAMPER", "LOW_BATTERY", "DRY", "NO_FLOW", "HIGH_TEMPERATURE", "BURST", "REVERSE", "LEAK"]);
const ULTRIMISV2_ERRORS: FlagTable = {
  entries: [
    ...ULTRIMIS_STATES.map((n, i): readonly [number, string] => [1 << i, n]),
    ...ULTRIMIS_STATES.map((n, i): readonly [number, string] => [1 << (i + 8), n + "_THIS_MONTH"]),
    ...ULTRIMIS_STATES.map((n, i): readonly [number, string] => [1 << (i + 16), n + "_PREV_MONTH"]),
  ],
  unknownPrefix: "ERROR_FLAGS_",
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
  entries: [
    [0x0002, "P_LEAK"], [0x0004, "P_CLOCK_HAND_ERROR"], [0x0008, "P_DETECTION_WITHOUT_CHANGES"], [0x0010, "P_MBUS_DISCONNECTED"],
    [0x0040, "P_REVERSE_FLOW"], [0x0100, "P_MINIMUM_FLOW"], [0x0200, "P_PROCESSOR_RESET"], [0x0800, "P_STRONG_LIGHT"],
  ],
  unknownPrefix: "ERROR_FLAGS_",
});

/** GWF water/gas: first byte of the 0F block is a status byte (bit 0 = normal operation). */
const GWF_STATUS = { name: "", offset: 0, size: 1 };
const GWF_FLAGS: FlagTable = { entries: [[0x01, ""]], unknownPrefix: "UNKNOWN_MFCT_STATUS_" };

/** GWF water and gas meters send the same records and status. */
const GWF_FIELDS: readonly FieldRule[] = [
  { name: "total", unit: "m3", record: "volume" },
  { name: "target", unit: "m3", record: "volume_storage_1" },
  { name: "target_date", record: "date_storage_1", valueType: "date" },
  { name: "actuality_duration", unit: "s", record: "actuality_duration" },
];
const GWF_STATUS_FIELDS: readonly StatusField[] = [{ name: "status", parts: [{ tplStatus: true }, { fromBytes: GWF_STATUS, flags: GWF_FLAGS }] }];

/**
 * GWF water 0F block: 01, a status byte, a byte whose bit 0 is the power-saving mode and bits 3..7 the
 * battery life in half years. Any other first byte is itself an unknown manufacturer status.
 */
const GWF_WATER_STATUS: FlagTable = deepFreeze({ entries: [[0x02, "CONTINUOUS_FLOW"], [0x08, "BROKEN_PIPE"], [0x20, "BATTERY_LOW"], [0x40, "BACKFLOW"]], unknownPrefix: "UNKNOWN_MFCT_STATUS_" });
function decodeGwfWater(c: MfctContext): void {
  const b = c.mfct;
  if (b.length === 0) return;
  if (b[0] !== 0x01 || b.length < 3) {
    if (b[0] !== 0) c.flags.push("UNKNOWN_MFCT_STATUS_" + b[0].toString(16).toUpperCase());
    c.out.battery_y = null;
    return;
  }
  for (const e of GWF_WATER_STATUS.entries) if (e.length === 2 && (b[1] & e[0]) !== 0) c.flags.push(e[1]);
  const rest = b[1] & ~0x6a;
  if (rest !== 0) c.flags.push("UNKNOWN_MFCT_STATUS_" + rest.toString(16).toUpperCase());
  c.out.power_mode = (b[2] & 1) === 1 ? "SAVING" : "NORMAL";
  c.out.battery_y = (b[2] >> 3) * 0.5;
}

export const WATER2: readonly Driver[] = Object.freeze([
  {
    name: "aptmbusna",
    detect: [{ manufacturer: "APA", version: 0x15, deviceType: 0x07 }],
    fields: [
      { name: "total", unit: "m3", record: "volume" },
      { name: "target", unit: "m3", record: "volume_storage_1" },
      { name: "target_date", record: "date_storage_1", valueType: "date" },
      { name: "volume_flow", unit: "m3h", record: "volume_flow" },
      { name: "operating_time", unit: "h", record: "operating_time" },
      { name: "fabrication_no", record: "fabrication_number", valueType: "str" },
      { name: "meter_datetime", record: "date_time", valueType: "datetime" },
    ],
    status: [stsAndErrors({ errors: APTMBUSNA_ERRORS })],
  },
  {
    name: "gwfwater",
    detect: [{ manufacturer: "GWF", version: 0x01, deviceType: 0x0e }, { manufacturer: "GWF", version: 0x3c, deviceType: 0x07 }],
    fields: GWF_FIELDS,
    status: [{ name: "status", parts: [{ tplStatus: true }] }],
    decode: decodeGwfWater,
  },
  {
    name: "gwfgas",
    detect: [{ manufacturer: "GWF", version: 0x3c, deviceType: 0x03 }],
    fields: GWF_FIELDS,
    status: GWF_STATUS_FIELDS,
  },
  {
    name: "elster",
    detect: [{ manufacturer: "ELS", version: 0x81, deviceType: 0x03 }],
    fields: [
      { name: "total", unit: "m3", record: "volume" },
      { name: "actuality_duration", unit: "s", record: "actuality_duration" },
    ],
    status: [],
  },
  {
    name: "iwmtx5",
    detect: [{ manufacturer: "BMT", version: 0x18, deviceType: 0x07 }, { manufacturer: "BMT", version: 0x18, deviceType: 0x06 }],
    fields: [
      { name: "total", unit: "m3", record: "volume" },
      { name: "meter_datetime", record: "date_time", valueType: "datetime_s" },
    ],
    status: [{ name: "status", parts: [{ tplStatus: true, flags: { entries: [[0x40, "TAMPER"]] } }] }],
  },
  {
    name: "minomess",
    detect: [{ manufacturer: "ZRI", version: 0x00, deviceType: 0x07 }, { manufacturer: "ZRI", version: 0x01, deviceType: 0x16 }, { manufacturer: "ZRI", version: 0x01, deviceType: 0x06 }],
    fields: [
      { name: "total", unit: "m3", record: "volume" },
      { name: "meter_date", record: "date", valueType: "date" },
      { name: "target", unit: "m3", record: "volume_storage_8" },
      { name: "target_date", record: "date_storage_8", valueType: "date" },
    ],
  },
  { name: "iporlwild", detect: [], fields: [{ name: "totalitator", unit: "m3", record: "volume" }], status: [] },
  {
    name: "ultrimis",
    detect: [],
    fields: [
      { name: "total", unit: "m3", record: "volume" },
      { name: "target", unit: "m3", record: "volume_storage_1" },
      { name: "total_backward_flow", unit: "m3", record: "volume_backward_flow" },
    ],
    status: [{ name: "current_status", parts: [errorFlags(ULTRIMIS_ERRORS)] }],
  },
  {
    name: "ultrimisv2",
    detect: [{ manufacturer: "APA", version: 0x01, deviceType: 0x16 }, { manufacturer: "APA", version: 0x20, deviceType: 0x16 }],
    fields: [
      { name: "total", unit: "m3", record: "volume" },
      { name: "target", unit: "m3", record: "volume_storage_1" },
      { name: "total_backward", unit: "m3", record: "volume_backward_flow" },
    ],
    status: [{ name: "status", parts: [{ fromRecord: { name: "", header: "03FD17" }, flags: ULTRIMISV2_ERRORS }] }],
  },
  { name: "zenner0b", detect: [{ manufacturer: "ZRI", version: 0x0b, deviceType: 0x16 }], fields: [], decode: decodeZenner0b },
  {
    name: "aerius",
    detect: [{ manufacturer: "DME", version: 0x30, deviceType: 0x03 }],
    fields: [
      { name: "total", unit: "m3", record: ["volume", "volume_at_base_conditions"] },
      { name: "flow", unit: "m3h", record: "volume_flow" },
      { name: "temperature", unit: "c", record: "flow_temperature" },
      { name: "target_datetime", record: "date_time_storage_3", valueType: "datetime" },
      { name: "target", unit: "m3", record: ["volume_storage_3", "volume_at_base_conditions_storage_3"] },
    ],
    status: [],
  },
  {
    name: "iporl",
    detect: [{ manufacturer: "SEN", deviceType: 0x07, version: 0x99 }],
    fields: [
      { name: "totalitator", unit: "m3", record: "volume" },
      { name: "max_flowwor", unit: "m3h", record: "volume_flow" },
    ],
    status: [],
  },
  {
    name: "dme173",
    detect: [{ manufacturer: "DME", version: 0x63, deviceType: 0x07 }],
    fields: [
      { name: "total", unit: "m3", record: "volume" },
      { name: "total_backward", unit: "m3", record: "volume_backward_flow" },
      { name: "total_at_set_date", unit: "m3", record: "volume_storage_1" },
      { name: "set_date", record: "date_storage_1", valueType: "date" },
      { name: "target", unit: "m3", record: "volume_storage_8" },
      { name: "target_datetime", record: "date_time_storage_8", valueType: "datetime" },
      { name: "flow_temperature", unit: "c", record: "flow_temperature" },
    ],
  },
  {
    name: "picoflux",
    detect: [{ manufacturer: "ECM", version: 0x05, deviceType: 0x07 }],
    fields: [
      { name: "total", unit: "m3", record: "volume" },
      { name: "total_backward", unit: "m3", record: "volume_backward_flow" },
      { name: "actuality_duration", unit: "s", record: "actuality_duration" },
      { name: "meter_datetime", record: "date_time", valueType: "datetime" },
    ],
    status: [stsAndErrors({ tplStatusFlags: LEAK_BITS })],
  },
  {
    name: "kadenwater",
    detect: [{ manufacturer: "KDN", version: 0x01, deviceType: 0x07 }, { manufacturer: "VIP", version: 0x01, deviceType: 0x07 }],
    fields: KADENWATER_FIELDS,
    status: [stsAndErrors({ tplStatusFlags: LEAK_BITS })],
  },
  {
    name: "aventieswm",
    detect: [{ manufacturer: "AAA", version: 0x25, deviceType: 0x07 }],
    fields: [
      { name: "total", unit: "m3", record: "volume" },
      ...series(14, (i) => "consumption_at_set_date_" + i, "m3", (i) => "volume_storage_" + i),
    ],
    status: errorsThenStatus({ name: "error_flags", parts: [errorFlags(AVENTIES_ERRORS)], okText: "" }),
  },
  { name: "werhlemodwm", detect: [{ manufacturer: "WZG", version: 0x03, deviceType: 0x16 }], fields: WERHLE_FIELDS, status: [] },
  { name: "topaseskr", detect: [{ manufacturer: "AMT", version: 0xf1, deviceType: 0x06 }, { manufacturer: "AMT", version: 0xf1, deviceType: 0x07 }], fields: TOPASESKR_FIELDS, status: [] },
  {
    name: "evo868",
    detect: [{ manufacturer: "MAD", version: 0x50, deviceType: 0x06 }, { manufacturer: "MAD", version: 0x50, deviceType: 0x07 }, { manufacturer: "MAD", version: 0x50, deviceType: 0x16 }],
    fields: EVO868_FIELDS,
    status: [stsAndErrors({ name: "current_status" })],
    decode: (c) => historyDates(c.out, "history_reference_date", 12, -1),
  },
  { name: "engelmann_faw", aliases: ["engelmann-faw"], detect: [{ manufacturer: "EFE", version: 0x00, deviceType: 0x07 }], fields: ENGELMANN_FAW_FIELDS },
  {
    name: "lse_07_17",
    detect: [{ manufacturer: "LSE", version: 0x18, deviceType: 0x06 }, { manufacturer: "LSE", version: 0x18, deviceType: 0x07 }, { manufacturer: "LSE", version: 0x16, deviceType: 0x07 }, { manufacturer: "LSE", version: 0x17, deviceType: 0x07 }, { manufacturer: "LSE", version: 0xd8, deviceType: 0x07 }],
    fields: LSE_07_17_FIELDS,
    // "error_code" accompanies the error block (error flags and/or error date)
    status: [{ name: "error_code", parts: [errorFlags(), { fromRecord: { name: "", record: "date_error" }, flags: { entries: [], unknownPrefix: "" } }], onlyWhenPresent: true }],
  },
]);
