/**
 * Host stand-in for the ESP32 native radio task with an SX1262 (firmware/native/wmbus_radio_task_esp32.c): the
 * real C service (wmbus_radio_sx1262.c, in radio-sx1262-live.c) serves the simulated chip through the
 * simulated board, woken as the task is — a DIO1 rising edge (after the ISR → task latency), the poll timer the
 * last `wmbus_sx1262_task_pass` planned, and a POLL_MS tick — each wake one task pass, as on the device. It is the
 * `bufferService` of the SX1262 driver and a `PendingFrames` for RadioService (the C queue).
 *
 * Pause protocol: while the driver holds it paused (its watchdog uses the bus) the task does nothing, as the
 * device task failing to take its bus mutex; a wake then is retried at the next tick. pause(false, true) re-arms
 * RX through the C (the driver re-armed or re-initialised the chip: the frame in progress is gone).
 *
 * The C runs in a child process spoken to over two named pipes with blocking reads, so a service call (and
 * every SPI command it makes, each answered by the simulated chip at simulated time) completes synchronously.
 */
import { spawn, execFileSync, type ChildProcess } from "node:child_process";
import { closeSync, mkdtempSync, openSync, readSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { PendingFrames, QueuedFrame } from "../../firmware/radio/radio-service.js";
import type { RadioListen } from "../../firmware/radio/radio.js";
import { Sx1262Bus } from "../../firmware/radio/sx1262/sx1262-bus.js";
import type { Sx1262BufferService } from "../../firmware/radio/sx1262/sx1262.js";
import type { SimBoard } from "../sim/io.js";
import { SimTimers } from "../sim/scheduler.js";
import { buildSx1262LiveHarness } from "./harness.js";

/** The device task's idle wake-up (POLL_MS of wmbus_radio_task_esp32.c). */
export const TASK_POLL_MS = 2;

/** Counters of the C service (wmbus_sx1262_stats_t) and the queue's high water. */
export interface Sx1262TaskStats {
  irqs: number;
  irqRepeats: number;
  syncs: number;
  frames: number;
  crcErrors: number;
  lengthErrors: number;
  codingErrors: number;
  syncErrors: number;
  overflows: number;
  queueDrops: number;
  rssiLost: number;
  highWater: number;
}
const STAT_NAMES: readonly (keyof Sx1262TaskStats)[] = [
  "irqs", "irqRepeats", "syncs", "frames", "crcErrors", "lengthErrors", "codingErrors", "syncErrors", "overflows", "queueDrops", "rssiLost",
  "highWater",
];

/** Line protocol of radio-sx1262-live.c over two FIFOs, synchronous on the Node side. */
class LivePipe {
  readonly #child: ChildProcess;
  readonly #out: number;
  readonly #in: number;
  #pending = "";
  readonly #chunk = Buffer.alloc(4096);

  constructor(bin: string) {
    const dir = mkdtempSync(join(tmpdir(), "wmbus-live-"));
    const toC = join(dir, "to-c"), fromC = join(dir, "from-c");
    execFileSync("mkfifo", [toC, fromC]);
    // the shell opens the FIFOs in this order; the opens below block until it has
    this.#child = spawn("sh", ["-c", 'exec "$0" < "$1" > "$2"', bin, toC, fromC], {
      stdio: "ignore",
      env: { ...process.env, ASAN_OPTIONS: "detect_leaks=0" },
    });
    this.#child.unref();
    this.#out = openSync(toC, "w");
    this.#in = openSync(fromC, "r");
  }

  send(line: string): void {
    writeSync(this.#out, line + "\n");
  }

  receive(): string {
    for (;;) {
      const nl = this.#pending.indexOf("\n");
      if (nl >= 0) {
        const line = this.#pending.slice(0, nl);
        this.#pending = this.#pending.slice(nl + 1);
        return line;
      }
      const n = readSync(this.#in, this.#chunk, 0, this.#chunk.length, null);
      if (n === 0) throw new Error("radio-sx1262-live ended");
      this.#pending += this.#chunk.toString("latin1", 0, n);
    }
  }

  close(): void {
    closeSync(this.#out); // the C exits at end of input
    closeSync(this.#in);
  }
}

export interface SimSx1262TaskOptions {
  board: SimBoard;
  spiPort: number;
  select: number;
  busy: number;
  dio1: number;
  /** DIO1 edge → task latency in µs (ISR, task notify; default 20, SERVICE_LATENCY_US.native of load.ts). */
  latencyUs?: number;
  /** Called when a service pass queued frames (the device posts one message to XS). */
  onFrames?: () => void;
}

export class SimSx1262Task implements Sx1262BufferService, PendingFrames {
  readonly #o: SimSx1262TaskOptions;
  readonly #bus: Sx1262Bus;
  readonly #pipe = new LivePipe(buildSx1262LiveHarness().bin);
  /** Calls made by the driver, in order (start / pause / close), for tests of the protocol. */
  readonly calls: string[] = [];
  #started = false;
  #paused = false;
  #serving = false;
  #notified = false;
  #timer: object | null = null;
  #tick: object | null = null;
  #unwatch: (() => void) | null = null;
  #cachedSyncs = 0;
  /** Frames in the C queue (pushed by service passes, minus those taken). */
  #waiting = 0;
  #stalledUntil = 0;

  constructor(o: SimSx1262TaskOptions) {
    this.#o = o;
    const { board } = o;
    const select = board.pin(o.select, 1), busy = board.pin(o.busy);
    const port = { transfer: (b: Uint8Array) => b.forEach((v, i) => (b[i] = board.exchange(o.spiPort, v))), close: () => undefined };
    const pin = (p: typeof select) => ({ read: () => p.level, write: (v: number) => p.drive(v), close: () => undefined });
    this.#bus = new Sx1262Bus(port, pin(select), pin(busy), new SimTimers(board.scheduler));
  }

  // ---- Sx1262BufferService (the driver's side) ----

  start(listen: RadioListen): void {
    this.calls.push(`start ${listen}`);
    this.#call(`init ${listen === "S" ? "S" : "T"}`);
    this.#cachedSyncs = 0;
    this.#started = true;
    this.#paused = false;
    const dio1 = this.#o.board.pin(this.#o.dio1);
    this.#unwatch = dio1.watch((level) => {
      if (level) this.#o.board.scheduler.after(this.#o.latencyUs ?? 20, () => this.#wake(), "chip");
    });
    this.#scheduleTick();
  }

  pause(paused: boolean, rearmed: boolean): void {
    this.calls.push(`pause ${paused} ${rearmed}`);
    if (!this.#started) return;
    this.#paused = paused;
    if (paused) return;
    if (rearmed) this.#call("rearm");
    this.#wake();
  }

  syncs(): number {
    return this.#started ? (this.#cachedSyncs = this.stats().syncs) : this.#cachedSyncs;
  }

  close(): void {
    this.calls.push("close");
    this.#stop();
  }

  /** Ends the C process (after the driver's close, or when the test is done). */
  dispose(): void {
    this.#stop();
    this.#pipe.close();
  }

  /** The task gets no CPU until `us` from now (a higher-priority task, a long flash write): wakes wait. */
  stall(us: number): void {
    const s = this.#o.board.scheduler;
    this.#stalledUntil = s.now + us;
    s.at(this.#stalledUntil, () => this.#wake(), "chip");
  }

  // ---- PendingFrames (the C queue) ----

  get length(): number {
    return this.#waiting;
  }

  take(): QueuedFrame | null {
    const r = this.#call("take");
    if (r === "-") return null;
    this.#waiting--;
    const [hex, mode, format, rssi, time] = r.split(" ");
    // queued without CRCs ('a'/'b'), as firmware/native/radio-task-native.ts reads it
    return { bytes: Uint8Array.from(Buffer.from(hex, "hex")), crcChecked: format === "a" || format === "b", mode: mode as QueuedFrame["mode"], format: format.toUpperCase() as QueuedFrame["format"], rssiDbm: Number(rssi) / 2, time: Number(time) };
  }

  stats(): Sx1262TaskStats {
    const v = this.#call("stats").split(" ").map(Number);
    const out = {} as Sx1262TaskStats;
    STAT_NAMES.forEach((name, i) => (out[name] = v[i]));
    return out;
  }

  // ---- the task ----

  #stop(): void {
    this.#started = false;
    this.#unwatch?.();
    this.#unwatch = null;
    const s = this.#o.board.scheduler;
    if (this.#timer) s.cancel(this.#timer);
    if (this.#tick) s.cancel(this.#tick);
    this.#timer = this.#tick = null;
  }

  /** One call to the C; answers its bus requests from the simulated board until the result line. */
  #call(line: string): string {
    const pipe = this.#pipe;
    pipe.send(line);
    for (;;) {
      const r = pipe.receive();
      if (r.startsWith("= ")) return r.slice(2);
      if (r.startsWith("x ")) {
        const b = Uint8Array.from(Buffer.from(r.slice(2), "hex"));
        pipe.send(this.#bus.transfer(b) ? Buffer.from(b).toString("hex") : "!");
      } else if (r === "d") {
        pipe.send(String(this.#o.board.pin(this.#o.dio1).level));
      } else if (r === "n") {
        pipe.send(String(Math.floor(this.#o.board.scheduler.now / 1000)));
      } else {
        throw new Error(`radio-sx1262-live: unexpected "${r}" after "${line}"`);
      }
    }
  }

  #scheduleTick(): void {
    this.#tick = this.#o.board.scheduler.after(TASK_POLL_MS * 1000, () => {
      this.#tick = null;
      if (!this.#started) return;
      this.#wake();
      this.#scheduleTick();
    }, "chip");
  }

  /** The task's loop body after a notification or timeout (wmbus_radio_task_esp32.c sx_pass). */
  #wake(): void {
    if (!this.#started) return;
    if (this.#serving) {
      this.#notified = true; // the notification stays pending: one more pass
      return;
    }
    if (this.#paused) return; // bus mutex held by the driver: the tick retries
    if (this.#o.board.scheduler.now < this.#stalledUntil) return; // runs at the end of the stall
    this.#serving = true;
    let queued = 0;
    try {
      do {
        this.#notified = false;
        queued += this.#pass();
      } while (this.#notified && this.#started && !this.#paused);
    } finally {
      this.#serving = false;
    }
    if (queued > 0) {
      this.#waiting += queued;
      this.#o.onFrames?.();
    }
  }

  /** wmbus_sx1262_task_pass at the simulated µs clock; the poll timer is re-planned from its answer. */
  #pass(): number {
    const s = this.#o.board.scheduler;
    const [queued, waitUs] = this.#call(`pass ${Math.floor(s.now) >>> 0}`).split(" ").map(Number);
    if (this.#timer) s.cancel(this.#timer);
    this.#timer =
      waitUs > 0
        ? s.after(waitUs, () => {
            this.#timer = null;
            this.#wake();
          }, "chip")
        : null;
    return Math.max(0, queued); // -1 (stuck): the driver's watchdog re-initialises
  }
}
