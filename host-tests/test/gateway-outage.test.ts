/**
 * The gateway with its real uplink through a broker outage and a reboot: the embedded broker (aedes, which this
 * test can stop) goes away for a simulated hour, the gateway reboots in the middle (its MQTT offline ring is a
 * file), and when the broker is back every reading produced meanwhile arrives, in order, none twice.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import mqtt, { type MqttClient } from "mqtt";
import { Gateway } from "../../firmware/gateway/gateway.js";
import { parseConfig } from "../../firmware/gateway/config.js";
import type { OutgoingReading } from "../../firmware/uplink/uplink.js";
import { Apartment } from "../sim/apartment.js";
import { nodeCipher } from "../../host/aes-node.js";
import { startEmbeddedBroker, type EmbeddedBroker } from "../../host/gateway-broker.js";
import { DirectFrameSource } from "../rigs/gateway-direct-source.js";
import { createHostHub } from "../../host/gateway-hub.js";
import { tapHub } from "../../firmware/uplink/uplink.js";
import { connect, runApartment, SimClock } from "../sim/gateway-runner.js";

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
async function waitFor(cond: () => boolean, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (!cond() && Date.now() < end) await sleep(20);
}

const dir = mkdtempSync(join(tmpdir(), "wmbus-outage-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A subscriber that records reading ids per meter topic in arrival order. */
async function subscribe(url: string, gatewayId: string): Promise<{ client: MqttClient; got: string[] }> {
  const got: string[] = [];
  const client = await mqtt.connectAsync(url, { clientId: `${gatewayId}-sub-${got.length}${Date.now()}`, clean: true, reconnectPeriod: 0 });
  client.on("message", (topic, payload) => {
    if (topic.endsWith("/status") || payload.length === 0) return;
    got.push(JSON.parse(payload.toString()).reading_id);
  });
  await client.subscribeAsync(`wmbus/${gatewayId}/+`, { qos: 1 });
  return { client, got };
}

describe("gateway through a broker outage and a reboot", () => {
  it("delivers every reading produced meanwhile, in order, none twice", async () => {
    const cipher = nodeCipher();
    const gatewayId = `outage-${process.pid}-${Date.now().toString(36)}`;
    const ap = new Apartment({ cipher, seed: 31, meters: 14 });
    let broker: EmbeddedBroker = await startEmbeddedBroker(0);
    const port = broker.port;
    const { config } = parseConfig(ap.settings(gatewayId, { mqtt: { url: broker.url } }));
    const clock = new SimClock(ap.startMs);
    const produced: OutgoingReading[] = [];
    const boot = () => {
      const hub = createHostHub(config, { dataDir: dir, ringBytes: 2 * 1024 * 1024 });
      const gateway = new Gateway({ config, clock, cipher, hub: tapHub(hub, (r) => produced.push(r)) });
      const g = { gateway, source: new DirectFrameSource() };
      connect(g);
      return { hub, g };
    };

    // 10 simulated minutes online
    let sub = await subscribe(broker.url, gatewayId);
    let run = boot();
    await sleep(300); // let the uplink connect
    await runApartment({ apartment: ap, clock, gateways: [run.g], durationMs: 600_000, settle: () => waitFor(() => run.hub.stats().delivered >= produced.length, 10_000) });
    await waitFor(() => sub.got.length >= produced.length, 10_000);
    const online = produced.length;
    expect(online).toBeGreaterThan(50);
    expect(sub.got).toHaveLength(online);
    const received = [...sub.got];
    await sub.client.endAsync(true);

    // the broker goes away for a simulated hour; the gateway reboots half way
    await broker.close();
    await runApartment({ apartment: ap, clock, gateways: [run.g], durationMs: 1_800_000 });
    expect(run.hub.stats().delivered).toBe(online);
    await run.hub.close(); // power off: what is not delivered stays in the ring file
    const beforeReboot = produced.length;
    run = boot();
    expect(run.hub.stats().buffered).toBe(beforeReboot - online);
    await runApartment({ apartment: ap, clock, gateways: [run.g], durationMs: 1_800_000 });
    const offline = produced.length - online;
    expect(offline).toBeGreaterThan(200);
    expect(run.hub.stats().buffered).toBe(offline);

    // the broker is back
    broker = await startEmbeddedBroker(port);
    sub = await subscribe(broker.url, gatewayId);
    await waitFor(() => sub.got.length >= offline, 30_000);
    await sleep(200); // anything extra (a duplicate) would arrive now
    received.push(...sub.got);
    expect(received).toEqual(produced.map((r) => r.readingId)); // all, in order, once
    expect(run.hub.stats().buffered).toBe(0);
    expect(run.hub.stats().dropped).toBe(0);
    console.log(`outage: ${online} readings online, ${offline} produced during the outage (${beforeReboot - online} before the reboot), all delivered once in order`);
    await sub.client.endAsync(true);
    await run.hub.close();
    await broker.close();
  }, 120_000);
});
