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

const GENERIC_FIELDS: readonly FieldRule[] = deepFreeze([
  { name: "total", unit: "m3", record: "volume" },
  { name: "target", unit: "m3", record: "volume_storage_1" },
  { name: "total_energy_consumption", unit: "kwh", record: "energy" },
  { name: "target_energy", unit: "kwh", record: "energy_storage_1" },
  { name: "target_date", record: "date_storage_1", valueType: "date" },
  { name: "meter_datetime", record: "date_time", valueType: "datetime" },
  { name: "meter_date", record: "date", valueType: "date" },
  { name: "current_consumption", unit: "hca", record: "hca" },
  { name: "consumption_at_set_date", unit: "hca", record: "hca_storage_1" },
  { name: "volume_flow", unit: "m3h", record: "volume_flow" },
  { name: "power", unit: "kw", record: "power" },
  { name: "flow_temperature", unit: "c", record: "flow_temperature" },
  { name: "return_temperature", unit: "c", record: "return_temperature" },
  { name: "temperature_difference", unit: "c", record: "temperature_difference" },
  { name: "external_temperature", unit: "c", record: "external_temperature" },
  { name: "pressure", unit: "bar", record: "pressure" },
  { name: "relative_humidity", unit: "rh", record: "relative_humidity" },
  { name: "voltage", unit: "v", record: "voltage" },
  { name: "current", unit: "a", record: "current" },
  { name: "frequency", unit: "hz", record: "frequency" },
  { name: "operating_time", unit: "h", record: "operating_time" },
  { name: "on_time", unit: "h", record: "on_time" },
  { name: "remaining_battery_life", unit: "y", record: "remaining_battery_life" },
  { name: "fabrication_no", record: "fabrication_number", valueType: "str" },
  { name: "enhanced_id", record: "enhanced_identification", valueType: "str" },
  { name: "software_version", record: "software_version", valueType: "str" },
  { name: "firmware_version", record: "firmware_version", valueType: "str" },
  { name: "model_version", record: "model_version", valueType: "str" },
  // VIF FD 1F (EN 13757-3:2018): an actuator's remote-control state, e.g. a valve (docs/bidirectional.md)
  { name: "remote_control", record: "remote_control" },
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
    if (typeof f.record === "string") o[f.record] = true;
    return o;
  }, Object.create(null) as { [r: string]: true }),
);

/** The field a record gets when no named rule takes it: its record name plus the unit suffix (HCA: "_hca", counts: "_counter"). */
function genericRule(rec: DataRecord): FieldRule | undefined {
  if (rec.quantity === "manufacturer_data" || rec.quantity === "error_flags" || NAMED[rec.name]) return undefined;
  const as = TEXT_QUANTITIES[rec.quantity];
  if (as !== undefined) return { name: rec.name, record: rec.name, valueType: as };
  if (typeof rec.value === "string") return { name: rec.name, record: rec.name, valueType: "str" };
  const u = rec.quantity === "hca" ? "hca" : SUFFIX[rec.unit] ?? (rec.unit === "" ? "counter" : undefined);
  return u === undefined ? { name: rec.name, record: rec.name } : { name: rec.name, unit: u, record: rec.name };
}

/** Names every record the standard rules left: a meter nobody wrote a driver for still shows all its values. */
function nameOtherRecords(c: MfctContext): void {
  for (const rec of c.records) {
    const rule = genericRule(rec);
    if (rule === undefined) continue;
    const name = rule.unit === undefined ? rule.name : rule.name + "_" + rule.unit;
    if (c.out[name] !== undefined) continue;
    if (rec.value === null && (rule.valueType === undefined || rule.valueType === "num")) continue; // invalid numbers are left out
    c.out[name] = ruleValue(rule, rec);
  }
}

export const GENERIC: Driver = deepFreeze({
  name: "unknown",
  detect: [],
  fields: GENERIC_FIELDS,
  decode: nameOtherRecords,
});
