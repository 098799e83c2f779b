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
    detect: [{ m: "LAS", v: 0x07, t: 0x1d }],
    fields: [
      { n: "a_counter", r: "dimensionless" },
      { n: "b_counter", r: "dimensionless_subunit_1" },
    ],
    status: [
      { n: "status", parts: [{ rec: { n: "", r: "digital_input" }, flags: { e: [[0xff, 0x11, "CLOSED"], [0xff, 0x55, "OPEN"]], rest: "INPUT_" } }] },
      stsAndErrors({ n: "error_flags" }),
    ],
  },
  {
    name: "lansenpu",
    detect: [{ m: "LAS", v: 0x14, t: 0x00 }, { m: "LAS", v: 0x1b, t: 0x00 }, { m: "LAS", v: 0x0b, t: 0x02 }],
    fields: [
      { n: "a_counter", r: "dimensionless" },
      { n: "b_counter", r: "dimensionless_subunit_1" },
    ],
    status: [{ n: "status", parts: [{ sts: true, flags: { e: [[0x40, "SABOTAGE_ENCLOSURE"]] } }] }],
  },
  {
    name: "lansensm",
    detect: [{ m: "LAS", v: 0x03, t: 0x1a }],
    fields: [
      { n: "async_msg_id_counter", r: "access_number" },
      { n: "minutes_since_last_manual_test_counter", r: "dimensionless" },
    ],
    status: [stsAndErrors({ errors: { e: [[0x04, "SMOKE"]], rest: "ERROR_FLAGS_" } })],
  },
  {
    name: "lansenth",
    detect: [{ m: "LAS", v: 0x07, t: 0x1b }, { m: "LAS", v: 0x09, t: 0x1b }],
    fields: [
      { n: "current_temperature", u: "c", r: "external_temperature" },
      { n: "average_temperature_1h", u: "c", r: "external_temperature_storage_1" },
      { n: "average_temperature_24h", u: "c", r: "external_temperature_storage_2" },
      { n: "current_relative_humidity", u: "rh", r: "relative_humidity" },
      { n: "average_relative_humidity_1h", u: "rh", r: "relative_humidity_storage_1" },
      { n: "average_relative_humidity_24h", u: "rh", r: "relative_humidity_storage_2" },
      { n: "on_time", u: "h", r: "on_time" },
    ],
    status: [stsAndErrors({ sts: { e: [[0x40, "SABOTAGE_ENCLOSURE"]] } })],
  },
  {
    name: "lansenrp",
    detect: [{ m: "LAS", v: 0x0b, t: 0x32 }],
    fields: [
      { n: "total_routed_messages_counter", r: "dimensionless" },
      { n: "used_router_slots_counter", r: "dimensionless_subunit_1" },
      { n: "is_repeater_listening", r: "dimensionless_subunit_2", fmt: (v) => (v === 0 ? "NO" : v === 1 ? "YES" : v) },
      { n: "seconds_to_mode_change_counter", r: "dimensionless_subunit_3" },
      { n: "listen_timer_value_counter", r: "dimensionless_storage_1" },
      { n: "pause_timer_value_counter", r: "dimensionless_storage_2" },
      { n: "repeater_listening_on_weekdays", r: "dimensionless_storage_3", fmt: weekdays },
      { n: "start_time_value_counter", r: "dimensionless_storage_4" },
      { n: "meter_datetime", r: "date_time", as: "datetime_s" },
      { n: "software_version", r: "software_version", as: "rhex" },
      { n: "battery", u: "v", r: "voltage" },
    ],
  },
]);
