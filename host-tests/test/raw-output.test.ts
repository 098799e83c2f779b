/**
 * Raw frame output (firmware/uplink/raw.ts, docs/raw-output.md).
 *
 * Facts from outside our code:
 *   - wmbusmeters' own rtl_wmbus examples (simulations/serial_rtlwmbus_linkmodes.msg and
 *     simulations/simulation_rtlwmbus_errors.txt in github.com/wmbusmeters/wmbusmeters), quoted verbatim below;
 *     fed through the gateway with the same time, mode and bytes, our line must equal them except the two RSSI
 *     fields (rtl_wmbus prints its own signal units there, we print dBm);
 *   - how wmbusmeters reads such a line (src/wmbus_rtlwmbus.cc, documented in its comment): MODE;CRC_OK;
 *     3OUTOF6OK;TIMESTAMP;PACKET_RSSI;CURRENT_RSSI;ID;0x<datagram without CRC bytes>, a line not starting
 *     `?1;1` is dropped, the timestamp is `%Y-%m-%d %H:%M:%S` in UTC, the RSSI field is read when shorter than
 *     5 characters, and L must equal the byte count − 1 (else it "adjusts" it and warns);
 *   - the README's `stdin:hex` example telegram (a frame without CRCs).
 * The end-to-end part runs the whole gateway on the simulated apartment with a real broker and checks each
 * record against the delivered frame stripped by a CRC remover written here from EN 13757-4 block sizes.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSocket } from "node:dgram";
import { createServer, type AddressInfo } from "node:net";
import mqtt from "mqtt";
import { Gateway } from "../../firmware/gateway/gateway.js";
import { parseConfig } from "../../firmware/gateway/config.js";
import { addFrameACrc, addFrameBCrc } from "../../firmware/link/frame-format.js";
import type { RadioFrame } from "../../firmware/radio/radio.js";
import { RawOutput, rtlWmbusLine, type RawLineSink, type RawPublisher, type RawSettings } from "../../firmware/uplink/raw.js";
import { droppingHub } from "../../firmware/uplink/uplink.js";
import { fromHex } from "../../firmware/util/hex.js";
import { Apartment } from "../sim/apartment.js";
import { nodeCipher } from "../../host/aes-node.js";
import { DirectFrameSource } from "../rigs/gateway-direct-source.js";
import { createHostHub } from "../../host/gateway-hub.js";
import { runApartment, SimClock } from "../sim/gateway-runner.js";
import { createHostRawOutput, rawSinkFlag } from "../../host/raw-wiring.js";
import { startTestBroker, type TestBroker } from "../support/uplink-test-broker.js";

/** wmbusmeters' examples whose ID field is the frame's DLL id (in the others it was set by hand). */
const WMBUSMETERS_LINES = [
  "C1;1;1;2019-02-09 07:14:18.000;117;102;94740459;0x49449344590474943508780dff5f3500827f0000f10007b06effff530100005f2c620100007f2118010000008000800080008000000000000000000e003f005500d4ff2f046d10086922",
  "T1;1;1;2019-04-03 19:00:42.000;97;148;88888888;0x6e4401068888888805077a85006085bc2630713819512eb4cd87fba554fb43f67cf9654a68ee8e194088160df752e716238292e8af1ac20986202ee561d743602466915e42f1105d9c6782a54504e4f099e65a7656b930c73a30775122d2fdf074b5035cfaa7e0050bf32faae03a77",
  "C1;1;1;2021-12-29 13:50:57.000;94;83;03727567;0x574468506775720394088c0048900f002c25b3290900aa7c765a7dfed6737ab300300710bcabff50afff489e689f834a0bd9578ad52fb85f17854d3d5d522cbec020526a6242e2345a48214088a6a9b8ebfd47f80f15a3b4",
];
/** wmbusmeters README, "Decoding hex string telegrams" (no DLL CRCs). */
const README_HEX = "234433300602010014007a8e0000002f2f0efd3a1147000000008e40fd3a341200000000";

interface ParsedLine { mode: string; time: number; rssi?: number; bytes: Uint8Array }

/** A line read by wmbusmeters' documented rules; undefined where wmbusmeters drops it. */
function readLikeWmbusmeters(line: string): ParsedLine | undefined {
  if (!/^[TSC]1;1;1;/.test(line)) return undefined; // "?1;1" required; 3OUTOF6OK must be 1 too for T
  const f = line.split(";");
  const t = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})/.exec(f[3]);
  if (!t) return undefined;
  const time = Date.UTC(+t[1], +t[2] - 1, +t[3], +t[4], +t[5], +t[6]);
  const rssi = f[4].length < 5 ? Number(f[4]) : undefined;
  const hex = line.slice(line.indexOf(";0x") + 3);
  const bytes = fromHex(hex);
  if (bytes[0] !== bytes.length - 1) return undefined; // wmbusmeters would rewrite L: our lines must never need it
  return { mode: f[0], time, rssi, bytes };
}

/** EN 13757-4 DLL CRC removal, written here independently: A = 10-byte first block then 16-byte blocks; B = one CRC per ≤126 bytes. */
function stripForTest(frame: Uint8Array, format: "A" | "B"): Uint8Array {
  const out: number[] = [];
  if (format === "A") {
    const l = frame[0];
    let i = 0;
    let block = 10;
    while (out.length < l + 1) {
      const n = Math.min(block, l + 1 - out.length);
      for (let k = 0; k < n; k++) out.push(frame[i + k]);
      i += n + 2;
      block = 16;
    }
  } else {
    const l = frame[0];
    const first = Math.min(l + 1 - 2, 126);
    for (let k = 0; k < first; k++) out.push(frame[k]);
    for (let k = 128; k < l + 1 - 2; k++) out.push(frame[k]);
  }
  out[0] = out.length - 1;
  return Uint8Array.from(out);
}

const toHexLower = (b: Uint8Array) => Buffer.from(b).toString("hex");

class Capture implements RawPublisher, RawLineSink {
  readonly format = "rtlwmbus" as const;
  json: string[] = [];
  rtl: string[] = [];
  lines: string[] = [];
  publishRaw(kind: "json" | "rtlwmbus", payload: string): boolean {
    (kind === "json" ? this.json : this.rtl).push(payload);
    return true;
  }
  send(line: string): boolean {
    this.lines.push(line);
    return true;
  }
  close(): void {}
}

function gatewayWith(settings: RawSettings, meters: unknown[] = [], at = 0) {
  const cap = new Capture();
  const raw = new RawOutput({ settings, gatewayId: "gw1", mqtt: cap, sinks: [cap] });
  const { config } = parseConfig({ gatewayId: "gw1", meters });
  const clock = { t: at, now() { return this.t; } };
  const gateway = new Gateway({ config, clock, hub: droppingHub(), raw, cipher: nodeCipher() });
  return { cap, raw, gateway, clock };
}

const ALL: RawSettings = { frames: "all", mqtt: true, sinks: [] };

describe("rtl_wmbus lines against wmbusmeters' examples", () => {
  for (const expected of WMBUSMETERS_LINES) {
    it(expected.slice(0, 40) + "…", () => {
      const src = readLikeWmbusmeters(expected)!;
      expect(src).toBeDefined();
      const { cap, gateway, clock } = gatewayWith(ALL);
      clock.t = src.time;
      const frame: RadioFrame = { bytes: addFrameACrc(src.bytes), mode: src.mode[0] as "T" | "C", format: "A", rssiDbm: -71, receivedAt: 0 };
      gateway.handleFrame(frame);
      expect(cap.rtl).toHaveLength(1);
      const ours = cap.rtl[0];
      const [e, o] = [expected.split(";"), ours.split(";")];
      expect(o[4]).toBe("-71");
      expect(o[5]).toBe("-71");
      // every field but the RSSI pair byte for byte
      expect([...o.slice(0, 4), ...o.slice(6)].join(";")).toBe([...e.slice(0, 4), ...e.slice(6)].join(";"));
      const back = readLikeWmbusmeters(ours)!;
      expect(back.mode).toBe(src.mode);
      expect(back.time).toBe(src.time);
      expect(back.rssi).toBe(-71);
      expect(toHexLower(back.bytes)).toBe(toHexLower(src.bytes));
      // the same frame in format B gives the same line (the record is the frame after the CRC check)
      const b = gatewayWith(ALL, [], src.time);
      b.gateway.handleFrame({ ...frame, bytes: addFrameBCrc(src.bytes), format: "B" });
      expect(b.cap.rtl[0]).toBe(ours);
      expect(JSON.parse(b.cap.json[0]).format).toBe("B");
    });
  }

  it("wmbusmeters' README hex telegram comes out as the same hex, with its metadata", () => {
    const { cap, gateway, clock } = gatewayWith(ALL);
    clock.t = Date.UTC(2021, 8, 12, 8, 45, 52, 250);
    gateway.handleFrame({ bytes: addFrameACrc(fromHex(README_HEX)), mode: "T", format: "A", rssiDbm: -88.4, receivedAt: 0 });
    expect(JSON.parse(cap.json[0])).toEqual({
      gateway: "gw1", time: "2021-09-12T08:45:52.250Z", mode: "T1", format: "A", rssi_dbm: -88, id: "00010206",
      telegram_id: expect.stringMatching(/^LAS00010206-[0-9A-F]{16}$/), hex: README_HEX,
    });
    expect(cap.rtl[0]).toBe(`T1;1;1;2021-09-12 08:45:52.250;-88;-88;00010206;0x${README_HEX}`);
    expect(cap.lines[0]).toBe(cap.rtl[0] + "\n");
  });

  it("wmbusmeters drops lines whose CRC flags are 0; ours always carry 1;1 (only intact frames get here)", () => {
    expect(readLikeWmbusmeters("T1;0;0;2021-12-29 13:50:57.000;8;101;91625359;0x294468505953629176f0a0009f29982b00e0982b00802e0601316acd636bcd63008dc3009ed4000fe5ff")).toBeUndefined();
    const line = rtlWmbusLine({ stripped: fromHex(README_HEX), mode: "S", format: "A", rssiDbm: -120.6, time: 0, id: "00010206", telegramId: "x" });
    expect(line.startsWith("S1;1;1;1970-01-01 00:00:00.000;-121;-121;")).toBe(true);
    expect(readLikeWmbusmeters(line)?.rssi).toBe(-121);
  });
});

describe("raw filters", () => {
  const known = { id: "00010206", name: "known", driver: "auto" };
  const frame = { bytes: addFrameACrc(fromHex(README_HEX)), mode: "T" as const, format: "A" as const, rssiDbm: -60, receivedAt: 0 };
  const other = { ...frame, bytes: addFrameACrc(fromHex("2344333006020199" + README_HEX.slice(16))) };
  const cases: [RawSettings["frames"], unknown[], number][] = [
    ["all", [known], 2],
    ["configured", [known], 1],
    ["unknown", [known], 1],
    ["none", [known], 0],
    ["none", [{ ...known, raw: true }], 1],
    ["all", [{ ...known, raw: false }], 1],
  ];
  for (const [frames, meters, n] of cases) {
    it(`frames=${frames} meters=${JSON.stringify(meters)} → ${n} record(s)`, () => {
      const { cap, raw, gateway } = gatewayWith({ ...ALL, frames }, meters);
      gateway.handleFrame(frame);
      gateway.handleFrame(other);
      expect(cap.rtl).toHaveLength(n);
      expect(raw.stats()).toMatchObject({ records: n, filtered: 2 - n, mqttSent: 2 * n, sinkSent: n });
      if (frames === "configured" || frames === "unknown") {
        const id = readLikeWmbusmeters(cap.rtl[0])!.bytes.subarray(4, 8);
        expect(id[3] === 0x00).toBe(frames === "configured"); // 00010206 is configured, 99010206 is not
      }
    });
  }

  it("duplicates and repeated copies each make a record (one per received frame); mqtt off sends only to sinks", () => {
    const { cap, gateway } = gatewayWith({ ...ALL, mqtt: false });
    gateway.handleFrame(frame);
    expect(gateway.handleFrame(frame)).toBe("duplicate");
    expect(cap.lines).toHaveLength(2);
    expect(cap.rtl).toHaveLength(0);
  });

  it("settings: bad values are problems naming their path, the rest is kept", () => {
    const { config, problems } = parseConfig({
      raw: { frames: "some", mqtt: "yes", sinks: [{ url: "udp://127.0.0.1:9011" }, { url: "http://x:1" }, { url: "tcp://h:2", format: "xml" }] },
      meters: [{ id: "00010206", raw: "on" }],
    });
    expect(problems.map((p) => p.path)).toEqual(["meters[0].raw", "raw.frames", "raw.mqtt", "raw.sinks", "raw.sinks[1].url"]);
    expect(config.raw).toEqual({ frames: "all", mqtt: true, sinks: [{ url: "udp://127.0.0.1:9011", format: "rtlwmbus" }] });
    expect(config.meters[0].raw).toBeUndefined();
    expect(() => rawSinkFlag("udp://127.0.0.1:9011,xml")).toThrow(/format/);
  });
});

describe("encrypted meters", () => {
  it("the raw record is the frame as received (ciphertext), never the decrypted payload", async () => {
    const cipher = nodeCipher();
    const ap = new Apartment({ cipher, seed: 5, meters: 8 });
    const { config } = parseConfig(ap.settings("gw1", { raw: { frames: "configured" } }));
    const cap = new Capture();
    const raw = new RawOutput({ settings: config.raw!, gatewayId: "gw1", mqtt: cap });
    const clock = new SimClock(ap.startMs);
    const readings: Record<string, unknown>[] = [];
    const gateway = new Gateway({ config, clock, cipher, hub: { ...droppingHub(), submit: (r) => void readings.push(r.reading) }, raw });
    const frames: RadioFrame[] = [];
    for (const tx of ap.takeUntil(ap.startMs + 15 * 60_000)) {
      clock.advanceTo(tx.at);
      const f = { bytes: tx.bytes, mode: tx.mode, format: tx.format, rssiDbm: tx.rssiDbm, receivedAt: tx.at };
      if (gateway.handleFrame(f) !== "unknown_meter") frames.push(f);
    }
    expect(readings.length).toBeGreaterThan(10);
    const encrypted = config.meters.filter((m) => m.key).map((m) => m.id);
    expect(encrypted.length).toBeGreaterThan(0);
    expect(cap.json).toHaveLength(frames.length);
    frames.forEach((f, i) => expect(JSON.parse(cap.json[i]).hex).toBe(toHexLower(stripForTest(f.bytes, f.format))));
  });
});

describe("npm start wiring: gateway → MQTT broker and UDP/TCP listeners", () => {
  let broker: TestBroker;
  beforeAll(async () => {
    broker = await startTestBroker();
  });
  afterAll(async () => {
    await broker.close();
  });

  it("one JSON and one rtl_wmbus record per received frame, byte-identical to the frame after the CRC check", async () => {
    const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
    const waitFor = async (cond: () => boolean, ms: number) => {
      const end = Date.now() + ms;
      while (!cond() && Date.now() < end) await sleep(20);
    };
    const udpLines: string[] = [];
    const udp = createSocket("udp4");
    udp.on("message", (m) => udpLines.push(m.toString()));
    await new Promise<void>((r) => udp.bind(0, "127.0.0.1", r));
    let tcpText = "";
    const tcp = createServer((s) => s.on("data", (d) => (tcpText += d.toString())));
    await new Promise<void>((r) => tcp.listen(0, "127.0.0.1", r));
    const url = `mqtt://${broker.host}:${broker.port}`;
    const gatewayId = `raw-${process.pid}-${Date.now().toString(36)}`;
    const json: string[] = [];
    const rtl: string[] = [];
    const sub = await mqtt.connectAsync(url, { clientId: gatewayId + "-sub", clean: true, reconnectPeriod: 0 });
    sub.on("message", (topic, payload) => {
      if (topic === `wmbus/${gatewayId}/raw`) json.push(payload.toString());
      else if (topic === `wmbus/${gatewayId}/raw/rtlwmbus`) rtl.push(payload.toString());
    });
    await sub.subscribeAsync([`wmbus/${gatewayId}/raw`, `wmbus/${gatewayId}/raw/rtlwmbus`, `wmbus/${gatewayId}/status`], { qos: 0 });
    let online = false;
    sub.on("message", (t) => void (t.endsWith("/status") && (online = true)));
    const cipher = nodeCipher();
    const ap = new Apartment({ cipher, seed: 3, meters: 20 });
    const udpUrl = `udp://127.0.0.1:${(udp.address() as AddressInfo).port}`;
    const tcpUrl = `tcp://127.0.0.1:${(tcp.address() as AddressInfo).port}`;
    const { config, problems } = parseConfig(ap.settings(gatewayId, { mqtt: { url }, raw: { frames: "all", sinks: [{ url: udpUrl }, { url: tcpUrl, format: "rtlwmbus" }] } }));
    expect(problems).toEqual([]);
    let mqttUplink;
    const hub = createHostHub(config, { onMqttUplink: (u) => (mqttUplink = u) });
    const raw = createHostRawOutput(config, mqttUplink)!;
    const clock = new SimClock(ap.startMs);
    const gateway = new Gateway({ config, clock, cipher, hub, raw });
    const source = new DirectFrameSource();
    const frames: RadioFrame[] = [];
    source.start(config.radioMode, (f) => {
      frames.push(f);
      gateway.handleFrame(f);
    });
    try {
      await waitFor(() => online, 5000);
      await sleep(300); // the TCP sink connects
      // paced (10 simulated minutes per real second): UDP on loopback drops datagrams that arrive in one burst
      await runApartment({ apartment: ap, clock, gateways: [{ gateway, source }], durationMs: 10 * 60_000, speed: 600 });
      const n = frames.length;
      expect(n).toBeGreaterThan(20);
      await waitFor(() => json.length >= n && rtl.length >= n && udpLines.length >= n && tcpText.split("\n").length > n, 10_000);
      expect(raw.stats()).toMatchObject({ records: n, mqttSent: 2 * n, mqttDropped: 0, sinkSent: 2 * n, sinkDropped: 0 });
      expect(json).toHaveLength(n);
      expect(rtl).toHaveLength(n);
      expect(udpLines).toHaveLength(n);
      const tcpLines = tcpText.split("\n");
      expect(tcpLines.pop()).toBe("");
      expect(tcpLines).toEqual(rtl);
      expect(udpLines).toEqual(rtl.map((l) => l + "\n"));
      frames.forEach((f, i) => {
        const hex = toHexLower(stripForTest(f.bytes, f.format));
        const j = JSON.parse(json[i]);
        expect(j).toMatchObject({ gateway: gatewayId, mode: f.mode + "1", format: f.format, rssi_dbm: Math.round(f.rssiDbm), hex });
        const line = readLikeWmbusmeters(rtl[i])!;
        expect(toHexLower(line.bytes)).toBe(hex);
        expect(line.mode).toBe(f.mode + "1");
        expect(line.time).toBe(Math.floor(Date.parse(j.time) / 1000) * 1000);
      });
    } finally {
      raw.close();
      await hub.close();
      await sub.endAsync();
      udp.close();
      tcp.close();
    }
  }, 30_000);
});

describe("npm start --raw", () => {
  it("the host gateway as a user starts it sends one rtl_wmbus line per received frame to a UDP listener", async () => {
    const { spawn } = await import("node:child_process");
    const { fileURLToPath } = await import("node:url");
    const start = fileURLToPath(new URL("../../build/host/start.js", import.meta.url));
    const udp = createSocket("udp4");
    const lines: string[] = [];
    udp.on("message", (m) => lines.push(m.toString()));
    await new Promise<void>((r) => udp.bind(0, "127.0.0.1", r));
    const port = (udp.address() as AddressInfo).port;
    const child = spawn("node", [start, "--direct", "--no-mqtt", "--duration", "5m", "--speed", "600", "--meters", "12", "--quiet", "--http-port", "0",
      "--raw", "all", "--raw-sink", `udp://127.0.0.1:${port}`], { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    child.stdout.on("data", (d) => (out += d.toString()));
    child.stderr.on("data", (d) => (out += d.toString()));
    const code = await new Promise<number | null>((r) => child.on("close", r));
    await new Promise((r) => setTimeout(r, 200));
    udp.close();
    expect(code, out).toBe(0);
    const done = /done: (\d+) frames.*raw records (\d+)/.exec(out);
    expect(done, out).not.toBeNull();
    const frames = Number(done![1]);
    expect(frames).toBeGreaterThan(10);
    expect(Number(done![2])).toBe(frames);
    expect(lines).toHaveLength(frames);
    for (const l of lines) expect(readLikeWmbusmeters(l.trimEnd()), l).toBeDefined();
  }, 30_000);
});
