/**
 * Host MqttTransport on the `mqtt` npm package (MQTT 3.1.1, clean session, no automatic
 * reconnect: MqttUplink opens a new connection itself, as on the device). A publish resolves on
 * PUBACK (QoS 1) and rejects when the connection closes first; a late PUBACK is ignored. Subscriptions are
 * QoS 0, like the device client's.
 */
import mqtt from "mqtt";
import {
  topicMatches,
  type MqttConnectOptions,
  type MqttConnection,
  type MqttConnectionEvents,
  type MqttMessageOptions,
  type MqttTransport,
} from "../firmware/uplink/mqtt-transport.js";

export interface NodeMqttOptions {
  /** TLS: trusted CA certificates (PEM) and whether to verify the broker (default true). */
  ca?: string | Buffer;
  rejectUnauthorized?: boolean;
  connectTimeoutMs?: number;
}

export class NodeMqttTransport implements MqttTransport {
  constructor(readonly options: NodeMqttOptions = {}) {}

  connect(o: MqttConnectOptions, events: MqttConnectionEvents): MqttConnection {
    const client = mqtt.connect({
      protocol: o.tls ? "mqtts" : "mqtt",
      host: o.host,
      port: o.port,
      clientId: o.clientId,
      username: o.username,
      password: o.password,
      keepalive: Math.ceil(o.keepAliveMs / 1000),
      clean: true,
      protocolVersion: 4,
      reconnectPeriod: 0,
      connectTimeout: this.options.connectTimeoutMs ?? 10_000,
      ca: this.options.ca,
      rejectUnauthorized: this.options.rejectUnauthorized ?? true,
      will: o.will && { topic: o.will.topic, payload: Buffer.from(o.will.payload), qos: o.will.qos, retain: o.will.retain },
    });
    const pending = new Set<(e: Error) => void>();
    let closed = false;
    let lastError = "";
    const finish = (reason: string) => {
      if (closed) return;
      closed = true;
      const err = new Error(`MQTT connection closed (${reason})`);
      for (const reject of pending) reject(err);
      pending.clear();
      client.end(true);
      events.onClose(reason);
    };
    client.on("connect", () => {
      if (!closed) events.onReady();
    });
    client.on("error", (e) => {
      lastError = e.message;
    });
    client.on("close", () => finish(lastError || "connection lost"));
    const filters: string[] = [];
    client.on("message", (topic, payload) => {
      if (!closed && events.onMessage && filters.some((f) => topicMatches(f, topic))) events.onMessage(topic, payload.toString("utf8"));
    });
    return {
      publish(topic: string, payload: string, opt: MqttMessageOptions): Promise<void> {
        if (closed) return Promise.reject(new Error("MQTT connection closed"));
        return new Promise<void>((resolve, reject) => {
          let settled = false;
          const fail = (e: Error) => {
            if (settled) return;
            settled = true;
            pending.delete(fail);
            reject(e);
          };
          pending.add(fail);
          client.publish(topic, payload, { qos: opt.qos, retain: opt.retain }, (err) => {
            if (settled) return;
            settled = true;
            pending.delete(fail);
            if (err) reject(err);
            else resolve();
          });
        });
      },
      subscribe(filter: string): boolean {
        if (closed || !client.connected) return false;
        if (!filters.includes(filter)) filters.push(filter);
        client.subscribe(filter, { qos: 0 }); // QoS 0 like the device client
        return true;
      },
      close(): void {
        if (closed) return;
        client.end(false, {}, () => finish("closed by the gateway"));
      },
    };
  }
}
