/**
 * The generic OMS driver: names the standard records of any meter (EN 13757-3 VIFs), so an
 * unknown meter still gives useful readings. Storage 0 is "now", storage 1 the set-date value.
 * Every other record is named after the record itself (quantity, storage, tariff, sub-unit, function)
 * with the unit suffix of its unit, e.g. `energy_tariff_2_kwh`, `volume_storage_5_m3`, `date_storage_2`.
 */
import type { DataRecord } from "../../application/record.js";
import type { Driver, FieldRule, MfctContext, ValueType } from "../types.js";
import { ruleValue } from "../fields.js";
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

/** Field unit suffix for a record unit (docs/readings.md "Unit suffixes"); records of other units are named without one. */
const SUFFIX: { readonly [unit: string]: string } = deepFreeze({
  Wh: "kwh", J: "kwh", VARh: "kvarh", VAh: "kvah", W: "kw", "J/h": "kw", VAR: "kvar", VA: "kva",
  m3: "m3", "m3/h": "m3h", "m3/min": "m3h", "m3/s": "m3h", kg: "kg", "kg/h": "kgh",
  C: "c", K: "c", bar: "bar", V: "v", A: "a", Hz: "hz", "%": "pct", dBm: "dbm",
  s: "s", min: "min", h: "h", d: "d", month: "d", year: "y",
});

/** Quantities whose value is a text or an identification, never a number with a unit. */
const TEXT_QUANTITIES: { readonly [q: string]: ValueType } = deepFreeze({
  date: "date", date_time: "datetime", fabrication_number: "readable", enhanced_identification: "readable",
  software_version: "readable", firmware_version: "readable", model_version: "readable", hardware_version: "readable",
  parameter_set_id: "readable", customer: "readable", customer_location: "readable", manufacturer: "readable",
});

/** The records the named rules above take: those are not named a second time. */
const NAMED: { readonly [record: string]: true } = deepFreeze(
  GENERIC_FIELDS.reduce((o: { [r: string]: true }, f) => {
    if (typeof f.r === "string") o[f.r] = true;
    return o;
  }, Object.create(null) as { [r: string]: true }),
);

/** The field a record gets when no named rule takes it: its record name plus the unit suffix (HCA: "_hca", counts: "_counter"). */
export function genericRule(rec: DataRecord): FieldRule | undefined {
  if (rec.quantity === "manufacturer_data" || rec.quantity === "error_flags" || NAMED[rec.name]) return undefined;
  const as = TEXT_QUANTITIES[rec.quantity];
  if (as !== undefined) return { n: rec.name, r: rec.name, as };
  if (typeof rec.value === "string") return { n: rec.name, r: rec.name, as: "str" };
  const u = rec.quantity === "hca" ? "hca" : SUFFIX[rec.unit] ?? (rec.unit === "" ? "counter" : undefined);
  return u === undefined ? { n: rec.name, r: rec.name } : { n: rec.name, u, r: rec.name };
}

/** Names every record the standard rules left: a meter nobody wrote a driver for still shows all its values. */
function nameOtherRecords(c: MfctContext): void {
  for (const rec of c.records) {
    const rule = genericRule(rec);
    if (rule === undefined) continue;
    const name = rule.u === undefined ? rule.n : rule.n + "_" + rule.u;
    if (c.out[name] !== undefined) continue;
    if (rec.value === null && (rule.as === undefined || rule.as === "num")) continue; // invalid numbers are left out
    c.out[name] = ruleValue(rule, rec);
  }
}

export const GENERIC: Driver = deepFreeze({
  name: "unknown",
  detect: [],
  fields: GENERIC_FIELDS,
  decode: nameOtherRecords,
});
