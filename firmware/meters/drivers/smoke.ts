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
  { n: "software_version", r: "software_version", as: "rhex" },
  { n: "message_datetime", r: "date_time", as: "datetime" },
  { n: "installation_date", r: "date_tariff_2", as: "date" },
  { n: "last_sound_check_date", r: "date_storage_1", as: "date" },
  { n: "alarm_counter", r: "cumulation_counter_tariff_1_subunit_1" },
  { n: "last_alarm_date", r: "date_tariff_1_subunit_1", as: "date" },
  { n: "removed_counter", r: "cumulation_counter_tariff_2_subunit_1" },
  { n: "last_remove_date", r: "date_tariff_2_subunit_1", as: "date" },
  { n: "duration_removed", u: "h", r: "tariff_duration_tariff_2_subunit_1" },
  { n: "test_button_counter", r: "cumulation_counter_tariff_3_subunit_1" },
  { n: "test_button_last_date", r: "date_tariff_3_subunit_1", as: "date" },
  { n: "dust_level", vib: "FF2C", su: 1, as: "int", fmt: byteOf(0, (b) => "DUST_" + hex(b)) },
  { n: "dust_level_counter", vib: "FF2C", su: 1, as: "int", fmt: byteOf(0, (b) => b) },
  { n: "battery_level", vib: "FF2C", su: 1, as: "int", fmt: byteOf(1, (b) => (b / 5).toFixed(2) + "V") },
  { n: "obstacle_distance", vib: "FF2C", su: 1, as: "int", fmt: byteOf(3, (b) => (b === 0 ? "" : "" + b)) },
];

export const SMOKE: readonly Driver[] = Object.freeze([
  { name: "ei6500", detect: [{ m: "EIE", v: 0x0c, t: 0x1a }], fields: EI6500_FIELDS },
]);
