/**
 * MQTT uplink against a real broker (Mosquitto on 127.0.0.1:1883 when it answers, else embedded
 * aedes), through a TCP proxy the test cuts and restores: retained QoS 1 readings, HA discovery,
 * status and LWT, in-order none-twice delivery across an outage and across a reboot (new hub on
 * the same buffer file). Every retained message the test creates is cleared at the end.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import mqtt, { type MqttClient } from "mqtt";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DeliveryHub } from "../../firmware/uplink/hub.js";
import { MqttUplink } from "../../firmware/uplink/mqtt-uplink.js";
import { RecordRing } from "../../firmware/uplink/ring-buffer.js";
import type { OutgoingReading } from "../../firmware/uplink/uplink.js";
import { FileBlockStorage } from "../../host/uplink-file-storage.js";
import { nodeTimers } from "../../host/uplink-node-timers.js";
import { NodeMqttTransport } from "../../host/uplink-mqtt-node.js";
import { startTestBroker, TcpProxy, until, type TestBroker } from "../support/uplink-test-broker.js";
import { emptyStatus } from "../support/status-doc.js";

const RUN = `t${Date.now().toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}`;

interface Seen {
  topic: string;
  payload: string;
  qos: number;
  retain: boolean;
}

async function subscriber(broker: TestBroker, topics: string[]): Promise<{ client: MqttClient; seen: Seen[] }> {
  const client = await mqtt.connectAsync({ host: broker.host, port: broker.port, protocolVersion: 4, clean: true, reconnectPeriod: 0 });
  const seen: Seen[] = [];
  client.on("message", (topic, payload, packet) => seen.push({ topic, payload: payload.toString("utf8"), qos: packet.qos, retain: packet.retain }));
  await client.subscribeAsync(topics, { qos: 1 });
  return { client, seen };
}

function reading(gw: string, meter: string, i: number): OutgoingReading {
  const water = meter.endsWith("1");
  return {
    readingId: `${gw}:${meter}:${i}`,
    telegramId: `tg-${meter}-${i}`,
    meterId: meter,
    meterName: water ? "Kitchen" : "Radiator",
    driver: water ? "multical21" : "qcaloric",
    media: water ? "water" : "heat cost allocation",
    manufacturer: water ? "KAM" : "QDS",
    reading: water
      ? { _: "telegram", media: "water", meter: "multical21", name: "Kitchen", id: meter, total_m3: 100 + i / 1000, flow_temperature_c: 12, status: "OK", timestamp: "2026-01-01T00:00:00Z" }
      : { _: "telegram", media: "heat cost allocation", meter: "qcaloric", name: "Radiator", id: meter, current_consumption_hca: i, set_date: "2025-12-31", timestamp: "2026-01-01T00:00:00Z" },
    receivedAt: 1_767_225_600_000 + i,
  };
}

const readingIds = (seen: Seen[], gw: string) =>
  seen.filter((s) => s.topic.startsWith(`wmbus/${gw}/`) && !s.topic.endsWith("/status") && s.payload !== "").map((s) => JSON.parse(s.payload).reading_id as string);

describe("MQTT uplink on a real broker", () => {
  let broker: TestBroker;
  let proxy: TcpProxy;
  let dir: string;
  const gateways: string[] = [];
  /** Hubs to close before the sweep, so a failed test leaves no connection (and no late LWT). */
  const open: { close(): Promise<void> | void }[] = [];

  beforeAll(async () => {
    broker = await startTestBroker();
    proxy = await TcpProxy.start(broker.host, broker.port);
    dir = mkdtempSync(join(tmpdir(), "wmbus-uplink-"));
  });

  afterAll(async () => {
    for (const h of open) await h.close();
    // Clear every retained message this run created (readings, status, discovery).
    const sweep = await subscriber(broker, gateways.flatMap((g) => [`wmbus/${g}/#`, `homeassistant/sensor/${g}/#`]));
    await new Promise((r) => setTimeout(r, 300));
    const topics = new Set(sweep.seen.filter((s) => s.retain && s.payload !== "").map((s) => s.topic));
    for (const t of topics) await sweep.client.publishAsync(t, "", { qos: 1, retain: true });
    await sweep.client.endAsync();
    await proxy?.close();
    await broker?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  function makeHub(gw: string, file: string) {
    const storage = new FileBlockStorage(join(dir, file), 64 * 1024);
    const sink = new MqttUplink({
      transport: new NodeMqttTransport({ connectTimeoutMs: 2000 }),
      connect: { host: "127.0.0.1", port: proxy.port, tls: false, clientId: `${gw}-${Math.random().toString(36).slice(2)}`, keepAliveMs: 5000 },
      gatewayId: gw,
      timers: nodeTimers,
      reconnectMinMs: 50,
      reconnectMaxMs: 200,
    });
    const hub = new DeliveryHub({ sink, ring: RecordRing.open(storage), timers: nodeTimers, retryMinMs: 50, retryMaxMs: 200 });
    open.push(hub);
    return { sink, hub, storage };
  }

  it("publishes retained QoS 1 readings, discovery configs and online status", async () => {
    const gw = `${RUN}a`;
    gateways.push(gw);
    const sub = await subscriber(broker, [`wmbus/${gw}/#`, `homeassistant/sensor/${gw}/#`]);
    const { sink, hub, storage } = makeHub(gw, "a.ring");
    await until(() => sink.ready(), "connect");
    const sent = [reading(gw, "00000001", 1), reading(gw, "00000002", 1), reading(gw, "00000001", 2)];
    for (const r of sent) hub.submit(r);
    await until(() => readingIds(sub.seen, gw).length === 3 && hub.stats().delivered === 3, "3 readings");
    hub.gatewayStatus(emptyStatus({ uptime_s: 12 }));
    expect(readingIds(sub.seen, gw)).toEqual(sent.map((r) => r.readingId));

    const configs = sub.seen.filter((s) => s.topic.startsWith(`homeassistant/sensor/${gw}/`));
    // Meter 1: total_m3, flow_temperature_c, status, timestamp; meter 2: consumption, set_date, timestamp.
    expect(configs.map((c) => c.topic).sort()).toEqual(
      ["00000001_total_m3", "00000001_flow_temperature_c", "00000001_status", "00000001_timestamp", "00000002_current_consumption_hca", "00000002_set_date", "00000002_timestamp"]
        .map((o) => `homeassistant/sensor/${gw}/${o}/config`)
        .sort(),
    );
    const total = JSON.parse(configs.find((c) => c.topic.includes("00000001_total_m3"))!.payload);
    expect(total).toMatchObject({ device_class: "water", unit_of_measurement: "m³", state_class: "total_increasing", state_topic: `wmbus/${gw}/00000001` });
    expect(total.device).toMatchObject({ manufacturer: "KAM", model: "multical21", name: "Kitchen" });

    // Everything arrived with QoS 1; a late subscriber gets the retained last state of each topic.
    expect(sub.seen.every((s) => s.qos === 1)).toBe(true);
    await until(() => sub.seen.some((s) => s.topic === `wmbus/${gw}/status` && JSON.parse(s.payload).uptime_s === 12), "status");
    const late = await subscriber(broker, [`wmbus/${gw}/#`]);
    await until(() => late.seen.length >= 3, "retained messages");
    const retained = new Map(late.seen.filter((s) => s.retain).map((s) => [s.topic, JSON.parse(s.payload)]));
    expect(retained.get(`wmbus/${gw}/00000001`).reading_id).toBe(`${gw}:00000001:2`);
    expect(retained.get(`wmbus/${gw}/00000002`).reading_id).toBe(`${gw}:00000002:1`);
    expect(retained.get(`wmbus/${gw}/status`)).toMatchObject({ state: "online", uptime_s: 12, uplink: { delivered: 3 } }); // the hub's counters fill a document without them
    await late.client.endAsync();
    await sub.client.endAsync();
    await hub.close();
    storage.close();
  });

  it("announces offline by LWT on an outage, then delivers everything in order, once, also across a reboot", async () => {
    const gw = `${RUN}b`;
    gateways.push(gw);
    const sub = await subscriber(broker, [`wmbus/${gw}/#`]);
    const statuses = () => sub.seen.filter((s) => s.topic === `wmbus/${gw}/status`).map((s) => JSON.parse(s.payload).state as string);
    let run = makeHub(gw, "b.ring");
    await until(() => run.sink.ready(), "connect");
    const sent: string[] = [];
    const submit = (i: number) => {
      const r = reading(gw, i % 2 ? "00000001" : "00000002", i);
      sent.push(r.readingId);
      run.hub.submit(r);
    };
    for (let i = 0; i < 5; i++) submit(i);
    await until(() => run.hub.stats().delivered === 5, "first readings");

    proxy.cut();
    await until(() => statuses().at(-1) === "offline", "LWT offline");
    for (let i = 5; i < 40; i++) submit(i);
    expect(run.hub.stats().buffered).toBe(35);
    proxy.restore();
    await until(() => run.hub.stats().delivered === 40, "drain after the outage");
    expect(statuses().at(-1)).toBe("online");

    // Reboot: the gateway dies during a second outage with readings buffered.
    proxy.cut();
    await until(() => !run.sink.ready(), "disconnect");
    for (let i = 40; i < 55; i++) submit(i);
    await run.sink.close(); // power off: no clean shutdown of the hub
    run.storage.close();
    run = makeHub(gw, "b.ring");
    expect(run.hub.stats().buffered).toBe(15);
    proxy.restore();
    await until(() => run.hub.stats().delivered === 15, "drain after the reboot");
    for (let i = 55; i < 60; i++) submit(i);
    await until(() => readingIds(sub.seen, gw).length >= 60, "all readings");
    await new Promise((r) => setTimeout(r, 200)); // a repeat would arrive now

    expect(readingIds(sub.seen, gw)).toEqual(sent);
    await sub.client.endAsync();
    await run.hub.close();
    run.storage.close();
  });
});
