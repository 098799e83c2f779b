/**
 * Several uplinks (e.g. MQTT and HTTP) behind one UplinkHub. Each has its own buffer, so one being
 * down never holds the other back. Stats: `delivered` counts readings every uplink has delivered
 * (the minimum), `buffered`/`dropped` the worst uplink (the maximum), retries and errors the sum.
 */
import type { OutgoingReading, UplinkHub, UplinkStats } from "./uplink.js";
import type { StatusDocument } from "./status.js";

export class FanoutHub implements UplinkHub {
  constructor(readonly hubs: readonly UplinkHub[]) {}

  submit(r: OutgoingReading): void {
    for (const h of this.hubs) h.submit(r);
  }

  gatewayStatus(s: StatusDocument): void {
    for (const h of this.hubs) h.gatewayStatus(s);
  }

  stats(): UplinkStats {
    const all = this.hubs.map((h) => h.stats());
    if (all.length === 0) return { delivered: 0, buffered: 0, dropped: 0, retries: 0, errors: 0 };
    return {
      delivered: Math.min(...all.map((s) => s.delivered)),
      buffered: Math.max(...all.map((s) => s.buffered)),
      dropped: Math.max(...all.map((s) => s.dropped)),
      retries: all.reduce((n, s) => n + s.retries, 0),
      errors: all.reduce((n, s) => n + s.errors, 0),
    };
  }

  async close(): Promise<void> {
    await Promise.all(this.hubs.map((h) => h.close()));
  }
}
