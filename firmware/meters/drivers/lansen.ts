/**
 * Lansen sensors (LAS): door/window (lansendw), pulse counter (lansenpu), smoke (lansensm),
 * temperature/humidity (lansenth), repeater (lansenrp). Counters are dimensionless records
 * (FD 3A) told apart by sub-unit and storage.
 */
import type { Driver, FieldValue } from "../types.js";
import { stsAndErrors } from "./rules.js";
import { deepFreeze } from "../../util/freeze.js";

const WEEKDAYS: readonly (readonly [number, string])[] = deepFreeze([
  [0x01, "SU"], [0x02, "MO"], [0x04, "TU"], [0x08, "WE"], [0x10, "TH"], [0x20, "FR"], [0x40, "SA"],
]);

const weekdays = (v: FieldValue): FieldValue => {
  if (typeof v !== "number") return v;
  const out: string[] = [];
  for (const [bit, name] of WEEKDAYS) if (v & bit) out.push(name);
  return out.sort().join(" ");
};

export const LANSEN: readonly Driver[] = Object.freeze([
  {
    name: "lansendw",
    detect: [{ manufacturer: "LAS", version: 0x07, deviceType: 0x1d }],
    fields: [
      { name: "a_counter", record: "dimensionless" },
      { name: "b_counter", record: "dimensionless_subunit_1" },
    ],
    status: [
      { name: "status", parts: [{ fromRecord: { name: "", record: "digital_input" }, flags: { entries: [[0xff, 0x11, "CLOSED"], [0xff, 0x55, "OPEN"]], unknownPrefix: "INPUT_" } }] },
      stsAndErrors({ name: "error_flags" }),
    ],
  },
  {
    name: "lansenpu",
    detect: [{ manufacturer: "LAS", version: 0x14, deviceType: 0x00 }, { manufacturer: "LAS", version: 0x1b, deviceType: 0x00 }, { manufacturer: "LAS", version: 0x0b, deviceType: 0x02 }],
    fields: [
      { name: "a_counter", record: "dimensionless" },
      { name: "b_counter", record: "dimensionless_subunit_1" },
    ],
    status: [{ name: "status", parts: [{ tplStatus: true, flags: { entries: [[0x40, "SABOTAGE_ENCLOSURE"]] } }] }],
  },
  {
    name: "lansensm",
    detect: [{ manufacturer: "LAS", version: 0x03, deviceType: 0x1a }],
    fields: [
      { name: "async_msg_id_counter", record: "access_number" },
      { name: "minutes_since_last_manual_test_counter", record: "dimensionless" },
    ],
    status: [stsAndErrors({ errors: { entries: [[0x04, "SMOKE"]], unknownPrefix: "ERROR_FLAGS_" } })],
  },
  {
    name: "lansenth",
    detect: [{ manufacturer: "LAS", version: 0x07, deviceType: 0x1b }, { manufacturer: "LAS", version: 0x09, deviceType: 0x1b }],
    fields: [
      { name: "current_temperature", unit: "c", record: "external_temperature" },
      { name: "average_temperature_1h", unit: "c", record: "external_temperature_storage_1" },
      { name: "average_temperature_24h", unit: "c", record: "external_temperature_storage_2" },
      { name: "current_relative_humidity", unit: "rh", record: "relative_humidity" },
      { name: "average_relative_humidity_1h", unit: "rh", record: "relative_humidity_storage_1" },
      { name: "average_relative_humidity_24h", unit: "rh", record: "relative_humidity_storage_2" },
      { name: "on_time", unit: "h", record: "on_time" },
    ],
    status: [stsAndErrors({ tplStatusFlags: { entries: [[0x40, "SABOTAGE_ENCLOSURE"]] } })],
  },
  {
    name: "lansenrp",
    detect: [{ manufacturer: "LAS", version: 0x0b, deviceType: 0x32 }],
    fields: [
      { name: "total_routed_messages_counter", record: "dimensionless" },
      { name: "used_router_slots_counter", record: "dimensionless_subunit_1" },
      { name: "is_repeater_listening", record: "dimensionless_subunit_2", transform: (v) => (v === 0 ? "NO" : v === 1 ? "YES" : v) },
      { name: "seconds_to_mode_change_counter", record: "dimensionless_subunit_3" },
      { name: "listen_timer_value_counter", record: "dimensionless_storage_1" },
      { name: "pause_timer_value_counter", record: "dimensionless_storage_2" },
      { name: "repeater_listening_on_weekdays", record: "dimensionless_storage_3", transform: weekdays },
      { name: "start_time_value_counter", record: "dimensionless_storage_4" },
      { name: "meter_datetime", record: "date_time", valueType: "datetime_s" },
      { name: "software_version", record: "software_version", valueType: "rhex" },
      { name: "battery", unit: "v", record: "voltage" },
    ],
  },
]);
