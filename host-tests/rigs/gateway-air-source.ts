/**
 * The gateway hears the simulated apartment through the air model and a real radio driver on a chip simulator
 * (issue 7 item 7): `SimulatedAir` is the shared medium (one Scheduler + one Air for every gateway of a run),
 * `AirFrameSource` is one gateway's receiver on it — board pins.json → SimBoard io → CC1101/SX1262 driver
 * (built by firmware/radio/create-radio.ts as on the device) → chip model (host-tests/rigs/sim-radio.ts).
 *
 * Time. The scheduler counts µs from the apartment's start; the gateway's SimClock counts epoch ms. They are
 * one clock: `scheduler µs = (epoch ms − epochMs) × 1000`, with the scheduler's zero BOOT_MS before the clock's start. The runner calls `runUntil(ms)` before it moves the
 * SimClock, and every frame the driver delivers first moves the SimClock to its delivery time, so the gateway
 * stamps a reading with the moment its last byte left the FIFO (a few ms after the meter started sending).
 *
 * Channels. Every meter of the apartment transmits whatever the gateway listens to: T1 and C1 on 868.95 MHz,
 * S1 on 868.30 MHz (EN 13757-4 §6–7). The air decides who hears what, so a gateway on TC never hears the S1
 * meters (and an S gateway never the T1/C1 ones); their frames still occupy their own channel and count in
 * the air statistics. A transmission's `at` is taken as the moment its first preamble chip is on air.
 */
import type { RadioFrame, RadioListen } from "../../firmware/radio/radio.js";
import { Air, type AirSignal } from "../sim/air.js";
import type { Transmission } from "../sim/apartment.js";
import { Scheduler } from "../sim/scheduler.js";
import { createSimRadio, type SimChipKind, type SimRadio } from "./sim-radio.js";
import type { SimClock, SimulatedReceiver } from "../sim/gateway-runner.js";

export type { SimChipKind };
export const SIM_CHIPS: readonly SimChipKind[] = ["sx1262", "cc1101"];

/** The longest frame on air: 255 S1 bytes (Manchester, 16 chips at 32.768 kcps) ≈ 125 ms, plus preamble. */
export const MAX_AIRTIME_MS = 150;

export interface SimulatedAirOptions {
  /** The gateways' clock; its current time is the scheduler's zero. */
  clock: SimClock;
  /** Chip error rate of the air (default 0). */
  ber?: number;
  seed?: number;
}

interface OnAir {
  tx: Transmission;
  signal: AirSignal;
}

/** Simulated time the radios get to start before the apartment's first transmission. */
export const BOOT_MS = 1000;

/** A telegram is one meter's numbered transmission (the original and its repeated copy share it). */
export const telegramKey = (meterId: string, seq: number): string => meterId + "#" + seq;

export class SimulatedAir {
  readonly scheduler = new Scheduler();
  readonly air: Air;
  readonly clock: SimClock;
  readonly epochMs: number;
  /** Every transmission put on air, with its signal (for the tests: was a lost telegram collided?). */
  readonly sent: OnAir[] = [];
  #recent: OnAir[] = [];
  readonly #done = new WeakSet<Transmission>();

  constructor(o: SimulatedAirOptions) {
    this.clock = o.clock;
    // The radios boot (chip reset, calibration busy-waits ≈ 20 ms) in the second before the clock's start.
    this.epochMs = o.clock.now() - BOOT_MS;
    this.air = new Air(this.scheduler, { ber: o.ber, seed: o.seed });
  }

  toUs(ms: number): number {
    return (ms - this.epochMs) * 1000;
  }

  nowMs(): number {
    return this.epochMs + this.scheduler.now / 1000;
  }

  /** Runs the air, the chips and the drivers up to `ms` (epoch). Frames delivered on the way move the clock. */
  runUntil(ms: number): void {
    const us = this.toUs(ms);
    if (us > this.scheduler.now) this.scheduler.runUntil(us);
  }

  /** Puts a transmission on air once, however many gateways are offered it. */
  put(tx: Transmission): void {
    if (this.#done.has(tx)) return;
    this.#done.add(tx);
    this.runUntil(tx.at);
    // a driver busy-wait (reset, calibration) may have run the chips a little past `at`: send right now then
    const at = Math.max(this.toUs(tx.at), this.scheduler.now);
    const signal = this.air.transmit({ mode: tx.mode, format: tx.format, frame: tx.bytes, rssiDbm: tx.rssiDbm, at });
    const entry = { tx, signal };
    this.sent.push(entry);
    this.#recent.push(entry);
  }

  /** The transmission whose frame a driver just delivered (searched among the last second's signals). */
  match(frame: RadioFrame): Transmission | undefined {
    const now = this.scheduler.now;
    this.#recent = this.#recent.filter((e) => e.signal.end > now - 1_000_000);
    for (let i = this.#recent.length - 1; i >= 0; i--) {
      const f = this.#recent[i].signal.frame;
      if (f.length === frame.bytes.length && f.every((b, k) => b === frame.bytes[k])) return this.#recent[i].tx;
    }
    return undefined;
  }

  /** Signals on air of one telegram (original and repeated copy). */
  signalsOf(meterId: string, seq: number): AirSignal[] {
    return this.sent.filter((e) => e.tx.meterId === meterId && e.tx.seq === seq).map((e) => e.signal);
  }
}

export interface AirFrameSourceOptions {
  air: SimulatedAir;
  chip: SimChipKind;
  /** Pin edge → onReadable latency in µs (default 50, the sim's). */
  latencyUs?: number;
  seed?: number;
  onDiagnostic?: (message: string) => void;
}

/** One gateway's radio on the shared air: a SimulatedReceiver the runner can drive. */
export class AirFrameSource implements SimulatedReceiver {
  readonly chip: SimChipKind;
  readonly air: SimulatedAir;
  /** Intact frames this receiver delivered per telegram (telegramKey): 2 when the direct and the repeated copy came through. */
  readonly heard = new Map<string, number>();
  readonly #o: AirFrameSourceOptions;
  #sim?: SimRadio;
  #unmatched = 0;

  constructor(o: AirFrameSourceOptions) {
    this.#o = o;
    this.chip = o.chip;
    this.air = o.air;
  }

  start(listen: RadioListen, onFrame: (frame: RadioFrame) => void): void {
    if (this.#sim) this.#sim.radio.close();
    const air = this.air;
    this.#sim = createSimRadio({
      chip: this.chip, air: air.air, scheduler: air.scheduler, listen, latencyUs: this.#o.latencyUs, seed: this.#o.seed, onDiagnostic: this.#o.onDiagnostic,
      onFrame: (frame) => {
        const at = air.nowMs();
        air.clock.advanceTo(at);
        const tx = air.match(frame);
        if (tx) {
          const key = telegramKey(tx.meterId, tx.seq);
          this.heard.set(key, (this.heard.get(key) ?? 0) + 1);
        }
        else this.#unmatched++; // an intact frame nobody sent: the CRCs let noise through (counted, still handed on)
        // the driver's receivedAt is on the scheduler's ms; the gateway's clock is epoch ms
        onFrame({ ...frame, receivedAt: at });
      },
    });
  }

  /** Every transmission goes on the shared air (once); the driver delivers what its chip hears. */
  transmit(tx: Transmission): void {
    this.air.put(tx);
  }

  runUntil(ms: number): void {
    this.air.runUntil(ms);
  }

  /** Driver counters (RadioStats) and the air's (transmissions, collisions, lost syncs) for the status topic. */
  stats(): Record<string, number> {
    const s = this.air.air.stats;
    return {
      ...(this.#sim ? this.#sim.radio.stats : {}),
      framesUnmatched: this.#unmatched,
      airTransmissions: s.transmissions,
      airCollisions: s.collisions,
      airSyncs: s.syncs,
      airSyncMissed: s.syncMissed,
      airSyncDeclined: s.syncDeclined,
      airCorruptedBytes: s.corruptedBytes,
    };
  }

  close(): void {
    if (this.#sim) this.#sim.radio.close();
    this.#sim = undefined;
  }
}
