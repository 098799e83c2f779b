/**
 * A simulated transmitter on the air model (host-tests/sim/air.ts): implements firmware/radio/transmit.ts by
 * putting the frame on air now (with the air model's own encoder) at the level its receivers get, and resolving
 * when the last chip has been sent (the air model's own signal end, so airtime is measured by the air, not by the
 * repeater's formula). Uplink modes only (T1, C1, S1: what a repeater sends). One transmission at a time, as a
 * half-duplex radio: a send while one is on air is refused.
 */
import { linkMode } from "../../firmware/phy/modes.js";
import type { Transmitter, TransmitRequest, TransmitResult } from "../../firmware/radio/transmit.js";
import type { Air, AirSignal } from "../sim/air.js";
import type { Scheduler } from "../sim/scheduler.js";

export class SimTransmitter implements Transmitter {
  readonly sent: AirSignal[] = [];
  #busyUntil = -1;

  constructor(readonly air: Air, readonly scheduler: Scheduler, readonly rssiDbm: number) {}

  transmit(req: TransmitRequest): Promise<TransmitResult> {
    if (this.scheduler.now < this.#busyUntil) return Promise.resolve({ ok: false, reason: "busy" });
    const m = linkMode(req.mode);
    if (m.direction !== "up") return Promise.resolve({ ok: false, reason: `SimTransmitter sends uplink modes only, not ${req.mode}` });
    let signal: AirSignal;
    try {
      const at = req.startAt === undefined ? undefined : Math.max(this.scheduler.now, req.startAt * 1000);
      signal = this.air.transmit({ mode: m.phy, format: req.format, frame: req.bytes, rssiDbm: this.rssiDbm, at });
    } catch (e) {
      return Promise.resolve({ ok: false, reason: e instanceof Error ? e.message : String(e) });
    }
    this.sent.push(signal);
    this.#busyUntil = signal.end;
    return new Promise((resolve) => this.scheduler.at(signal.end, () => resolve({ ok: true, startedAt: signal.start / 1000, endedAt: signal.end / 1000 })));
  }
}
