/**
 * Discrete-event simulated clock in microseconds, shared by the air model, the chip simulators, the io shims
 * and the drivers' timers. Deterministic: events run in time order, ties in insertion order.
 *
 * Two kinds of events:
 *   - "chip": hardware-internal progress (a byte arriving from the air, a calibration finishing, an IRQ pin
 *     changing). These also run while the driver busy-waits (`RadioTimers.delayMicros`), as real silicon keeps
 *     going while the CPU spins.
 *   - "host": code on the driver's single JavaScript thread (timer callbacks, `onReadable` of an interrupt
 *     pin). They never run inside a busy-wait: like Moddable's XS task, a callback runs only after the one
 *     before it has returned. A host event whose time passed during a busy-wait runs as soon as possible, late.
 */

export type EventKind = "chip" | "host";

interface SimEvent {
  t: number;
  seq: number;
  fn: () => void;
  kind: EventKind;
  cancelled: boolean;
}

/** Opaque handle returned by `at`/`after`, for `cancel`. */
export type EventHandle = object;

/** A binary min-heap ordered by (t, seq). */
class EventHeap {
  private items: SimEvent[] = [];
  get size(): number {
    return this.items.length;
  }
  peek(): SimEvent | undefined {
    return this.items[0];
  }
  private static less(a: SimEvent, b: SimEvent): boolean {
    return a.t < b.t || (a.t === b.t && a.seq < b.seq);
  }
  push(e: SimEvent): void {
    const h = this.items;
    h.push(e);
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!EventHeap.less(h[i], h[p])) break;
      [h[i], h[p]] = [h[p], h[i]];
      i = p;
    }
  }
  pop(): SimEvent | undefined {
    const h = this.items;
    const top = h[0];
    const last = h.pop();
    if (h.length > 0 && last) {
      h[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1, r = l + 1;
        let m = i;
        if (l < h.length && EventHeap.less(h[l], h[m])) m = l;
        if (r < h.length && EventHeap.less(h[r], h[m])) m = r;
        if (m === i) break;
        [h[i], h[m]] = [h[m], h[i]];
        i = m;
      }
    }
    return top;
  }
  /** Drops cancelled events from the top. */
  prune(): void {
    while (this.items.length > 0 && this.items[0].cancelled) this.pop();
  }
}

export class Scheduler {
  private time = 0;
  private seq = 0;
  private readonly chip = new EventHeap();
  private readonly host = new EventHeap();
  private running = false;
  /** Events run so far (a cheap cost measure for tests). */
  eventsRun = 0;

  /** Simulated time in µs. */
  get now(): number {
    return this.time;
  }

  /** Schedules `fn` at absolute time `t` µs (a time in the past runs as soon as possible). */
  at(t: number, fn: () => void, kind: EventKind = "host"): EventHandle {
    if (!Number.isFinite(t)) throw new RangeError(`Scheduler.at: time ${t} is not a finite number of µs`);
    const e: SimEvent = { t: t < this.time ? this.time : t, seq: this.seq++, fn, kind, cancelled: false };
    (kind === "chip" ? this.chip : this.host).push(e);
    return e;
  }

  after(dt: number, fn: () => void, kind: EventKind = "host"): EventHandle {
    if (!(dt >= 0)) throw new RangeError(`Scheduler.after: delay ${dt} µs must be ≥ 0`);
    return this.at(this.time + dt, fn, kind);
  }

  cancel(handle: unknown): void {
    if (handle && typeof handle === "object" && "cancelled" in handle) (handle as SimEvent).cancelled = true;
  }

  /** Events still queued (cancelled ones excluded once they reach the top). */
  get pending(): number {
    this.chip.prune();
    this.host.prune();
    return this.chip.size + this.host.size;
  }

  private run(e: SimEvent): void {
    if (e.t > this.time) this.time = e.t;
    this.eventsRun++;
    e.fn();
  }

  /** Runs every event due up to `t` (both kinds), then sets the clock to `t`. Not re-entrant. */
  runUntil(t: number): void {
    if (this.running) throw new Error("Scheduler.runUntil called from inside an event (use delayMicros to busy-wait)");
    this.running = true;
    try {
      for (;;) {
        this.chip.prune();
        this.host.prune();
        const c = this.chip.peek(), h = this.host.peek();
        const e = c && (!h || c.t < h.t || (c.t === h.t && c.seq < h.seq)) ? c : h;
        if (!e || e.t > t) break;
        (e === c ? this.chip : this.host).pop();
        this.run(e);
      }
      if (t > this.time) this.time = t;
    } finally {
      this.running = false;
    }
  }

  advance(dt: number): void {
    this.runUntil(this.time + dt);
  }

  /** Busy-wait: runs only chip events due up to `t` and moves the clock there. Safe inside any event. */
  runChipUntil(t: number): void {
    for (;;) {
      this.chip.prune();
      const e = this.chip.peek();
      if (!e || e.t > t) break;
      this.chip.pop();
      this.run(e);
    }
    if (t > this.time) this.time = t;
  }
}

/** The driver contract's timers on simulated time (ms API over the µs clock). */
/** The drivers' `RadioTimers` (firmware/radio/radio.ts), matched structurally: the simulator imports no driver module. */
export class SimTimers {
  constructor(private readonly scheduler: Scheduler) {}
  /** Monotonic ms (TimeService.ticks). */
  ticks(): number {
    return this.scheduler.now / 1000;
  }
  set(callback: () => void, ms: number): unknown {
    return this.scheduler.after(Math.max(0, ms) * 1000, callback, "host");
  }
  clear(handle: unknown): void {
    this.scheduler.cancel(handle);
  }
  delayMicros(us: number): void {
    this.scheduler.runChipUntil(this.scheduler.now + Math.max(0, us));
  }
}
