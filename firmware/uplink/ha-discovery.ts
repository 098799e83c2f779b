/**
 * Home Assistant MQTT discovery (https://www.home-assistant.io/integrations/sensor.mqtt/ and
 * /integrations/mqtt/#mqtt-discovery): one sensor config per reading field, one HA device per meter.
 *
 * The unit, device class and state class come from the field name's unit suffix (the naming
 * contract of docs/readings.md) through the SUFFIXES table. Device classes and units are only ones
 * HA documents for the sensor platform (https://developers.home-assistant.io/docs/core/entity/sensor/
 * "Available device classes"); where a unit has no matching class the class is left out, which
 * HA accepts for any unit.
 */
import type { FieldValue } from "../meters/types.js";
import type { Topics } from "./topics.js";
import { topicId } from "./topics.js";
import type { OutgoingReading } from "./uplink.js";

/**
 * How a field accumulates: "acc" = a register that counts up (energy, volume, HCA units: HA needs
 * state_class total/total_increasing for these), "meas" = an instantaneous value.
 */
type Kind = "acc" | "meas";

/** [suffix, unit_of_measurement, device class ("" = none), kind]. */
type SuffixRow = readonly [string, string, string, Kind];

/** Volume classes depend on the medium: HA's water and gas classes feed the energy dashboard. */
const VOLUME = "<volume>";

export const SUFFIXES: readonly SuffixRow[] = Object.freeze([
  ["kwh", "kWh", "energy", "acc"],
  ["mwh", "MWh", "energy", "acc"],
  ["gj", "GJ", "energy", "acc"],
  ["mj", "MJ", "energy", "acc"],
  ["kvarh", "kvarh", "", "acc"],
  ["kvah", "kVAh", "", "acc"],
  ["m3c", "m³·°C", "", "acc"],
  ["hca", "HCA", "", "acc"],
  ["m3", "m³", VOLUME, "acc"],
  ["l", "L", VOLUME, "acc"],
  ["kw", "kW", "power", "meas"],
  ["w", "W", "power", "meas"],
  ["kvar", "kvar", "", "meas"],
  ["kva", "kVA", "", "meas"],
  ["m3h", "m³/h", "volume_flow_rate", "meas"],
  ["lh", "L/h", "", "meas"],
  ["kg", "kg", "weight", "meas"],
  ["kgh", "kg/h", "", "meas"],
  ["c", "°C", "temperature", "meas"],
  // Kelvin fields are temperature differences, not temperatures.
  ["k", "K", "", "meas"],
  ["bar", "bar", "pressure", "meas"],
  ["v", "V", "voltage", "meas"],
  ["a", "A", "current", "meas"],
  ["hz", "Hz", "frequency", "meas"],
  ["pct", "%", "", "meas"],
  ["rh", "%", "humidity", "meas"],
  ["dbm", "dBm", "signal_strength", "meas"],
  ["s", "s", "duration", "meas"],
  ["min", "min", "duration", "meas"],
  ["h", "h", "duration", "meas"],
  ["d", "d", "duration", "meas"],
  ["y", "y", "", "meas"],
  ["counter", "", "", "meas"],
  ["nr", "", "", "meas"],
]);

/** The row of a field suffix (discovery runs once per meter and field: a scan of the table is enough). */
function suffixRow(suffix: string): (typeof SUFFIXES)[number] | undefined {
  for (const r of SUFFIXES) if (r[0] === suffix) return r;
  return undefined;
}

/** [medium word found in `media`, HA class of its volumes]. Water before gas: "warm water". */
const VOLUME_CLASSES: readonly (readonly [string, string])[] = Object.freeze([
  ["water", "water"],
  ["gas", "gas"],
]);
/** HA's gas class has no litres (gas units: m³, ft³, CCF). */
const GAS_UNITS: readonly string[] = Object.freeze(["m³"]);

/** Reading keys that describe the telegram rather than a measured value. */
const NOT_SENSORS: readonly string[] = Object.freeze(["_", "media", "meter", "name", "id", "telegram", "error", "device", "reading_id", "telegram_id"]);

/** Keys shown as diagnostics of the device rather than as its main sensors. */
const DIAGNOSTIC: readonly string[] = Object.freeze(["rssi_dbm", "timestamp"]);

export interface SensorClass {
  unit?: string;
  deviceClass?: string;
  stateClass?: "measurement" | "total" | "total_increasing";
}

/** Unit, device class and state class of a reading field (by its suffix and value type). */
export function classify(field: string, value: FieldValue, media: string): SensorClass {
  if (field === "timestamp") return { deviceClass: "timestamp" };
  if (typeof value !== "number") {
    // Dates print as YYYY-MM-DD (docs/readings.md), which is what HA's date class parses.
    return field.endsWith("_date") && typeof value === "string" && /^\d{4}-\d{2}-\d{2}$/.test(value) ? { deviceClass: "date" } : {};
  }
  const cut = field.lastIndexOf("_");
  const row = cut >= 0 ? suffixRow(field.slice(cut + 1)) : undefined;
  if (!row) return { stateClass: "measurement" };
  const [, unit, cls, kind] = row;
  let deviceClass = cls;
  if (cls === VOLUME) {
    const medium = VOLUME_CLASSES.find(([word]) => media.includes(word));
    deviceClass = medium && (medium[1] !== "gas" || GAS_UNITS.includes(unit)) ? medium[1] : "volume";
  }
  const stateClass = kind === "meas" ? "measurement" : /(^|_)total(_|$)|^current_consumption/.test(field) ? "total_increasing" : "total";
  const out: SensorClass = { stateClass };
  if (unit) out.unit = unit;
  if (deviceClass) out.deviceClass = deviceClass;
  return out;
}

/** "total_energy_consumption_kwh" → "Total energy consumption". */
export function fieldTitle(field: string): string {
  const cut = field.lastIndexOf("_");
  const base = cut > 0 && suffixRow(field.slice(cut + 1)) !== undefined ? field.slice(0, cut) : field;
  const words = base.replace(/_/g, " ");
  return words.charAt(0).toUpperCase() + words.slice(1);
}

export interface DiscoveryMessage {
  topic: string;
  payload: string;
}

/** The fields of a reading that get a sensor, in reading order. */
export function sensorFields(r: OutgoingReading): string[] {
  return Object.keys(r.reading).filter((k) => !NOT_SENSORS.includes(k));
}

/** One discovery config per sensor field of `r`. */
export function discoveryConfigs(r: OutgoingReading, topics: Topics, origin = "wmbus-gateway"): DiscoveryMessage[] {
  const meter = topicId(r.meterId);
  const deviceId = `wmbus_${topics.gateway}_${meter}`;
  const device = {
    identifiers: [deviceId],
    name: r.meterName || `${r.driver} ${r.meterId}`,
    manufacturer: r.manufacturer || "wM-Bus meter",
    model: r.driver,
  };
  const availability = [
    { topic: topics.status, value_template: "{{ value_json.state }}", payload_available: "online", payload_not_available: "offline" },
  ];
  return sensorFields(r).map((field) => {
    const c = classify(field, r.reading[field], r.media);
    const objectId = `${meter}_${topicId(field)}`;
    const config: Record<string, unknown> = {
      name: fieldTitle(field),
      unique_id: `${deviceId}_${topicId(field)}`,
      state_topic: topics.meter(r.meterId),
      // Bracket access with a quoted literal keeps any key safe in Jinja.
      value_template: `{{ value_json[${JSON.stringify(field)}] }}`,
    };
    if (c.unit) config.unit_of_measurement = c.unit;
    if (c.deviceClass) config.device_class = c.deviceClass;
    if (c.stateClass) config.state_class = c.stateClass;
    if (DIAGNOSTIC.includes(field)) config.entity_category = "diagnostic";
    config.availability = availability;
    config.device = device;
    config.origin = { name: origin };
    return { topic: topics.discovery(objectId), payload: JSON.stringify(config) };
  });
}
