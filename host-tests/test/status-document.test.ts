/**
 * One status document (firmware/uplink/status.ts, issue 13): the gateway fills it, the wiring adds its parts
 * through one function, the MQTT status topic and the web page both carry it. Here a gateway with keys and
 * passwords in its settings runs the simulated apartment; the payload the MQTT uplink publishes (through the
 * real DeliveryHub and MqttUplink, on a scripted transport) and the status page's /status.json hold the same
 * document, and neither holds a secret. Then the wiring of `npm start` (SimDevice, wired like firmware/main.ts):
 * the document the status topic gets and the web app's /api/status carry the same document.
 */
import { describe, expect, it } from "vitest";
import { Gateway } from "../../firmware/gateway/gateway.js";
import { parseConfig } from "../../firmware/gateway/config.js";
import { MqttUplink } from "../../firmware/uplink/mqtt-uplink.js";
import type { MqttConnectionEvents, MqttTransport } from "../../firmware/uplink/mqtt-transport.js";
import { DeliveryHub } from "../../firmware/uplink/hub.js";
import { RecordRing } from "../../firmware/uplink/ring-buffer.js";
import { MemoryBlockStorage } from "../../firmware/uplink/block-storage.js";
import type { StatusParts } from "../../firmware/uplink/status.js";
import { LastReadings } from "../../firmware/web/last-readings.js";
import { statusDocument, webRespond } from "../../firmware/web/status-page.js";
import { Apartment } from "../sim/apartment.js";
import { SimClock } from "../sim/gateway-runner.js";
import { nodeCipher } from "../../host/aes-node.js";
import { SimDevice } from "../../host/web-sim-device.js";
import { saveConfig } from "../../firmware/gateway/config.js";
import { MemoryKeyValueStore } from "../../firmware/platform/memory-store.js";
import { fullBody } from "../../firmware/web/web-app.js";
import { cookieValue, SESSION_COOKIE } from "../../firmware/web/auth.js";
import type { StatusDocument } from "../../firmware/uplink/status.js";

const MQTT_PASSWORD = "mqtt-Pw-5e4d3c2b1a";
const WIFI_PASSWORD = "wifi-pass-7a6b5c4d";
const URL_TOKEN = "tok3n-fedcba654321";

/** Publishes go to `published`; the connection is up once `events.onReady()` runs. */
class ScriptedTransport implements MqttTransport {
  published: { topic: string; payload: string }[] = [];
  events?: MqttConnectionEvents;
  connect(_o: unknown, e: MqttConnectionEvents) {
    this.events = e;
    return {
      publish: (topic: string, payload: string) => {
        this.published.push({ topic, payload });
        return Promise.resolve();
      },
      subscribe: () => true,
      close: () => {},
    };
  }
}

describe("the status document", () => {
  it("the MQTT status payload and the web page's JSON carry the same document, without a secret", async () => {
    const cipher = nodeCipher();
    const ap = new Apartment({ cipher, seed: 7 });
    const raw = ap.settings("gw-status", {
      wifi: { ssid: "home", password: WIFI_PASSWORD },
      mqtt: { url: "mqtt://broker.local:1883", user: "gw", password: MQTT_PASSWORD },
      http: { url: `http://collector.local/ingest?token=${URL_TOKEN}` },
    }) as { meters: { key?: string }[] };
    const keys = raw.meters.map((m) => m.key).filter((k): k is string => typeof k === "string");
    expect(keys.length).toBeGreaterThan(3);
    const { config, problems } = parseConfig(raw);
    expect(problems).toEqual([]);

    const transport = new ScriptedTransport();
    const timers = { set: () => undefined, clear: () => undefined };
    const sink = new MqttUplink({ transport, timers, gatewayId: config.gatewayId, connect: { host: "broker.local", port: 1883, tls: false, clientId: "c", keepAliveMs: 30_000, password: MQTT_PASSWORD } });
    const hub = new DeliveryHub({ sink, ring: RecordRing.open(new MemoryBlockStorage(64 * 1024)), timers });
    transport.events!.onReady();
    const clock = new SimClock(ap.startMs);
    const last = new LastReadings();
    const gateway = new Gateway({ config, configProblems: problems, clock, cipher, hub: last.tap(hub) });
    for (const tx of ap.takeUntil(ap.startMs + 10 * 60_000)) {
      clock.advanceTo(tx.at);
      gateway.handleFrame({ bytes: tx.bytes, mode: tx.mode, format: tx.format, rssiDbm: tx.rssiDbm, receivedAt: tx.at });
    }
    expect(gateway.stats().readings).toBeGreaterThan(5);
    expect(gateway.stats().unknownMeters).toBeGreaterThan(0);

    // the wiring's one parts function, as in firmware/main.ts
    const parts = (): StatusParts => ({ radio: { framesDelivered: gateway.stats().frames, native: { syncs: 3 } }, uplink: hub.stats(), device: { wifi: "station", access_point: false, clockSet: true } });
    transport.published.length = 0;
    gateway.publishStatus(parts());
    const statusTopic = `wmbus/${config.gatewayId}/status`;
    const published = transport.published.filter((p) => p.topic === statusTopic);
    expect(published).toHaveLength(1);
    const mqttText = published[0].payload;
    const webText = webRespond("GET", "/status.json", () => statusDocument(gateway.status(parts()), last)).body;
    const pageText = webRespond("GET", "/", () => statusDocument(gateway.status(parts()), last)).body;

    // MQTT adds the availability state and its connection counters around the document
    const { state, mqtt, ...fromMqtt } = JSON.parse(mqttText);
    expect(state).toBe("online");
    expect(mqtt).toMatchObject({ connects: 1 });
    // the web page adds each meter's last reading
    const web = JSON.parse(webText);
    for (const m of web.meters) {
      expect(m.last_reading === null || m.last_reading.id === m.id).toBe(true);
      delete m.last_reading;
    }
    expect(web.meters.filter((m: { telegrams: number }) => m.telegrams > 0).length).toBeGreaterThan(3);
    expect(fromMqtt).toEqual(web);
    expect(Object.keys(fromMqtt).sort()).toEqual(["config", "config_problems", "device", "gateway", "meters", "name", "radio", "radio_mode", "stats", "time", "unknown_meters", "uplink", "uptime_s"]);
    expect(fromMqtt.stats).toEqual(JSON.parse(JSON.stringify(gateway.stats())));

    // no secret: meter keys, passwords, the URL token
    for (const text of [mqttText, webText, pageText]) {
      for (const secret of [...keys, MQTT_PASSWORD, WIFI_PASSWORD, URL_TOKEN]) {
        expect(text.toLowerCase()).not.toContain(secret.toLowerCase());
      }
    }
    expect(fromMqtt.config.meters.every((m: { key: string }) => m.key === "set" || m.key === "none")).toBe(true);
    await hub.close();
  });

  it("npm start's wiring: the status topic's document and the web app's /api/status are the same document", async () => {
    const apartment = new Apartment({ cipher: nodeCipher(), seed: 5 });
    const store = new MemoryKeyValueStore();
    saveConfig(store, apartment.settings("status-sim", { wifi: { ssid: "home", password: WIFI_PASSWORD } }));
    const device = new SimDevice({ store, apartment, iterations: 50 });
    const topic: StatusDocument[] = [];
    device.hub.gatewayStatus = (d) => void topic.push(d); // what the hub would publish on the status topic
    await device.run(Infinity, 3 * 60_000);
    expect(topic.length).toBe(3);
    const call = (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) =>
      device.app.handle({ method, path, headers: { ...(body !== undefined ? { "content-type": "application/json" } : {}), ...headers }, body: body === undefined ? undefined : JSON.stringify(body) });
    const { nonce } = JSON.parse(fullBody(call("GET", "/api/onboarding")));
    expect(call("POST", "/api/onboarding", { ssid: "home", wifiPassword: WIFI_PASSWORD, adminPassword: "admin-pass-1" }, { "x-csrf-token": nonce }).status).toBe(200);
    const login = call("POST", "/api/login", { password: "admin-pass-1" });
    const cookie = `${SESSION_COOKIE}=${cookieValue(login.headers.find((h) => h[0] === "set-cookie")![1], SESSION_COOKIE)}`;
    const doc = JSON.parse(JSON.stringify(topic.at(-1)));
    const web = JSON.parse(fullBody(call("GET", "/api/status", undefined, { cookie })));
    for (const d of [doc, web]) delete d.device.heap; // the host's heap in use: read at each call
    // the page leaves the settings out (they have their own page), shows each meter's values and chart, and
    // lists only the unknown meters that are not configured, each with a driver guess
    const { config, ...docWithoutConfig } = doc;
    expect(config.wifi).toMatchObject({ ssid: "home" });
    const { firmware, web: webCounters, meters, unknown_meters, ...webRest } = web;
    expect(typeof firmware).toBe("string");
    expect(webCounters).toBeDefined();
    expect(meters.map(({ values: _v, chart: _c, ...m }: Record<string, unknown>) => m)).toEqual(doc.meters);
    expect(meters.filter((m: { values: unknown }) => m.values !== null).length).toBeGreaterThan(3);
    const configured = new Set(doc.meters.map((m: { id: string }) => m.id));
    expect(unknown_meters.map(({ driver_guess: _g, ...u }: Record<string, unknown>) => u)).toEqual(doc.unknown_meters.filter((u: { id: string }) => !configured.has(u.id)));
    const { meters: _m, unknown_meters: _u, ...docRest } = docWithoutConfig;
    expect(webRest).toEqual(docRest);
    expect(Object.keys(docRest).sort()).toEqual(["config_problems", "device", "gateway", "name", "radio", "radio_mode", "stats", "time", "uplink", "uptime_s"]);
    for (const text of [JSON.stringify(topic), JSON.stringify(web)]) expect(text).not.toContain(WIFI_PASSWORD);
    await device.close();
  });
});
