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
 *                [--admin-password PW | --onboarding] [--no-wired]
 *
 * The first start writes settings for the simulated building: its radio meters, and three wired M-Bus meters on
 * the simulated segment (host-tests/sim/mbus/building-bus.ts; polled every 5 minutes, docs/wired.md) unless
 * --no-wired. Commands for meters arrive on MQTT wmbus/<gateway>/<meter>/set and the web API
 * (docs/bidirectional.md); the simulated radio cannot transmit, so they are queued and then fail or expire.
 *
 * The web interface (firmware/web) runs on --http-port with the login: without --admin-password the first start
 * prints a one-time admin password; --onboarding starts as a fresh device (no admin password, no Wi-Fi) so the
 * onboarding page opens first.
 *   npm start -- --replay [log.jsonl] [--json]      the old decoder replay
 */
import { fileURLToPath } from "node:url";
import { dirname, join } from "node:path";
import { loadConfig, saveConfig, CONFIG_KEY } from "../firmware/gateway/config.js";
import { MemoryKeyValueStore } from "../firmware/platform/memory-store.js";
import type { KeyValueStore } from "../firmware/platform/services.js";
import type { OutgoingReading } from "../firmware/uplink/uplink.js";
import { Apartment } from "../host-tests/sim/apartment.js";
import { APARTMENT_METERS } from "../host-tests/sim/apartment-meters.js";
import { BUILDING_BUS_METERS } from "../host-tests/sim/mbus/building-bus.js";
import { nodeCipher } from "./aes-node.js";
import { startEmbeddedBroker, type EmbeddedBroker } from "./gateway-broker.js";
import type { SimChipKind } from "../host-tests/rigs/gateway-air-source.js";
import { WebAuth } from "../firmware/web/auth.js";
import { randomToken } from "../firmware/web/web-crypto.js";
import { SimDevice } from "./web-sim-device.js";
import { nodeHash } from "./web-crypto-node.js";
import { SettingsFileStore } from "./gateway-file-store.js";
import { replay } from "./gateway-replay.js";
import { rawFilterFlag, rawSinkFlag } from "./raw-wiring.js";
import type { RawFilter, RawSinkSettings } from "../firmware/uplink/raw.js";

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
  adminPassword?: string;
  onboarding: boolean;
  /** Raw frame output (docs/raw-output.md): the global filter, and TCP/UDP listeners. */
  raw?: RawFilter;
  rawSinks: RawSinkSettings[];
  /** Leave the simulated wired M-Bus meters out of newly written settings. */
  noWired: boolean;
}

const UNITS: { [u: string]: number } = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** "90s", "30m", "1h", "2d", plain seconds; Infinity for "forever". */
export function parseDuration(text: string): number {
  if (text === "forever" || text === "inf") return Infinity;
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)?$/.exec(text);
  if (!m) throw new Error(`--duration: expected e.g. 90s, 30m, 1h or forever, got "${text}"`);
  return Number(m[1]) * UNITS[m[2] ?? "s"];
}

/** A whole number in [min, max], or an Error naming the flag ("--meters abc" must not mean 0 meters). */
function integerFlag(flag: string, text: string, min: number, max: number): number {
  const n = /^-?\d+$/.test(text) ? Number(text) : NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max) throw new Error(`${flag}: expected a whole number ${min}..${max}, got "${text.slice(0, 20)}"`);
  return n;
}

/**
 * Whether `npm start` runs its embedded MQTT broker: not with --mqtt or --no-mqtt, and with --config only when
 * the settings (once created from the simulated building, they point at it) name a broker on this machine.
 */
export function wantsEmbeddedBroker(flags: Pick<StartFlags, "mqtt" | "noMqtt" | "config">, stored: { mqtt?: { url: string } } | undefined): boolean {
  if (flags.noMqtt || flags.mqtt) return false;
  if (!flags.config || !stored) return true;
  return stored.mqtt !== undefined && /^mqtt:\/\/(127\.0\.0\.1|localhost|\[::1\])(:\d+)?\/?$/.test(stored.mqtt.url);
}

export function parseFlags(argv: readonly string[]): StartFlags {
  const f: StartFlags = { radioChip: "sx1262", direct: false, noMqtt: false, speed: 60, durationMs: Infinity, seed: 1, gateway: "sim-gateway", json: false, quiet: false, onboarding: false, rawSinks: [], noWired: false };
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
      case "--seed": f.seed = integerFlag(a, value(i++, a), 0, 0xffffffff); break;
      case "--meters": f.meters = integerFlag(a, value(i++, a), 1, APARTMENT_METERS.length); break; // the building has no more
      case "--radio": { const r = value(i++, a); if (r !== "TC" && r !== "S") throw new Error('--radio: expected "TC" or "S"'); f.radio = r; break; }
      case "--radio-chip": { const c = value(i++, a); if (c !== "sx1262" && c !== "cc1101") throw new Error('--radio-chip: expected "sx1262" or "cc1101"'); f.radioChip = c; break; }
      case "--direct": f.direct = true; break;
      case "--http-port": f.httpPort = Number(value(i++, a)); if (!Number.isInteger(f.httpPort) || f.httpPort < 0 || f.httpPort > 65535) throw new Error("--http-port: expected a port number 0..65535 (0 = any free port)"); break;
      case "--gateway": f.gateway = value(i++, a); break;
      case "--config": f.config = value(i++, a); break;
      case "--data": f.data = value(i++, a); break;
      case "--json": f.json = true; break;
      case "--quiet": f.quiet = true; break;
      case "--admin-password": f.adminPassword = value(i++, a); { const bad = WebAuth.passwordProblem(f.adminPassword); if (bad) throw new Error(`--admin-password: ${bad}`); } break;
      case "--onboarding": f.onboarding = true; break;
      case "--no-wired": f.noWired = true; break;
      case "--raw": f.raw = rawFilterFlag(value(i++, a)); break;
      case "--raw-sink": f.rawSinks.push(rawSinkFlag(value(i++, a))); break;
      default: throw new Error(`unknown flag ${a} (see the top of host/start.ts or README.md)`);
    }
  }
  return f;
}

/** The settings a first `npm start` writes: the building's radio meters, its wired M-Bus meters (unless --no-wired), the uplinks. */
export function startSettings(apartment: Apartment, flags: Pick<StartFlags, "gateway" | "radio" | "http" | "noWired">, mqttUrl: string | undefined): Record<string, unknown> {
  const s = apartment.settings(flags.gateway, { radioMode: flags.radio ?? "TC", ...(mqttUrl ? { mqtt: { url: mqttUrl } } : {}), ...(flags.http ? { http: { url: flags.http } } : {}) });
  if (flags.noWired) return s;
  return { ...s, meters: [...(s.meters as unknown[]), ...BUILDING_BUS_METERS], wired: { baud: 2400 } };
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
  return `${t}  ${r.meterId} ${r.driver.padEnd(12)} ${r.media.padEnd(20)} ${fields.join(" ")}  (${r.reading.rssi_dbm !== undefined ? `${r.reading.rssi_dbm} dBm` : "wired"})`;
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
    replay(flags.replay || join(here, "../../host-tests/data/replay.jsonl"), flags.json);
    return;
  }
  const cipher = nodeCipher();
  const apartment = new Apartment({ cipher, seed: flags.seed, meters: flags.meters });
  let broker: EmbeddedBroker | undefined;
  const existing: KeyValueStore | undefined = flags.config ? new SettingsFileStore(flags.config) : undefined;
  const stored = existing && existing.get(CONFIG_KEY) !== undefined ? loadConfig(existing).config : undefined;
  if (wantsEmbeddedBroker(flags, stored)) {
    broker = await startEmbeddedBroker(1883, true); // 1883 taken: any free port
    console.log(`embedded MQTT broker on ${broker.url} (try: mosquitto_sub -p ${broker.port} -t 'wmbus/#' -v)`);
  }
  const mqttUrl = flags.noMqtt ? undefined : flags.mqtt ?? broker?.url;

  // Settings: a file when --config is given (created from the apartment on first use), else in memory.
  const store: KeyValueStore = flags.config ? new SettingsFileStore(flags.config) : new MemoryKeyValueStore();
  if (store.get(CONFIG_KEY) === undefined) saveConfig(store, startSettings(apartment, flags, mqttUrl));

  const device = new SimDevice({
    store, apartment, httpPort: flags.httpPort ?? 8080, fallbackToFree: flags.httpPort === undefined, chip: flags.direct ? "direct" : flags.radioChip,
    dataDir: flags.data, log: (m) => console.log(m),
    adjust: (config) => {
      if (flags.raw || flags.rawSinks.length) config.raw = { frames: flags.raw ?? config.raw?.frames ?? "all", mqtt: true, sinks: [...(config.raw?.sinks ?? []), ...flags.rawSinks] };
    },
    onReading: (r) => {
      if (flags.json) console.log(JSON.stringify(r.reading));
      else if (!flags.quiet) console.log(readingLine(r));
    },
  });
  const { gateway, source, hub } = device;
  const config = gateway.config;
  if (flags.onboarding) device.app.auth.reset();
  else if (flags.adminPassword) device.app.auth.setAdminPassword(flags.adminPassword);
  else if (!device.app.auth.hasAdminPassword) {
    const once = randomToken(nodeHash, 9);
    device.app.auth.setAdminPassword(once);
    console.log(`web admin password (shown once; change it on the settings page): ${once}`);
  }
  const web = await device.listen();
  console.log(`web interface on ${web.url}${device.app.onboardingOpen ? " (onboarding page first)" : ""}`);
  const receiver = flags.direct ? "direct (ideal radio)" : `${flags.radioChip} driver on its chip simulator`;
  const wiredMeters = config.meters.filter((m) => m.wired).length;
  console.log(`gateway ${config.gatewayId}: ${config.meters.length} meters configured (${wiredMeters} wired), ${apartment.meters.length} radio meters in the building, radio ${config.radioMode} via ${receiver}, ` +
    `speed ×${flags.speed}, ${isFinite(flags.durationMs) ? `${flags.durationMs / 60_000} simulated minutes` : "until Ctrl-C"}`);

  process.once("SIGINT", () => {
    device.stop();
    console.log("\nstopping…");
  });
  await device.run(flags.speed, flags.durationMs, (now) => {
      if (flags.json) return;
      const s = gateway.stats();
      const u = hub.stats();
      const errors = Object.entries(s.decodeErrors).map(([k, n]) => `${k} ${n}`).join(", ") || "none";
      console.log(`── ${new Date(now).toISOString().slice(11, 16)} sim │ frames ${s.frames} · readings ${s.readings} · duplicates ${s.duplicates} (repeated ${s.repeated}) · unknown meters ${s.unknownMeters} · errors ${errors} │ ${radioLine(source.stats())} │ uplink delivered ${u.delivered} · buffered ${u.buffered} · dropped ${u.dropped}`);
  });
  gateway.publishStatus(device.statusParts());
  // the gateway counts polled wired telegrams as frames too; "frames" below are the radio's
  const wired = device.wired.stats().meters.reduce((n, m) => n + m.telegrams, 0);
  await device.close();
  if (broker) await broker.close();
  const s = gateway.stats();
  console.log(`done: ${s.frames - wired} frames, ${wired} wired telegrams, ${s.readings} readings, ${s.duplicates} duplicates, ${s.unknownMeters} unknown meters, delivered ${hub.stats().delivered}` +
    (device.raw ? `, raw records ${device.raw.stats().records}` : ""));
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
