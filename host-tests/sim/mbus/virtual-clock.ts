/**
 * Virtual milliseconds for async code under test: timers (LineTimers) fire in time order, and `drive`
 * runs a promise to completion by alternating "let every pending microtask run" with "jump to the next
 * timer". Deterministic and fast: a 10-minute poll schedule runs in milliseconds of real time.
 */
import type { LineTimers } from "../../../firmware/wired/line.js";

interface Timer {
  t: number;
  seq: number;
  fn: () => void;
  cancelled: boolean;
}

export class VirtualClock implements LineTimers {
  #now = 0;
  #seq = 0;
  #timers: Timer[] = [];

  /** Monotonic virtual ms (TimeService.ticks). */
  ticks(): number {
    return this.#now;
  }

  /** The same, for the tests' own reading of the clock. */
  now(): number {
    return this.#now;
  }

  set(callback: () => void, ms: number): unknown {
    const t: Timer = { t: this.#now + Math.max(0, ms), seq: this.#seq++, fn: callback, cancelled: false };
    this.#timers.push(t);
    return t;
  }

  clear(handle: unknown): void {
    if (handle) (handle as Timer).cancelled = true;
  }

  /** When the earliest pending timer is due (Infinity when none is). */
  nextAt(): number {
    let next = Infinity;
    for (const t of this.#timers) if (!t.cancelled && t.t < next) next = t.t;
    return next;
  }

  /** Runs the earliest timer; false when none is pending. */
  step(): boolean {
    this.#timers = this.#timers.filter((t) => !t.cancelled);
    if (this.#timers.length === 0) return false;
    let best = 0;
    for (let i = 1; i < this.#timers.length; i++) {
      const a = this.#timers[i], b = this.#timers[best];
      if (a.t < b.t || (a.t === b.t && a.seq < b.seq)) best = i;
    }
    const t = this.#timers.splice(best, 1)[0];
    this.#now = Math.max(this.#now, t.t);
    t.fn();
    return true;
  }

  /** Drives `p` to completion (virtual time advances as needed); throws if it can never settle. */
  async drive<T>(p: Promise<T>, maxMs = 24 * 3600_000): Promise<T> {
    let settled = false;
    p.then(() => (settled = true), () => (settled = true));
    const limit = this.#now + maxMs;
    for (;;) {
      await flush();
      if (settled) return p;
      if (this.#now > limit) throw new Error(`not settled within ${maxMs} virtual ms`);
      if (!this.step()) {
        await flush();
        if (settled) return p;
        throw new Error("deadlock: promise pending and no timer left");
      }
    }
  }

  /** Runs timers until virtual time `t` (and the microtasks they start). */
  async runUntil(t: number): Promise<void> {
    for (;;) {
      await flush();
      const next = this.#timers.filter((x) => !x.cancelled).reduce((m, x) => Math.min(m, x.t), Infinity);
      if (next > t) break;
      this.step();
    }
    this.#now = Math.max(this.#now, t);
  }
}

/**
 * Lets pending promise reactions run: the code under test chains only promises (no I/O), so draining the
 * microtask queue is enough, and it works the same under Node and XS (which has no setImmediate).
 */
async function flush(): Promise<void> {
  for (let i = 0; i < 64; i++) await Promise.resolve();
}
