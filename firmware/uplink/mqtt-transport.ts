/**
 * The MQTT client behind an interface: one connection per `connect` call, like the Moddable client
 * (a closed client is not reused; `MqttLink` makes a new one to reconnect). Implementations:
 * device ./mqtt-moddable.ts (Moddable `mqtt`), host host/uplink-mqtt-node.ts (`mqtt` npm).
 */
import { hasCredentials, redactUrl } from "./sink.js";

export type QoS = 0 | 1;

export interface MqttMessageOptions {
  qos: QoS;
  retain: boolean;
  /**
   * false: the caller does not need to know that the broker took the message (it publishes it
   * again after every reconnect, like discovery configs and status), so a transport without
   * PUBACK reports may resolve as soon as the message is written. Default true.
   */
  confirm?: boolean;
}

export interface MqttWill extends MqttMessageOptions {
  topic: string;
  payload: string;
}

export interface MqttConnectOptions {
  host: string;
  port: number;
  /** TLS (MQTT over TLS, usually port 8883). */
  tls: boolean;
  clientId: string;
  username?: string;
  password?: string;
  /** Keep-alive in milliseconds (sent as whole seconds). */
  keepAliveMs: number;
  /** Last will (LWT), published by the broker when the connection drops without DISCONNECT. */
  will?: MqttWill;
}

export interface MqttConnectionEvents {
  /** CONNACK accepted: publishing is allowed from now on. */
  onReady(): void;
  /** The connection is gone (refused, lost, timed out, or closed by us); called at most once. */
  onClose(reason: string): void;
  /**
   * A message on a topic matching a filter given to `subscribe` (not the echoes a transport uses internally).
   * The payload is the UTF-8 text of the message. Called from the transport's own turn, never re-entrantly.
   */
  onMessage?(topic: string, payload: string): void;
}

export interface MqttConnection {
  /**
   * Resolves when the broker has taken the message: PUBACK for QoS 1 (MQTT 3.1.1 §4.3.2), written
   * for QoS 0. Rejects when the connection closes first. Never throws synchronously.
   */
  publish(topic: string, payload: string, options: MqttMessageOptions): Promise<void>;
  /**
   * Subscribes to a topic filter (MQTT 3.1.1 §4.7 wildcards) with QoS 0: the device client requests no
   * other QoS. Only after onReady; the subscription ends with the connection (clean session), so the caller
   * subscribes again after every reconnect. False when the connection is not usable. Never throws.
   */
  subscribe(filter: string): boolean;
  /** Closes the connection (sends DISCONNECT, so the broker does not publish the will). */
  close(): void;
}

export interface MqttTransport {
  connect(options: MqttConnectOptions, events: MqttConnectionEvents): MqttConnection;
}

/**
 * Whether `topic` matches the subscription `filter` (MQTT 3.1.1 §4.7: `+` one level, `#` the rest, levels split
 * at `/`; §4.7.2: filters starting with a wildcard do not match topics starting with `$`).
 */
export function topicMatches(filter: string, topic: string): boolean {
  if (topic.startsWith("$") && (filter.startsWith("+") || filter.startsWith("#"))) return false;
  const f = filter.split("/");
  const t = topic.split("/");
  for (let i = 0; i < f.length; i++) {
    if (f[i] === "#") return i === f.length - 1;
    if (i >= t.length) return false;
    if (f[i] !== "+" && f[i] !== t[i]) return false;
  }
  return f.length === t.length;
}

/**
 * "mqtt://host:port" / "mqtts://host:port" → host, port, tls. Throws an Error naming the bad URL
 * (user and password belong in their own settings; a URL carrying them is refused and masked).
 */
export function parseMqttUrl(url: string): { host: string; port: number; tls: boolean } {
  if (hasCredentials(url)) throw new Error(`bad MQTT URL "${redactUrl(url)}": put user and password in their own settings`);
  const m = /^(mqtts?):\/\/(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+)(?::(\d{1,5}))?\/?$/.exec(url);
  if (!m) throw new Error(`bad MQTT URL "${redactUrl(url)}" (expected mqtt://host[:port] or mqtts://host[:port])`);
  const tls = m[1] === "mqtts";
  const port = m[3] === undefined ? (tls ? 8883 : 1883) : Number(m[3]);
  if (port < 1 || port > 65535) throw new Error(`bad MQTT URL "${redactUrl(url)}": port ${port} out of range`);
  return { host: m[2], port, tls };
}
