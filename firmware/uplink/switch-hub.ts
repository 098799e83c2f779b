/**
 * An UplinkHub whose uplinks can be replaced while the gateway runs (new MQTT broker or HTTP URL from the web
 * settings page, no reboot). The old hub is closed after the switch; readings still buffered in its RAM ring are
 * lost (its NVS/file ring stays on flash for the next hub with the same name). Counters continue across switches.
 */
import type { OutgoingReading, UplinkHub, UplinkStats } from "./uplink.js";
import type { StatusDocument } from "./status.js";

export class SwitchHub implements UplinkHub {
  #hub: UplinkHub;
  /** Counters of hubs already replaced. */
  readonly #before: UplinkStats = { delivered: 0, buffered: 0, dropped: 0, retries: 0, errors: 0 };
  switches = 0;

  constructor(hub: UplinkHub) {
    this.#hub = hub;
  }

  submit(r: OutgoingReading): void {
    this.#hub.submit(r);
  }

  gatewayStatus(s: StatusDocument): void {
    this.#hub.gatewayStatus(s);
  }

  stats(): UplinkStats {
    const s = this.#hub.stats();
    const b = this.#before;
    return { delivered: b.delivered + s.delivered, buffered: s.buffered, dropped: b.dropped + s.dropped, retries: b.retries + s.retries, errors: b.errors + s.errors };
  }

  /** Uses `next` from now on and closes the previous hub (its close errors are reported, not thrown). */
  async replace(next: UplinkHub, onError?: (message: string) => void): Promise<void> {
    const old = this.#hub;
    const s = old.stats();
    this.#before.delivered += s.delivered;
    this.#before.dropped += s.dropped + s.buffered;
    this.#before.retries += s.retries;
    this.#before.errors += s.errors;
    this.#hub = next;
    this.switches++;
    try {
      await old.close();
    } catch (e) {
      onError?.(`closing the previous uplinks failed: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  close(): Promise<void> | void {
    return this.#hub.close();
  }
}
