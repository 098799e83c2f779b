/**
 * The last reading of each meter, for the local web page. Bounded: at most `capacity` meters (the gateway
 * only sends readings of configured meters, so the default covers any sane settings file); when full the
 * meter heard longest ago makes room. Pure: used on the device and on the host.
 */
import { tapHub, type OutgoingReading, type UplinkHub } from "../uplink/uplink.js";

export class LastReadings {
  readonly #byMeter = new Map<string, OutgoingReading>();
  /** Readings seen in total (the page shows it next to the gateway's own counter). */
  seen = 0;

  constructor(readonly capacity = 128) {}

  remember(r: OutgoingReading): void {
    this.seen++;
    this.#byMeter.delete(r.meterId); // re-insert: Map order is then "heard longest ago first"
    this.#byMeter.set(r.meterId, r);
    if (this.#byMeter.size > this.capacity) this.#byMeter.delete(this.#byMeter.keys().next().value as string);
  }

  get(meterId: string): OutgoingReading | undefined {
    return this.#byMeter.get(meterId);
  }

  get size(): number {
    return this.#byMeter.size;
  }

  /** A hub that remembers every reading and passes everything on to `hub`. */
  tap(hub: UplinkHub): UplinkHub {
    return tapHub(hub, (r) => this.remember(r));
  }
}
