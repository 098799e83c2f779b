/** An UplinkHub that keeps everything in memory: for tests and for `npm start --no-mqtt`. */
import type { OutgoingReading, UplinkHub, UplinkStats } from "../../firmware/uplink/uplink.js";

export class MemoryHub implements UplinkHub {
  readonly readings: OutgoingReading[] = [];
  readonly statuses: Record<string, unknown>[] = [];
  onReading?: (r: OutgoingReading) => void;

  submit(r: OutgoingReading): void {
    this.readings.push(r);
    if (this.onReading) this.onReading(r);
  }
  gatewayStatus(s: Record<string, unknown>): void {
    this.statuses.push(s);
  }
  stats(): UplinkStats {
    return { delivered: this.readings.length, buffered: 0, dropped: 0, retries: 0, errors: 0 };
  }
  close(): void {}
}
