/**
 * The uplink contract between the gateway pipeline and the transports (MQTT, HTTP) and the
 * offline buffer. The pipeline only calls `submit`; everything about delivery, retries and
 * buffering lives behind `UplinkHub`. Topics and the discovery mapping: docs/uplinks.md.
 */
import type { TimeService } from "../vocabulary.js";
import type { Reading } from "../meters/types.js";
import type { StatusDocument } from "./status.js";

/** One reading on its way to the head-end / Home Assistant. */
export interface OutgoingReading {
  /** Stable id: the same reading always has the same id (e.g. gateway id + telegram id). */
  readingId: string;
  /** Cross-gateway dedup id of the telegram (from the pipeline). */
  telegramId: string;
  /** Meter id as printed in readings, e.g. "12345678". */
  meterId: string;
  /** Configured meter name or "". */
  meterName: string;
  /** Driver name (reading.meter). */
  driver: string;
  media: string;
  /**
   * Optional: manufacturer of the meter (three-letter flag code or a name) for the Home Assistant
   * device; "wM-Bus meter" when absent.
   */
  manufacturer?: string;
  /** wmbusmeters-style JSON object from firmware/meters. */
  reading: Reading;
  /** Milliseconds since epoch (Clock). */
  receivedAt: number;
}

/** Delivery counters of a hub. */
export interface UplinkStats {
  /** Readings acknowledged by every configured transport (PUBACK / HTTP 2xx). */
  delivered: number;
  /** Readings waiting in the offline buffer now. */
  buffered: number;
  /** Readings lost because the buffer was full (drop-oldest). */
  dropped: number;
  /** Delivery attempts repeated after a failure. */
  retries: number;
  /** Transport or storage errors seen (each counted once). */
  errors: number;
}

export interface UplinkHub {
  /** Never throws; buffers when the transport is down. */
  submit(r: OutgoingReading): void;
  /** The status document for the status topic (uplink/status.ts). */
  gatewayStatus(s: StatusDocument): void;
  stats(): UplinkStats;
  close(): Promise<void> | void;
}

/** The one-shot timers of the time service (Moddable `Timer` on the device, `setTimeout` or a test clock on the host). */
export type UplinkTimers = Pick<TimeService, "set" | "clear">;

/** A hub that shows every reading to `onReading` first and passes everything on to `hub`. */
export function tapHub(hub: UplinkHub, onReading: (r: OutgoingReading) => void): UplinkHub {
  return {
    submit: (r) => {
      onReading(r);
      hub.submit(r);
    },
    gatewayStatus: (s) => hub.gatewayStatus(s),
    stats: () => hub.stats(),
    close: () => hub.close(),
  };
}

/** A hub with nowhere to send readings: it counts them as dropped (`errors`: the count to report). */
export function droppingHub(errors = 0): UplinkHub {
  let dropped = 0;
  return {
    submit: () => void dropped++,
    gatewayStatus: () => undefined,
    stats: () => ({ delivered: 0, buffered: 0, dropped, retries: 0, errors }),
    close: () => undefined,
  };
}
