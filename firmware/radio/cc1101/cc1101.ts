/**
 * CC1101 driver for wM-Bus reception (T1+C1 on 868.95 MHz or S1 on 868.30 MHz), ECMA-419 style: built from one
 * options object of io bundles (`RadioOptions`), io objects kept private and released by `close()`.
 *
 * Reception (TI SWRS061I; AN067 packet handling, docs/device-notes.md §3):
 *   1. RX is armed in infinite-length mode with a 4-byte FIFO threshold (§15.3, §15.4).
 *   2. GDO0 (IOCFG0 = 0x06) rises at the sync word; GDO2 (IOCFG2 = 0x00) rises when the RX FIFO reaches the
 *      threshold. Both call `service()`, which reads RXBYTES (twice, until equal: SWRZ020 erratum) and the FIFO,
 *      leaving one byte in it while the packet is still arriving (same erratum), and feeds the bytes to the
 *      `FrameAssembler`.
 *   3. Once the header gives the FIFO length (`rawTotal`), PKTLEN is set to it and the chip switches to fixed
 *      length, so it stops by itself; above 255 bytes PKTLEN = length mod 256 and the switch to fixed waits
 *      until fewer than 256 bytes remain (§15.3, "packet length > 255"). The threshold rises to 32 bytes.
 *   4. GDO0 falls at the end of the packet; the rest is read, the DLL CRCs are checked (link/frame-format) and
 *      an intact frame goes to `onFrame` with the RSSI read at the start (§17.3: valid from sync on), LQI and
 *      FREQEST (§14.1). FREQEST of intact frames is averaged into FSCTRL0 (offset compensation).
 *   5. RX is re-armed: SIDLE, SFRX, length setup, SRX. An RX FIFO overflow (RXBYTES bit 7, MARCSTATE 0x11) is
 *      recovered the same way (§20: the overflow state needs SFRX).
 * Watchdog: every 250 ms (a host timer) PARTNUM/VERSION, MARCSTATE and the sync word register are checked; a
 * chip that does not answer, lost its registers or sits outside RX for two checks is reset (SRES) and set up
 * again, so it is receiving again well within 1 s. A frame that outlasts its airtime is aborted.
 *
 * Transmission (`transmit`, radio/transmit.ts; settings and the TX FIFO service `Cc1101Sender` in
 * cc1101-transmit.ts): reception pauses, the TX registers, PATABLE and the first 64 payload bytes are written
 * and the synthesizer is started (SFSTXON) at once; STX follows at the asked time, the FIFO is refilled from a
 * poll, and when the chip is back in IDLE the driver writes the RX image again, calibrates (SCAL: the carrier
 * changed) and re-arms RX.
 *
 * On the device this class runs in JavaScript only when interrupt latency stays below the FIFO headroom (2.5 ms
 * at the 32-byte threshold); the production path is the native radio task (`fifoService`, Cc1101Options).
 */
import type { IoBundle, Radio, RadioListen, RadioOptions, RadioStats, RadioTimers } from "../radio.js";
import { emptyRadioStats } from "../radio.js";
import { Cc1101Bus, type DigitalIo, type SpiIo } from "./cc1101-bus.js";
import { Cc1101Receiver } from "./cc1101-receive.js";
import { MARC, PARTNUM_CC1101, REG, STATUS, STROBE, VERSION_CC1101 } from "./cc1101-registers.js";
import { settingsImage } from "./cc1101-settings.js";
import type { Transmitter, TransmitRequest, TransmitResult } from "../transmit.js";
import { Cc1101Sender } from "./cc1101-transmit.js";

/**
 * CC1101-only options. `calibrateEveryMs`: how the frequency synthesizer is calibrated (SWRS061 §19.2, MCSM0
 * FS_AUTOCAL). Default DEFAULT_CALIBRATE_EVERY_MS: FS_AUTOCAL = 0, one SCAL at every initialisation and then one
 * from the watchdog every N ms while no frame is in progress, so re-arming after a frame takes 88 µs (SWRS061I
 * Table 34, IDLE→RX without calibration). 0 = FS_AUTOCAL = 1, calibrate on every IDLE→RX: the chip is then deaf
 * for ≈ 809 µs after each frame (721 µs calibration + 88 µs), longer than a C1 or T1 preamble plus sync word,
 * so a frame that follows right after another is missed (docs/performance.md "Channel load").
 */
export interface Cc1101Options extends RadioOptions {
  calibrateEveryMs?: number;
  /**
   * Radio service "native" (hook for the native radio task, firmware/native/radio-task-native.ts): when given,
   * the driver configures the chip, then hands FIFO servicing to it — no `onReadable` on GDO0/GDO2, frames
   * reach the gateway through the task's queue, not `onFrame`. The watchdog pauses the task around its own SPI
   * use. Absent = service "js": this class services the FIFO from its interrupt handlers.
   */
  fifoService?: Cc1101FifoService;
}

/** What the driver needs from a native FIFO service (the device's NativeRadioTask implements it). */
export interface Cc1101FifoService {
  /** Takes over a configured chip in RX; `pktctrl0`/`fifothr` are the register image values of `listen`. */
  start(listen: RadioListen, pktctrl0: number, fifothr: number): void;
  /** true: the driver is about to use the SPI bus; false: done, `rearmed` = it re-armed or reset the chip. */
  pause(paused: boolean, rearmed: boolean): void;
  /** The service is reading a frame (sync word seen, frame not finished): the watchdog must not touch RX. */
  receiving(): boolean;
  close(): void;
}

/** MCSM0 FS_AUTOCAL field (bits 5:4, §29 MCSM0). */
const MCSM0_FS_AUTOCAL = 0x30;

/** Driver-specific counters beyond `RadioStats`. */
export interface Cc1101Stats {
  /** Frames aborted because they did not finish within their airtime plus margin. */
  frameTimeouts: number;
  /** `service()` runs (interrupts and polls). */
  services: number;
  /** Re-initialisations that failed (chip still not answering); retried at the next watchdog tick. */
  failedInits: number;
  /** Manual calibrations by the watchdog (`calibrateEveryMs`). */
  calibrations: number;
  /** Frames sent completely, and transmissions that failed (underflow, chip not ending TX, refused). */
  transmissions: number;
  txFailures: number;
}

const WATCHDOG_MS = 250;
/**
 * Default manual calibration period. A synthesizer calibration goes stale only when temperature or supply
 * voltage drift far from where it was made (SWRS061 §19.2; MCSM0 even offers calibrating only every 4th
 * RX/TX→IDLE), which takes many minutes on a mains-powered indoor gateway. Once a minute stays far inside that
 * and costs 0.8 ms of deafness per minute (0.0013 %); every re-initialisation calibrates as well.
 */
const DEFAULT_CALIBRATE_EVERY_MS = 60_000;

/** Longest calibration + settling (SWRS061 Table 34: about 0.8 ms at 26 MHz), with margin. */
const CALIBRATION_US = 1000;

const DIGITAL_DEFAULTS = Object.freeze({ Input: 0, Output: 8, Rising: 1, Falling: 2 });

function ioConst(bundle: IoBundle, name: keyof typeof DIGITAL_DEFAULTS): number {
  const v = (bundle.io as unknown as Record<string, unknown>)[name];
  return typeof v === "number" ? v : DIGITAL_DEFAULTS[name];
}

export class CC1101 implements Radio, Transmitter {
  readonly kind = "cc1101" as const;
  readonly #stats: RadioStats = emptyRadioStats();
  readonly #extra: Cc1101Stats = { frameTimeouts: 0, services: 0, failedInits: 0, calibrations: 0, transmissions: 0, txFailures: 0 };
  readonly #timers: RadioTimers;
  readonly #xtalHz: number;
  readonly #onDiagnostic: (message: string) => void;
  readonly #calibrateEveryMs: number;
  readonly #native: Cc1101FifoService | null;
  readonly #rx: Cc1101Receiver;
  #nativeStarted = false;
  #calibratedAt = 0;
  #spi: SpiIo | null = null;
  #select: DigitalIo | null = null;
  /** Set while the driver is open (the SPI bus and chip select are). */
  #bus: Cc1101Bus | null = null;
  #gdo0: DigitalIo | null = null;
  #gdo2: DigitalIo | null = null;
  /** GDO0 (and GDO2) io bundles; `#gdoInterrupts`: opened with `onReadable` (service "js", chip configured). */
  #gdoBundles: IoBundle[] = [];
  #gdoInterrupts = false;
  #listen: RadioListen | null = null;
  #image: Uint8Array | null = null;
  #strikes = 0;
  #initialised = false;
  /** The last initialisation succeeded (chip configured and in RX). */
  #initialisedOk = false;
  #watchdog: unknown = null;
  /** The transmit path (cc1101-transmit.ts); `busy` while a transmission runs (reception paused). */
  readonly #tx: Cc1101Sender;

  constructor(options: Cc1101Options) {
    this.#timers = options.timers;
    this.#onDiagnostic = options.onDiagnostic ?? (() => undefined);
    this.#xtalHz = options.xtalHz ?? 26_000_000;
    this.#calibrateEveryMs = Math.max(0, options.calibrateEveryMs ?? DEFAULT_CALIBRATE_EVERY_MS);
    this.#native = options.fifoService ?? null;
    try {
      this.#spi = new options.spi.io({ ...options.spi }) as SpiIo;
      const sel = options.select;
      this.#select = new sel.io({ ...sel, mode: ioConst(sel, "Output") }) as DigitalIo;
      this.#bus = new Cc1101Bus(this.#spi, this.#select, this.#timers);
      this.#select.write(1);
      this.#gdoBundles = options.interrupt2 ? [options.interrupt, options.interrupt2] : [options.interrupt];
      // plain inputs until the registers are written: after reset GDO0 outputs CLK_XOSC/192 (§29 IOCFG0)
      this.#openGdo(false);
      this.#rx = new Cc1101Receiver({
        bus: this.#bus,
        gdo0: { read: () => this.#gdo0?.read() ?? 0 },
        timers: this.#timers,
        stats: this.#stats,
        extra: this.#extra,
        onFrame: options.onFrame,
        onDiagnostic: this.#onDiagnostic,
        xtalHz: this.#xtalHz,
      });
      this.#tx = new Cc1101Sender({
        timers: this.#timers, extra: this.#extra, xtalHz: this.#xtalHz, bus: () => this.#bus,
        rxImage: () => (this.#listen && this.#initialisedOk ? this.#image : null),
        pauseRx: () => this.#pauseRx(), restoreRx: (why, paused) => this.#restoreRx(why, paused),
      });
    } catch (e) {
      this.close();
      throw e;
    }
  }

  get stats(): Readonly<RadioStats> {
    return this.#stats;
  }

  get cc1101Stats(): Readonly<Cc1101Stats> {
    return this.#extra;
  }

  /** FSCTRL0 offset currently applied (steps of f_xosc / 2^14). */
  get frequencyCompensation(): number {
    return this.#rx.fsctrl0;
  }

  start(listen: RadioListen): void {
    if (listen !== "TC" && listen !== "S") throw new RangeError(`CC1101.start: listen must be "TC" or "S", not ${String(listen)}`);
    if (!this.#bus) throw new Error("CC1101.start: the driver is closed");
    this.#listen = listen;
    this.#image = settingsImage(listen, this.#xtalHz);
    if (this.#calibrateEveryMs > 0) this.#image[REG.MCSM0] &= ~MCSM0_FS_AUTOCAL;
    this.#rx.listen(listen, this.#image);
    // a running FIFO service is stopped before the chip is set up again: it owns the bus, and starts anew
    if (this.#nativeStarted) this.#native!.close();
    this.#nativeStarted = false;
    if (this.#init("start")) this.#handOver();
    this.#armWatchdog();
  }

  close(): void {
    this.#listen = null;
    this.#native?.close();
    this.#nativeStarted = false;
    if (this.#watchdog !== null) this.#timers.clear(this.#watchdog);
    this.#watchdog = null;
    // undefined only when the constructor failed
    (this.#rx as Cc1101Receiver | undefined)?.stop();
    if (this.#bus) {
      try {
        this.#bus.strobe(STROBE.SIDLE);
      } catch {
        // closing anyway
      }
    }
    for (const io of [this.#gdo0, this.#gdo2, this.#select, this.#spi]) io?.close();
    this.#gdo0 = this.#gdo2 = this.#select = null;
    this.#spi = null;
    this.#bus = null;
  }

  // ---- transmit ----------------------------------------------------------------------------------------

  /** Sends one frame (radio/transmit.ts, cc1101-transmit.ts `Cc1101Sender`); never rejects. */
  transmit(req: TransmitRequest): Promise<TransmitResult> {
    return this.#tx.transmit(req);
  }

  /** Before a transmission: the native FIFO service paused (true when it was running), the JS receiver stopped. */
  #pauseRx(): boolean {
    const paused = this.#nativeStarted;
    if (paused) this.#native!.pause(true, false);
    this.#rx.stop();
    return paused;
  }

  /**
   * After a transmission, while the driver is open: the RX image again, SCAL for the RX carrier, RX armed (FIFO
   * service "js" resumes); then the FIFO service paused for it resumes.
   */
  #restoreRx(why: string, paused: boolean): void {
    const bus = this.#bus;
    if (bus && this.#listen) {
      bus.strobe(STROBE.SIDLE);
      bus.strobe(STROBE.SFTX);
      const image = this.#image!;
      image[REG.FSCTRL0] = this.#rx.fsctrl0 & 0xff;
      bus.writeBurst(0x00, image);
      this.#scal();
      this.#rx.listen(this.#listen, image);
      this.#rx.arm();
      if (why) this.#onDiagnostic(`cc1101: transmission failed (${why}); receiving again`);
    }
    if (paused && this.#nativeStarted) this.#native!.pause(false, true);
  }

  // ---- set-up ----------------------------------------------------------------------------------------

  /** SRES, wait for CHIP_RDYn, identify, write and verify the register image, arm RX. False on failure. */
  #init(reason: string): boolean {
    const bus = this.#bus!;
    if (this.#initialised) this.#stats.resets++;
    this.#initialised = true;
    this.#initialisedOk = false;
    this.#rx.endFrame();
    this.#strikes = 0;
    // SRES sets IOCFG0 = 0x3F (CLK_XOSC/192 on GDO0) until the image is written: no interrupt on it meanwhile
    if (this.#gdoInterrupts) this.#openGdo(false);
    const ready = bus.reset();
    const part = bus.readStatus(STATUS.PARTNUM), version = bus.readStatus(STATUS.VERSION);
    if (!ready || part !== PARTNUM_CC1101 || version !== VERSION_CC1101) {
      this.#extra.failedInits++;
      this.#onDiagnostic(`cc1101 (${reason}): chip not answering (ready ${ready}, PARTNUM 0x${part.toString(16)}, VERSION 0x${version.toString(16)})`);
      return false;
    }
    const image = this.#image!;
    image[REG.FSCTRL0] = this.#rx.fsctrl0 & 0xff;
    bus.writeBurst(0x00, image);
    const back = bus.readBurst(0x00, image.length);
    for (let r = 0; r < image.length; r++) {
      if (back[r] !== image[r]) {
        this.#extra.failedInits++;
        this.#onDiagnostic(`cc1101 (${reason}): register 0x${r.toString(16)} reads 0x${back[r].toString(16)} after writing 0x${image[r].toString(16)}`);
        return false;
      }
    }
    if (!this.#native) this.#openGdo(true); // GDO0/GDO2 now carry the sync and threshold signals of the image
    this.#scal();
    this.#rx.arm();
    this.#initialisedOk = true;
    if (reason !== "start") this.#onDiagnostic(`cc1101: re-initialised (${reason})`);
    return true;
  }

  /**
   * (Re)opens GDO0/GDO2: with `interrupts` as edge interrupts calling the receiver (service "js"), else as plain
   * inputs (while the chip is reset or unconfigured, and always with a native FIFO service, whose task owns
   * the interrupts). ECMA-419 Digital takes `onReadable` only at construction, hence close and open.
   */
  #openGdo(interrupts: boolean): void {
    this.#gdo0?.close();
    this.#gdo2?.close();
    this.#gdo0 = this.#gdo2 = null;
    this.#gdoInterrupts = interrupts;
    const onReadable = interrupts ? () => this.#rx.service() : undefined;
    const open = (b: IoBundle, edge: number) =>
      new b.io({ ...b, mode: b.mode ?? ioConst(b, "Input"), ...(onReadable ? { edge, onReadable } : {}) }) as DigitalIo;
    const [irq, irq2] = this.#gdoBundles;
    this.#gdo0 = open(irq, ioConst(irq, "Rising") | ioConst(irq, "Falling"));
    if (irq2) this.#gdo2 = open(irq2, ioConst(irq2, "Rising"));
  }

  /** SCAL from IDLE and wait for it (§19.2). */
  #scal(): void {
    this.#bus!.strobe(STROBE.SCAL);
    this.#timers.delayMicros(CALIBRATION_US);
    this.#calibratedAt = this.#timers.ticks();
  }

  // ---- watchdog ----------------------------------------------------------------------------------------

  #armWatchdog(): void {
    if (this.#watchdog !== null) this.#timers.clear(this.#watchdog);
    this.#watchdog = this.#timers.set(() => {
      this.#watchdog = null;
      if (!this.#listen) return;
      if (this.#tx.busy) return this.#armWatchdog(); // the transmission ends with RX re-armed
      const paused = this.#nativeStarted;
      const arms = this.#rx.arms;
      if (paused) this.#native!.pause(true, false);
      try {
        this.#check();
      } finally {
        if (paused) this.#native!.pause(false, this.#rx.arms !== arms);
      }
      this.#handOver(); // a start whose first initialisation failed
      this.#armWatchdog();
    }, WATCHDOG_MS);
  }

  #check(): void {
    const bus = this.#bus!;
    const part = bus.readStatus(STATUS.PARTNUM), version = bus.readStatus(STATUS.VERSION);
    if (part !== PARTNUM_CC1101 || version !== VERSION_CC1101) return this.#recover(`no answer (VERSION 0x${version.toString(16)})`);
    const image = this.#image!;
    const sync = bus.readBurst(REG.SYNC1, 2);
    if (sync[0] !== image[REG.SYNC1] || sync[1] !== image[REG.SYNC0]) return this.#recover("registers lost");
    if (!this.#native) this.#rx.service(); // finish a packet whose end interrupt is still queued behind this timer
    let marc = bus.readStatus(STATUS.MARCSTATE) & 0x1f;
    if (marc !== MARC.RX && marc !== MARC.RXFIFO_OVERFLOW) {
      // calibration and settling after SRX take < 1 ms (SWRS061 Table 34): look again after them
      this.#timers.delayMicros(CALIBRATION_US);
      marc = bus.readStatus(STATUS.MARCSTATE) & 0x1f;
    }
    if (marc === MARC.RXFIFO_OVERFLOW) {
      this.#stats.overflows++;
      this.#rx.arm();
      return;
    }
    // whoever services the FIFO knows whether a frame is under way: the native task, or the JS receiver
    const inFrame = this.#nativeStarted ? this.#native!.receiving() : this.#rx.inFrame;
    if (marc === MARC.RX) {
      this.#strikes = 0;
      if (!inFrame && this.#calibrateEveryMs > 0 && this.#timers.ticks() - this.#calibratedAt >= this.#calibrateEveryMs) this.#calibrate();
      return;
    }
    // Not in RX. A frame under way, or a finished one still in the FIFO (MCSM1: IDLE after the packet), is the
    // FIFO service's to read: re-arming now would flush it (SFRX). Seen at two checks in a row = nobody reads it.
    const pending = inFrame || (bus.rxBytes() & 0x7f) > 0;
    if (++this.#strikes >= 2) return this.#recover(`stuck in MARCSTATE 0x${marc.toString(16)}${pending ? " with a frame unread" : ""}`);
    if (!pending) this.#rx.arm();
  }

  /** Manual calibration between frames (FS_AUTOCAL = 0): SIDLE, SCAL, wait, re-arm (§19.2). */
  #calibrate(): void {
    this.#extra.calibrations++;
    this.#bus!.strobe(STROBE.SIDLE);
    this.#scal();
    this.#rx.arm();
  }

  /** Service "native": hands the configured chip to the FIFO service once. */
  #handOver(): void {
    if (!this.#native || this.#nativeStarted || !this.#listen || !this.#initialisedOk) return;
    const image = this.#image!;
    this.#native.start(this.#listen, image[REG.PKTCTRL0], image[REG.FIFOTHR]);
    this.#nativeStarted = true;
  }

  #recover(why: string): void {
    this.#stats.watchdogRecoveries++;
    this.#onDiagnostic(`cc1101 watchdog: ${why}`);
    this.#init(`watchdog: ${why}`);
  }
}
