/**
 * Poll schedule of a wired M-Bus segment: each configured meter is read every `intervalMs` by primary or
 * secondary address, one at a time (the bus is half duplex). A meter that does not answer or answers garbage
 * is reported (sink.failed, stats) and the round goes on with the next meter. Pure: timers injected.
 */
import { fail } from "../errors.js";
import type { LineTimers } from "./line.js";
import type { SecondaryAddress } from "./frames.js";
import { secondaryText } from "./frames.js";
import type { ReadResult, WiredMaster } from "./master.js";
import type { WiredMeterStatus } from "../uplink/status.js";

export interface WiredMeterPlan {
  /** The configured meter id (gateway config `meters[].id`) the readings are filed under. */
  meterId: string;
  primary?: number;
  secondary?: SecondaryAddress;
  intervalMs: number;
}

export interface PollSink {
  /** Every telegram of one successful read, in order. */
  frames(plan: WiredMeterPlan, frames: readonly Uint8Array[]): void;
  /** A read that failed (also after partial success: frames() got what did arrive). */
  failed(plan: WiredMeterPlan, reason: string): void;
}

/** Per polled meter: the status document's shape (uplink/status.ts), kept there so uplink and web can name it. */
export type MeterPollStats = WiredMeterStatus;

export class WiredPoller {
  readonly #master: WiredMaster;
  readonly #timers: LineTimers;
  readonly #plans: WiredMeterPlan[];
  readonly #sink: PollSink;
  readonly #next = new Map<WiredMeterPlan, number>();
  readonly #stats = new Map<WiredMeterPlan, MeterPollStats>();
  #timer: unknown;
  #running = false;
  #busy = false;

  constructor(master: WiredMaster, timers: LineTimers, plans: readonly WiredMeterPlan[], sink: PollSink) {
    this.#master = master;
    this.#timers = timers;
    this.#plans = plans.slice();
    this.#sink = sink;
    const now = timers.ticks();
    for (const p of this.#plans) {
      if (p.primary === undefined && p.secondary === undefined) fail("bad_argument", `wired meter ${p.meterId}: give a primary or secondary address`);
      this.#next.set(p, now);
      const address = p.primary !== undefined ? `primary ${p.primary}` : `secondary ${secondaryText(p.secondary!)}`;
      this.#stats.set(p, { meterId: p.meterId, address, polls: 0, ok: 0, failed: 0, telegrams: 0 });
    }
  }

  /** Reads one meter now and reports the outcome. */
  async poll(p: WiredMeterPlan): Promise<ReadResult> {
    const st = this.#stats.get(p)!;
    st.polls++;
    const res = await this.#master.read(p.primary ?? p.secondary!);
    if (p.primary === undefined) await this.#master.sndNke(0xfd); // deselect, so the next selection starts clean
    st.telegrams += res.frames.length;
    if (res.frames.length > 0) this.#sink.frames(p, res.frames);
    if (res.error !== undefined) {
      st.failed++;
      st.lastError = res.error;
      this.#sink.failed(p, res.error);
    } else {
      st.ok++;
      st.lastOkAt = this.#timers.ticks();
    }
    return res;
  }

  /** Polls every meter whose time has come, one after the other; returns how many were polled. */
  async pollDue(): Promise<number> {
    if (this.#busy) return 0;
    this.#busy = true;
    let n = 0;
    try {
      for (const p of this.#plans) {
        if (this.#next.get(p)! > this.#timers.ticks()) continue;
        this.#next.set(p, this.#timers.ticks() + p.intervalMs);
        await this.poll(p);
        n++;
      }
    } finally {
      this.#busy = false;
    }
    return n;
  }

  start(): void {
    this.#running = true;
    this.#schedule(0);
  }

  stop(): void {
    this.#running = false;
    this.#timers.clear(this.#timer);
  }

  #schedule(ms: number): void {
    if (!this.#running) return;
    this.#timer = this.#timers.set(() => {
      void this.pollDue().then(() => {
        let soonest = Infinity;
        for (const t of this.#next.values()) soonest = Math.min(soonest, t);
        this.#schedule(Math.max(0, soonest - this.#timers.ticks()));
      });
    }, ms);
  }

  stats(): MeterPollStats[] {
    return this.#plans.map((p) => ({ ...this.#stats.get(p)! }));
  }
}
