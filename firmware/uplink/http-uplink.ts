/**
 * HTTP sink: POSTs batches of readings as JSON to a configured URL. A batch counts as delivered on
 * any 2xx answer; anything else (or a network error) fails the batch and the hub retries it after
 * an exponential backoff. Body:
 *   {"gateway": "<id>", "readings": [{"reading_id", "telegram_id", "meter_id", "meter_name",
 *     "driver", "media", "received_at": "<ISO-8601>", "reading": {…}}, …]}
 * Implementations of HttpClient: device ./http-moddable.ts, host host/uplink-http-node.ts.
 */
import { hasCredentials, redactUrl, type UplinkSink } from "./sink.js";
import type { OutgoingReading } from "./uplink.js";

export interface HttpTarget {
  tls: boolean;
  host: string;
  port: number;
  /** Path and query, starting with "/". */
  path: string;
}

export interface HttpClient {
  /** POSTs `body` and resolves with the HTTP status; rejects on a network error or timeout. */
  post(target: HttpTarget, body: string, headers: Record<string, string>): Promise<number>;
}

/** "http(s)://host[:port][/path]" → target. Throws an Error naming the (password-masked) URL. */
export function parseHttpUrl(url: string): HttpTarget {
  if (hasCredentials(url)) {
    throw new Error(`bad HTTP URL "${redactUrl(url)}": credentials in the URL are not supported, use request headers`);
  }
  const m = /^(https?):\/\/(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+)(?::(\d{1,5}))?(\/[^\s#]*)?$/.exec(url);
  if (!m) throw new Error(`bad HTTP URL "${redactUrl(url)}" (expected http(s)://host[:port]/path)`);
  const tls = m[1] === "https";
  const port = m[3] === undefined ? (tls ? 443 : 80) : Number(m[3]);
  if (port < 1 || port > 65535) throw new Error(`bad HTTP URL "${redactUrl(url)}": port ${port} out of range`);
  return { tls, host: m[2], port, path: m[4] ?? "/" };
}

export interface HttpUplinkOptions {
  client: HttpClient;
  url: string;
  gatewayId: string;
  /** Extra request headers (e.g. an authorization token; never logged). */
  headers?: Record<string, string>;
  /** Readings per POST (default 20). */
  maxBatch?: number;
}

export class HttpUplink implements UplinkSink {
  readonly name = "http";
  readonly maxBatch: number;
  listener?: UplinkSink["listener"];
  readonly #o: HttpUplinkOptions;
  readonly #target: HttpTarget;
  readonly #shownUrl: string;

  constructor(o: HttpUplinkOptions) {
    this.#o = o;
    this.#target = parseHttpUrl(o.url);
    this.#shownUrl = redactUrl(o.url);
    this.maxBatch = o.maxBatch ?? 20;
  }

  /** HTTP has no connection to wait for; failures are paced by the hub's backoff. */
  ready(): boolean {
    return true;
  }

  async deliver(batch: readonly OutgoingReading[]): Promise<void> {
    const body = JSON.stringify({ gateway: this.#o.gatewayId, readings: batch.map(httpReading) });
    const headers = { "content-type": "application/json", ...this.#o.headers };
    const status = await this.#o.client.post(this.#target, body, headers);
    if (status < 200 || status > 299) throw new Error(`POST ${this.#shownUrl} answered HTTP ${status}`);
  }

  publishStatus(): void {}

  async close(): Promise<void> {}
}

function httpReading(r: OutgoingReading): Record<string, unknown> {
  return {
    reading_id: r.readingId,
    telegram_id: r.telegramId,
    meter_id: r.meterId,
    meter_name: r.meterName,
    driver: r.driver,
    media: r.media,
    received_at: new Date(r.receivedAt).toISOString(),
    reading: r.reading,
  };
}
