/**
 * Smoke detectors: Ei Electronics Ei6500-OMS. Events are counted per tariff in sub-unit 1
 * (tariff 1 smoke alarms, 2 head removals, 3 test-button presses); a manufacturer record
 * (VIF FF 2C, sub-unit 1) carries dust level, battery code and obstacle distance.
 */
import type { Driver, FieldRule, FieldValue, FlagTable, StatusField } from "../types.js";
import { deepFreeze } from "../../util/freeze.js";

/** A formatter of a bit field of the record's integer value: (v >> shift) & mask. */
// xsl aliases every captured binding that is not const ("no const": RAM per closure on the device): copy the
// parameter into a const (docs/moddable-build.md §2)
const bits = (shift: number, mask: number, f: (b: number) => FieldValue) => {
  const scale = 2 ** shift, size = mask + 1, show = f;
  return (v: FieldValue): FieldValue => (typeof v === "number" ? show(Math.floor(v / scale) % size) : v);
};

const hex = (b: number): string => b.toString(16).toUpperCase();

/** Obstacle distance code (head word bits 20..22). */
const OBSTACLE: readonly string[] = deepFreeze(["SEODS_NOT_COMPLETED", "", "45_TO_60_CM", "38_TO_53_CM", "33_TO_48_CM", "28_TO_40_CM", "20_TO_33_CM", "0_TO_25_CM"]);

/** The head word: manufacturer record VIF FF 2C in sub-unit 1 (4 bytes). */
const HEAD: FieldRule = { name: "", vifBytes: "FF2C", subunit: 1 };

const EI6500_FIELDS: readonly FieldRule[] = [
  { name: "software_version", record: "software_version", valueType: "rhex" },
  { name: "message_datetime", record: "date_time", valueType: "datetime" },
  { name: "installation_date", record: "date_tariff_2", valueType: "date" },
  { name: "last_sound_check_date", record: "date_storage_1", valueType: "date" },
  { name: "alarm_counter", record: "cumulation_counter_tariff_1_subunit_1" },
  { name: "last_alarm_date", record: "date_tariff_1_subunit_1", valueType: "date" },
  { name: "removed_counter", record: "cumulation_counter_tariff_2_subunit_1" },
  { name: "last_remove_date", record: "date_tariff_2_subunit_1", valueType: "date" },
  { name: "duration_removed", unit: "h", record: "tariff_duration_tariff_2_subunit_1" },
  { name: "test_button_counter", record: "cumulation_counter_tariff_3_subunit_1" },
  { name: "test_button_last_date", record: "date_tariff_3_subunit_1", valueType: "date" },
  // head word: bits 0..4 dust level, 8..11 battery code (2.25 V + 0.05 V per step), 20..22 obstacle distance
  { name: "dust_level", vifBytes: "FF2C", subunit: 1, valueType: "int", transform: bits(0, 0x1f, (b) => "DUST_" + hex(b)) },
  { name: "dust_level_counter", vifBytes: "FF2C", subunit: 1, valueType: "int", transform: bits(0, 0x1f, (b) => b) },
  { name: "battery_level", vifBytes: "FF2C", subunit: 1, valueType: "int", transform: bits(8, 0x0f, (b) => ((225 + 5 * b) / 100).toFixed(2) + "V") },
  { name: "obstacle_distance", vifBytes: "FF2C", subunit: 1, valueType: "int", transform: bits(20, 7, (b) => OBSTACLE[b]) },
];

/** Error-flags record (FD 17): bits 9..15 name application errors; other bits print as ERROR_FLAGS_<hex>. */
const EI6500_ERRORS: FlagTable = deepFreeze({
  entries: [[0x0200, "UNKNOWN_FIELD_C"], [0x0400, "UNKNOWN_FIELD_CI"], [0x0800, "UNKNOWN_RECORD"], [0x1000, "ACCESS_RIGHT"], [0x2000, "RECORD_SIZE"], [0x4000, "RECORD_VALUE"], [0x8000, "BAD_PASSWORD"]],
  unknownPrefix: "ERROR_FLAGS_",
});

/**
 * Head word flags. Bits 0..4, 8..11 and 20..22 are the values above, not flags: the entry with value 0x20
 * (outside its own mask) never matches and only marks them as known. Bit 16 set means the obstacle survey is done.
 */
const EI6500_HEAD: FlagTable = deepFreeze({
  entries: [
    [0x00700f1f, 0x20, ""],
    [0x00000020, "SOUNDER_FAULT"], [0x00000040, "TAMPER_WHILE_REMOVED"], [0x00000080, "EOL_REACHED"],
    [0x00001000, "LOW_BATTERY_FAULT"], [0x00002000, "ALARM_SENSOR_FAULT"], [0x00004000, "OBSTACLE_DETECTOR_FAULT"], [0x00008000, "EOL_WITHIN_12_MONTH"],
    [0x00010000, 0, "SEODS_NOT_YET_COMPLETED"], [0x00020000, "ENV_CHANGED_SINCE_INSTALLATION"], [0x00040000, "COMM_TO_HEAD_FAULT"],
    [0x00080000, "INTERFERENCE_PREVENTING_OBSTACLE_DETECTION"], [0x01000000, "OBSTACLE_DETECTED"], [0x02000000, "SMOKE_DETECTOR_FULLY_COVERED"],
  ],
  unknownPrefix: "HEAD_STATUS_",
});

/** Dust level 28..31 (bits 2..4 all set): cleaning recommended. */
const EI6500_DUST: FlagTable = deepFreeze({ entries: [[0x1c, 0x1c, "CLEANING_RECOMMENDED"]], unknownPrefix: "" });

const EI6500_STATUS: readonly StatusField[] = [
  {
    name: "status",
    parts: [
      { tplStatus: true, flags: { entries: [[0x40, "RTC_INVALID"]] } },
      { fromRecord: { name: "", record: "error_flags" }, flags: EI6500_ERRORS },
      { fromRecord: HEAD, flags: EI6500_HEAD },
      { fromRecord: HEAD, flags: EI6500_DUST },
    ],
  },
];

export const SMOKE: readonly Driver[] = Object.freeze([
  { name: "ei6500", detect: [{ manufacturer: "EIE", version: 0x0c, deviceType: 0x1a }], fields: EI6500_FIELDS, status: EI6500_STATUS },
]);
