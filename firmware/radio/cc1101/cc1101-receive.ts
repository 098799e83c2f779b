/**
 * The CC1101 packet receive path (steps 2–5 in cc1101.ts): RX FIFO service from the GDO interrupts and an
 * in-frame poll, the infinite → fixed length switch once the header gives the length, the frame timeout, DLL
 * CRC check and delivery, FREQEST averaging into FSCTRL0, and re-arming RX. Used by `CC1101` for service "js";
 * with a native FIFO service only `arm()` and the FSCTRL0 offset are used.
 */
import { FIFO_CAPACITY, FIFO_FRAME, FIFO_MORE, FrameAssembler } from "../../phy/frame-assembler.js";
import { countAssemblyError, intactFrame } from "../assembled-frame.js";
import type { RadioFrame, RadioListen, RadioStats, RadioTimers } from "../radio.js";
import type { Cc1101Bus } from "./cc1101-bus.js";
import { FIFO, FIFO_SIZE, LENGTH, REG, RSSI_OFFSET_DB, RXBYTES_OVERFLOW, STATUS, STROBE } from "./cc1101-registers.js";
import { FIFO_BYTE_US, FIFOTHR_BODY, FIFOTHR_HEADER } from "./cc1101-settings.js";
import type { Cc1101Stats } from "./cc1101.js";

/**
 * Where the chip should end a packet of `total` FIFO bytes: `total`, or one byte later when `total` is a
 * multiple of 256, because PKTLEN = total mod 256 would be the forbidden 0 (SWRS061 §29, PKTLEN).
 */
export function packetEnd(total: number): number {
  return (total & 0xff) === 0 ? total + 1 : total;
}

/** In-frame poll in case an edge was merged away while we were busy. */
const FRAME_POLL_MS = 2;

/** What the receive path is given by the driver; the counters are the driver's live objects. */
export interface Cc1101ReceiveContext {
  bus: Cc1101Bus;
  /** GDO0 level: high from sync word to packet end (the driver may reopen the pin; this reads the current one). */
  gdo0: { read(): number };
  timers: RadioTimers;
  stats: RadioStats;
  extra: Cc1101Stats;
  onFrame: (frame: RadioFrame) => void;
  onDiagnostic: (message: string) => void;
  xtalHz: number;
}

export class Cc1101Receiver {
  readonly #bus: Cc1101Bus;
  readonly #gdo0: { read(): number };
  readonly #timers: RadioTimers;
  readonly #stats: RadioStats;
  readonly #extra: Cc1101Stats;
  readonly #onFrame: (frame: RadioFrame) => void;
  readonly #onDiagnostic: (message: string) => void;
  readonly #xtalHz: number;
  #listen: RadioListen | null = null;
  #image: Uint8Array | null = null;
  #asm: FrameAssembler = new FrameAssembler("TC");
  #arms = 0;
  #inFrame = false;
  #frameStart = 0;
  #read = 0;
  #fixedPending = false;
  #lengthSet = false;
  #rssiDbm = 0;
  #fsctrl0 = 0;
  #focAccumulator = 0;
  #poll: unknown = null;
  #servicing = false;

  constructor(context: Cc1101ReceiveContext) {
    this.#bus = context.bus;
    this.#gdo0 = context.gdo0;
    this.#timers = context.timers;
    this.#stats = context.stats;
    this.#extra = context.extra;
    this.#onFrame = context.onFrame;
    this.#onDiagnostic = context.onDiagnostic;
    this.#xtalHz = context.xtalHz;
  }

  /** A frame is being read (sync word seen, not yet finished or aborted). */
  get inFrame(): boolean {
    return this.#inFrame;
  }

  /** RX arms so far (the watchdog tells a paused FIFO service whether the chip was re-armed). */
  get arms(): number {
    return this.#arms;
  }

  /** FSCTRL0 offset currently applied (steps of f_xosc / 2^14). */
  get fsctrl0(): number {
    return this.#fsctrl0;
  }

  /** Receives `listen` with the register image `image` from the next `arm()`; a new channel restarts FREQEST averaging. */
  listen(listen: RadioListen, image: Uint8Array): void {
    if (listen !== this.#listen) {
      this.#fsctrl0 = 0;
      this.#focAccumulator = 0;
    }
    this.#listen = listen;
    this.#image = image;
    this.#asm = new FrameAssembler(listen, FIFO_CAPACITY);
  }

  /** Stops servicing (driver closed) and clears the in-frame poll. */
  stop(): void {
    this.#listen = null;
    if (this.#poll !== null) this.#timers.clear(this.#poll);
    this.#poll = null;
  }

  /** SIDLE, SFRX, infinite length with the header threshold, SRX (§15.3, §20). */
  arm(): void {
    this.#arms++;
    const bus = this.#bus;
    bus.strobe(STROBE.SIDLE);
    bus.strobe(STROBE.SFRX);
    const image = this.#image!;
    bus.writeReg(REG.FIFOTHR, (image[REG.FIFOTHR] & 0xf0) | FIFOTHR_HEADER);
    bus.writeReg(REG.PKTLEN, 0xff);
    bus.writeReg(REG.PKTCTRL0, (image[REG.PKTCTRL0] & ~3) | LENGTH.INFINITE);
    bus.writeReg(REG.FSCTRL0, this.#fsctrl0 & 0xff);
    bus.strobe(STROBE.SRX);
    this.endFrame();
  }

  /** Forgets the frame in progress (the chip is re-armed or set up again). */
  endFrame(): void {
    this.#inFrame = false;
    this.#read = 0;
    this.#fixedPending = false;
    this.#lengthSet = false;
    if (this.#poll !== null) this.#timers.clear(this.#poll);
    this.#poll = null;
  }

  /** GDO0/GDO2 interrupt, in-frame poll or watchdog: reads what the FIFO holds. */
  service(): void {
    if (!this.#listen || this.#servicing) return;
    this.#servicing = true;
    try {
      this.#extra.services++;
      this.#drain();
    } finally {
      this.#servicing = false;
    }
  }

  #drain(): void {
    const asm = this.#asm;
    for (let guard = 0; guard < 16; guard++) {
      const rxbytes = this.#bus.rxBytes();
      if (rxbytes & RXBYTES_OVERFLOW) {
        this.#stats.overflows++;
        this.arm();
        return;
      }
      const n = rxbytes & 0x7f;
      const receiving = this.#gdo0.read() === 1;
      if (!this.#inFrame) {
        if (!receiving && n === 0) return;
        this.#startFrame();
      }
      const take = receiving ? n - 1 : n;
      if (take <= 0) {
        if (!receiving) this.arm(); // packet over (or chip left RX) with the frame incomplete
        return;
      }
      const bytes = this.#bus.readBurst(FIFO, Math.min(take, FIFO_SIZE));
      this.#read += bytes.length;
      const status = asm.feed(bytes);
      if (status === FIFO_FRAME) return this.#finish();
      if (status !== FIFO_MORE) {
        countAssemblyError(this.#stats, status);
        this.arm();
        return;
      }
      if (asm.rawTotal > 0) this.#programLength(n - bytes.length);
    }
  }

  #startFrame(): void {
    this.#inFrame = true;
    this.#frameStart = this.#timers.ticks();
    this.#asm.reset();
    this.#read = 0;
    const raw = this.#bus.readStatus(STATUS.RSSI);
    this.#rssiDbm = ((raw << 24) >> 24) / 2 - RSSI_OFFSET_DB;
    this.#schedulePoll();
  }

  #schedulePoll(): void {
    if (this.#poll !== null) this.#timers.clear(this.#poll);
    this.#poll = this.#timers.set(() => {
      this.#poll = null;
      if (!this.#inFrame) return;
      const limit = this.#frameLimitMs();
      if (this.#timers.ticks() - this.#frameStart > limit) {
        this.#extra.frameTimeouts++;
        this.arm();
        return;
      }
      this.#schedulePoll();
      this.service();
    }, FRAME_POLL_MS);
  }

  /** Airtime of the longest frame the header allows, plus 20 ms. */
  #frameLimitMs(): number {
    const total = this.#asm.rawTotal > 0 ? this.#asm.rawTotal : 2 * 290;
    return (total * FIFO_BYTE_US[this.#listen ?? "TC"]) / 1000 + 20;
  }

  /**
   * PKTLEN / fixed-length switch once the FIFO length is known (`inFifo` = bytes left in the chip FIFO). PKTLEN
   * "must be different from 0" (SWRS061 §29, 0x06): for a length that is a multiple of 256 the chip is told one
   * byte more (`packetEnd`), which the assembler leaves unread and the re-arm flushes.
   */
  #programLength(inFifo: number): void {
    const end = packetEnd(this.#asm.rawTotal);
    const image = this.#image!;
    if (!this.#lengthSet) {
      this.#lengthSet = true;
      this.#bus.writeReg(REG.PKTLEN, end & 0xff);
      if (end <= 255) this.#bus.writeReg(REG.PKTCTRL0, (image[REG.PKTCTRL0] & ~3) | LENGTH.FIXED);
      else this.#fixedPending = true;
      this.#bus.writeReg(REG.FIFOTHR, (image[REG.FIFOTHR] & 0xf0) | FIFOTHR_BODY);
    }
    // the chip's 8-bit byte counter next equals PKTLEN at `end` once it is past end − 256
    if (this.#fixedPending && this.#read + inFifo > end - 256) {
      this.#fixedPending = false;
      this.#bus.writeReg(REG.PKTCTRL0, (image[REG.PKTCTRL0] & ~3) | LENGTH.FIXED);
    }
  }

  #finish(): void {
    const got = intactFrame(this.#asm, this.#stats);
    if (!got) {
      this.arm();
      return;
    }
    const lqi = this.#bus.readStatus(STATUS.LQI) & 0x7f;
    const est = (this.#bus.readStatus(STATUS.FREQEST) << 24) >> 24;
    const step = this.#xtalHz / 16384;
    const frame: RadioFrame = {
      ...got,
      rssiDbm: this.#rssiDbm,
      lqi,
      freqOffsetHz: Math.round((this.#fsctrl0 + est) * step),
      receivedAt: this.#timers.ticks(),
    };
    this.#compensate(est);
    this.arm();
    this.#stats.framesDelivered++;
    try {
      this.#onFrame(frame);
    } catch (e) {
      this.#onDiagnostic(`cc1101: onFrame threw ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  /** Averages FREQEST into FSCTRL0 (§14.1: FREQEST may be added to FSCTRL0); 1/8 per frame, ±127 steps. */
  #compensate(est: number): void {
    this.#focAccumulator += est / 8;
    const next = Math.max(-127, Math.min(127, Math.round(this.#fsctrl0 + this.#focAccumulator)));
    if (next !== this.#fsctrl0) {
      this.#focAccumulator -= next - this.#fsctrl0;
      this.#fsctrl0 = next;
    }
  }
}
