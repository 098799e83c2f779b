/**
 * The uplinks of the gateway settings as one UplinkHub: MQTT and/or HTTP, each sink behind its own
 * DeliveryHub with its own offline ring, fanned out when both are set (./fanout.ts). Pure: the
 * platform parts (MQTT transport, HTTP client, rings, timers) are passed in. Device:
 * ./device-uplinks.ts; host: host/gateway-hub.ts.
 */
import { FanoutHub } from "./fanout.js";
import { HttpUplink, type HttpClient } from "./http-uplink.js";
import { DeliveryHub } from "./hub.js";
import { parseMqttUrl, type MqttTransport } from "./mqtt-transport.js";
import { MqttUplink } from "./mqtt-uplink.js";
import type { RecordRing } from "./ring-buffer.js";
import type { UplinkHub, UplinkTimers } from "./uplink.js";

/** The uplink part of the gateway settings (structurally firmware/gateway/config.ts GatewayConfig). */
export interface UplinkSettings {
  gatewayId: string;
  mqtt?: { url: string; tls?: boolean; topicPrefix?: string; user?: string; password?: string };
  http?: { url: string; headers?: Readonly<Record<string, string>> };
}

export interface UplinkParts {
  timers: UplinkTimers;
  /** The MQTT client of the platform and its connection settings. */
  mqtt(): { transport: MqttTransport; clientId: string; keepAliveMs: number; maxBatch?: number };
  httpClient(): HttpClient;
  /** The offline buffer of one uplink. */
  ring(name: "mqtt" | "http"): RecordRing;
  onDiagnostic?: (message: string) => void;
  /** Receives the MQTT uplink when one is made (raw frame output publishes through it: ./raw.ts). */
  onMqttUplink?: (uplink: MqttUplink) => void;
}

/** The hub of the configured uplinks, or undefined when none is configured. Throws on a bad MQTT/HTTP URL. */
export function composeUplinks(s: UplinkSettings, p: UplinkParts): UplinkHub | undefined {
  const { timers, onDiagnostic } = p;
  const hubs: UplinkHub[] = [];
  if (s.mqtt) {
    const { host, port, tls } = parseMqttUrl(s.mqtt.url);
    const m = p.mqtt();
    const sink = new MqttUplink({
      transport: m.transport,
      connect: { host, port, tls: tls || s.mqtt.tls === true, clientId: m.clientId, username: s.mqtt.user, password: s.mqtt.password, keepAliveMs: m.keepAliveMs },
      gatewayId: s.gatewayId,
      prefix: s.mqtt.topicPrefix,
      maxBatch: m.maxBatch,
      timers,
      onDiagnostic,
    });
    if (p.onMqttUplink) p.onMqttUplink(sink);
    hubs.push(new DeliveryHub({ sink, ring: p.ring("mqtt"), timers, onDiagnostic }));
  }
  if (s.http) {
    const sink = new HttpUplink({ client: p.httpClient(), url: s.http.url, gatewayId: s.gatewayId, headers: s.http.headers ? { ...s.http.headers } : undefined });
    hubs.push(new DeliveryHub({ sink, ring: p.ring("http"), timers, onDiagnostic }));
  }
  if (hubs.length === 0) return undefined;
  return hubs.length === 1 ? hubs[0] : new FanoutHub(hubs);
}
