/**
 * The `raw` part of the gateway settings (docs/raw-output.md), validated like the rest of
 * firmware/gateway/config.ts: never throws, every bad value becomes a problem naming its path and is left out.
 *
 *   "raw": { "frames": "all" | "configured" | "unknown" | "none", "mqtt": true,
 *            "sinks": [ { "url": "udp://192.168.1.10:9011", "format": "rtlwmbus" } ] }
 *
 * and per meter `"raw": true | false` (overrides `frames` for that meter).
 */
import { RAW_MAX_SINKS, type RawFilter, type RawLineFormat, type RawSettings, type RawSinkSettings } from "./raw.js";

type Problem = (path: string, message: string) => void;

const FILTERS: readonly RawFilter[] = Object.freeze(["all", "configured", "unknown", "none"]);
const FORMATS: readonly RawLineFormat[] = Object.freeze(["rtlwmbus", "hex", "json"]);
const SINK_URL = /^(tcp|udp):\/\/(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+):(\d{1,5})$/;

/** "udp://host:port" → parts, or undefined. */
export function parseSinkUrl(url: string): { protocol: "tcp" | "udp"; host: string; port: number } | undefined {
  const m = SINK_URL.exec(url);
  if (!m) return undefined;
  const port = Number(m[3]);
  if (port < 1 || port > 65535) return undefined;
  const host = m[2].startsWith("[") ? m[2].slice(1, -1) : m[2];
  return { protocol: m[1] as "tcp" | "udp", host, port };
}

function isObj(v: unknown): v is { [k: string]: unknown } {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function parseSink(raw: unknown, at: string, add: Problem): RawSinkSettings | undefined {
  if (!isObj(raw)) {
    add(at, "expected an object with url and format");
    return undefined;
  }
  const url = raw.url;
  if (typeof url !== "string" || !parseSinkUrl(url)) {
    add(at + ".url", 'expected "udp://host:port" or "tcp://host:port"; this listener is off');
    return undefined;
  }
  const format = raw.format ?? "rtlwmbus";
  if (typeof format !== "string" || !FORMATS.includes(format as RawLineFormat)) {
    add(at + ".format", `expected one of ${FORMATS.join(", ")}; this listener is off`);
    return undefined;
  }
  return { url, format: format as RawLineFormat };
}

/** The raw settings, or undefined when absent or unusable (raw output off). */
export function parseRawSettings(raw: unknown, add: Problem): RawSettings | undefined {
  if (raw === undefined || raw === null || raw === false) return undefined;
  if (!isObj(raw)) {
    add("raw", "expected an object — raw output is off");
    return undefined;
  }
  const out: RawSettings = { frames: "all", mqtt: true, sinks: [] };
  if (raw.frames !== undefined) {
    if (typeof raw.frames === "string" && FILTERS.includes(raw.frames as RawFilter)) out.frames = raw.frames as RawFilter;
    else add("raw.frames", `expected one of ${FILTERS.join(", ")}; using "all"`);
  }
  if (raw.mqtt !== undefined) {
    if (typeof raw.mqtt === "boolean") out.mqtt = raw.mqtt;
    else add("raw.mqtt", "expected true or false; using true");
  }
  if (raw.sinks !== undefined) {
    if (!Array.isArray(raw.sinks)) add("raw.sinks", "expected a list");
    else {
      if (raw.sinks.length > RAW_MAX_SINKS) add("raw.sinks", `at most ${RAW_MAX_SINKS} listeners; the rest are off`);
      for (let i = 0; i < raw.sinks.length && i < RAW_MAX_SINKS; i++) {
        const s = parseSink(raw.sinks[i], `raw.sinks[${i}]`, add);
        if (s) out.sinks.push(s);
      }
    }
  }
  return out;
}

/** A meter's `raw` switch: true/false, absent → undefined; anything else is a problem. */
export function parseMeterRaw(v: unknown, at: string, add: Problem): boolean | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v === "boolean") return v;
  add(at + ".raw", "expected true or false; using the global raw.frames setting");
  return undefined;
}
