/** An UplinkHub that keeps everything in memory: for tests and for `npm start --no-mqtt`. */
import type { OutgoingReading, UplinkHub, UplinkStats } from "../firmware/uplink/uplink.js";
import type { StatusDocument } from "../firmware/uplink/status.js";

export class MemoryHub implements UplinkHub {
  readonly readings: OutgoingReading[] = [];
  readonly statuses: StatusDocument[] = [];
  #count = 0;

  /** `keep`: how many readings and statuses to remember (the newest); counting goes on beyond it. */
  constructor(readonly keep = Infinity) {}

  submit(r: OutgoingReading): void {
    this.#count++;
    this.readings.push(r);
    if (this.readings.length > this.keep) this.readings.shift();
  }
  gatewayStatus(s: StatusDocument): void {
    this.statuses.push(s);
    if (this.statuses.length > this.keep) this.statuses.shift();
  }
  stats(): UplinkStats {
    return { delivered: this.#count, buffered: 0, dropped: 0, retries: 0, errors: 0 };
  }
  close(): void {}
}
