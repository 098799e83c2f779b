/**
 * Home Assistant discovery configs (firmware/uplink/ha-discovery.ts) for every reading the corpus
 * expects: valid JSON, the keys HA needs, unique ids, and units / device classes / state classes
 * from HA's documented sets (developers.home-assistant.io "Sensor entity": device classes and
 * their units; state classes).
 */
import { describe, expect, it } from "vitest";
import { classify, discoveryConfigs, fieldTitle, SUFFIXES } from "../../firmware/uplink/ha-discovery.js";
import { Topics, topicId } from "../../firmware/uplink/topics.js";
import type { OutgoingReading } from "../../firmware/uplink/uplink.js";
import type { Reading } from "../../firmware/meters/types.js";
import { loadCorpus } from "./corpus-helpers.js";

/** HA sensor device classes used here and the units HA documents for each. */
const HA_UNITS: Record<string, readonly string[] | null> = {
  energy: ["J", "kJ", "MJ", "GJ", "mWh", "Wh", "kWh", "MWh", "GWh", "TWh", "cal", "kcal", "Mcal", "Gcal"],
  power: ["mW", "W", "kW", "MW", "GW", "TW"],
  water: ["L", "gal", "m³", "ft³", "CCF"],
  gas: ["m³", "ft³", "CCF"],
  volume: ["L", "mL", "gal", "fl. oz.", "m³", "ft³", "CCF"],
  volume_flow_rate: ["m³/h", "ft³/min", "L/min", "gal/min"],
  temperature: ["°C", "°F", "K"],
  pressure: ["Pa", "kPa", "hPa", "bar", "cbar", "mbar", "mmHg", "inHg", "psi"],
  voltage: ["µV", "mV", "V", "kV", "MV"],
  current: ["mA", "A"],
  frequency: ["Hz", "kHz", "MHz", "GHz"],
  humidity: ["%"],
  signal_strength: ["dB", "dBm"],
  duration: ["d", "h", "min", "s", "ms"],
  weight: ["kg", "g", "mg", "µg", "oz", "lb", "st"],
  date: null,
  timestamp: null,
};
/** Classes for which HA refuses state_class measurement (they are registers). */
const TOTAL_ONLY = new Set(["energy", "water", "gas"]);
const STATE_CLASSES = new Set(["measurement", "total", "total_increasing"]);

function outgoing(reading: Reading, gw = "gw1"): OutgoingReading {
  const id = String(reading.id);
  return {
    readingId: `${gw}:${id}:1`,
    telegramId: `t-${id}`,
    meterId: id,
    meterName: String(reading.name ?? ""),
    driver: String(reading.meter),
    media: String(reading.media),
    reading,
    receivedAt: 0,
  };
}

const corpusReadings = loadCorpus()
  .filter((r) => r.expected && typeof r.expected === "object")
  .map((r) => r.expected as unknown as Reading);

describe("Home Assistant discovery", () => {
  const topics = new Topics("gw1");

  it("covers the corpus readings with valid, complete configs", () => {
    expect(corpusReadings.length).toBeGreaterThan(300);
    let configs = 0;
    const classesSeen = new Set<string>();
    for (const reading of corpusReadings) {
      const r = outgoing(reading);
      const msgs = discoveryConfigs(r, topics);
      const uniqueIds = new Set<string>();
      for (const m of msgs) {
        configs++;
        expect(m.topic).toMatch(/^homeassistant\/sensor\/gw1\/[A-Za-z0-9_-]+\/config$/);
        const c = JSON.parse(m.payload);
        for (const key of ["name", "unique_id", "state_topic", "value_template", "device", "availability"]) expect(c, `${m.topic} ${key}`).toHaveProperty(key);
        expect(uniqueIds.has(c.unique_id), c.unique_id).toBe(false);
        uniqueIds.add(c.unique_id);
        expect(c.state_topic).toBe(`wmbus/gw1/${topicId(r.meterId)}`);
        expect(c.device.identifiers).toEqual([`wmbus_gw1_${topicId(r.meterId)}`]);
        expect(c.device.model).toBe(r.driver);
        expect(c.availability[0].topic).toBe("wmbus/gw1/status");
        // The template names a field that is in the reading.
        const field = /^\{\{ value_json\[("(?:[^"\\]|\\.)*")\] \}\}$/.exec(c.value_template);
        expect(field, c.value_template).not.toBeNull();
        expect(reading).toHaveProperty([JSON.parse(field![1])]);
        if (c.device_class !== undefined) {
          classesSeen.add(c.device_class);
          expect(Object.keys(HA_UNITS), c.unique_id).toContain(c.device_class);
          const units = HA_UNITS[c.device_class];
          if (units) expect(units, `${c.unique_id} ${c.unit_of_measurement}`).toContain(c.unit_of_measurement);
          else expect(c.unit_of_measurement).toBeUndefined();
          if (TOTAL_ONLY.has(c.device_class)) expect(["total", "total_increasing"]).toContain(c.state_class);
        }
        if (c.state_class !== undefined) {
          expect(STATE_CLASSES.has(c.state_class)).toBe(true);
          expect(typeof reading[JSON.parse(field![1])]).toBe("number");
        }
      }
    }
    expect(configs).toBeGreaterThan(2000);
    for (const cls of ["energy", "water", "temperature", "power", "volume_flow_rate", "timestamp"]) expect(classesSeen).toContain(cls);
  });

  it("maps water, heat and gas registers to the classes of the energy dashboard", () => {
    expect(classify("total_m3", 12.5, "water")).toEqual({ unit: "m³", deviceClass: "water", stateClass: "total_increasing" });
    expect(classify("target_m3", 10, "warm water")).toEqual({ unit: "m³", deviceClass: "water", stateClass: "total" });
    expect(classify("total_m3", 3, "gas")).toEqual({ unit: "m³", deviceClass: "gas", stateClass: "total_increasing" });
    expect(classify("total_l", 3, "gas")).toEqual({ unit: "L", deviceClass: "volume", stateClass: "total_increasing" });
    expect(classify("total_m3", 3, "heat")).toEqual({ unit: "m³", deviceClass: "volume", stateClass: "total_increasing" });
    expect(classify("total_energy_consumption_kwh", 5249.17, "electricity")).toEqual({ unit: "kWh", deviceClass: "energy", stateClass: "total_increasing" });
    expect(classify("flow_temperature_c", 40.1, "heat")).toEqual({ unit: "°C", deviceClass: "temperature", stateClass: "measurement" });
    expect(classify("current_consumption_hca", 120, "heat cost allocation")).toEqual({ unit: "HCA", stateClass: "total_increasing" });
    expect(classify("set_date", "2024-01-31", "water")).toEqual({ deviceClass: "date" });
    expect(classify("status", "OK", "water")).toEqual({});
    expect(classify("alarm_counter", 3, "water")).toEqual({ stateClass: "measurement" });
  });

  it("has one table row per suffix, every unit suffix of the naming contract", () => {
    const suffixes = SUFFIXES.map((r) => r[0]);
    expect(new Set(suffixes).size).toBe(suffixes.length);
    // docs/readings.md "Unit suffixes"
    for (const s of ["kwh", "mwh", "gj", "mj", "kvarh", "kvah", "kw", "w", "kvar", "kva", "m3", "l", "m3h", "lh", "kg", "kgh", "c", "k", "bar", "v", "a", "hz", "pct", "rh", "dbm", "s", "min", "h", "d", "y", "hca", "counter", "nr", "m3c"]) {
      expect(suffixes).toContain(s);
    }
  });

  it("titles fields without their unit suffix", () => {
    expect(fieldTitle("total_energy_consumption_kwh")).toBe("Total energy consumption");
    expect(fieldTitle("status")).toBe("Status");
    expect(fieldTitle("target_date")).toBe("Target date");
  });

  it("keeps ids that are not topic-safe out of topics and ids", () => {
    const r = outgoing({ _: "telegram", media: "water", meter: "x", name: "", id: "ab/#+c", total_m3: 1 }, "gw/+#");
    const t = new Topics("gw/+#");
    for (const m of discoveryConfigs(r, t)) {
      expect(m.topic).not.toMatch(/[+#]/);
      expect(m.topic.split("/")).toHaveLength(5);
      expect(JSON.parse(m.payload).state_topic).toBe("wmbus/gw___/ab___c");
    }
  });
});
