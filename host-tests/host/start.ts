/**
 * `npm start`: the whole gateway on the host — the simulated apartment on the air model, received by the
 * SX1262 (default, as on the Heltec board) or CC1101 driver on its chip simulator, the gateway pipeline, the
 * MQTT uplink to an embedded broker (aedes) or a real one, and the local web page — in accelerated simulated
 * time. Prints every reading and a stats line per simulated minute; Ctrl-C stops cleanly.
 *
 *   npm start -- [--mqtt mqtt://host:port | --no-mqtt] [--http URL] [--speed 60] [--duration 1h]
 *                [--seed 1] [--meters 49] [--radio TC|S] [--radio-chip sx1262|cc1101 | --direct]
 *                [--http-port 8080] [--gateway ID] [--config settings.json] [--data DIR] [--json] [--quiet]
 *                [--raw all|configured|unknown|none] [--raw-sink udp://127.0.0.1:9011[,rtlwmbus|hex|json]]
 *   npm start -- --replay [log.jsonl] [--json]      the old decoder replay
 */
import { fileURLToPath } from "node:url";
import { dirname, join } from "node:path";
import { Gateway } from "../../firmware/gateway/gateway.js";
import { loadConfig, problemText, saveConfig, CONFIG_KEY } from "../../firmware/gateway/config.js";
import { MemoryKeyValueStore } from "../../firmware/platform/memory-store.js";
import { HOST_MEMO } from "./host-memo.js";
import type { KeyValueStore } from "../../firmware/platform/services.js";
import { tapHub, type OutgoingReading } from "../../firmware/uplink/uplink.js";
import { Apartment } from "../sim/apartment.js";
import { nodeCipher } from "./aes-node.js";
import { startEmbeddedBroker, type EmbeddedBroker } from "./gateway-broker.js";
import { DirectFrameSource } from "./gateway-direct-source.js";
import { AirFrameSource, SimulatedAir, type SimChipKind } from "./gateway-air-source.js";
import { LastReadings } from "../../firmware/web/last-readings.js";
import { statusDocument } from "../../firmware/web/status-page.js";
import { startWebServer } from "./web-server.js";
import { SettingsFileStore } from "./gateway-file-store.js";
import { createHostHub } from "./gateway-hub.js";
import { replay } from "./gateway-replay.js";
import { connect, runApartment, SimClock } from "./gateway-runner.js";
import { createHostRawOutput, rawFilterFlag, rawSinkFlag } from "./raw-wiring.js";
import type { RawFilter, RawSinkSettings } from "../../firmware/uplink/raw.js";

export interface StartFlags {
  replay?: string;
  mqtt?: string;
  noMqtt: boolean;
  http?: string;
  speed: number;
  durationMs: number;
  seed: number;
  meters?: number;
  radio?: "TC" | "S";
  /** The chip simulator the driver runs on; ignored with `direct`. */
  radioChip: SimChipKind;
  /** Frames straight from the apartment (an ideal radio), no air and no chip: fast. */
  direct: boolean;
  /** Port of the local web page; 0 = any free port. Default 8080 (a free one when taken). */
  httpPort?: number;
  gateway: string;
  config?: string;
  data?: string;
  json: boolean;
  quiet: boolean;
  /** Raw frame output (docs/raw-output.md): the global filter, and TCP/UDP listeners. */
  raw?: RawFilter;
  rawSinks: RawSinkSettings[];
}

const UNITS: { [u: string]: number } = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** "90s", "30m", "1h", "2d", plain seconds; Infinity for "forever". */
export function parseDuration(text: string): number {
  if (text === "forever" || text === "inf") return Infinity;
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)?$/.exec(text);
  if (!m) throw new Error(`--duration: expected e.g. 90s, 30m, 1h or forever, got "${text}"`);
  return Number(m[1]) * UNITS[m[2] ?? "s"];
}

export function parseFlags(argv: readonly string[]): StartFlags {
  const f: StartFlags = { radioChip: "sx1262", direct: false, noMqtt: false, speed: 60, durationMs: Infinity, seed: 1, gateway: "sim-gateway", json: false, quiet: false, rawSinks: [] };
  const value = (i: number, name: string): string => {
    const v = argv[i + 1];
    if (v === undefined || v.startsWith("--")) throw new Error(`${name} needs a value`);
    return v;
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    switch (a) {
      case "--replay": f.replay = argv[i + 1] && !argv[i + 1].startsWith("--") ? argv[++i] : ""; break;
      case "--mqtt": f.mqtt = value(i++, a); break;
      case "--no-mqtt": f.noMqtt = true; break;
      case "--http": f.http = value(i++, a); break;
      case "--speed": f.speed = Number(value(i++, a)); if (!(f.speed > 0)) throw new Error("--speed: expected a positive number (simulated seconds per real second), or Infinity"); break;
      case "--duration": f.durationMs = parseDuration(value(i++, a)); break;
      case "--seed": f.seed = Number(value(i++, a)); break;
      case "--meters": f.meters = Number(value(i++, a)); break;
      case "--radio": { const r = value(i++, a); if (r !== "TC" && r !== "S") throw new Error('--radio: expected "TC" or "S"'); f.radio = r; break; }
      case "--radio-chip": { const c = value(i++, a); if (c !== "sx1262" && c !== "cc1101") throw new Error('--radio-chip: expected "sx1262" or "cc1101"'); f.radioChip = c; break; }
      case "--direct": f.direct = true; break;
      case "--http-port": f.httpPort = Number(value(i++, a)); if (!Number.isInteger(f.httpPort) || f.httpPort < 0 || f.httpPort > 65535) throw new Error("--http-port: expected a port number 0..65535 (0 = any free port)"); break;
      case "--gateway": f.gateway = value(i++, a); break;
      case "--config": f.config = value(i++, a); break;
      case "--data": f.data = value(i++, a); break;
      case "--json": f.json = true; break;
      case "--quiet": f.quiet = true; break;
      case "--raw": f.raw = rawFilterFlag(value(i++, a)); break;
      case "--raw-sink": f.rawSinks.push(rawSinkFlag(value(i++, a))); break;
      default: throw new Error(`unknown flag ${a} (see the top of host-tests/host/start.ts or README.md)`);
    }
  }
  return f;
}

/** One reading as a short line: time, name, id and its first numeric fields. */
export function readingLine(r: OutgoingReading): string {
  const skip = new Set(["_", "media", "meter", "name", "id", "timestamp", "rssi_dbm", "device"]);
  const fields: string[] = [];
  for (const [k, v] of Object.entries(r.reading)) {
    if (skip.has(k) || typeof v !== "number") continue;
    fields.push(`${k}=${v}`);
    if (fields.length === 3) break;
  }
  const t = String(r.reading.timestamp).slice(11, 19);
  return `${t}  ${r.meterId} ${r.driver.padEnd(12)} ${r.media.padEnd(20)} ${fields.join(" ")}  (${r.reading.rssi_dbm} dBm)`;
}

/** The radio part of the stats line: what the driver delivered and lost, and what happened on the air. */
export function radioLine(r: Record<string, number>): string {
  if (r.airTransmissions === undefined) return `radio delivered ${r.framesDelivered}`;
  return `radio delivered ${r.framesDelivered} · crc errors ${r.crcErrors} · coding errors ${r.codingErrors} · air collisions ${r.airCollisions}`;
}

async function main(): Promise<void> {
  const flags = parseFlags(process.argv.slice(2));
  if (flags.replay !== undefined) {
    const here = dirname(fileURLToPath(import.meta.url));
    replay(flags.replay || join(here, "../../../host-tests/data/replay.jsonl"), flags.json);
    return;
  }
  const cipher = nodeCipher();
  const apartment = new Apartment({ cipher, seed: flags.seed, meters: flags.meters });
  let broker: EmbeddedBroker | undefined;
  if (!flags.noMqtt && !flags.mqtt) {
    broker = await startEmbeddedBroker(1883, true); // 1883 taken: any free port
    console.log(`embedded MQTT broker on ${broker.url} (try: mosquitto_sub -p ${broker.port} -t 'wmbus/#' -v)`);
  }
  const mqttUrl = flags.noMqtt ? undefined : flags.mqtt ?? broker!.url;

  // Settings: a file when --config is given (created from the apartment on first use), else in memory.
  const store: KeyValueStore = flags.config ? new SettingsFileStore(flags.config) : new MemoryKeyValueStore();
  if (store.get(CONFIG_KEY) === undefined) {
    saveConfig(store, apartment.settings(flags.gateway, { radioMode: flags.radio ?? "TC", ...(mqttUrl ? { mqtt: { url: mqttUrl } } : {}), ...(flags.http ? { http: { url: flags.http } } : {}) }));
  }
  const { config, problems } = loadConfig(store);
  if (!flags.config) {
    if (mqttUrl) config.mqtt = { ...(config.mqtt ?? { tls: false, topicPrefix: "wmbus" }), url: mqttUrl };
    if (flags.radio) config.radioMode = flags.radio;
  }
  if (flags.raw || flags.rawSinks.length) config.raw = { frames: flags.raw ?? config.raw?.frames ?? "all", mqtt: true, sinks: [...(config.raw?.sinks ?? []), ...flags.rawSinks] };
  for (const p of problems) console.log(`settings: ${problemText(p)}`);

  const clock = new SimClock(apartment.startMs);
  let mqttUplink: Parameters<typeof createHostRawOutput>[1];
  const hub = createHostHub(config, { dataDir: flags.data, onDiagnostic: (m) => console.log(`uplink: ${m}`), onMqttUplink: (u) => (mqttUplink = u) });
  const raw = createHostRawOutput(config, mqttUplink, (m) => console.log(m));
  const last = new LastReadings();
  const shown = tapHub(last.tap(hub), (r) => {
    if (flags.json) console.log(JSON.stringify(r.reading));
    else if (!flags.quiet) console.log(readingLine(r));
  });
  const gateway = new Gateway({ config, configProblems: problems, clock, cipher, hub: shown, device: "sim", raw, memo: HOST_MEMO });
  const source = flags.direct ? new DirectFrameSource() : new AirFrameSource({ air: new SimulatedAir({ clock }), chip: flags.radioChip, onDiagnostic: (m) => console.log(`radio: ${m}`) });
  const g = { gateway, source };
  connect(g);
  const web = await startWebServer(flags.httpPort ?? 8080, () => statusDocument(gateway.status({ radio: source.stats(), uplink: hub.stats() }), last), flags.httpPort === undefined);
  console.log(`status page on ${web.url} (JSON: ${web.url}status.json)`);
  const receiver = flags.direct ? "direct (ideal radio)" : `${flags.radioChip} driver on its chip simulator`;
  console.log(`gateway ${config.gatewayId}: ${config.meters.length} meters configured, ${apartment.meters.length} in the building, radio ${config.radioMode} via ${receiver}, ` +
    `speed ×${flags.speed}, ${isFinite(flags.durationMs) ? `${flags.durationMs / 60_000} simulated minutes` : "until Ctrl-C"}`);

  let stop = false;
  process.once("SIGINT", () => {
    stop = true;
    console.log("\nstopping…");
  });
  await runApartment({
    apartment, clock, gateways: [g], durationMs: flags.durationMs, speed: flags.speed, stopped: () => stop,
    onStatus: (now) => {
      if (flags.json) return;
      const s = gateway.stats();
      const u = hub.stats();
      const errors = Object.entries(s.decodeErrors).map(([k, n]) => `${k} ${n}`).join(", ") || "none";
      console.log(`── ${new Date(now).toISOString().slice(11, 16)} sim │ frames ${s.frames} · readings ${s.readings} · duplicates ${s.duplicates} (repeated ${s.repeated}) · unknown meters ${s.unknownMeters} · errors ${errors} │ ${radioLine(source.stats())} │ uplink delivered ${u.delivered} · buffered ${u.buffered} · dropped ${u.dropped}`);
    },
  });
  gateway.publishStatus({ radio: source.stats() });
  await hub.close();
  raw?.close();
  await web.close();
  source.close();
  if (broker) await broker.close();
  const s = gateway.stats();
  console.log(`done: ${s.frames} frames, ${s.readings} readings, ${s.duplicates} duplicates, ${s.unknownMeters} unknown meters, delivered ${hub.stats().delivered}` +
    (raw ? `, raw records ${raw.stats().records}` : ""));
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main().then(
    () => process.exit(0), // everything is closed; do not wait for sockets lingering in TIME_WAIT
    (e: unknown) => {
      console.error(e instanceof Error ? e.message : String(e));
      process.exit(1);
    },
  );
}
