/**
 * Device wiring of the uplinks (the UPLINK seam of firmware/main.ts): MQTT over the Moddable
 * client and/or HTTP over the Moddable Request, each with its offline ring in NVS chunks, behind
 * one UplinkHub. Device only (imports Moddable modules); the host twin is host-tests/host/gateway-hub.ts.
 *
 *   const hub = createDeviceUplinks(config, { onDiagnostic: log });
 *
 * NVS sizing: each buffer takes `bufferChunks` × 1 KB (+ ~3 % NVS overhead); the default 24 KB
 * nvs partition also holds the settings, so keep 8 chunks (≈ 18 readings) there, or give the app a
 * larger nvs partition and more chunks (docs/uplinks.md).
 */
import Timer, { type TimerId } from "moddable:timer";
import { PreferenceBlockStorage } from "./block-storage-preference.js";
import { FanoutHub } from "./fanout.js";
import { HttpUplink } from "./http-uplink.js";
import { ModdableHttpClient } from "./http-moddable.js";
import { DeliveryHub } from "./hub.js";
import { ModdableMqttTransport } from "./mqtt-moddable.js";
import { parseMqttUrl } from "./mqtt-transport.js";
import { MqttUplink } from "./mqtt-uplink.js";
import { RecordRing } from "./ring-buffer.js";
import { droppingHub, type UplinkHub, type UplinkTimers } from "./uplink.js";

/** The uplink part of the gateway settings (structurally firmware/gateway/config.ts GatewayConfig). */
export interface DeviceUplinkSettings {
  gatewayId: string;
  mqtt?: { url: string; tls?: boolean; topicPrefix?: string; user?: string; password?: string };
  http?: { url: string };
}

export interface DeviceUplinkOptions {
  /** 1 KB NVS chunks per buffer (default 8). */
  bufferChunks?: number;
  /** The SDK's SecureSocket class and options, for mqtts:// and https:// (TLS). */
  secure?: { Socket: unknown; options?: Record<string, unknown> };
  onDiagnostic?: (message: string) => void;
}

export const moddableTimers: UplinkTimers = {
  set: (callback, ms) => Timer.set(() => callback(), ms),
  clear: (handle) => Timer.clear(handle as TimerId | undefined),
};

/** NVS namespaces of the buffers (at most 15 characters). */
const DOMAIN = { mqtt: "wmbus-buf-mqtt", http: "wmbus-buf-http" } as const;

export function createDeviceUplinks(s: DeviceUplinkSettings, o: DeviceUplinkOptions = {}): UplinkHub {
  const timers = moddableTimers;
  const ring = (name: keyof typeof DOMAIN) => RecordRing.open(new PreferenceBlockStorage(DOMAIN[name], o.bufferChunks ?? 8, 1024));
  const hubs: UplinkHub[] = [];
  if (s.mqtt) {
    const { host, port, tls } = parseMqttUrl(s.mqtt.url);
    const sink = new MqttUplink({
      transport: new ModdableMqttTransport({ timers, secure: o.secure }),
      connect: { host, port, tls: tls || s.mqtt.tls === true, clientId: `wmbus-${s.gatewayId}`, username: s.mqtt.user, password: s.mqtt.password, keepAliveMs: 60_000 },
      gatewayId: s.gatewayId,
      prefix: s.mqtt.topicPrefix,
      maxBatch: 10,
      timers,
      onDiagnostic: o.onDiagnostic,
    });
    hubs.push(new DeliveryHub({ sink, ring: ring("mqtt"), timers, onDiagnostic: o.onDiagnostic }));
  }
  if (s.http) {
    const sink = new HttpUplink({ client: new ModdableHttpClient({ timers, secure: o.secure }), url: s.http.url, gatewayId: s.gatewayId });
    hubs.push(new DeliveryHub({ sink, ring: ring("http"), timers, onDiagnostic: o.onDiagnostic }));
  }
  if (hubs.length === 1) return hubs[0];
  if (hubs.length > 1) return new FanoutHub(hubs);
  return droppingHub(); // no uplink configured: nowhere to send readings
}
