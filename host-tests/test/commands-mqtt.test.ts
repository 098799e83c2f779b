/**
 * Commands end to end over a real MQTT broker (Mosquitto when one answers, else aedes), through the host's MQTT
 * uplink (the `mqtt` package behind the same MqttTransport the device implements): a user publishes
 * {"kind":"snd_ud",…} on wmbus/<gw>/<meter>/set, the gateway sends it in the simulated T2 valve's window, the
 * outcomes arrive on …/command, and the valve's next reading on wmbus/<gw>/<meter> says remote_control 0.
 * commands-device-mqtt.test.ts runs the same path on the device transport.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import mqtt from "mqtt";
import { fromHex } from "../../firmware/util/hex.js";
import { Gateway } from "../../firmware/gateway/gateway.js";
import { parseConfig } from "../../firmware/gateway/config.js";
import { CommandService } from "../../firmware/gateway/command-service.js";
import { addressBytes } from "../../firmware/link/dll-encode.js";
import { VirtualClock } from "../sim/mbus/virtual-clock.js";
import { BidirAir, SimTransceiver } from "../rigs/bidir-air.js";
import { createHostHub } from "../../host/gateway-hub.js";
import { startTestBroker, until, type TestBroker } from "../support/uplink-test-broker.js";
import { nodeCipher } from "../../host/aes-node.js";

let broker: TestBroker;
let url: string;
beforeAll(async () => {
  broker = await startTestBroker();
  url = `mqtt://${broker.host}:${broker.port}`;
});
afterAll(async () => {
  await broker.close();
});

describe("commands over MQTT", () => {
  it("set → window → acked on …/command, new valve state in the meter's reading topic", async () => {
    const cipher = nodeCipher();
    const gw = `cmd-${process.pid}-${Date.now().toString(36)}`;
    const key = "000102030405060708090A0B0C0D0E0F";
    const { config, problems } = parseConfig({ gatewayId: gw, mqtt: { url }, meters: [{ id: "11223344", key, name: "valve", driver: "auto" }] });
    expect(problems).toEqual([]);
    const user = await mqtt.connectAsync(url, { clientId: gw + "-user", clean: true, reconnectPeriod: 0 });
    const seen: { topic: string; payload: string }[] = [];
    user.on("message", (topic, p) => seen.push({ topic, payload: p.toString() }));
    await user.subscribeAsync([`wmbus/${gw}/#`, `homeassistant/sensor/${gw}/#`], { qos: 1 });
    const clock = new VirtualClock();
    const wall = () => 1_800_000_000_000 + clock.now();
    let radio: SimTransceiver | undefined;
    const commands = new CommandService({ config: () => config, now: wall, cipher, transmitter: { transmit: (r) => radio!.transmit(r) } });
    const hub = createHostHub(config, { onMqttUplink: (u) => commands.attachMqtt(u) });
    const gateway = new Gateway({ config, clock: { now: wall }, cipher, hub, onTelegram: (id, t, frame) => void commands.onTelegram(id, t, frame) });
    const air = new BidirAir({ clock, cipher, toGateway: (f) => { if (!commands.onAnswer(f)) gateway.handleFrame(f); } });
    radio = new SimTransceiver(clock, air, 1);
    const valve = air.add({ id: "11223344", mode: "T", key: fromHex(key), intervalMs: 60_000, firstAt: 1_000, kind: "valve" }, addressBytes("ELS", "11223344", 1, 0x21));
    try {
      await until(() => seen.some((m) => m.topic === `wmbus/${gw}/status` && m.payload.includes("online")), "gateway online");
      // the subscription is in force once a probe to an unconfigured meter comes back refused
      for (let i = 0; i < 100 && !seen.some((m) => m.topic === `wmbus/${gw}/00000000/command`); i++) {
        await user.publishAsync(`wmbus/${gw}/00000000/set`, '{"kind":"snd_nke"}', { qos: 1 });
        await new Promise((r) => setTimeout(r, 50));
      }
      await user.publishAsync(`wmbus/${gw}/11223344/set`, JSON.stringify({ id: "close", kind: "snd_ud", records: [{ dif: 1, vib: "FD1F", data: "00" }] }), { qos: 1 });
      await until(() => seen.some((m) => m.topic.endsWith("/command") && m.payload.includes('"queued"')), "queued outcome");
      await clock.runUntil(70_000);
      await until(() => seen.some((m) => m.topic.endsWith("/command") && m.payload.includes('"acked"')), "acked outcome");
      await until(() => seen.filter((m) => m.topic === `wmbus/${gw}/11223344`).length >= 2, "two readings");
      expect(valve.valve).toBe("closed");
      const states = seen.filter((m) => m.topic === `wmbus/${gw}/11223344/command`).map((m) => JSON.parse(m.payload).state);
      expect(states).toEqual(["queued", "sent", "acked"]);
      const readings = seen.filter((m) => m.topic === `wmbus/${gw}/11223344`).map((m) => JSON.parse(m.payload).remote_control);
      expect(readings[0]).toBe(1);
      expect(readings[readings.length - 1]).toBe(0);
      expect(seen.map((m) => m.payload).join("")).not.toContain(key);
    } finally {
      hub.close();
      // retained topics of this test gateway (readings, status, discovery) are removed from the broker
      await new Promise((r) => setTimeout(r, 300));
      for (const t of new Set(seen.map((m) => m.topic))) await user.publishAsync(t, "", { retain: true, qos: 1 }).catch(() => undefined);
      await user.endAsync();
    }
  }, 60_000);
});
