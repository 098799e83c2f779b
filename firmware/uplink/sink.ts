/**
 * What the delivery hub needs from a transport (MQTT, HTTP): deliver a batch of readings and say
 * whether it can deliver now. Retries, ordering and buffering are the hub's job (./hub.ts).
 */
import type { OutgoingReading } from "./uplink.js";
import type { StatusDocument } from "./status.js";

export interface SinkListener {
  /** The sink became able to deliver (e.g. MQTT CONNACK after a reconnect). */
  onReady(): void;
  /** The sink lost its connection. */
  onDown(): void;
}

export interface UplinkSink {
  /** For status and error texts ("mqtt", "http"). */
  readonly name: string;
  /** Largest batch `deliver` takes. */
  readonly maxBatch: number;
  /** Set once by the hub. */
  listener?: SinkListener;
  ready(): boolean;
  /**
   * Resolves when every reading of the batch is acknowledged (PUBACK, HTTP 2xx); rejects otherwise
   * (some readings of a rejected batch may have arrived: they come again with the same reading id).
   */
  deliver(batch: readonly OutgoingReading[]): Promise<void>;
  /** Gateway status for the status topic (ignored by sinks without one). */
  publishStatus(status: StatusDocument): void;
  close(): Promise<void>;
}

/** scheme:// then a user[:password]@ part before the first "/". */
const CREDENTIALS = /^([A-Za-z][A-Za-z0-9+.-]*:\/\/)[^/@]*@/;

/** True when the URL carries a user[:password]@ part (refused everywhere: it belongs in its own settings). */
export function hasCredentials(url: string): boolean {
  return CREDENTIALS.test(url);
}

/**
 * The URL as it may be shown (status, MQTT status topic, settings problems, logs): a user:password part
 * masked, every query value masked ("?token=***&site=***") and a fragment dropped — a token in the query is a
 * password (docs/reliability.md). Names and paths stay, so the user still recognises the URL.
 */
export function redactUrl(url: string): string {
  let out = url.replace(CREDENTIALS, "$1***@");
  const hash = out.indexOf("#");
  if (hash >= 0) out = out.slice(0, hash) + "#***";
  const q = out.indexOf("?");
  if (q < 0) return out;
  const tail = out.slice(q + 1);
  const hashTail = tail.endsWith("#***") ? "#***" : "";
  const query = hashTail ? tail.slice(0, -4) : tail;
  const parts = query === "" ? [] : query.split("&").map((kv) => {
    const eq = kv.indexOf("=");
    return eq < 0 ? "***" : kv.slice(0, eq) + "=***";
  });
  return out.slice(0, q + 1) + parts.join("&") + hashTail;
}
