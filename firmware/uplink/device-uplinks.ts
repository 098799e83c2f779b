/**
 * Device wiring of the uplinks (the UPLINK seam of firmware/main.ts): MQTT over the Moddable
 * client and/or HTTP over the Moddable Request, each with its offline ring in NVS chunks, behind
 * one UplinkHub (./compose.ts). Device only (imports Moddable modules); the host twin is
 * host-tests/host/gateway-hub.ts.
 *
 *   const hub = createDeviceUplinks(config, { onDiagnostic: log });
 *
 * NVS sizing: each buffer takes `bufferChunks` × 1 KB (+ ~3 % NVS overhead); the default 24 KB
 * nvs partition also holds the settings, so keep 8 chunks (≈ 18 readings) there, or give the app a
 * larger nvs partition and more chunks (docs/uplinks.md).
 */
import Timer, { type TimerId } from "moddable:timer";
import { PreferenceBlockStorage } from "./block-storage-preference.js";
import { composeUplinks, type UplinkParts, type UplinkSettings } from "./compose.js";
import { ModdableHttpClient } from "./http-moddable.js";
import { ModdableMqttTransport } from "./mqtt-moddable.js";
import { RecordRing } from "./ring-buffer.js";
import { droppingHub, type UplinkHub, type UplinkTimers } from "./uplink.js";

export interface DeviceUplinkOptions {
  /** 1 KB NVS chunks per buffer (default 8). */
  bufferChunks?: number;
  /** The SDK's SecureSocket class and options, for mqtts:// and https:// (TLS). */
  secure?: { Socket: unknown; options?: Record<string, unknown> };
  onDiagnostic?: (message: string) => void;
  /** Receives the MQTT uplink (raw frame output publishes through it: ./raw.ts). */
  onMqttUplink?: UplinkParts["onMqttUplink"];
}

export const moddableTimers: UplinkTimers = Object.freeze({
  set: (callback, ms) => Timer.set(() => callback(), ms),
  clear: (handle) => Timer.clear(handle as TimerId | undefined),
});

/** NVS namespaces of the buffers (at most 15 characters). */
const DOMAIN = Object.freeze({ mqtt: "wmbus-buf-mqtt", http: "wmbus-buf-http" } as const);

export function createDeviceUplinks(s: UplinkSettings, o: DeviceUplinkOptions = {}): UplinkHub {
  const timers = moddableTimers;
  const hub = composeUplinks(s, {
    timers,
    // maxBatch 10 bounds the RAM a batch holds on the device.
    mqtt: () => ({ transport: new ModdableMqttTransport({ timers, secure: o.secure }), clientId: `wmbus-${s.gatewayId}`, keepAliveMs: 60_000, maxBatch: 10 }),
    httpClient: () => new ModdableHttpClient({ timers, secure: o.secure }),
    ring: (name) => RecordRing.open(new PreferenceBlockStorage(DOMAIN[name], o.bufferChunks ?? 8, 1024)),
    onDiagnostic: o.onDiagnostic,
    onMqttUplink: o.onMqttUplink,
  });
  return hub ?? droppingHub(); // no uplink configured: nowhere to send readings
}
