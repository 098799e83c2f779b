/**
 * Host side of the MQTT command path (docs/bidirectional.md) until the gateway's own MQTT client can SUBSCRIBE:
 * a Node `mqtt` client subscribes to `<prefix>/<gateway>/+/set`, hands each message to the command queue
 * (firmware/gateway/command-topics.ts) and publishes every outcome on `<prefix>/<gateway>/<meter>/command`.
 * `authorized` stands for the broker's ACL: only clients allowed to publish on …/set reach the gateway.
 */
import mqtt, { type MqttClient } from "mqtt";
import { Topics } from "../firmware/uplink/topics.js";
import { commandSubscription, handleCommandMessage, outcomeMessage } from "../firmware/gateway/command-topics.js";
import type { CommandOutcome, CommandQueue } from "../firmware/gateway/commands.js";

export class CommandMqttBridge {
  readonly #client: MqttClient;
  readonly #topics: Topics;
  #queue?: CommandQueue;

  private constructor(client: MqttClient, topics: Topics) {
    this.#client = client;
    this.#topics = topics;
  }

  static async connect(url: string, gatewayId: string, prefix = "wmbus", authorized = true): Promise<CommandMqttBridge> {
    const client = await mqtt.connectAsync(url, { clientId: `${gatewayId}-commands`, clean: true, reconnectPeriod: 0 });
    const b = new CommandMqttBridge(client, new Topics(gatewayId, { prefix }));
    client.on("message", (topic, payload) => {
      if (b.#queue) handleCommandMessage(b.#queue, b.#topics, topic, payload.toString(), authorized);
    });
    await client.subscribeAsync(commandSubscription(b.#topics), { qos: 1 });
    return b;
  }

  attach(queue: CommandQueue): void {
    this.#queue = queue;
  }

  /** Give this as the queue's `publish`. */
  readonly publish = (o: CommandOutcome): void => {
    const m = outcomeMessage(this.#topics, o);
    void this.#client.publishAsync(m.topic, m.payload, { qos: 1 }).catch(() => undefined);
  };

  async close(): Promise<void> {
    await this.#client.endAsync();
  }
}
