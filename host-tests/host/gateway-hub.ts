/**
 * Host composition of the uplinks for a gateway config: MQTT (the `mqtt` package) and/or HTTP (node:http),
 * each behind its own DeliveryHub with an offline ring (a file when `dataDir` is given, else RAM), fanned out
 * when both are set. Without any uplink the readings go nowhere but the local printout (MemoryHub).
 */
import { join } from "node:path";
import type { GatewayConfig } from "../../firmware/gateway/config.js";
import { MemoryBlockStorage, type BlockStorage } from "../../firmware/uplink/block-storage.js";
import { FanoutHub } from "../../firmware/uplink/fanout.js";
import { HttpUplink } from "../../firmware/uplink/http-uplink.js";
import { DeliveryHub } from "../../firmware/uplink/hub.js";
import { parseMqttUrl } from "../../firmware/uplink/mqtt-transport.js";
import { MqttUplink } from "../../firmware/uplink/mqtt-uplink.js";
import { RecordRing } from "../../firmware/uplink/ring-buffer.js";
import type { UplinkHub, UplinkTimers } from "../../firmware/uplink/uplink.js";
import { FileBlockStorage } from "./uplink-file-storage.js";
import { NodeHttpClient } from "./uplink-http-node.js";
import { NodeMqttTransport } from "./uplink-mqtt-node.js";
import { MemoryHub } from "./gateway-memory-hub.js";

export const REAL_TIMERS: UplinkTimers = {
  set: (callback, ms) => setTimeout(callback, ms),
  clear: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

export interface HostHubOptions {
  /** Directory for the offline rings (one file per uplink); RAM when absent. */
  dataDir?: string;
  /** Ring size per uplink in bytes (default 256 KiB). */
  ringBytes?: number;
  onDiagnostic?: (message: string) => void;
}

function ring(o: HostHubOptions, name: string, gatewayId: string): RecordRing {
  const size = o.ringBytes ?? 256 * 1024;
  const storage: BlockStorage = o.dataDir ? new FileBlockStorage(join(o.dataDir, `${gatewayId}-${name}.ring`), size) : new MemoryBlockStorage(size);
  return RecordRing.open(storage);
}

/** The uplinks of `cfg` as one hub. */
export function createHostHub(cfg: GatewayConfig, o: HostHubOptions = {}): UplinkHub {
  const hubs: UplinkHub[] = [];
  const timers = REAL_TIMERS;
  if (cfg.mqtt) {
    const { host, port, tls } = parseMqttUrl(cfg.mqtt.url);
    const sink = new MqttUplink({
      transport: new NodeMqttTransport(),
      connect: { host, port, tls: tls || cfg.mqtt.tls, clientId: `${cfg.gatewayId}-${process.pid}`, username: cfg.mqtt.user, password: cfg.mqtt.password, keepAliveMs: 30_000 },
      gatewayId: cfg.gatewayId,
      prefix: cfg.mqtt.topicPrefix,
      timers,
      onDiagnostic: o.onDiagnostic,
    });
    hubs.push(new DeliveryHub({ sink, ring: ring(o, "mqtt", cfg.gatewayId), timers, onDiagnostic: o.onDiagnostic }));
  }
  if (cfg.http) {
    const sink = new HttpUplink({ client: new NodeHttpClient(), url: cfg.http.url, gatewayId: cfg.gatewayId });
    hubs.push(new DeliveryHub({ sink, ring: ring(o, "http", cfg.gatewayId), timers, onDiagnostic: o.onDiagnostic }));
  }
  if (hubs.length === 0) return new MemoryHub(0); // local printout only: count, keep nothing
  return hubs.length === 1 ? hubs[0] : new FanoutHub(hubs);
}
