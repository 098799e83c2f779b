/**
 * The TLS option of the host MQTT transport: an embedded aedes broker behind node:tls with a
 * throw-away self-signed certificate (openssl). With the certificate as CA a reading arrives;
 * without it the connection is refused by certificate checking and nothing is delivered.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createServer, type Server } from "node:tls";
import { Aedes } from "aedes";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MemoryBlockStorage } from "../../firmware/uplink/block-storage.js";
import { DeliveryHub } from "../../firmware/uplink/hub.js";
import { MqttUplink } from "../../firmware/uplink/mqtt-uplink.js";
import { parseMqttUrl } from "../../firmware/uplink/mqtt-transport.js";
import { RecordRing } from "../../firmware/uplink/ring-buffer.js";
import { NodeMqttTransport } from "../../host/uplink-mqtt-node.js";
import { nodeTimers } from "../../host/uplink-node-timers.js";
import { until, waterReading } from "../support/uplink-test-broker.js";

let dir = "";
let cert = "";
let broker: Aedes;
let server: Server;
let port = 0;
const published: string[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "wmbus-tls-"));
  execFileSync("openssl", ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "1",
    "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
    "-keyout", join(dir, "key.pem"), "-out", join(dir, "cert.pem")], { stdio: "ignore" });
  cert = readFileSync(join(dir, "cert.pem"), "utf8");
  broker = await Aedes.createBroker();
  broker.on("publish", (packet, client) => {
    if (client && packet.topic.startsWith("wmbus/tls/0")) published.push(packet.payload.toString());
  });
  server = createServer({ key: readFileSync(join(dir, "key.pem")), cert }, (socket) => broker.handle(socket));
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  port = (server.address() as { port: number }).port;
});

afterAll(async () => {
  await new Promise<void>((r) => server.close(() => broker.close(() => r())));
  rmSync(dir, { recursive: true, force: true });
});

function hubFor(ca: string | undefined, diagnostics: string[]) {
  const { host, tls } = parseMqttUrl(`mqtts://localhost:${port}`);
  expect(tls).toBe(true);
  const sink = new MqttUplink({
    transport: new NodeMqttTransport({ ca, connectTimeoutMs: 2000 }),
    connect: { host, port, tls, clientId: `tls-${Math.random().toString(36).slice(2)}`, keepAliveMs: 5000 },
    gatewayId: "tls",
    timers: nodeTimers,
    reconnectMinMs: 100,
    reconnectMaxMs: 100,
    discovery: false,
    onDiagnostic: (m) => diagnostics.push(m),
  });
  const hub = new DeliveryHub({ sink, ring: RecordRing.open(new MemoryBlockStorage(8192)), timers: nodeTimers });
  return { sink, hub };
}

describe("MQTT over TLS (host)", () => {
  it("delivers when the broker's certificate is trusted", async () => {
    const diagnostics: string[] = [];
    const { sink, hub } = hubFor(cert, diagnostics);
    await until(() => sink.ready(), "TLS connect");
    hub.submit(waterReading("tls", 1, "00000001"));
    await until(() => hub.stats().delivered === 1, "delivery over TLS");
    expect(published.map((p) => JSON.parse(p).reading_id)).toEqual(["tls:1"]);
    await hub.close();
  });

  it("refuses an untrusted certificate and keeps the reading buffered", async () => {
    const diagnostics: string[] = [];
    const { sink, hub } = hubFor(undefined, diagnostics);
    hub.submit(waterReading("tls", 2, "00000002"));
    await until(() => diagnostics.length >= 2, "failed TLS attempts");
    expect(sink.ready()).toBe(false);
    expect(diagnostics[0]).toMatch(/closed: .*(self[- ]signed|certificate)/i);
    expect(hub.stats()).toMatchObject({ delivered: 0, buffered: 1 });
    await hub.close();
  });
});
