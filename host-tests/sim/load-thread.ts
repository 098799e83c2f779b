/**
 * The device's single JavaScript thread in the simulator. On the ESP32, XS runs every callback (interrupt
 * `onReadable`, timers, messages) to completion on one task and cannot be pre-empted; what arrives meanwhile
 * waits in the task's message queue, in arrival order (docs/device-notes.md §1, §2). The plain `Scheduler`
 * runs host events in zero simulated time; `ThreadedScheduler` gives every job on the JS thread a cost in
 * simulated µs and holds later host events until the thread is free again.
 *
 * Radio service ("js" | "native"):
 *   - "js": every host event (the driver's interrupt handlers and timers) is a JS job. Its cost is
 *     `handlerUs` plus `spiByteUs` per SPI byte it clocked (XS running the driver plus the blocking SPI
 *     transfers), so the FIFO is serviced only when decoding lets it.
 *   - "native": host events are the native radio task (wmbus_radio_task_esp32.c): a FreeRTOS task above the XS
 *     task's priority, so it runs on time after the board's interrupt latency, whatever XS is doing. Only the
 *     jobs posted with `post` (decode) use the JS thread.
 */
import { Scheduler, type EventHandle, type EventKind } from "./scheduler.js";

/** Where the FIFO is serviced: RadioServiceKind of firmware/radio/radio-service.ts (same literals; no driver import here). */
export type RadioServiceKind = "js" | "native";

export interface JsThreadCosts {
  /** Fixed cost of one driver callback on the JS thread (message dispatch + XS running the handler). */
  handlerUs: number;
  /** Per SPI byte clocked inside a driver callback (8 bits at ≈ 6.5 MHz plus XS buffer handling). */
  spiByteUs: number;
}

/**
 * Default costs of JS driver callbacks. Estimates, not measurements: a CC1101 service run is ≈ 300 XS
 * computrons of driver code (two RXBYTES reads, one FIFO burst, the assembler feed per chunk) at the
 * µs-per-computron figure of load.ts, plus the Moddable message dispatch (≈ 50 µs); SPI transfers block the
 * thread for their duration (1.2 µs per byte at 6.5 MHz, plus per-transaction set-up in `transfer`).
 */
export const DEFAULT_JS_COSTS: Readonly<JsThreadCosts> = Object.freeze({ handlerUs: 150, spiByteUs: 2 });

export interface JsThreadStats {
  jobs: number;
  /** Simulated µs the thread was busy. */
  busyUs: number;
  /** Jobs that had to wait for the thread, and the longest wait in µs. */
  delayed: number;
  maxWaitUs: number;
}

interface Token {
  cancelled: boolean;
  inner: EventHandle | null;
}

interface Job {
  due: number;
  run: () => number;
  token: Token | null;
}

export class ThreadedScheduler extends Scheduler {
  readonly threadStats: JsThreadStats = { jobs: 0, busyUs: 0, delayed: 0, maxWaitUs: 0 };
  service: RadioServiceKind = "native";
  costs: JsThreadCosts = { ...DEFAULT_JS_COSTS };
  /** Cumulative SPI bytes of the radio's board (set once the radio exists); charged per "js" callback. */
  spiBytes: () => number = () => 0;
  private busyUntil = 0;
  private readonly waiting: Job[] = [];
  private wake: EventHandle | null = null;

  /** True while a job occupies the thread or jobs wait for it. */
  get busy(): boolean {
    return this.now < this.busyUntil || this.waiting.length > 0;
  }

  override at(t: number, fn: () => void, kind: EventKind = "host"): EventHandle {
    if (kind === "chip" || this.service === "native") return super.at(t, fn, kind);
    const token: Token = { cancelled: false, inner: null };
    const run = (): number => {
      const before = this.spiBytes();
      fn();
      return this.costs.handlerUs + (this.spiBytes() - before) * this.costs.spiByteUs;
    };
    token.inner = super.at(t, () => this.dispatch({ due: this.now, run, token }), "host");
    return token;
  }

  override cancel(handle: unknown): void {
    if (handle && typeof handle === "object" && "inner" in handle) {
      const token = handle as Token;
      token.cancelled = true;
      super.cancel(token.inner);
    } else super.cancel(handle);
  }

  /**
   * Posts a job to the JS thread (a message / Timer turn on the device) at `t` (default now); `job` returns its
   * cost in µs. It runs after everything that reached the thread before it.
   */
  post(job: () => number, t = this.now): void {
    super.at(t, () => this.dispatch({ due: this.now, run: job, token: null }), "host");
  }

  private dispatch(job: Job): void {
    if (job.token?.cancelled) return;
    if (this.busy) {
      this.waiting.push(job);
      this.threadStats.delayed++;
      this.armWake();
      return;
    }
    this.exec(job);
  }

  private exec(job: Job): void {
    if (job.token?.cancelled) return;
    const wait = this.now - job.due;
    if (wait > this.threadStats.maxWaitUs) this.threadStats.maxWaitUs = wait;
    const cost = Math.max(0, job.run());
    this.threadStats.jobs++;
    this.threadStats.busyUs += cost;
    this.busyUntil = this.now + cost;
    this.armWake();
  }

  private armWake(): void {
    if (this.wake !== null || this.waiting.length === 0) return;
    this.wake = super.at(Math.max(this.now, this.busyUntil), () => {
      this.wake = null;
      const next = this.waiting.shift();
      if (next) this.exec(next);
      this.armWake();
    }, "host");
  }
}
