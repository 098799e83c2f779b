/**
 * Host wiring of the uplinks: MQTT (the `mqtt` package) and/or HTTP (node:http), each with its own
 * offline buffer file, behind one UplinkHub. Used by `npm start` and the tests.
 */
import { join } from "node:path";
import { FanoutHub } from "../../firmware/uplink/fanout.js";
import { HttpUplink, parseHttpUrl } from "../../firmware/uplink/http-uplink.js";
import { DeliveryHub } from "../../firmware/uplink/hub.js";
import { MqttUplink } from "../../firmware/uplink/mqtt-uplink.js";
import { parseMqttUrl } from "../../firmware/uplink/mqtt-transport.js";
import { RecordRing } from "../../firmware/uplink/ring-buffer.js";
import type { UplinkHub, UplinkTimers } from "../../firmware/uplink/uplink.js";
import { FileBlockStorage } from "./uplink-file-storage.js";
import { NodeHttpClient } from "./uplink-http-node.js";
import { NodeMqttTransport } from "./uplink-mqtt-node.js";

export const nodeTimers: UplinkTimers = {
  set: (callback, ms) => setTimeout(callback, ms),
  clear: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

export interface HostUplinkConfig {
  gatewayId: string;
  /** Folder of the buffer files (uplink-mqtt.ring, uplink-http.ring). */
  bufferDir: string;
  /** Size of each buffer file (default 256 KiB). */
  bufferBytes?: number;
  mqtt?: {
    /** mqtt://host[:port] or mqtts://host[:port] */
    url: string;
    username?: string;
    password?: string;
    clientId?: string;
    topicPrefix?: string;
    discoveryPrefix?: string;
    discovery?: boolean;
    ca?: string;
    keepAliveMs?: number;
  };
  http?: { url: string; headers?: Record<string, string> };
  timers?: UplinkTimers;
  onDiagnostic?: (message: string) => void;
}

export interface HostUplinks {
  hub: UplinkHub;
  mqtt?: MqttUplink;
  /** Closes the hubs (flushing RAM readings into the buffers) and the buffer files. */
  close(): Promise<void>;
}

/** Builds the configured uplinks. Throws an Error naming the bad setting (URL). */
export function createHostUplinks(cfg: HostUplinkConfig): HostUplinks {
  // Check every setting before opening anything.
  const mqttUrl = cfg.mqtt ? setting("mqtt.url", () => parseMqttUrl(cfg.mqtt!.url)) : undefined;
  if (cfg.http) setting("http.url", () => parseHttpUrl(cfg.http!.url));
  const timers = cfg.timers ?? nodeTimers;
  const files: FileBlockStorage[] = [];
  const hubs: DeliveryHub[] = [];
  const ring = (name: string) => {
    const f = new FileBlockStorage(join(cfg.bufferDir, `uplink-${name}.ring`), cfg.bufferBytes ?? 256 * 1024);
    files.push(f);
    return RecordRing.open(f);
  };
  let mqtt: MqttUplink | undefined;
  if (cfg.mqtt) {
    const m = cfg.mqtt;
    const { host, port, tls } = mqttUrl!;
    mqtt = new MqttUplink({
      transport: new NodeMqttTransport({ ca: m.ca }),
      connect: { host, port, tls, clientId: m.clientId ?? `wmbus-${cfg.gatewayId}`, username: m.username, password: m.password, keepAliveMs: m.keepAliveMs ?? 30_000 },
      gatewayId: cfg.gatewayId,
      prefix: m.topicPrefix,
      discoveryPrefix: m.discoveryPrefix,
      discovery: m.discovery,
      timers,
      onDiagnostic: cfg.onDiagnostic,
    });
    hubs.push(new DeliveryHub({ sink: mqtt, ring: ring("mqtt"), timers, onDiagnostic: cfg.onDiagnostic }));
  }
  if (cfg.http) {
    const sink = new HttpUplink({ client: new NodeHttpClient(), url: cfg.http.url, gatewayId: cfg.gatewayId, headers: cfg.http.headers });
    hubs.push(new DeliveryHub({ sink, ring: ring("http"), timers, onDiagnostic: cfg.onDiagnostic }));
  }
  const hub = hubs.length === 1 ? hubs[0] : new FanoutHub(hubs);
  return {
    hub,
    mqtt,
    async close() {
      await hub.close();
      for (const f of files) f.close();
    },
  };
}

function setting<T>(name: string, parse: () => T): T {
  try {
    return parse();
  } catch (e) {
    throw new Error(`${name}: ${e instanceof Error ? e.message : String(e)}`);
  }
}
