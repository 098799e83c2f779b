/**
 * MQTT sink: readings to `<prefix>/<gateway>/<meter>` (retained, QoS 1), Home Assistant discovery
 * configs before a meter's first reading (and again after every reconnect), gateway status with an
 * LWT on `<prefix>/<gateway>/status`. Reconnects with exponential backoff; each connection is a new
 * MqttTransport connection (the Moddable client cannot be reused after onClose). `subscribe` registers a
 * topic filter and its handler for the life of the uplink (subscribed again on every connection: clean session);
 * `publishMessage` sends one QoS 1 message, not retained and not buffered (command outcomes).
 */
import { discoveryConfigs, sensorFields } from "./ha-discovery.js";
import { topicMatches, type MqttConnectOptions, type MqttConnection, type MqttTransport } from "./mqtt-transport.js";
import type { RawPublisher } from "./raw.js";
import type { UplinkSink } from "./sink.js";
import { Topics, type TopicOptions } from "./topics.js";
import type { OutgoingReading, UplinkTimers } from "./uplink.js";
import type { StatusDocument } from "./status.js";

export interface MqttUplinkOptions extends TopicOptions {
  transport: MqttTransport;
  /** Broker and client settings; the will is set here (the status topic). */
  connect: Omit<MqttConnectOptions, "will">;
  gatewayId: string;
  timers: UplinkTimers;
  /** Publish Home Assistant discovery configs (default true). */
  discovery?: boolean;
  /** Reconnect delays: first (default 1 s), doubled per failed attempt up to the maximum (60 s). */
  reconnectMinMs?: number;
  reconnectMaxMs?: number;
  /**
   * Readings per batch (default 50). A batch waits for its last PUBACK, which a broker with Nagle's
   * algorithm on (Mosquitto's default) delays by the peer's delayed ACK (~40 ms on Linux), so
   * larger batches drain a buffer faster: measured against Mosquitto on loopback, 10 → 220
   * readings/s, 50 → 1000 readings/s. The device uses 10 to bound RAM.
   */
  maxBatch?: number;
  onDiagnostic?: (message: string) => void;
}

const ONLINE = "online";
const OFFLINE = "offline";
const QOS1_RETAINED = Object.freeze({ qos: 1, retain: true } as const);
/** Discovery and status: sent again after every reconnect, so no need to wait for the broker on the device. */
const QOS1_RETAINED_UNCONFIRMED = Object.freeze({ qos: 1, retain: true, confirm: false } as const);
/** Raw frames: a live stream, like rtl_wmbus output; a lost one is not sent again. */
const RAW_QOS0 = Object.freeze({ qos: 0, retain: false, confirm: false } as const);
/** Command outcomes: sent once; the device does not wait for an echo of each. */
const MESSAGE_QOS1 = Object.freeze({ qos: 1, retain: false, confirm: false } as const);

export class MqttUplink implements UplinkSink, RawPublisher {
  readonly name = "mqtt";
  readonly maxBatch: number;
  readonly topics: Topics;
  listener?: UplinkSink["listener"];
  readonly #o: MqttUplinkOptions;
  #conn: MqttConnection | undefined;
  #ready = false;
  #closed = false;
  #attempts = 0;
  #timer: unknown = undefined;
  /** Meter id + field list of the discovery configs published on this connection. */
  #announced = new Set<string>();
  #status: StatusDocument | undefined;
  /** Filters and handlers of `subscribe`, kept across reconnects. */
  readonly #subs: { filter: string; onMessage(topic: string, payload: string): void }[] = [];
  /** Connection counters for the status payload. */
  #connects = 0;
  #disconnects = 0;

  constructor(o: MqttUplinkOptions) {
    this.#o = o;
    this.maxBatch = o.maxBatch ?? 50;
    this.topics = new Topics(o.gatewayId, o);
    this.#connect();
  }

  ready(): boolean {
    return this.#ready;
  }

  connectionStats(): { connects: number; disconnects: number; connected: boolean } {
    return { connects: this.#connects, disconnects: this.#disconnects, connected: this.#ready };
  }

  async deliver(batch: readonly OutgoingReading[]): Promise<void> {
    const conn = this.#conn;
    if (!this.#ready || !conn) throw new Error("MQTT not connected");
    const sent: Promise<void>[] = [];
    const announcing: string[] = [];
    for (const r of batch) {
      if (this.#o.discovery !== false) {
        const key = `${r.meterId}|${sensorFields(r).join(",")}`;
        if (!this.#announced.has(key) && !announcing.includes(key)) {
          announcing.push(key);
          for (const m of discoveryConfigs(r, this.topics)) sent.push(conn.publish(m.topic, m.payload, QOS1_RETAINED_UNCONFIRMED));
        }
      }
      const payload = JSON.stringify({ ...r.reading, reading_id: r.readingId, telegram_id: r.telegramId });
      sent.push(conn.publish(this.topics.meter(r.meterId), payload, QOS1_RETAINED));
    }
    await Promise.all(sent);
    if (conn === this.#conn) for (const k of announcing) this.#announced.add(k);
  }

  /** A raw frame record (./raw.ts): QoS 0, not retained, not buffered; false while disconnected. */
  publishRaw(kind: "json" | "rtlwmbus", payload: string): boolean {
    const conn = this.#conn;
    if (!this.#ready || !conn) return false;
    conn.publish(this.topics.raw(kind), payload, RAW_QOS0).catch((e: unknown) => this.#diag(`raw publish failed: ${message(e)}`));
    return true;
  }

  /**
   * Receives the messages on `filter` (MQTT wildcards) from now on, on this and every later connection. QoS 0:
   * a message the broker sends while the gateway is offline is not delivered later (clean session).
   */
  subscribe(filter: string, onMessage: (topic: string, payload: string) => void): void {
    this.#subs.push({ filter, onMessage });
    if (this.#ready && this.#conn && !this.#conn.subscribe(filter)) this.#diag(`MQTT subscribe to ${filter} failed`);
  }

  /** One message (QoS 1, not retained, not buffered, sent once); false while disconnected. */
  publishMessage(topic: string, payload: string): boolean {
    const conn = this.#conn;
    if (!this.#ready || !conn) return false;
    conn.publish(topic, payload, MESSAGE_QOS1).catch((e: unknown) => this.#diag(`publish on ${topic} failed: ${message(e)}`));
    return true;
  }

  publishStatus(status: StatusDocument): void {
    this.#status = status;
    this.#sendStatus();
  }

  async close(): Promise<void> {
    this.#closed = true;
    if (this.#timer !== undefined) this.#o.timers.clear(this.#timer);
    this.#timer = undefined;
    const conn = this.#conn;
    if (!conn) return;
    if (this.#ready) {
      // A clean DISCONNECT suppresses the will, so say "offline" ourselves (bounded wait).
      let timer: unknown;
      await Promise.race([
        conn.publish(this.topics.status, JSON.stringify({ state: OFFLINE }), QOS1_RETAINED).catch(() => undefined),
        new Promise<void>((done) => (timer = this.#o.timers.set(done, 2000))),
      ]);
      this.#o.timers.clear(timer);
    }
    this.#ready = false;
    this.#conn = undefined;
    conn.close();
  }

  #sendStatus(): void {
    if (!this.#ready || !this.#conn) return;
    // The document as the gateway made it, between the availability state and this connection's counters.
    const body = { state: ONLINE, ...this.#status, mqtt: this.connectionStats() };
    body.state = ONLINE; // availability reads this key: nothing in the document may replace it
    const payload = JSON.stringify(body);
    this.#conn.publish(this.topics.status, payload, QOS1_RETAINED_UNCONFIRMED).catch((e: unknown) => this.#diag(`status publish failed: ${message(e)}`));
  }

  #connect(): void {
    this.#timer = undefined;
    if (this.#closed) return;
    const will = { topic: this.topics.status, payload: JSON.stringify({ state: OFFLINE }), qos: 1, retain: true } as const;
    let conn: MqttConnection | undefined;
    const events = {
      onReady: () => {
        if (conn !== this.#conn || this.#closed) return;
        this.#ready = true;
        this.#attempts = 0;
        this.#connects++;
        this.#announced.clear();
        this.#sendStatus();
        for (const sub of this.#subs) if (!conn!.subscribe(sub.filter)) this.#diag(`MQTT subscribe to ${sub.filter} failed`);
        this.listener?.onReady();
      },
      onMessage: (topic: string, payload: string) => {
        if (conn !== this.#conn || this.#closed) return;
        for (const sub of this.#subs) {
          if (!topicMatches(sub.filter, topic)) continue;
          try {
            sub.onMessage(topic, payload);
          } catch (e) {
            this.#diag(`handling a message on ${topic} failed: ${message(e)}`);
          }
        }
      },
      onClose: (reason: string) => {
        if (conn !== this.#conn) return;
        const wasReady = this.#ready;
        this.#ready = false;
        this.#conn = undefined;
        if (wasReady) this.#disconnects++;
        this.#diag(`MQTT connection to ${this.#o.connect.host}:${this.#o.connect.port} closed: ${reason}`);
        if (wasReady) this.listener?.onDown();
        this.#scheduleReconnect();
      },
    };
    try {
      conn = this.#o.transport.connect({ ...this.#o.connect, will }, events);
      this.#conn = conn;
    } catch (e) {
      this.#diag(`MQTT connect to ${this.#o.connect.host}:${this.#o.connect.port} failed: ${message(e)}`);
      this.#scheduleReconnect();
    }
  }

  #scheduleReconnect(): void {
    if (this.#closed || this.#timer !== undefined) return;
    const min = this.#o.reconnectMinMs ?? 1000;
    const max = this.#o.reconnectMaxMs ?? 60_000;
    let delay = min;
    for (let i = 0; i < this.#attempts && delay < max; i++) delay *= 2;
    this.#attempts++;
    this.#timer = this.#o.timers.set(() => this.#connect(), Math.min(delay, max));
  }

  #diag(text: string): void {
    this.#o.onDiagnostic?.(text);
  }
}

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
