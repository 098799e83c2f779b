/**
 * Device MqttTransport on the classic Moddable MQTT client (types/moddable-mqtt.d.ts). Device only.
 *
 * That client sends QoS 1 but reports no PUBACK and never retries (docs/device-notes.md §4), so a QoS 1 publish is confirmed by its echo instead: the connection subscribes to
 * each topic before its first publish there, and a publish counts as taken when the broker sends
 * the same payload back on that topic. MQTT keeps the order of one connection's packets (MQTT
 * 3.1.1 §4.6), so the SUBSCRIBE is in force before the PUBLISH, and an echo also confirms every
 * earlier publish to that topic. No echo within `ackTimeoutMs` closes the connection (MqttUplink
 * then reconnects and the hub delivers again). Cost: each reading is received once more; messages
 * sent with `confirm: false` (discovery configs, status: republished after every reconnect) are
 * not echoed, so the connection holds one subscription per meter, not per sensor.
 *
 * Subscriptions for the caller (command topics, docs/bidirectional.md) use the same client: `subscribe(filter)`
 * sends one SUBSCRIBE with QoS 0 (the only QoS the SDK client requests; it ignores the SUBACK), and every
 * PUBLISH the broker sends whose topic matches one of those filters goes to `events.onMessage` as text. The
 * SDK hands the message over from a Timer and swallows exceptions thrown in onMessage (docs/device-notes.md §4).
 */
import Client, { type MQTTOptions } from "moddable:mqtt";
import { topicMatches, type MqttConnectOptions, type MqttConnection, type MqttConnectionEvents, type MqttMessageOptions, type MqttTransport } from "../uplink/mqtt-transport.js";
import type { UplinkTimers } from "../uplink/uplink.js";

export interface ModdableMqttOptions {
  timers: UplinkTimers;
  /** Longest wait for the echo of a QoS 1 publish (default 10 s). */
  ackTimeoutMs?: number;
  /** For TLS: the SecureSocket class and its `secure` options. */
  secure?: { Socket: unknown; options?: Record<string, unknown> };
}

interface Waiting {
  payload: string;
  resolve(): void;
  reject(e: Error): void;
}

export class ModdableMqttTransport implements MqttTransport {
  constructor(readonly o: ModdableMqttOptions) {}

  connect(c: MqttConnectOptions, events: MqttConnectionEvents): MqttConnection {
    if (c.tls && !this.o.secure) throw new Error("MQTT over TLS needs a SecureSocket (ModdableMqttTransport option `secure`)");
    // Socket/secure are options of the SDK client that our declaration leaves out (TLS only).
    const options: MQTTOptions & { Socket?: unknown; secure?: Record<string, unknown> } = {
      host: c.host,
      port: c.port,
      id: c.clientId,
      timeout: c.keepAliveMs,
    };
    if (c.username !== undefined) options.user = c.username;
    if (c.password !== undefined) options.password = c.password;
    if (c.will) options.will = { topic: c.will.topic, message: c.will.payload, retain: c.will.retain, quality: c.will.qos };
    if (c.tls) {
      options.Socket = this.o.secure!.Socket;
      options.secure = this.o.secure!.options ?? {};
    }

    const timers = this.o.timers;
    const ackTimeoutMs = this.o.ackTimeoutMs ?? 10_000;
    const waiting = new Map<string, Waiting[]>();
    const subscribed = new Set<string>();
    /** The caller's filters (subscribe()), matched against every incoming topic. */
    const filters: string[] = [];
    const decoder = new TextDecoder();
    let closed = false;
    let watchdog: unknown = undefined;

    const client = new Client(options);
    const finish = (reason: string) => {
      if (closed) return;
      closed = true;
      timers.clear(watchdog);
      const err = new Error(`MQTT connection closed (${reason})`);
      for (const list of waiting.values()) for (const w of list) w.reject(err);
      waiting.clear();
      try {
        client.close();
      } catch {
        // already closed
      }
      events.onClose(reason);
    };
    /** One timer for all waiting publishes: re-armed whenever an echo arrives. */
    const armWatchdog = () => {
      timers.clear(watchdog);
      watchdog = waiting.size > 0 ? timers.set(() => finish("no acknowledgement from the broker"), ackTimeoutMs) : undefined;
    };

    client.onReady = () => {
      if (!closed) events.onReady();
    };
    client.onClose = () => finish("connection lost");
    client.onMessage = (topic: string, data: ArrayBuffer) => {
      if (closed) return;
      const list = waiting.get(topic);
      const wanted = events.onMessage !== undefined && filters.some((f) => topicMatches(f, topic));
      if (!list && !wanted) return;
      const text = decoder.decode(data);
      if (list) {
        const at = list.findIndex((w) => w.payload === text);
        if (at >= 0) {
          for (const w of list.splice(0, at + 1)) w.resolve();
          if (list.length === 0) waiting.delete(topic);
          armWatchdog();
        }
      }
      if (wanted) events.onMessage!(topic, text);
    };

    return {
      publish(topic: string, payload: string, opt: MqttMessageOptions): Promise<void> {
        if (closed) return Promise.reject(new Error("MQTT connection closed"));
        try {
          if (opt.qos === 0 || opt.confirm === false) {
            client.publish(topic, payload, { retain: opt.retain, quality: opt.qos });
            return Promise.resolve();
          }
          if (!subscribed.has(topic)) {
            client.subscribe(topic);
            subscribed.add(topic);
          }
          client.publish(topic, payload, { retain: opt.retain, quality: 1 });
        } catch (e) {
          return Promise.reject(e instanceof Error ? e : new Error(String(e)));
        }
        return new Promise<void>((resolve, reject) => {
          const list = waiting.get(topic) ?? [];
          list.push({ payload, resolve, reject });
          waiting.set(topic, list);
          if (watchdog === undefined) armWatchdog();
        });
      },
      subscribe(filter: string): boolean {
        if (closed) return false;
        try {
          client.subscribe(filter); // throws "connection closed" before CONNACK
        } catch {
          return false;
        }
        if (!filters.includes(filter)) filters.push(filter);
        return true;
      },
      close(): void {
        finish("closed by the gateway");
      },
    };
  }
}
