/**
 * Host wiring of the raw frame output (firmware/uplink/raw.ts) for `npm start` and the tests: the MQTT uplink
 * of the host hub (when MQTT is configured) plus the TCP/UDP listeners of the settings (./raw-sinks.ts).
 */
import type { GatewayConfig } from "../firmware/gateway/config.js";
import type { MqttUplink } from "../firmware/uplink/mqtt-uplink.js";
import { RawOutput, type RawFilter, type RawLineFormat, type RawSinkSettings } from "../firmware/uplink/raw.js";
import { parseSinkUrl } from "../firmware/uplink/raw-settings.js";
import { createRawSinks } from "./raw-sinks.js";

/** The raw output of `config.raw`, or undefined when raw output is off. */
export function createHostRawOutput(config: GatewayConfig, mqtt: MqttUplink | undefined, onDiagnostic?: (m: string) => void): RawOutput | undefined {
  if (!config.raw) return undefined;
  return new RawOutput({ settings: config.raw, gatewayId: config.gatewayId, mqtt, sinks: createRawSinks(config.raw.sinks, onDiagnostic) });
}

const FILTERS = ["all", "configured", "unknown", "none"];
const FORMATS = ["rtlwmbus", "hex", "json"];

/** `--raw all|configured|unknown|none`. */
export function rawFilterFlag(v: string): RawFilter {
  if (!FILTERS.includes(v)) throw new Error(`--raw: expected one of ${FILTERS.join(", ")}`);
  return v as RawFilter;
}

/** `--raw-sink udp://host:port[,format]` (format rtlwmbus by default). */
export function rawSinkFlag(v: string): RawSinkSettings {
  const [url, format = "rtlwmbus"] = v.split(",");
  if (!parseSinkUrl(url)) throw new Error('--raw-sink: expected udp://host:port or tcp://host:port, optionally ",rtlwmbus|hex|json"');
  if (!FORMATS.includes(format)) throw new Error(`--raw-sink: format must be one of ${FORMATS.join(", ")}`);
  return { url, format: format as RawLineFormat };
}
