/**
 * MqttUplink (firmware/uplink/mqtt-uplink.ts) against a scripted transport: the will, status on
 * connect, discovery once per meter and again after a reconnect, reconnect backoff, and refusal
 * to deliver while disconnected.
 */
import { describe, expect, it } from "vitest";
import { MqttUplink } from "../../firmware/uplink/mqtt-uplink.js";
import type { MqttConnectOptions, MqttConnectionEvents, MqttTransport } from "../../firmware/uplink/mqtt-transport.js";
import type { OutgoingReading, UplinkTimers } from "../../firmware/uplink/uplink.js";
import { parseMqttUrl } from "../../firmware/uplink/mqtt-transport.js";
import { emptyStatus } from "../support/status-doc.js";
import type { StatusDocument } from "../../firmware/uplink/status.js";

class FakeTransport implements MqttTransport {
  connects: MqttConnectOptions[] = [];
  events: MqttConnectionEvents[] = [];
  published: { topic: string; payload: string; qos: number; retain: boolean }[] = [];
  connect(o: MqttConnectOptions, e: MqttConnectionEvents) {
    this.connects.push(o);
    this.events.push(e);
    return {
      publish: (topic: string, payload: string, opt: { qos: 0 | 1; retain: boolean }) => {
        this.published.push({ topic, payload, ...opt });
        return Promise.resolve();
      },
      subscribe: () => true,
      close: () => {},
    };
  }
  get last() {
    return this.events[this.events.length - 1];
  }
}

class Timers implements UplinkTimers {
  delays: number[] = [];
  pending: (() => void)[] = [];
  set(cb: () => void, ms: number) {
    this.delays.push(ms);
    this.pending.push(cb);
    return cb;
  }
  clear(h: unknown) {
    this.pending = this.pending.filter((c) => c !== h);
  }
  fire() {
    const cb = this.pending.shift();
    cb?.();
  }
}

const r: OutgoingReading = {
  readingId: "gw:1",
  telegramId: "t1",
  meterId: "12345678",
  meterName: "",
  driver: "apator162",
  media: "water",
  reading: { _: "telegram", media: "water", meter: "apator162", name: "", id: "12345678", total_m3: 1.5 },
  receivedAt: 0,
};

describe("MqttUplink", () => {
  it("connects with the offline will, announces online, and discovers once per connection", async () => {
    const t = new FakeTransport();
    const timers = new Timers();
    const up = new MqttUplink({ transport: t, timers, gatewayId: "gw", connect: { host: "h", port: 1883, tls: false, clientId: "c", keepAliveMs: 30_000, password: "pw" } });
    expect(t.connects[0].will).toEqual({ topic: "wmbus/gw/status", payload: '{"state":"offline"}', qos: 1, retain: true });
    await expect(up.deliver([r])).rejects.toThrow(/not connected/);
    t.last.onReady();
    expect(up.ready()).toBe(true);
    expect(JSON.parse(t.published[0].payload).state).toBe("online");
    up.publishStatus({ ...emptyStatus({ uptime_s: 3 }), state: "starting" } as StatusDocument); // nothing may replace the availability
    expect(JSON.parse(t.published[1].payload)).toMatchObject({ state: "online", uptime_s: 3 });
    t.published.length = 0;
    await up.deliver([r]);
    await up.deliver([r]);
    const topics = t.published.map((p) => p.topic);
    expect(topics.filter((x) => x.startsWith("homeassistant/"))).toEqual(["homeassistant/sensor/gw/12345678_total_m3/config"]);
    expect(topics.filter((x) => x === "wmbus/gw/12345678")).toHaveLength(2);
    expect(t.published.every((p) => p.qos === 1 && p.retain)).toBe(true);
    expect(t.published.some((p) => p.payload.includes("pw"))).toBe(false);
    // Lost and back: discovery again before the next reading.
    t.last.onClose("reset");
    expect(up.ready()).toBe(false);
    timers.fire();
    t.last.onReady();
    t.published.length = 0;
    await up.deliver([r]);
    expect(t.published.map((p) => p.topic)).toEqual(["homeassistant/sensor/gw/12345678_total_m3/config", "wmbus/gw/12345678"]);
  });

  it("reconnects with exponential backoff capped at the maximum, reset by a successful connect", () => {
    const t = new FakeTransport();
    const timers = new Timers();
    new MqttUplink({ transport: t, timers, gatewayId: "gw", connect: { host: "h", port: 1883, tls: false, clientId: "c", keepAliveMs: 0 }, reconnectMinMs: 1000, reconnectMaxMs: 8000 });
    for (let i = 0; i < 6; i++) {
      t.last.onClose("refused");
      timers.fire();
    }
    expect(timers.delays).toEqual([1000, 2000, 4000, 8000, 8000, 8000]);
    t.last.onReady();
    t.last.onClose("lost");
    expect(timers.delays[timers.delays.length - 1]).toBe(1000);
    expect(t.connects).toHaveLength(7);
  });

  it("parses broker URLs and names a bad one", () => {
    expect(parseMqttUrl("mqtt://broker.local")).toEqual({ host: "broker.local", port: 1883, tls: false });
    expect(parseMqttUrl("mqtts://10.0.0.5:8884")).toEqual({ host: "10.0.0.5", port: 8884, tls: true });
    expect(() => parseMqttUrl("tcp://x")).toThrow(/bad MQTT URL "tcp:\/\/x"/);
    expect(() => parseMqttUrl("mqtt://x:0")).toThrow(/port 0 out of range/);
    expect(() => parseMqttUrl("mqtt://user:s3cret@x")).toThrow(/"mqtt:\/\/\*\*\*@x": put user and password/);
    expect(() => parseMqttUrl("mqtt://user:s3cret@x")).not.toThrow(/s3cret/);
  });
});
