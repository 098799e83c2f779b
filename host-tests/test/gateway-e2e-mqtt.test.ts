/**
 * End to end against a real MQTT broker: Mosquitto on 127.0.0.1:1883 when one answers (the CI machine has
 * one), else the embedded aedes broker. The simulated apartment runs for a simulated hour on the air model,
 * received by the SX1262 driver on its chip simulator (the Heltec board), through the gateway and the MQTT uplink; a subscriber checks that every reading arrives once, decrypted, with the values the
 * meters encoded, and that the Home Assistant discovery configs are valid. Retained topics are cleaned up.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import mqtt, { type MqttClient } from "mqtt";
import { Gateway } from "../../firmware/gateway/gateway.js";
import { parseConfig } from "../../firmware/gateway/config.js";
import { Apartment } from "../sim/apartment.js";
import { nodeCipher } from "../../host/aes-node.js";
import { startTestBroker, type TestBroker } from "../support/uplink-test-broker.js";
import { AirFrameSource, SimulatedAir, telegramKey } from "../rigs/gateway-air-source.js";
import { createHostHub } from "../../host/gateway-hub.js";
import { connect, runApartment, SimClock } from "../sim/gateway-runner.js";
import { checkReadings, type ReceivedReading } from "./gateway-helpers.js";

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

async function waitFor(cond: () => boolean, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (!cond() && Date.now() < end) await sleep(20);
}

let broker: TestBroker;
let url: string;

beforeAll(async () => {
  broker = await startTestBroker();
  url = `mqtt://${broker.host}:${broker.port}`;
});

afterAll(async () => {
  await broker.close();
});

describe("gateway → MQTT broker", () => {
  it("a simulated hour: every reading once, decrypted, right values, valid discovery configs", async () => {
    const cipher = nodeCipher();
    const gatewayId = `e2e-${process.pid}-${Date.now().toString(36)}`;
    const ap = new Apartment({ cipher, seed: 21 });
    const messages = new Map<string, string[]>();
    const sub: MqttClient = await mqtt.connectAsync(url, { clientId: gatewayId + "-sub", clean: true, reconnectPeriod: 0 });
    sub.on("message", (topic, payload) => {
      const list = messages.get(topic) ?? [];
      list.push(payload.toString());
      messages.set(topic, list);
    });
    await sub.subscribeAsync([`wmbus/${gatewayId}/#`, `homeassistant/sensor/${gatewayId}/#`], { qos: 1 });
    try {
      const { config, problems } = parseConfig(ap.settings(gatewayId, { mqtt: { url } }));
      expect(problems).toEqual([]);
      const clock = new SimClock(ap.startMs);
      const hub = createHostHub(config);
      const gateway = new Gateway({ config, clock, cipher, hub });
      const source = new AirFrameSource({ air: new SimulatedAir({ clock }), chip: "sx1262" });
      const g = { gateway, source };
      connect(g);
      await waitFor(() => messages.has(`wmbus/${gatewayId}/status`), 5000); // connected: the online status is there
      await runApartment({
        apartment: ap, clock, gateways: [g], durationMs: 3_600_000,
        settle: () => waitFor(() => hub.stats().delivered >= gateway.stats().readings, 10_000),
      });
      const readings = gateway.stats().readings;
      const meterTopics = () => [...messages.keys()].filter((t) => t.split("/").length === 3 && !t.endsWith("/status"));
      await waitFor(() => meterTopics().reduce((n, t) => n + messages.get(t)!.length, 0) >= readings, 15_000);
      await hub.close();

      // every reading once, decrypted, with the values the meters sent
      const received: ReceivedReading[] = [];
      for (const t of meterTopics()) {
        for (const text of messages.get(t)!) {
          const r = JSON.parse(text);
          received.push({ meterId: t.split("/")[2], telegramId: r.telegram_id, reading: r });
        }
      }
      expect(received).toHaveLength(readings);
      expect(new Set(received.map((r) => r.reading.reading_id)).size).toBe(readings);
      const { meters, telegrams } = checkReadings(ap, received, "TC", (id, seq) => source.heard.has(telegramKey(id, seq)));
      expect(telegrams).toBe(readings);
      expect(meters).toBeGreaterThanOrEqual(30);

      // Home Assistant discovery: one device per meter, a sensor per field, classes that fit the units
      const configs = [...messages.keys()].filter((t) => t.startsWith(`homeassistant/sensor/${gatewayId}/`)).map((t) => JSON.parse(messages.get(t)!.at(-1)!));
      const uniqueIds = new Set<string>();
      const devices = new Set<string>();
      for (const c of configs) {
        expect(typeof c.name).toBe("string");
        expect(uniqueIds.has(c.unique_id)).toBe(false);
        uniqueIds.add(c.unique_id);
        expect(c.state_topic).toMatch(new RegExp(`^wmbus/${gatewayId}/[0-9a-f]{8}$`));
        const field = /^\{\{ value_json\[("[^"]+")\] \}\}$/.exec(c.value_template)?.[1];
        expect(field, c.value_template).toBeDefined();
        const name = JSON.parse(field!) as string;
        const ofMeter = received.filter((r) => r.meterId === c.state_topic.split("/")[2]);
        expect(ofMeter.some((r) => r.reading[name] !== undefined), `${name} in ${c.state_topic}`).toBe(true);
        expect(c.device.identifiers).toHaveLength(1);
        devices.add(c.device.identifiers[0]);
        if (name.endsWith("_m3")) expect(["water", "gas", "volume"]).toContain(c.device_class);
        if (name.endsWith("_kwh")) expect(c.device_class).toBe("energy");
        if (name.endsWith("_c")) expect(c.device_class).toBe("temperature");
        if (c.state_class === "total_increasing") {
          expect(c.unit_of_measurement).toBeDefined();
          const values = ofMeter.map((r) => r.reading[name]).filter((v) => typeof v === "number") as number[];
          for (let i = 1; i < values.length; i++) expect(values[i], `${name} of ${c.state_topic}`).toBeGreaterThanOrEqual(values[i - 1]);
        }
      }
      expect(devices.size).toBe(meters);
      const statuses = messages.get(`wmbus/${gatewayId}/status`)!.map((t) => JSON.parse(t));
      expect(statuses.at(-1).state).toBe("offline"); // closed: the gateway said goodbye
      const status = statuses.filter((x) => x.state === "online").at(-1);
      expect(JSON.stringify(status)).not.toMatch(/[0-9A-F]{32}/); // no key in the status
      // the radio's counters ride along in the status: frames delivered by the driver, CRC errors, air collisions
      expect(status.radio.framesDelivered).toBe(status.stats.frames);
      expect(status.stats.frames).toBeGreaterThan(readings);
      expect(status.radio.crcErrors).toBeGreaterThanOrEqual(0);
      expect(status.radio.airCollisions).toBeGreaterThan(0);
    } finally {
      // clean every retained topic of this run
      await Promise.all([...messages.keys()].map((t) => sub.publishAsync(t, "", { qos: 1, retain: true })));
      await sub.endAsync();
    }
  }, 120_000);
});
