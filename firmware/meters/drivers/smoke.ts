/**
 * Smoke detectors: Ei Electronics Ei6500-OMS. Events are counted per tariff in sub-unit 1
 * (tariff 1 smoke alarms, 2 head removals, 3 test-button presses); a manufacturer record
 * (VIF FF 2C, sub-unit 1) carries dust level, battery code and obstacle distance.
 */
import type { Driver, FieldRule, FieldValue } from "../types.js";

const byteOf = (i: number, f: (b: number) => FieldValue) => (v: FieldValue): FieldValue =>
  typeof v === "number" ? f(Math.floor(v / (i === 0 ? 1 : i === 1 ? 256 : i === 2 ? 65536 : 16777216)) % 256) : v;

const hex = (b: number): string => b.toString(16).toUpperCase();

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
  { name: "dust_level", vifBytes: "FF2C", subunit: 1, valueType: "int", transform: byteOf(0, (b) => "DUST_" + hex(b)) },
  { name: "dust_level_counter", vifBytes: "FF2C", subunit: 1, valueType: "int", transform: byteOf(0, (b) => b) },
  { name: "battery_level", vifBytes: "FF2C", subunit: 1, valueType: "int", transform: byteOf(1, (b) => (b / 5).toFixed(2) + "V") },
  { name: "obstacle_distance", vifBytes: "FF2C", subunit: 1, valueType: "int", transform: byteOf(3, (b) => (b === 0 ? "" : "" + b)) },
];

export const SMOKE: readonly Driver[] = Object.freeze([
  { name: "ei6500", detect: [{ manufacturer: "EIE", version: 0x0c, deviceType: 0x1a }], fields: EI6500_FIELDS },
]);
