/**
 * A fake of the SDK's classic MQTT client (`moddable:mqtt`, modules/network/mqtt/mqtt.js; facts restated in
 * docs/device-notes.md §4) on the `mqtt` package, against a real broker, for `vi.mock("moddable:mqtt", …)`:
 *   - clean session; `timeout` is the keep-alive in ms; callbacks are properties set after construction;
 *   - publish/subscribe throw "connection closed" before CONNACK and after the connection failed;
 *   - publish sends `quality` as the QoS and reports no PUBACK;
 *   - subscribe(topic) sends one SUBSCRIBE for one filter with requested QoS 0; the SUBACK is not reported;
 *   - onReady, onMessage(topic, ArrayBuffer) and onClose are called from a Timer, not from the socket callback,
 *     and an exception thrown by onMessage is swallowed (the SDK's dispatch catches it).
 */
import lib from "mqtt";

type Opt = { host: string; port?: number; id?: string; user?: string; password?: string; timeout?: number; will?: { topic: string; message: string; retain?: boolean; quality?: 0 | 1 } };

/** Every filter any fake client subscribed to, in order (tests clear it). */
export const fakeSubscriptions: string[] = [];

export class FakeModdableMqttClient {
  onReady?: () => void;
  onClose?: () => void;
  onMessage?: (topic: string, data: ArrayBuffer) => void;
  readonly #c: ReturnType<typeof lib.connect>;
  #ready = false;
  #closed = false;
  constructor(o: Opt) {
    this.#c = lib.connect({
      host: o.host,
      port: o.port ?? 1883,
      clientId: o.id ?? "",
      username: o.user,
      password: o.password,
      keepalive: Math.ceil((o.timeout ?? 0) / 1000),
      clean: true,
      protocolVersion: 4,
      reconnectPeriod: 0,
      will: o.will && { topic: o.will.topic, payload: Buffer.from(o.will.message), qos: o.will.quality ?? 0, retain: !!o.will.retain },
    });
    this.#c.on("connect", () => {
      this.#ready = true;
      setTimeout(() => this.onReady?.());
    });
    this.#c.on("message", (topic, p) => {
      const data = p.buffer.slice(p.byteOffset, p.byteOffset + p.length) as ArrayBuffer;
      setTimeout(() => {
        try {
          this.onMessage?.(topic, data);
        } catch {
          // the SDK's dispatch swallows it
        }
      });
    });
    this.#c.on("error", () => {});
    this.#c.on("close", () => {
      if (this.#closed) return;
      this.#closed = true;
      this.#ready = false;
      this.#c.end(true);
      setTimeout(() => this.onClose?.());
    });
  }
  publish(topic: string, data: string, flags?: { retain?: boolean; quality?: 0 | 1 }) {
    if (!this.#ready) throw new Error("connection closed");
    this.#c.publish(topic, data, { qos: flags?.quality ?? 0, retain: !!flags?.retain });
  }
  subscribe(topic: string) {
    if (!this.#ready) throw new Error("connection closed");
    fakeSubscriptions.push(topic);
    this.#c.subscribe(topic, { qos: 0 });
  }
  unsubscribe(topic: string) {
    if (!this.#ready) throw new Error("connection closed");
    this.#c.unsubscribe(topic);
  }
  close() {
    this.#closed = true;
    this.#ready = false;
    this.#c.end(false);
  }
}
