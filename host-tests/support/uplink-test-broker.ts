/**
 * Test helpers for MQTT runs on the host: a broker (the local Mosquitto on 127.0.0.1:1883 when it
 * answers, else an embedded aedes broker on a free port) and a TCP proxy in front of it that a test
 * can cut (every connection dropped without DISCONNECT, new ones refused) and restore, to simulate
 * a broker outage without stopping the shared broker. Also a polling wait and a sample reading.
 */
import { createConnection, createServer, type Server, type Socket } from "node:net";
import type { OutgoingReading } from "../../firmware/uplink/uplink.js";
import { listenLocal } from "../../host/listen-local.js";

export interface TestBroker {
  host: string;
  port: number;
  kind: "mosquitto" | "aedes";
  close(): Promise<void>;
}

function answers(host: string, port: number, timeoutMs = 500): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createConnection({ host, port });
    const done = (ok: boolean) => {
      s.destroy();
      resolve(ok);
    };
    s.setTimeout(timeoutMs, () => done(false));
    s.once("connect", () => done(true));
    s.once("error", () => done(false));
  });
}

/**
 * Mosquitto when it answers on 127.0.0.1:1883, else an embedded aedes broker
 * (WMBUS_TEST_BROKER=aedes forces the embedded one).
 */
export async function startTestBroker(): Promise<TestBroker> {
  if (process.env.WMBUS_TEST_BROKER !== "aedes" && (await answers("127.0.0.1", 1883))) return { host: "127.0.0.1", port: 1883, kind: "mosquitto", close: async () => {} };
  const { startEmbeddedBroker } = await import("../../host/gateway-broker.js"); // aedes is loaded only when needed
  const { port, close } = await startEmbeddedBroker();
  return { host: "127.0.0.1", port, kind: "aedes", close };
}

export class TcpProxy {
  readonly #server: Server;
  readonly #pairs = new Set<[Socket, Socket]>();
  #cut = false;
  port = 0;

  private constructor(readonly targetHost: string, readonly targetPort: number) {
    this.#server = createServer((client) => {
      if (this.#cut) {
        client.destroy();
        return;
      }
      const upstream = createConnection({ host: targetHost, port: targetPort });
      const pair: [Socket, Socket] = [client, upstream];
      this.#pairs.add(pair);
      const drop = () => {
        client.destroy();
        upstream.destroy();
        this.#pairs.delete(pair);
      };
      client.on("error", drop).on("close", drop);
      upstream.on("error", drop).on("close", drop);
      client.pipe(upstream);
      upstream.pipe(client);
    });
  }

  static async start(targetHost: string, targetPort: number): Promise<TcpProxy> {
    const p = new TcpProxy(targetHost, targetPort);
    p.port = await listenLocal(p.#server, 0);
    return p;
  }

  /** Drops every connection (no DISCONNECT: the broker publishes the wills) and refuses new ones. */
  cut(): void {
    this.#cut = true;
    for (const [a, b] of this.#pairs) {
      a.destroy();
      b.destroy();
    }
    this.#pairs.clear();
  }

  restore(): void {
    this.#cut = false;
  }

  get connections(): number {
    return this.#pairs.size;
  }

  close(): Promise<void> {
    this.cut();
    return new Promise((resolve) => this.#server.close(() => resolve()));
  }
}

/** Polls `cond` every 10 ms; throws naming `what` after `timeoutMs` (a bound, never asserted). */
export async function until(cond: () => boolean, what: string, timeoutMs = 15_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** A small water reading `i` of one meter, with the stable id `<prefix>:<i>`. */
export function waterReading(prefix: string, i: number, meterId = "76348799", name = ""): OutgoingReading {
  return {
    readingId: `${prefix}:${i}`,
    telegramId: `t${i}`,
    meterId,
    meterName: name,
    driver: "kamwater",
    media: "water",
    reading: { _: "telegram", media: "water", meter: "kamwater", name, id: meterId, total_m3: i },
    receivedAt: Date.UTC(2026, 0, 1, 0, 0, 0) + i * 1000,
  };
}
