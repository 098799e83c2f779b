/**
 * #15 no secret echoed: a run with meter keys, the MQTT and Wi-Fi passwords, an HTTP token in the URL query and
 * an Authorization header set — plus keys typed into the wrong fields — and every status document, MQTT payload,
 * log line, web response and CLI output collected: none of the secrets appears in any of them.
 */
import { createServer, type IncomingHttpHeaders } from "node:http";
import { spawnSync } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import mqtt from "mqtt";
import { Gateway } from "../../firmware/gateway/gateway.js";
import { parseConfig, problemText } from "../../firmware/gateway/config.js";
import { LastReadings } from "../../firmware/web/last-readings.js";
import { statusDocument, webRespond } from "../../firmware/web/status-page.js";
import { Apartment } from "../sim/apartment.js";
import { nodeCipher } from "../../host/aes-node.js";
import { createHostHub } from "../../host/gateway-hub.js";
import { SimClock } from "../sim/gateway-runner.js";
import { startTestBroker, type TestBroker } from "../support/uplink-test-broker.js";
import { listenLocal } from "../../host/listen-local.js";

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
async function waitFor(cond: () => boolean, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (!cond() && Date.now() < end) await sleep(20);
}

const MQTT_PASSWORD = "mqtt-Pw-9f8e7d6c5b";
const WIFI_PASSWORD = "wifi-pass-8c7b6a59";
const URL_TOKEN = "tok3n-abcdef123456";
const HEADER_VALUE = "Bearer s3cr3t-header-value-42";
const WRONG_FIELD_KEYS = ["A1B2C3D4E5F60718293A4B5C6D7E8F90", "0F1E2D3C4B5A69788796A5B4C3D2E1F0", "99887766554433221100FFEEDDCCBBAA", "1234567890ABCDEF1234567890ABCDEF"];

let broker: TestBroker;
beforeAll(async () => {
  broker = await startTestBroker();
});
afterAll(async () => {
  await broker.close();
});

describe("no secret in any output", () => {
  it("status, MQTT, logs, web, settings problems and CLI never show keys, passwords or tokens", async () => {
    const cipher = nodeCipher();
    const ap = new Apartment({ cipher, seed: 4 });
    const gatewayId = `sec-${process.pid}-${Date.now().toString(36)}`;
    const requests: { headers: IncomingHttpHeaders; url: string }[] = [];
    const server = createServer((req, res) => {
      requests.push({ headers: req.headers, url: req.url ?? "" });
      req.resume();
      req.on("end", () => res.writeHead(204).end());
    });
    const port = await listenLocal(server, 0);
    const raw = ap.settings(gatewayId, {
      wifi: { ssid: "home", password: WIFI_PASSWORD },
      mqtt: { url: `mqtt://${broker.host}:${broker.port}`, user: "gw", password: MQTT_PASSWORD },
      http: { url: `http://127.0.0.1:${port}/ingest?token=${URL_TOKEN}&site=1`, headers: { Authorization: HEADER_VALUE } },
    }) as { meters: Record<string, unknown>[] } & Record<string, unknown>;
    const meterKeys = raw.meters.map((m) => m.key).filter((k): k is string => typeof k === "string");
    expect(meterKeys.length).toBeGreaterThan(3);
    // keys typed into the wrong fields, and a key pasted as a setting name
    raw.meters.push({ id: WRONG_FIELD_KEYS[0] }, { id: "0badbeef", driver: WRONG_FIELD_KEYS[1] }, { id: "0badbee2", Key: WRONG_FIELD_KEYS[2] });
    raw[WRONG_FIELD_KEYS[3]] = "x";
    raw.radioMode = WIFI_PASSWORD;

    const out: string[] = [];
    const { config, problems } = parseConfig(raw);
    expect(problems.length).toBeGreaterThanOrEqual(5);
    for (const p of problems) out.push("settings: " + problemText(p));
    const clock = new SimClock(ap.startMs);
    const hub = createHostHub(config, { onDiagnostic: (m) => out.push("uplink: " + m) });
    const last = new LastReadings();
    const gateway = new Gateway({ config, configProblems: problems, clock, cipher, hub: last.tap(hub) });
    const messages: string[] = [];
    const sub = await mqtt.connectAsync(`mqtt://${broker.host}:${broker.port}`, { clientId: gatewayId + "-sub", reconnectPeriod: 0 });
    sub.on("message", (topic, payload) => messages.push(topic + " " + payload.toString()));
    await sub.subscribeAsync([`wmbus/${gatewayId}/#`, `homeassistant/sensor/${gatewayId}/#`], { qos: 1 });
    try {
      for (const tx of ap.takeUntil(ap.startMs + 5 * 60_000)) {
        clock.advanceTo(tx.at);
        gateway.handleFrame({ bytes: tx.bytes, mode: tx.mode, format: tx.format, rssiDbm: tx.rssiDbm, receivedAt: tx.at });
      }
      expect(gateway.stats().readings).toBeGreaterThan(5);
      await waitFor(() => hub.stats().delivered >= gateway.stats().readings, 10_000);
      gateway.publishStatus({ uplink: hub.stats() });
      await waitFor(() => messages.some((m) => m.startsWith(`wmbus/${gatewayId}/status {"state":"online","gateway"`) || m.includes('"config"')), 5000);
      const doc = () => statusDocument(gateway.status({ uplink: hub.stats() }), last);
      out.push(JSON.stringify(gateway.status()));
      for (const path of ["/", "/status.json"]) out.push(webRespond("GET", path, doc).body ?? "");
      // the secrets did their job: the header and token reached the server
      expect(requests.length).toBeGreaterThan(0);
      expect(requests[0].headers.authorization).toBe(HEADER_VALUE);
      expect(requests[0].url).toContain(URL_TOKEN);
      expect(messages.some((m) => m.includes('"config"'))).toBe(true);
    } finally {
      for (const m of messages) if (m.startsWith("wmbus/") || m.startsWith("homeassistant/")) await sub.publishAsync(m.slice(0, m.indexOf(" ")), "", { retain: true });
      await sub.endAsync();
      await hub.close();
      server.close();
    }
    // the CLI: a key on the command line and in --jsonl, a bad key, a key given as the driver
    const hex = Array.from(ap.meters.find((m) => m.configured && m.keyHex)!.transmit()[0].bytes, (b) => b.toString(16).padStart(2, "0")).join("");
    const keyOf = ap.meters.find((m) => m.configured && m.keyHex)!.keyHex!;
    const cli = (args: string[], input?: string) => {
      const r = spawnSync(process.execPath, ["bin/wmbus.js", ...args], { input, encoding: "utf8" });
      return r.stdout + r.stderr;
    };
    out.push(cli(["decode", hex, "--key", keyOf]));
    out.push(cli(["decode", hex, "--key", WRONG_FIELD_KEYS[0].slice(0, 31) + "Z"]));
    out.push(cli(["decode", hex, "--driver", WRONG_FIELD_KEYS[1]]));
    out.push(cli(["decode", "--jsonl"], JSON.stringify({ telegram: hex, key: keyOf }) + "\n" + JSON.stringify({ telegram: hex, key: WRONG_FIELD_KEYS[2] + "00" }) + "\n"));

    const secrets = [...meterKeys, keyOf, MQTT_PASSWORD, WIFI_PASSWORD, URL_TOKEN, HEADER_VALUE, "s3cr3t-header-value", ...WRONG_FIELD_KEYS];
    const all = [...out, ...messages];
    expect(all.length).toBeGreaterThan(10);
    for (const text of all) {
      for (const s of secrets) {
        expect(text.toLowerCase().includes(s.toLowerCase()), `${s} in: ${text.slice(0, 300)}`).toBe(false);
        expect(text.toLowerCase().includes(s.toLowerCase().slice(0, 16)), `${s.slice(0, 16)}… in: ${text.slice(0, 300)}`).toBe(false);
      }
    }
  }, 60_000);
});

describe("redactUrl", () => {
  it("masks user-info, every query value and the fragment, keeps names and path", async () => {
    const { redactUrl } = await import("../../firmware/uplink/sink.js");
    expect(redactUrl("https://u:p@host:8443/in?token=abc&site=1&flag#frag")).toBe("https://***@host:8443/in?token=***&site=***&***#***");
    expect(redactUrl("http://host/path")).toBe("http://host/path");
    expect(redactUrl("mqtt://host:1883")).toBe("mqtt://host:1883");
  });
});
