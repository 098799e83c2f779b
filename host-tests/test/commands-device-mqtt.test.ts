/**
 * The command path through the gateway's own MQTT client, as on the device: MqttUplink over ModdableMqttTransport
 * on a fake of the SDK's classic client (./moddable-mqtt-fake.ts: QoS 0 SUBSCRIBE, onMessage from a Timer) against
 * the real broker (Mosquitto on 127.0.0.1:1883, else aedes). The CommandService subscribes to wmbus/<gw>/+/set,
 * queues what arrives, and publishes every outcome on …/<meter>/command: refusals (unconfigured meter, meter
 * without a key), queued → sent → acked for a simulated T2 valve whose next reading says it closed, the
 * subscription renewed after the broker connection drops, and a retained command not taken twice.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import mqtt from "mqtt";
import { startTestBroker, TcpProxy, until, type TestBroker } from "../support/uplink-test-broker.js";

vi.mock("moddable:mqtt", async () => ({ default: (await import("./moddable-mqtt-fake.js")).FakeModdableMqttClient }));

const { fakeSubscriptions } = await import("./moddable-mqtt-fake.js");
const { ModdableMqttTransport } = await import("../../firmware/device/mqtt-moddable.js");
const { composeUplinks } = await import("../../firmware/uplink/compose.js");
const { RecordRing } = await import("../../firmware/uplink/ring-buffer.js");
const { MemoryBlockStorage } = await import("../../firmware/uplink/block-storage.js");
const { CommandService } = await import("../../firmware/gateway/command-service.js");
const { Gateway } = await import("../../firmware/gateway/gateway.js");
const { parseConfig } = await import("../../firmware/gateway/config.js");
const { addressBytes } = await import("../../firmware/link/dll-encode.js");
const { fromHex } = await import("../../firmware/util/hex.js");
const { VirtualClock } = await import("../sim/mbus/virtual-clock.js");
const { BidirAir, SimTransceiver } = await import("../rigs/bidir-air.js");
const { nodeTimers } = await import("../../host/uplink-node-timers.js");
const { nodeCipher } = await import("../../host/aes-node.js");

let broker: TestBroker;
let proxy: TcpProxy;
beforeAll(async () => {
  broker = await startTestBroker();
  proxy = await TcpProxy.start(broker.host, broker.port);
});
afterAll(async () => {
  await proxy.close();
  await broker.close();
});

const KEY = "000102030405060708090A0B0C0D0E0F";

describe("commands through the device MQTT client", () => {
  it("set → refused / queued → sent → acked on …/command; renewed after a reconnect; a retained command is taken once", async () => {
    const cipher = nodeCipher();
    const gw = `dcmd-${process.pid}-${Date.now().toString(36)}`;
    const { config, problems } = parseConfig({
      gatewayId: gw, mqtt: { url: `mqtt://127.0.0.1:${proxy.port}` },
      meters: [{ id: "11223344", key: KEY, name: "valve", driver: "auto" }, { id: "12121212", name: "no key", driver: "auto" }],
    });
    expect(problems).toEqual([]);
    const user = await mqtt.connectAsync({ host: broker.host, port: broker.port, clientId: gw + "-user", clean: true, reconnectPeriod: 0 });
    const seen: { topic: string; payload: string }[] = [];
    user.on("message", (topic, p) => seen.push({ topic, payload: p.toString() }));
    await user.subscribeAsync(`wmbus/${gw}/#`, { qos: 1 });
    const outcomes = (meter: string) => seen.filter((m) => m.topic === `wmbus/${gw}/${meter}/command`).map((m) => JSON.parse(m.payload) as { id: string; state: string; detail?: string });

    const clock = new VirtualClock();
    const wall = () => 1_800_000_000_000 + clock.now();
    let air: InstanceType<typeof BidirAir> | undefined;
    const commands = new CommandService({ config: () => config, now: wall, cipher, transmitter: { transmit: (r) => radio.transmit(r) } });
    fakeSubscriptions.length = 0;
    const hub = composeUplinks(config, {
      timers: nodeTimers,
      mqtt: () => ({ transport: new ModdableMqttTransport({ timers: nodeTimers }), clientId: gw, keepAliveMs: 30_000 }),
      httpClient: () => { throw new Error("no HTTP here"); },
      ring: () => RecordRing.open(new MemoryBlockStorage(64 * 1024)),
      onMqttUplink: (u) => commands.attachMqtt(u),
    })!;
    const gateway = new Gateway({ config, clock: { now: wall }, cipher, hub, onTelegram: (id, t, frame) => void commands.onTelegram(id, t, frame) });
    air = new BidirAir({ clock, cipher, toGateway: (f) => { if (!commands.onAnswer(f)) gateway.handleFrame(f); } });
    const radio = new SimTransceiver(clock, air, 1);
    const valve = air.add({ id: "11223344", mode: "T", key: fromHex(KEY), intervalMs: 60_000, firstAt: 1_000, kind: "valve" }, addressBytes("ELS", "11223344", 1, 0x21));
    const set = (meter: string, body: unknown, retain = false) => user.publishAsync(`wmbus/${gw}/${meter}/set`, JSON.stringify(body), { qos: 1, retain });
    try {
      await until(() => seen.some((m) => m.topic === `wmbus/${gw}/status` && m.payload.includes("online")), "gateway online");
      await until(() => fakeSubscriptions.includes(`wmbus/${gw}/+/set`), "SUBSCRIBE of the set topics");

      await set("99999999", { kind: "snd_nke" });
      await set("12121212", { kind: "snd_ud", records: [{ dif: 1, vib: "FD1F", data: "00" }] });
      await until(() => outcomes("99999999").length > 0 && outcomes("12121212").length > 0, "refusals");
      expect(outcomes("99999999")[0]).toMatchObject({ state: "refused", detail: "meter 99999999 is not configured" });
      expect(outcomes("12121212")[0]).toMatchObject({ state: "refused", detail: "meter 12121212 has no key: commands are only sent encrypted" });

      await set("11223344", { id: "close", kind: "snd_ud", records: [{ dif: 1, vib: "FD1F", data: "00" }] });
      await until(() => outcomes("11223344").some((o) => o.state === "queued"), "queued outcome");
      await clock.runUntil(70_000);
      await until(() => outcomes("11223344").some((o) => o.state === "acked"), "acked outcome");
      expect(outcomes("11223344").map((o) => o.state)).toEqual(["queued", "sent", "acked"]);
      expect(valve.valve).toBe("closed");
      await until(() => seen.filter((m) => m.topic === `wmbus/${gw}/11223344`).length >= 2, "two readings");
      const readings = seen.filter((m) => m.topic === `wmbus/${gw}/11223344`).map((m) => JSON.parse(m.payload).remote_control);
      expect([readings[0], readings[readings.length - 1]]).toEqual([1, 0]);

      // A retained command, then the broker connection drops: the new connection subscribes again, gets the
      // retained message again, and refuses it as already received; a fresh command after the reconnect is taken.
      await set("11223344", { id: "open", kind: "snd_ud", records: [{ dif: 1, vib: "FD1F", data: "01" }] }, true);
      await until(() => outcomes("11223344").some((o) => o.id === "open" && o.state === "queued"), "retained command queued");
      const before = fakeSubscriptions.filter((f) => f === `wmbus/${gw}/+/set`).length;
      proxy.cut();
      await new Promise((r) => setTimeout(r, 200));
      proxy.restore();
      await until(() => fakeSubscriptions.filter((f) => f === `wmbus/${gw}/+/set`).length > before, "SUBSCRIBE on the new connection", 20_000);
      const again = "command open was already received for meter 11223344";
      await until(() => outcomes("11223344").some((o) => o.state === "refused" && o.detail === again), "retained command refused the second time");
      await set("11223344", { id: "nke", kind: "snd_nke" });
      await until(() => outcomes("11223344").some((o) => o.id === "nke" && o.state === "queued"), "command after the reconnect");
      expect(commands.queue.pending("11223344")).toBe(2); // "open" and "nke" wait for the valve's next window
      expect(seen.map((m) => m.payload).join("")).not.toContain(KEY);
    } finally {
      await hub.close();
      await new Promise((r) => setTimeout(r, 200));
      for (const t of new Set(seen.map((m) => m.topic))) await user.publishAsync(t, "", { retain: true, qos: 1 }).catch(() => undefined);
      await user.publishAsync(`wmbus/${gw}/11223344/set`, "", { retain: true, qos: 1 });
      await user.endAsync();
    }
  }, 60_000);
});
