/**
 * Host composition of the uplinks for a gateway config: MQTT (the `mqtt` package) and/or HTTP (node:http),
 * each behind its own DeliveryHub with an offline ring (a file when `dataDir` is given, else RAM), fanned out
 * when both are set. Without any uplink the readings go nowhere but the local printout (MemoryHub).
 */
import { join } from "node:path";
import type { GatewayConfig } from "../firmware/gateway/config.js";
import { MemoryBlockStorage, type BlockStorage } from "../firmware/uplink/block-storage.js";
import { composeUplinks, type UplinkParts } from "../firmware/uplink/compose.js";
import { RecordRing } from "../firmware/uplink/ring-buffer.js";
import type { UplinkHub } from "../firmware/uplink/uplink.js";
import { FileBlockStorage } from "./uplink-file-storage.js";
import { NodeHttpClient } from "./uplink-http-node.js";
import { NodeMqttTransport } from "./uplink-mqtt-node.js";
import { nodeTimers } from "./uplink-node-timers.js";
import { MemoryHub } from "./gateway-memory-hub.js";

export interface HostHubOptions {
  /** Directory for the offline rings (one file per uplink); RAM when absent. */
  dataDir?: string;
  /** Ring size per uplink in bytes (default 256 KiB). */
  ringBytes?: number;
  onDiagnostic?: (message: string) => void;
  /** Receives the MQTT uplink (raw frame output publishes through it). */
  onMqttUplink?: UplinkParts["onMqttUplink"];
}

function ring(o: HostHubOptions, name: string, gatewayId: string): RecordRing {
  const size = o.ringBytes ?? 256 * 1024;
  const storage: BlockStorage = o.dataDir ? new FileBlockStorage(join(o.dataDir, `${gatewayId}-${name}.ring`), size) : new MemoryBlockStorage(size);
  return RecordRing.open(storage);
}

/** The uplinks of `cfg` as one hub (firmware/uplink/compose.ts with the host parts). */
export function createHostHub(cfg: GatewayConfig, o: HostHubOptions = {}): UplinkHub {
  const hub = composeUplinks(cfg, {
    timers: nodeTimers,
    mqtt: () => ({ transport: new NodeMqttTransport(), clientId: `${cfg.gatewayId}-${process.pid}`, keepAliveMs: 30_000 }),
    httpClient: () => new NodeHttpClient(),
    ring: (name) => ring(o, name, cfg.gatewayId),
    onDiagnostic: o.onDiagnostic,
    onMqttUplink: o.onMqttUplink,
  });
  return hub ?? new MemoryHub(0); // local printout only: count, keep nothing
}
