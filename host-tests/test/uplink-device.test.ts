/**
 * The device halves of the uplinks, run on the host against fakes of the Moddable modules that
 * keep the documented behaviour (docs/device-notes.md; types/moddable-*.d.ts):
 *   - `moddable:preference`: binary values must be ArrayBuffers and are stored as copies; names of
 *     at most 15 characters; each set is atomic; a power cut can stop a run of sets;
 *   - `moddable:mqtt`: the classic client (./moddable-mqtt-fake.ts), on the `mqtt` package against the
 *     real broker: clean session, callbacks from a timer, publish throws "connection closed" before
 *     onReady, QoS 0 subscriptions, and no PUBACK report (so ModdableMqttTransport must confirm by echo);
 *   - `moddable:http` Request: the callback gets status / responseComplete / error messages
 *     (numbers only through the statics), the body must be an ASCII string or an ArrayBuffer.
 */
import mqtt from "mqtt";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { startTestBroker, TcpProxy, until, waterReading, type TestBroker } from "../support/uplink-test-broker.js";

const nvs = vi.hoisted(() => {
  const state = { data: new Map<string, ArrayBuffer>(), sets: 0, cutAt: 0 };
  const name = (domain: string, key: string) => {
    if (!domain || !key || domain.length > 15 || key.length > 15) throw new Error("nvs name too long");
    return `${domain}\u0001${key}`;
  };
  const Preference = {
    set(domain: string, key: string, value: unknown) {
      if (!(value instanceof ArrayBuffer)) throw new Error("unsupported type");
      state.sets++;
      if (state.cutAt && state.sets >= state.cutAt) throw new Error("power cut");
      state.data.set(name(domain, key), value.slice(0));
    },
    get(domain: string, key: string) {
      const v = state.data.get(name(domain, key));
      return v && v.slice(0);
    },
    delete(domain: string, key: string) {
      state.data.delete(name(domain, key));
    },
    keys() {
      return [];
    },
  };
  return { state, Preference };
});
vi.mock("moddable:preference", () => ({ default: nvs.Preference }));

vi.mock("moddable:mqtt", async () => ({ default: (await import("./moddable-mqtt-fake.js")).FakeModdableMqttClient }));
const { fakeSubscriptions } = await import("./moddable-mqtt-fake.js");

vi.mock("moddable:http", async () => {
  const { request } = await import("node:http");
  type Opt = { host: string; port?: number; path?: string; method?: string; headers?: string[]; body?: string | ArrayBuffer; response?: unknown };
  class Request {
    static readonly requestFragment = 0;
    static readonly status = 1;
    static readonly header = 2;
    static readonly headersComplete = 3;
    static readonly responseFragment = 4;
    static readonly responseComplete = 5;
    static readonly error = -2;
    callback: (message: number, v1?: unknown, v2?: unknown) => void = () => {};
    constructor(o: Opt) {
      if (typeof o.body === "string" && /[^\x00-\x7f]/.test(o.body)) throw new Error("string body must be ASCII");
      const headers: Record<string, string> = {};
      for (let i = 0; i + 1 < (o.headers ?? []).length; i += 2) headers[o.headers![i]] = o.headers![i + 1];
      const body = o.body === undefined ? undefined : typeof o.body === "string" ? Buffer.from(o.body) : Buffer.from(new Uint8Array(o.body));
      if (body) headers["content-length"] = String(body.length);
      const req = request({ host: o.host, port: o.port ?? 80, path: o.path ?? "/", method: o.method ?? "GET", headers }, (res) => {
        setTimeout(() => this.callback(Request.status, res.statusCode));
        const parts: Buffer[] = [];
        res.on("data", (c: Buffer) => parts.push(c));
        res.on("end", () => setTimeout(() => this.callback(Request.responseComplete, Buffer.concat(parts).toString())));
      });
      req.on("error", () => setTimeout(() => this.callback(Request.error)));
      req.end(body);
    }
    close() {}
  }
  return { Request };
});

vi.mock("moddable:timer", () => ({
  default: {
    set: (cb: (t: unknown) => void, ms = 0) => {
      const t: ReturnType<typeof setTimeout> = setTimeout(() => cb(t), ms);
      return t;
    },
    clear: (t: ReturnType<typeof setTimeout> | undefined) => clearTimeout(t),
  },
}));

const { createDeviceUplinks } = await import("../../firmware/device/device-uplinks.js");
const { ModdableHttpClient } = await import("../../firmware/device/http-moddable.js");
const { parseHttpUrl } = await import("../../firmware/uplink/http-uplink.js");
const { PreferenceBlockStorage } = await import("../../firmware/device/block-storage-preference.js");
const { ModdableMqttTransport } = await import("../../firmware/device/mqtt-moddable.js");
const { RecordRing } = await import("../../firmware/uplink/ring-buffer.js");
const { DeliveryHub } = await import("../../firmware/uplink/hub.js");
const { MqttUplink } = await import("../../firmware/uplink/mqtt-uplink.js");
const { nodeTimers } = await import("../../host/uplink-node-timers.js");

const enc = new TextEncoder();
const dec = new TextDecoder();

describe("PreferenceBlockStorage (NVS chunks)", () => {
  it("reads back what was written across chunk borders, erased bytes as 0xFF", () => {
    const s = new PreferenceBlockStorage("wbuf1", 4, 100);
    expect(s.size).toBe(400);
    expect([...s.read(95, 10)]).toEqual(new Array(10).fill(0xff));
    const data = Uint8Array.from({ length: 250 }, (_, i) => i);
    s.write(80, data);
    expect([...s.read(80, 250)]).toEqual([...data]);
    expect(s.read(79, 1)[0]).toBe(0xff);
    expect(() => s.read(390, 20)).toThrow(/outside/);
    expect(() => new PreferenceBlockStorage("a-domain-too-long", 4)).toThrow(/1\.\.15 characters/);
  });

  it("carries the ring through wraps, reboots and power cuts between chunk writes", () => {
    let written = 0;
    let cuts = 0;
    for (let cutAfter = 1; cutAfter <= 20; cutAfter++) {
      nvs.state.data.clear();
      nvs.state.sets = 0;
      nvs.state.cutAt = 0;
      const open = () => RecordRing.open(new PreferenceBlockStorage("wbuf2", 6, 64));
      let ring = open();
      const sent: string[] = [];
      /** The receiver: keeps the first copy of each reading (a repeat after a lost ack is dropped by id). */
      const received: string[] = [];
      for (let i = 0; i < 12; i++) {
        if (i === 6) nvs.state.cutAt = nvs.state.sets + cutAfter;
        const text = `r${i}-${"x".repeat(20 + (i % 5))}`;
        try {
          ring.append(enc.encode(text));
          sent.push(text);
          const batch = ring.peek(2);
          for (const r of batch) if (!received.includes(dec.decode(r.payload))) received.push(dec.decode(r.payload));
          if (batch.length) ring.ack(batch[batch.length - 1].seq);
        } catch {
          cuts++;
          nvs.state.cutAt = 0; // reboot
          ring = open();
        }
      }
      for (const r of ring.peek(100)) if (!received.includes(dec.decode(r.payload))) received.push(dec.decode(r.payload));
      written += sent.length;
      // Nothing lost, nothing out of order (the ring is large enough: no drops).
      expect(received, `cut after ${cutAfter}`).toEqual(sent);
    }
    expect(cuts).toBeGreaterThan(10);
    expect(written).toBeGreaterThan(100);
  });
});

describe("ModdableMqttTransport on a real broker (echo acknowledgement)", () => {
  let broker: TestBroker;
  let proxy: TcpProxy;
  const gw = `d${Date.now().toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}`;

  beforeAll(async () => {
    broker = await startTestBroker();
    proxy = await TcpProxy.start(broker.host, broker.port);
  });
  afterAll(async () => {
    const sweep = await mqtt.connectAsync({ host: broker.host, port: broker.port, reconnectPeriod: 0 });
    const topics = new Set<string>();
    sweep.on("message", (t, p, pk) => pk.retain && p.length && topics.add(t));
    await sweep.subscribeAsync([`wmbus/${gw}/#`, `homeassistant/sensor/${gw}/#`, `wmbus/${gw}w/#`, `homeassistant/sensor/${gw}w/#`]);
    await new Promise((r) => setTimeout(r, 300));
    for (const t of topics) await sweep.publishAsync(t, "", { qos: 1, retain: true });
    await sweep.endAsync();
    await proxy.close();
    await broker.close();
  });

  it("delivers in order, once, across an outage, confirmed by echoes", async () => {
    const sub = await mqtt.connectAsync({ host: broker.host, port: broker.port, reconnectPeriod: 0 });
    const ids: string[] = [];
    sub.on("message", (t, p) => {
      if (t === `wmbus/${gw}/00000042` && p.length) ids.push(JSON.parse(p.toString()).reading_id);
    });
    await sub.subscribeAsync(`wmbus/${gw}/#`, { qos: 1 });
    const sink = new MqttUplink({
      transport: new ModdableMqttTransport({ timers: nodeTimers, ackTimeoutMs: 3000 }),
      connect: { host: "127.0.0.1", port: proxy.port, tls: false, clientId: `${gw}-dev`, keepAliveMs: 5000 },
      gatewayId: gw,
      timers: nodeTimers,
      reconnectMinMs: 50,
      reconnectMaxMs: 200,
    });
    nvs.state.cutAt = 0;
    const hub = new DeliveryHub({ sink, ring: RecordRing.open(new PreferenceBlockStorage("wbuf3", 16, 1024)), timers: nodeTimers, retryMinMs: 50, retryMaxMs: 200 });
    const sent: string[] = [];
    const submit = (i: number) => {
      const r = waterReading(gw, i, "00000042");
      sent.push(r.readingId);
      hub.submit(r);
    };
    await until(() => sink.ready(), "connect");
    for (let i = 0; i < 8; i++) submit(i);
    await until(() => hub.stats().delivered === 8, "acknowledged by echo");
    proxy.cut();
    await until(() => !sink.ready(), "disconnect");
    for (let i = 8; i < 20; i++) submit(i);
    proxy.restore();
    await until(() => hub.stats().delivered === 20, "drain");
    await until(() => ids.length >= 20, "subscriber");
    await new Promise((r) => setTimeout(r, 200));
    expect(ids).toEqual(sent);
    expect(hub.stats()).toMatchObject({ buffered: 0, dropped: 0 });
    // Only the reading topic is echoed (once per connection); discovery and status are not.
    expect(fakeSubscriptions.length).toBeGreaterThanOrEqual(2);
    expect(new Set(fakeSubscriptions)).toEqual(new Set([`wmbus/${gw}/00000042`]));
    await hub.close();
    await sub.endAsync();
  });

  it("is wired from the gateway settings by createDeviceUplinks (NVS buffer, Moddable timers)", async () => {
    nvs.state.cutAt = 0;
    const sub = await mqtt.connectAsync({ host: broker.host, port: broker.port, reconnectPeriod: 0 });
    const got: string[] = [];
    sub.on("message", (t, p) => p.length && t.endsWith("/00000043") && got.push(JSON.parse(p.toString()).reading_id));
    await sub.subscribeAsync(`wmbus/${gw}w/#`, { qos: 1 });
    const hub = createDeviceUplinks({ gatewayId: `${gw}w`, mqtt: { url: `mqtt://127.0.0.1:${proxy.port}` } }, { bufferChunks: 4 });
    hub.submit(waterReading(`${gw}w`, 1, "00000043"));
    await until(() => hub.stats().delivered === 1 && got.length === 1, "reading via createDeviceUplinks");
    expect(got).toEqual([`${gw}w:1`]);
    expect(nvs.state.data.size).toBeGreaterThan(0);
    await hub.close();
    await sub.endAsync();
    expect(() => createDeviceUplinks({ gatewayId: "x", mqtt: { url: "mqtt://bad host" } })).toThrow(/bad MQTT URL/);
    const none = createDeviceUplinks({ gatewayId: "x" });
    none.submit(waterReading("x", 1));
    expect(none.stats()).toMatchObject({ delivered: 0, dropped: 1 });
  });
});

describe("ModdableHttpClient (classic Request)", () => {
  it("posts UTF-8 JSON as bytes and reports the status; a refused connection rejects", async () => {
    const { createServer } = await import("node:http");
    const bodies: string[] = [];
    const server = createServer((req, res) => {
      const parts: Buffer[] = [];
      req.on("data", (c: Buffer) => parts.push(c));
      req.on("end", () => {
        bodies.push(`${req.headers["content-type"]} ${Buffer.concat(parts).toString("utf8")}`);
        res.writeHead(bodies.length === 1 ? 204 : 500).end();
      });
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
    const port = (server.address() as { port: number }).port;
    const client = new ModdableHttpClient({ timers: nodeTimers, timeoutMs: 2000 });
    const target = parseHttpUrl(`http://127.0.0.1:${port}/in`);
    expect(await client.post(target, '{"name":"Küche"}', { "content-type": "application/json" })).toBe(204);
    expect(await client.post(target, "{}", { "content-type": "application/json" })).toBe(500);
    expect(bodies).toEqual(['application/json {"name":"Küche"}', "application/json {}"]);
    await expect(client.post(parseHttpUrl("http://127.0.0.1:9/x"), "{}", {})).rejects.toThrow(/HTTP request to 127.0.0.1:9 failed/);
    await expect(client.post(parseHttpUrl("https://127.0.0.1/x"), "{}", {})).rejects.toThrow(/SecureSocket/);
    await new Promise<void>((r) => server.close(() => r()));
  });
});
