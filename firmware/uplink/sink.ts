/**
 * What the delivery hub needs from a transport (MQTT, HTTP): deliver a batch of readings and say
 * whether it can deliver now. Retries, ordering and buffering are the hub's job (./hub.ts).
 */
import type { OutgoingReading } from "./uplink.js";

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
  publishStatus(status: Record<string, unknown>): void;
  close(): Promise<void>;
}

/** scheme:// then a user[:password]@ part before the first "/". */
const CREDENTIALS = /^([A-Za-z][A-Za-z0-9+.-]*:\/\/)[^/@]*@/;

/** True when the URL carries a user[:password]@ part (refused everywhere: it belongs in its own settings). */
export function hasCredentials(url: string): boolean {
  return CREDENTIALS.test(url);
}

/** The URL with any user:password part masked, for error texts and logs. */
export function redactUrl(url: string): string {
  return url.replace(CREDENTIALS, "$1***@");
}
