/**
 * The command path of a running gateway (docs/bidirectional.md), the same on the device (firmware/main.ts) and
 * on the host (`npm start`): one CommandQueue over the gateway's current settings (a meter can be commanded while
 * it is configured with a key), commands from MQTT (`<prefix>/<gateway>/<meter>/set`, through whichever MQTT
 * uplink is current) and from the web API, and every outcome published on `<prefix>/<gateway>/<meter>/command`,
 * kept in a small log the web API reads, and handed to `onOutcome` (the web page's live events). Pure.
 */
import type { RadioFrame } from "../radio/radio.js";
import type { Transmitter } from "../radio/transmit.js";
import type { BlockCipher } from "../security/block-cipher.js";
import type { Telegram } from "../telegram.js";
import { fromHex } from "../util/hex.js";
import { stripFrameA, stripFrameB } from "../link/frame-format.js";
import type { Topics } from "../uplink/topics.js";
import type { GatewayConfig } from "./config.js";
import { commandSubscription, handleCommandMessage, outcomeMessage } from "./command-topics.js";
import { CommandQueue, type CommandOutcome, type SubmitResult } from "./commands.js";
import { MessageCounters } from "./message-counters.js";
import type { KeyValueStore } from "../platform/services.js";

/** What the command path needs of an MQTT uplink (firmware/uplink/mqtt-uplink.ts MqttUplink). */
export interface CommandMqtt {
  readonly topics: Topics;
  subscribe(filter: string, onMessage: (topic: string, payload: string) => void): void;
  publishMessage(topic: string, payload: string): boolean;
}

export interface CommandServiceOptions {
  config(): GatewayConfig;
  /** Milliseconds for expiry: monotonic on the device. */
  now(): number;
  /** Wall-clock milliseconds for the outcomes' `at` (default `now`). */
  wallNow?(): number;
  cipher: BlockCipher;
  transmitter: Transmitter;
  onOutcome?(o: CommandOutcome): void;
  /** Outcomes kept for the web API (default 32, oldest dropped first). */
  keep?: number;
  /**
   * Where the mode 7 message counters are kept across restarts (message-counters.ts); without it they live in RAM
   * and start again from 1 after a restart.
   */
  store?: KeyValueStore;
}

export class CommandService {
  readonly queue: CommandQueue;
  readonly #o: CommandServiceOptions;
  readonly #log: CommandOutcome[] = [];
  readonly #counters?: MessageCounters;
  #mqtt?: CommandMqtt;

  constructor(o: CommandServiceOptions) {
    this.#o = o;
    const meter = (id: string) => o.config().meters.find((m) => m.id === id);
    const counters = o.store ? new MessageCounters({ store: o.store, isKept: (id) => meter(id) !== undefined }) : undefined;
    this.#counters = counters;
    this.queue = new CommandQueue({
      now: o.now,
      wallNow: o.wallNow,
      cipher: o.cipher,
      isConfigured: (id) => meter(id) !== undefined,
      keyFor: (id) => {
        const k = meter(id)?.key;
        return k ? fromHex(k) : undefined;
      },
      transmitter: o.transmitter,
      publish: (outcome) => this.#publish(outcome),
      nextCounter: counters ? (id) => counters.next(id) : undefined,
    });
  }

  /** Why the stored message counters could not be read (they start again from 1); undefined when they could. */
  get counterProblem(): string | undefined {
    return this.#counters?.problem;
  }

  /**
   * Takes commands from this MQTT uplink (and publishes outcomes through it) from now on; call it for every
   * uplink made (settings changed on the web page make a new one). MQTT commands count as authorised: only
   * clients the broker lets publish on …/set reach the gateway (docs/bidirectional.md).
   */
  attachMqtt(mqtt: CommandMqtt): void {
    this.#mqtt = mqtt;
    mqtt.subscribe(commandSubscription(mqtt.topics), (topic, payload) => {
      if (this.#mqtt === mqtt) handleCommandMessage(this.queue, mqtt.topics, topic, payload, true);
    });
  }

  /** A command from the web API (the web app has checked login and CSRF: `authorized`). */
  submit(meterId: string, json: unknown, authorized: boolean): SubmitResult {
    return this.queue.submit(meterId.toLowerCase(), json, authorized);
  }

  /** The kept outcomes of one meter, oldest first; with `id` only that command's. */
  outcomes(meterId: string, id?: string): CommandOutcome[] {
    return this.#log.filter((o) => o.meter === meterId && (id === undefined || o.id === id));
  }

  /** The gateway's onTelegram hook: a telegram of a configured meter may open its window. */
  onTelegram(meterId: string, t: Telegram, frame: RadioFrame): Promise<void> | undefined {
    const mode = frame.mode === "T" || frame.mode === "C" || frame.mode === "S" ? frame.mode : undefined;
    if (!mode) return undefined;
    return this.queue.onTelegram(meterId, t, mode, frame.receivedAt);
  }

  /**
   * A frame straight from the radio, before the gateway: true when it answered a command in flight (ACK or
   * RSP-UD; then it is not handed to the gateway). Cheap for every other frame: only C 00 / 08 is looked at.
   */
  onAnswer(frame: RadioFrame): boolean {
    const c = frame.bytes[1];
    if (c !== 0x00 && c !== 0x08) return false;
    const stripped = frame.stripped ?? (frame.format === "B" ? stripFrameB(frame.bytes) : stripFrameA(frame.bytes));
    return stripped !== null && this.queue.onAnswer(stripped);
  }

  #publish(o: CommandOutcome): void {
    this.#log.push(o);
    if (this.#log.length > (this.#o.keep ?? 32)) this.#log.shift();
    const m = this.#mqtt;
    if (m) {
      const msg = outcomeMessage(m.topics, o);
      m.publishMessage(msg.topic, msg.payload);
    }
    this.#o.onOutcome?.(o);
  }
}
