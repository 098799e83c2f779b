/**
 * Device-only binding of the native radio task (glue: wmbus_radio_xs.c; task: wmbus_radio_task_esp32.c): the
 * radio chip (CC1101 FIFO, or SX1262 buffer) is serviced in C by a FreeRTOS task, frames wait in the C queue
 * (twin of firmware/radio/frame-queue.ts) and `onFrames` runs on the XS thread when some arrived. It is a
 * `PendingFrames` for `RadioService.drain` (firmware/radio/radio-service.ts), which decodes one per turn.
 * Importing it off the device fails: `Native()`/`native()` are resolved by xsc (mcconfig compiles with -c).
 *
 * Use: pass it as `fifoService` to the CC1101 driver (Cc1101Options) or as `bufferService` to the SX1262
 * driver (Sx1262Options), with the matching `chip`. The driver configures the chip, calls `start`, and wraps
 * its own later SPI use (watchdog) in `pause(true)` … `pause(false, rearmed)`; the interrupt pins then belong
 * to the task. Frames are taken with `RadioService.drain(task)` from `onFrames`.
 */
import type { Cc1101FifoService } from "../radio/cc1101/cc1101.js";
import { QUEUE_MAX_FRAME } from "../radio/frame-queue.js";
import type { PendingFrames, QueuedFrame } from "../radio/radio-service.js";
import type { RadioListen } from "../radio/radio.js";
import type { Sx1262BufferService } from "../radio/sx1262/sx1262.js";
import { serializeJob, type PendingDownlink, type TxJob } from "../radio/transmit.js";

declare function Native(name: string): new () => object;
declare function native(name: string): (...args: any[]) => any;

// Field selectors of xs_wmbus_radio_get (enum in wmbus_radio_xs.c).
const WAITING = 0, MODE = 1, FORMAT = 2, RSSI = 3, TIME = 4, FIRST_STAT = 5;
const STATS = Object.freeze([
  "frames", "crcErrors", "lengthErrors", "codingErrors", "syncErrors", "overflows", "queueDrops", "highWater", "syncs", "irqRepeats", "rssiLost",
] as const);
const SYNCS = FIRST_STAT + STATS.indexOf("syncs");
const IN_FRAME = FIRST_STAT + STATS.length; // FIELD_IN_FRAME: a state, not a counter
// Chip kinds (WMBUS_CHIP_* in wmbus_radio_task.h).
const CHIP = Object.freeze({ cc1101: 0, sx1262: 1 } as const);

const construct = native("xs_wmbus_radio");
const closeNative = native("xs_wmbus_radio_close");
const pauseNative = native("xs_wmbus_radio_pause");
const takeNative = native("xs_wmbus_radio_take");
const getNative = native("xs_wmbus_radio_get");
const txArmNative = native("xs_wmbus_radio_tx_arm");
const txStartedNative = native("xs_wmbus_radio_tx_started");

export interface NativeRadioTaskOptions {
  /** The radio on the board (pins.json `radio.kind`). */
  chip: keyof typeof CHIP;
  /** ESP-IDF SPI host of the bus (the `port` of the embedded:io/spi bundle) and its clock. */
  spiPort: number;
  spiHz: number;
  /** Chip select GPIO. */
  select: number;
  /** Interrupt GPIO: CC1101 GDO0 (sync / end of packet), SX1262 DIO1. */
  irq: number;
  /** CC1101: GDO2 (FIFO threshold) or -1. */
  irq2?: number;
  /** SX1262: BUSY (required). */
  busy?: number;
  /** Called on the XS thread when frames wait (at most one call pending). */
  onFrames: () => void;
}

export class NativeRadioTask extends Native("xs_wmbus_radio_destructor") implements PendingFrames, Cc1101FifoService, Sx1262BufferService {
  readonly #buffer = new Uint8Array(QUEUE_MAX_FRAME);
  readonly #o: NativeRadioTaskOptions;

  constructor(o: NativeRadioTaskOptions) {
    super();
    this.#o = o;
  }
  /** Starts the task on a configured chip in RX (called by the driver; `pktctrl0`/`fifothr`: CC1101 only). */
  start(listen: RadioListen, pktctrl0 = 0, fifothr = 0): void {
    const o = this.#o;
    const rx = listen === "S" ? 1 : 0;
    construct.call(this, CHIP[o.chip], o.spiPort, o.spiHz, o.select, o.irq, o.irq2 ?? -1, o.busy ?? -1, rx, pktctrl0, fifothr, o.onFrames);
  }
  get length(): number {
    return getNative.call(this, WAITING);
  }
  take(): QueuedFrame | null {
    const n: number = takeNative.call(this, this.#buffer);
    if (n < 0) return null;
    // The C service queues the frame without its CRCs ('a' 97 / 'b' 98), as the JS radio service does.
    const code: number = getNative.call(this, FORMAT);
    const format = code === 66 || code === 98 ? "B" : "A";
    const mode = String.fromCharCode(getNative.call(this, MODE)) as QueuedFrame["mode"];
    return { bytes: this.#buffer.slice(0, n), crcChecked: code >= 97, mode, format, rssiDbm: getNative.call(this, RSSI) / 2, time: getNative.call(this, TIME) };
  }
  /** Counters of the C service (frames, errors, overflows, queue drops and high water; SX1262: syncs, IRQ repeats, RSSI lost). */
  stats(): Record<(typeof STATS)[number], number> {
    const out = {} as Record<(typeof STATS)[number], number>;
    STATS.forEach((name, i) => (out[name] = getNative.call(this, FIRST_STAT + i)));
    return out;
  }
  syncs(): number {
    return getNative.call(this, SYNCS);
  }
  /** The C service is reading a frame (sync word seen, frame not finished): the watchdog keeps off the chip. */
  receiving(): boolean {
    return getNative.call(this, IN_FRAME) !== 0;
  }
  /**
   * Native "send at" (docs/bidirectional.md): `job` (a driver's TxJob, e.g. cc1101TxJob / sx1262TxJob) is loaded
   * and started by the task as soon as it queues a frame from `pending.address`, at frame end + open + margin
   * (µs). Returns false when the job does not fit. `txStarted()`: µs (esp_timer) of the first chip, -1 before.
   */
  txArm(pending: PendingDownlink, job: TxJob): boolean {
    return txArmNative.call(this, pending.address.slice().buffer, pending.open, pending.close, pending.margin, serializeJob(job).buffer, job.go.slice().buffer, job.leadUs, job.readyUs, job.rest.slice().buffer) === 0;
  }
  txStarted(): number {
    return txStartedNative.call(this);
  }
  pause(paused: boolean, rearmed = false): void {
    pauseNative.call(this, paused, rearmed);
  }
  close(): void {
    closeNative.call(this);
  }
}
