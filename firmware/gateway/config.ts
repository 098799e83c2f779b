/**
 * Gateway settings: Wi-Fi, MQTT, HTTP, radio mode, gateway identity and the meters with their keys.
 * Stored as one JSON text in the KeyValueStore (device: `preference`; host: a JSON file) under CONFIG_KEY.
 *
 * `parseConfig` never throws: every bad setting becomes a ConfigProblem naming its path
 * (`meters[3].key: expected 32 hex digits, got 30`) and only that part is left out — a bad meter is skipped,
 * a bad MQTT URL disables MQTT — so the gateway starts with the rest and reports each problem in its status.
 * Keys and passwords are write-only: problems never quote them and `publicConfig` replaces them by "set".
 */
import { driverByName, driverNames } from "../meters/drivers/index.js";
import type { RadioListen } from "../radio/radio.js";
import type { KeyValueStore } from "../platform/services.js";
import { parseMqttUrl } from "../uplink/mqtt-transport.js";
import { parseHttpUrl } from "../uplink/http-uplink.js";
import { hasCredentials, redactUrl } from "../uplink/sink.js";
import type { RawSettings } from "../uplink/raw.js";
import { parseMeterRaw, parseRawSettings } from "../uplink/raw-settings.js";
import { HEX_RE, describe, nearestName, shownName, shownValue } from "./setting-text.js";
import { parseWiredBus, wiredAddressProblems, type WiredBusConfig } from "./wired-settings.js";
import { deepFreeze } from "../util/freeze.js";
import type { Driver } from "../meters/types.js";
import { validateDrivers } from "../meters/driver-schema.js";

export { shownValue } from "./setting-text.js";

export const CONFIG_KEY = "gateway.config";

export interface MeterConfig {
  /** 8 hex digits, lower case (as readings print it). */
  id: string;
  /** AES-128 key, 32 hex digits; absent for unencrypted meters. Write-only. */
  key?: string;
  name: string;
  /** Driver name from firmware/meters/drivers, or "auto" to detect it from the telegram. */
  driver: string;
  /**
   * With a key: also accept telegrams that were not encrypted with it (security mode 0, plaintext in place),
   * published with `payload_state` set. Default false: such telegrams are refused (docs/reliability.md).
   */
  allowUnencrypted?: boolean;
  /** Raw frame output for this meter: overrides raw.frames (docs/raw-output.md). */
  raw?: boolean;
  /** A wired M-Bus meter the gateway polls (docs/wired.md): primary 0..250 or secondary "12345678[-MMMM-VV-TT]". */
  wired?: { primary?: number; secondary?: string; intervalS: number };
}

export interface MqttConfig {
  url: string;
  user?: string;
  password?: string;
  tls: boolean;
  topicPrefix: string;
}

export interface GatewayConfig {
  gatewayId: string;
  gatewayName: string;
  wifi?: { ssid: string; password?: string };
  mqtt?: MqttConfig;
  /** `headers`: extra request headers (e.g. Authorization); write-only like keys. */
  http?: { url: string; headers?: Record<string, string> };
  radioMode: RadioListen;
  meters: MeterConfig[];
  /** Raw frames to MQTT and TCP/UDP listeners (docs/raw-output.md); absent = off. */
  raw?: RawSettings;
  /**
   * Driver definitions the user added (docs/readings.md "User drivers", docs/driver.schema.json), validated;
   * a definition with a problem is left out. The gateway makes its UserDrivers from them.
   */
  drivers?: Driver[];
  /** The wired M-Bus segment's UART and speed (docs/wired.md); absent: UART of the board, 2400 Bd. */
  wired?: WiredBusConfig;
}

export interface ConfigProblem {
  /** The setting, e.g. "meters[3].key", "mqtt.url". */
  path: string;
  message: string;
}

export function problemText(p: ConfigProblem): string {
  return p.path + ": " + p.message;
}

type Obj = { [k: string]: unknown };

function isObj(v: unknown): v is Obj {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

const ID_RE = /^[0-9A-Fa-f]{8}$/;
const GATEWAY_ID_RE = /^[A-Za-z0-9_-]{1,32}$/;
/**
 * The uplinks' own URL parsers decide what a valid URL is (one grammar for config and transport); their
 * errors name the URL with any password masked, and credentials in URLs are refused anyway.
 */
function urlProblem(url: unknown, parse: (url: string) => unknown): string | undefined {
  if (typeof url !== "string") return `expected a URL text, got ${describe(url)}`;
  // A URL with user:password@ is refused without quoting it: the password must not reach a status or log.
  if (hasCredentials(url)) return "credentials in the URL are not supported; use the user and password settings";
  try {
    parse(url);
    return undefined;
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  }
}

/** The setting names each object may hold (anything else is a problem naming the nearest of these). */
const SETTING_NAMES = deepFreeze({
  settings: ["gatewayId", "gatewayName", "wifi", "mqtt", "http", "radioMode", "meters", "raw", "drivers", "wired"],
  wifi: ["ssid", "password"],
  mqtt: ["url", "user", "password", "tls", "topicPrefix"],
  http: ["url", "headers"],
  meter: ["id", "key", "name", "driver", "allowUnencrypted", "raw", "wired"],
  wired: ["primary", "secondary", "interval_s"],
} as const);

class Collector {
  readonly problems: ConfigProblem[] = [];
  add(path: string, message: string): void {
    this.problems.push({ path, message });
  }
  /** Every own name of `o` that is not in `known` is a problem at `path` + name, with the nearest known name. */
  names(o: Obj, known: readonly string[], path: string): void {
    for (const k of Object.keys(o)) {
      if (known.indexOf(k) >= 0) continue;
      const near = nearestName(k, known);
      this.add(path + shownName(k), "unknown setting, ignored" + (near ? `; did you mean "${near}"?` : ` (known here: ${known.join(", ")})`));
    }
  }
  /** An optional text setting; a wrong type is a problem and yields undefined. */
  text(o: Obj, key: string, path: string): string | undefined {
    const v = o[key];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== "string") {
      this.add(path + key, `expected a text, got ${describe(v)}`);
      return undefined;
    }
    return v;
  }
}

function parseMeter(raw: unknown, i: number, seen: Set<string>, c: Collector, userNames: readonly string[]): MeterConfig | undefined {
  const at = `meters[${i}]`;
  if (!isObj(raw)) {
    c.add(at, `expected an object, got ${describe(raw)}`);
    return undefined;
  }
  c.names(raw, SETTING_NAMES.meter, at + ".");
  const before = c.problems.length;
  const id = raw.id;
  if (typeof id !== "string" || !ID_RE.test(id)) {
    c.add(at + ".id", `expected 8 hex digits, got ${describe(id)}`);
  } else if (seen.has(id.toLowerCase())) {
    c.add(at + ".id", `meter ${id.toLowerCase()} is configured twice`);
  }
  const key = raw.key;
  if (key !== undefined && key !== null && key !== "") {
    // The key text is never echoed: only its length or the fact that it is not hex.
    if (typeof key !== "string") c.add(at + ".key", `expected 32 hex digits, got ${describe(key)}`);
    else if (!HEX_RE.test(key)) c.add(at + ".key", "expected 32 hex digits, got other characters");
    else if (key.length !== 32) c.add(at + ".key", `expected 32 hex digits, got ${key.length}`);
  }
  const driver = c.text(raw, "driver", at + ".") ?? "auto";
  if (driver !== "auto" && driver !== "" && !driverByName(driver) && userNames.indexOf(driver) < 0) {
    const near = nearestName(driver, [...userNames, ...driverNames()]);
    c.add(at + ".driver", `unknown driver ${shownValue(driver)}` + (near ? `; did you mean "${near}"?` : ""));
  }
  const name = c.text(raw, "name", at + ".");
  const allow = raw.allowUnencrypted;
  if (allow !== undefined && typeof allow !== "boolean") c.add(at + ".allowUnencrypted", `expected true or false, got ${describe(allow)}`);
  const wired = parseWiredMeter(raw.wired, at + ".wired", c);
  if (c.problems.length > before) return undefined;
  const meterId = (id as string).toLowerCase();
  seen.add(meterId);
  const m: MeterConfig = { id: meterId, name: name ?? meterId, driver: driver === "" ? "auto" : driver };
  if (typeof key === "string" && key !== "") m.key = key.toUpperCase();
  if (allow === true) m.allowUnencrypted = true;
  const rawSwitch = parseMeterRaw(raw.raw, at, (p, msg) => c.add(p, msg));
  if (rawSwitch !== undefined) m.raw = rawSwitch;
  if (wired) m.wired = wired;
  return m;
}

/** `{"primary": 5, "interval_s": 900}` or `{"secondary": "12345678", "interval_s": 900}` (default 900 s, at least 10 s). */
function parseWiredMeter(raw: unknown, at: string, c: Collector): MeterConfig["wired"] {
  if (raw === undefined || raw === null) return undefined;
  if (!isObj(raw)) {
    c.add(at, `expected an object, got ${describe(raw)}`);
    return undefined;
  }
  c.names(raw, SETTING_NAMES.wired, at + ".");
  const w: { primary?: number; secondary?: string; intervalS: number } = { intervalS: 900 };
  const p = raw.primary, sec = raw.secondary, iv = raw.interval_s;
  if (p !== undefined && (typeof p !== "number" || !Number.isInteger(p) || p < 0 || p > 250)) c.add(at + ".primary", "expected a primary address 0..250");
  else if (typeof p === "number") w.primary = p;
  if (sec !== undefined && (typeof sec !== "string" || !/^[0-9Ff]{8}(-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{2}-[0-9A-Fa-f]{2})?$/.test(sec))) c.add(at + ".secondary", "expected 8 digits, optionally -MMMM-VV-TT (hex)");
  else if (typeof sec === "string") w.secondary = sec.toUpperCase();
  if ((w.primary === undefined) === (w.secondary === undefined)) c.add(at, "give exactly one of primary and secondary");
  if (iv !== undefined && (typeof iv !== "number" || !(iv >= 10))) c.add(at + ".interval_s", "expected a number of seconds ≥ 10");
  else if (typeof iv === "number") w.intervalS = iv;
  return w;
}

function parseMqtt(raw: unknown, c: Collector): MqttConfig | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (!isObj(raw)) {
    c.add("mqtt", `expected an object, got ${describe(raw)}`);
    return undefined;
  }
  c.names(raw, SETTING_NAMES.mqtt, "mqtt.");
  const bad = urlProblem(raw.url, parseMqttUrl);
  if (bad) {
    c.add("mqtt.url", bad + " — MQTT is off");
    return undefined;
  }
  const url = raw.url as string;
  const tls = raw.tls === undefined ? url.startsWith("mqtts:") : raw.tls;
  if (typeof tls !== "boolean") c.add("mqtt.tls", `expected true or false, got ${describe(tls)}`);
  let prefix = c.text(raw, "topicPrefix", "mqtt.") ?? "wmbus";
  if (!/^[^#+\s]+$/.test(prefix) || prefix.endsWith("/")) {
    c.add("mqtt.topicPrefix", "expected topic levels without +, #, spaces or a trailing /; using \"wmbus\"");
    prefix = "wmbus";
  }
  const m: MqttConfig = { url, tls: tls === true, topicPrefix: prefix };
  const user = c.text(raw, "user", "mqtt.");
  const password = c.text(raw, "password", "mqtt.");
  if (user !== undefined && user !== "") m.user = user;
  if (password !== undefined && password !== "") m.password = password;
  return m;
}

/** RFC 9110 §5.6.2 token: a header name. */
const TOKEN_RE = /^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,64}$/;

/** http.headers: names → texts (values are secrets: never quoted, shown as "set"). A bad entry is left out. */
function parseHeaders(raw: unknown, c: Collector): Record<string, string> | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (!isObj(raw)) {
    c.add("http.headers", `expected an object of header names and values, got ${describe(raw)}`);
    return undefined;
  }
  const out: Record<string, string> = Object.create(null) as Record<string, string>;
  let n = 0;
  for (const name of Object.keys(raw)) {
    const v = raw[name];
    if (!TOKEN_RE.test(name)) c.add("http.headers", `a header name must be 1..64 token characters (RFC 9110), got ${describe(name)}`);
    else if (/^(content-type|content-length|host|transfer-encoding|connection)$/i.test(name)) c.add("http.headers." + name, "is set by the gateway itself; ignored");
    else if (typeof v !== "string" || /[\r\n\0]/.test(v) || v.length > 1024) c.add("http.headers." + name, `expected a text of at most 1024 characters without line breaks, got ${typeof v === "string" ? `${v.length} characters` : describe(v)}`);
    else if (++n > 16) c.add("http.headers." + name, "at most 16 headers; ignored");
    else out[name] = v;
  }
  return n > 0 ? out : undefined;
}

/** Validates raw settings (parsed JSON). Never throws; see the module comment. */
export function parseConfig(raw: unknown): { config: GatewayConfig; problems: ConfigProblem[] } {
  const c = new Collector();
  const o: Obj = isObj(raw) ? raw : {};
  if (!isObj(raw)) c.add("(settings)", `expected an object, got ${describe(raw)}; using defaults`);
  else c.names(raw, SETTING_NAMES.settings, "");
  let gatewayId = c.text(o, "gatewayId", "") ?? "wmbus-gateway";
  if (!GATEWAY_ID_RE.test(gatewayId)) {
    c.add("gatewayId", "expected 1..32 letters, digits, - or _; using \"wmbus-gateway\"");
    gatewayId = "wmbus-gateway";
  }
  const config: GatewayConfig = {
    gatewayId,
    gatewayName: c.text(o, "gatewayName", "") ?? gatewayId,
    radioMode: "TC",
    meters: [],
  };
  const mode = o.radioMode;
  if (mode === "TC" || mode === "S") config.radioMode = mode;
  else if (mode !== undefined) c.add("radioMode", `expected "TC" (T1+C1) or "S" (S1), got ${describe(mode)}; using "TC"`);
  if (isObj(o.wifi)) {
    c.names(o.wifi, SETTING_NAMES.wifi, "wifi.");
    const ssid = c.text(o.wifi, "ssid", "wifi.");
    if (ssid === undefined || ssid === "" || ssid.length > 32) c.add("wifi.ssid", "expected 1..32 characters — Wi-Fi is off");
    else {
      config.wifi = { ssid };
      const pw = c.text(o.wifi, "password", "wifi.");
      if (pw !== undefined && pw !== "") {
        if (pw.length < 8 || pw.length > 63) c.add("wifi.password", `expected 8..63 characters (WPA2), got ${pw.length}`);
        config.wifi.password = pw;
      }
    }
  } else if (o.wifi !== undefined) c.add("wifi", `expected an object, got ${describe(o.wifi)}`);
  const mqtt = parseMqtt(o.mqtt, c);
  if (mqtt) config.mqtt = mqtt;
  if (isObj(o.http)) {
    c.names(o.http, SETTING_NAMES.http, "http.");
    const bad = urlProblem(o.http.url, parseHttpUrl);
    if (bad) c.add("http.url", bad + " — HTTP is off");
    else {
      config.http = { url: o.http.url as string };
      const headers = parseHeaders(o.http.headers, c);
      if (headers) config.http.headers = headers;
    }
  } else if (o.http !== undefined && o.http !== null) c.add("http", `expected an object, got ${describe(o.http)}`);
  // user drivers first: a meter may name one
  const userNames: string[] = [];
  if (o.drivers !== undefined && o.drivers !== null) {
    const v = validateDrivers(o.drivers, "drivers");
    for (const p of v.problems) c.add(p.path, p.message);
    config.drivers = v.drivers;
    for (const d of v.drivers) userNames.push(d.name, ...(d.aliases ?? []));
  }
  const meters = o.meters;
  if (Array.isArray(meters)) {
    const seen = new Set<string>();
    const wired: { at: number; id: string; wired?: MeterConfig["wired"] }[] = [];
    for (let i = 0; i < meters.length; i++) {
      const m = parseMeter(meters[i], i, seen, c, userNames);
      if (m) config.meters.push(m);
      if (m?.wired) wired.push({ at: i, id: m.id, wired: m.wired });
    }
    for (const id of wiredAddressProblems(wired, (p, msg) => c.add(p, msg))) delete config.meters.find((m) => m.id === id)!.wired;
  } else if (meters !== undefined) c.add("meters", `expected a list, got ${describe(meters)}`);
  const rawOutput = parseRawSettings(o.raw, (p, msg) => c.add(p, msg));
  if (rawOutput) config.raw = rawOutput;
  const bus = parseWiredBus(o.wired, (p, msg) => c.add(p, msg));
  if (bus) config.wired = bus;
  return { config, problems: c.problems };
}

/**
 * The settings without secrets, for status, logs and web pages: keys, passwords and header values become
 * "set"; URLs are shown with user-info and query values masked (redactUrl).
 */
export function publicConfig(cfg: GatewayConfig): Record<string, unknown> {
  const out: Record<string, unknown> = { gatewayId: cfg.gatewayId, gatewayName: cfg.gatewayName, radioMode: cfg.radioMode };
  if (cfg.wifi) out.wifi = { ssid: cfg.wifi.ssid, password: cfg.wifi.password ? "set" : "none" };
  if (cfg.mqtt) {
    const m = cfg.mqtt;
    out.mqtt = { url: redactUrl(m.url), tls: m.tls, topicPrefix: m.topicPrefix, user: m.user ?? "", password: m.password ? "set" : "none" };
  }
  if (cfg.http) {
    const h: Record<string, unknown> = { url: redactUrl(cfg.http.url) };
    if (cfg.http.headers) h.headers = Object.keys(cfg.http.headers).map((name) => name + ": set");
    out.http = h;
  }
  out.meters = cfg.meters.map((m) => {
    const o: Record<string, unknown> = { id: m.id, name: m.name, driver: m.driver, key: m.key ? "set" : "none" };
    if (m.allowUnencrypted) o.allowUnencrypted = true;
    if (m.raw !== undefined) o.raw = m.raw;
    if (m.wired) o.wired = { primary: m.wired.primary, secondary: m.wired.secondary, interval_s: m.wired.intervalS };
    return o;
  });
  if (cfg.drivers && cfg.drivers.length > 0) out.drivers = cfg.drivers.map((d) => d.name);
  if (cfg.raw) out.raw = { frames: cfg.raw.frames, mqtt: cfg.raw.mqtt, sinks: cfg.raw.sinks.map((s) => ({ ...s, url: redactUrl(s.url) })) };
  if (cfg.wired) out.wired = { ...cfg.wired };
  return out;
}

/**
 * Reads the settings from the store. A missing entry gives the defaults; text that is not JSON is a problem
 * at "(settings)" and also gives the defaults (the stored text is kept for repair, never echoed).
 */
export function loadConfig(store: KeyValueStore): { config: GatewayConfig; problems: ConfigProblem[] } {
  let text = store.get(CONFIG_KEY);
  if (text === undefined) return parseConfig({});
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1); // a UTF-8 byte-order mark (Windows editors) is not content
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    const res = parseConfig({});
    res.problems.unshift({ path: "(settings)", message: `stored settings are not JSON (${text.length} characters); using defaults` });
    return res;
  }
  return parseConfig(raw);
}

/** Stores raw settings (validated first; returns the problems, stores even with problems so nothing is lost). */
export function saveConfig(store: KeyValueStore, raw: unknown): ConfigProblem[] {
  const { problems } = parseConfig(raw);
  store.set(CONFIG_KEY, JSON.stringify(raw));
  return problems;
}
