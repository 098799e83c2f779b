/**
 * The generic OMS driver: names the standard records of any meter (EN 13757-3 VIFs), so an
 * unknown meter still gives useful readings. Storage 0 is "now", storage 1 the set-date value.
 */
import type { Driver, FieldRule } from "../types.js";
import { deepFreeze } from "../../util/freeze.js";

export const GENERIC_FIELDS: readonly FieldRule[] = deepFreeze([
  { n: "total", u: "m3", r: "volume" },
  { n: "target", u: "m3", r: "volume_storage_1" },
  { n: "total_energy_consumption", u: "kwh", r: "energy" },
  { n: "target_energy", u: "kwh", r: "energy_storage_1" },
  { n: "target_date", r: "date_storage_1", as: "date" },
  { n: "meter_datetime", r: "date_time", as: "datetime" },
  { n: "meter_date", r: "date", as: "date" },
  { n: "current_consumption", u: "hca", r: "hca" },
  { n: "consumption_at_set_date", u: "hca", r: "hca_storage_1" },
  { n: "volume_flow", u: "m3h", r: "volume_flow" },
  { n: "power", u: "kw", r: "power" },
  { n: "flow_temperature", u: "c", r: "flow_temperature" },
  { n: "return_temperature", u: "c", r: "return_temperature" },
  { n: "temperature_difference", u: "c", r: "temperature_difference" },
  { n: "external_temperature", u: "c", r: "external_temperature" },
  { n: "pressure", u: "bar", r: "pressure" },
  { n: "relative_humidity", u: "rh", r: "relative_humidity" },
  { n: "voltage", u: "v", r: "voltage" },
  { n: "current", u: "a", r: "current" },
  { n: "frequency", u: "hz", r: "frequency" },
  { n: "operating_time", u: "h", r: "operating_time" },
  { n: "on_time", u: "h", r: "on_time" },
  { n: "remaining_battery_life", u: "y", r: "remaining_battery_life" },
  { n: "fabrication_no", r: "fabrication_number", as: "str" },
  { n: "enhanced_id", r: "enhanced_identification", as: "str" },
  { n: "software_version", r: "software_version", as: "str" },
  { n: "firmware_version", r: "firmware_version", as: "str" },
  { n: "model_version", r: "model_version", as: "str" },
  // VIF FD 1F (EN 13757-3:2018): an actuator's remote-control state, e.g. a valve (docs/bidirectional.md)
  { n: "remote_control", r: "remote_control" },
]);

export const GENERIC: Driver = deepFreeze({
  name: "unknown",
  detect: [],
  fields: GENERIC_FIELDS,
});
