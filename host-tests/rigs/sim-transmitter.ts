/**
 * A simulated transmitter on the air model (host-tests/sim/air.ts): implements firmware/radio/transmitter.ts
 * by putting the frame on air now at the level its receivers get, and resolving when the last chip has been
 * sent (the air model's own signal end, so airtime is measured by the air, not by the repeater's formula).
 * One transmission at a time, as a half-duplex radio: a send while one is on air is refused.
 */
import type { FrameFormat, PhyMode } from "../../firmware/phy/sync.js";
import type { TransmitOutcome, Transmitter } from "../../firmware/radio/transmitter.js";
import type { Air, AirSignal } from "../sim/air.js";
import type { Scheduler } from "../sim/scheduler.js";

export class SimTransmitter implements Transmitter {
  readonly sent: AirSignal[] = [];
  #busyUntil = -1;

  constructor(readonly air: Air, readonly scheduler: Scheduler, readonly rssiDbm: number) {}

  send(frame: Uint8Array, mode: PhyMode, format: FrameFormat = "A"): Promise<TransmitOutcome> {
    if (this.scheduler.now < this.#busyUntil) return Promise.resolve({ ok: false, reason: "busy" });
    let signal: AirSignal;
    try {
      signal = this.air.transmit({ mode, format, frame, rssiDbm: this.rssiDbm });
    } catch (e) {
      return Promise.resolve({ ok: false, reason: e instanceof Error ? e.message : String(e) });
    }
    this.sent.push(signal);
    this.#busyUntil = signal.end;
    return new Promise((resolve) => this.scheduler.at(signal.end, () => resolve({ ok: true })));
  }
}
