/**
 * SX1262 wM-Bus receiver (Semtech DS_SX1261-2 rev. 2.1), ECMA-419 style: one options object of io bundles
 * (radio.ts), io objects in private fields, `close()` releases them. Pure TypeScript: runs on the device
 * with `embedded:io/*` and on the host against host-tests/sim/sx1262.
 *
 * Receive path (T1+C1 together, or S1):
 *   - GFSK, fixed-length packets, CRC and whitening off, 16-bit sync 0x543D / 0x7696 at 0x06C0: the chip's
 *     data buffer then holds exactly the FIFO bytes phy/frame-assembler expects (C: `54 CD`/`54 3D`, L, …;
 *     T: 3-of-6 chips; S: Manchester chips).
 *   - Single-mode RX without timeout (§13.1.4, SetRx 0), re-armed after every packet with the buffer base at
 *     0: "in single mode the RX data pointer is initialised to RxBaseAddr each time the chip enters RX"
 *     (§7.2), so every packet starts at ring address 0, where Semtech's long-packet method (below) works.
 *     Fallback STDBY_XOSC keeps the TCXO running between packets. DIO1 = SyncWordValid | RxDone | Timeout.
 *   - On SyncWordValid the driver caches RSSI (GetPacketStatus reads 0 outside RX), then reads the 256-byte
 *     ring as the frame arrives (0x0803 = RX address pointer, ReadBuffer wraps at 255: §7.2). As soon as the
 *     header gives the FIFO length it programs 0x06BB so the packet ends on the last frame byte; frames
 *     longer than 255 FIFO bytes keep 0x06BB ahead of the engine's 8-bit count until fewer than 256 remain
 *     (Semtech AN1200.53 and its sx126x_long_pkt library). Reads happen at least every LONG_POLL_BYTES, so
 *     the ring never laps.
 *   - A frame ends when the assembler has all its FIFO bytes (or on RxDone: GetRxBufferStatus gives the
 *     packet's length, §13.5.2); then RX is re-armed at once for the next one.
 *   - Every frame's DLL CRCs are verified (link/frame-format) before `onFrame`; failures are counted.
 *
 * IRQ handling (§13.3): an IRQ bit is set when its event happens and stays set until cleared; DIO1 is their OR,
 * so an event that lands between GetIrqStatus and ClearIrqStatus (a BUSY wait, §8.3.1) keeps DIO1 high with no
 * new edge for the edge-triggered input. The handler therefore runs again while DIO1 still reads 1 (bounded),
 * and the watchdog services DIO1 whenever it finds it high. RxDone landing before GetPacketStatus loses the
 * packet's RSSI (it reads 0 outside RX): the frame is delivered with RSSI_UNKNOWN_DBM and counted.
 *
 * BUSY (§8.3.1) is polled before every command with a timeout (sx1262-bus.ts); TCXO on DIO3 (§13.3.6)
 * before Calibrate (§13.1.12), then CalibrateImage 0xD7 0xDB for 863–870 MHz (§9.2.1). A watchdog checks
 * every WATCHDOG_MS that the chip answers, is in RX, still holds the programmed sync word and reports no
 * device errors (§13.6.1), and re-initialises it (NRESET pulse) otherwise: a wedged chip is back well
 * within a second. A chip that looks healthy but finds no sync word for DEAF_AFTER_MS while GetRssiInst keeps
 * showing a busy channel (§13.5.4) is re-initialised too. Errors on the way (BUSY stuck mid-frame, failed initialisation) take the same path.
 *
 * Buffer service "native" (`bufferService`, Sx1262Options; the device's NativeRadioTask, C in
 * firmware/native/wmbus_radio_sx1262.c): the driver configures the chip and hands it over; DIO1 then belongs to
 * the task (no `onReadable`), which runs the same receive steps in C and queues intact frames. The driver keeps
 * the watchdog (health, deafness, re-initialisation) and pauses the task around every SPI use of its own.
 *
 * Timing limits: the DIO1 callback may run late (on the device it is a message to the XS task). Frames
 * survive as long as the sync interrupt is served before ~200 FIFO bytes have arrived (16 ms at T/C, 49 ms
 * at S), the ring's size. A frame shorter than that latency is still received, but the packet engine runs
 * on past it until the driver restarts RX, and a frame that follows within that time is missed.
 */
import { FIFO_ERR_CODING, FIFO_ERR_SYNC, FIFO_FRAME, FIFO_MORE, FrameAssembler } from "../../phy/frame-assembler.js";
import { fifoByteMicros } from "../../phy/modes.js";
import { stripFrameA, stripFrameB } from "../../link/frame-format.js";
import { SX1262_TCXO_VOLTAGES } from "../../platform/board.js";
import type { IoBundle, Radio, RadioListen, RadioOptions, RadioStats, RadioTimers } from "../radio.js";
import { emptyRadioStats } from "../radio.js";
import { type DigitalPin, type SpiPort, Sx1262Bus } from "./sx1262-bus.js";
import type { Sx1262Channel } from "./sx1262-settings.js";
import {
  SX1262_CHANNELS, SX_FALLBACK_STDBY_XOSC, SX_IMAGE_863_870, SX_IRQ, SX_MODE_RX, SX_OP, SX_REG, SX_RX_SINGLE, SX_TCXO_DELAY_STEPS,
  modulationWords,
} from "./sx1262-settings.js";

interface DigitalClass {
  new (options: Record<string, unknown>): DigitalPin;
  readonly Input?: number;
  readonly Output?: number;
  readonly Rising?: number;
}

/** Watchdog period: a stuck chip is found within this and re-initialised right away (< 1 s in total). */
const WATCHDOG_MS = 250;
/** Delay before retrying a failed initialisation. */
const RETRY_MS = 100;
/** NRESET low time (§8.1: ≥ 100 µs). */
const RESET_PULSE_US = 200;
/** The ring is read at least this often (in FIFO bytes) while a frame arrives: well under 256. */
const LONG_POLL_BYTES = 128;
/** A poll this many byte times after the expected end reads the rest even when RxDone is served late. */
const END_SLACK_BYTES = 4;

/** Passes of the DIO1 handler per callback while DIO1 stays high; then the watchdog takes over. */
const MAX_IRQ_PASSES = 4;
/** Channel level counted as busy by the watchdog's GetRssiInst (≈ 10 dB above the GFSK sensitivity). */
const BUSY_AIR_DBM = -95;
/** No sync word for this long although the watchdog found the channel busy DEAF_BUSY_SAMPLES times: deaf. */
const DEAF_AFTER_MS = 120_000;
const DEAF_BUSY_SAMPLES = 40;
/** RSSI reported for a frame whose packet status was gone before the driver could read it. */
export const RSSI_UNKNOWN_DBM = -127;

/** What the driver needs from a native buffer service (the device's NativeRadioTask implements it). */
export interface Sx1262BufferService {
  /** Takes over a configured chip in single-mode RX from ring address 0 (`listen` = its channel). */
  start(listen: RadioListen): void;
  /** true: the driver is about to use the SPI bus; false: done, `rearmed` = it re-armed or re-initialised the chip. */
  pause(paused: boolean, rearmed: boolean): void;
  /** Sync words the service has seen so far (the watchdog's deafness check). */
  syncs(): number;
  close(): void;
}

/** SX1262-only options. */
export interface Sx1262Options extends RadioOptions {
  /**
   * Buffer service "native": when given, the driver configures the chip, then hands the IRQ loop, ring reads and
   * 0x06BB updates to it; frames reach the gateway through the service's queue, not `onFrame`. Absent = "js".
   */
  bufferService?: Sx1262BufferService;
}

/** SX1262-only counters (besides RadioStats). */
export interface Sx1262Stats {
  /** Extra handler passes because DIO1 was still high after serving the IRQs read (an event in the window). */
  irqRepeats: number;
  /** Watchdog runs that found DIO1 high and served it. */
  dio1AtWatchdog: number;
  /** Frames whose RSSI was lost (RxDone before GetPacketStatus). */
  rssiLost: number;
  /** Re-initialisations because no sync word came while the channel was busy. */
  deafResets: number;
  /** Service "native": watchdog runs that found DIO1 high, left to the task (twice in a row = re-initialised). */
  dio1LeftToService: number;
}

interface FrameState {
  rssiDbm: number;
  /** FIFO bytes read from the ring for this frame. */
  read: number;
  /** 0x06BB holds the frame's final length (mod 256). */
  lengthFinal: boolean;
  lastReadMs: number;
  startedMs: number;
}

const DEFAULT_XTAL_HZ = 32_000_000;

export class SX1262 implements Radio {
  readonly kind = "sx1262" as const;
  #stats: RadioStats = emptyRadioStats();
  readonly #extra: Sx1262Stats = { irqRepeats: 0, dio1AtWatchdog: 0, rssiLost: 0, deafResets: 0, dio1LeftToService: 0 };
  /** Last sync word (or initialisation), and busy-channel samples since then, for the deafness check. */
  #lastSyncMs = 0;
  #busySamples = 0;
  #bus: Sx1262Bus;
  /** Every io object opened, for close(). */
  #io: { close(): void }[];
  #reset: DigitalPin | null;
  #dio1: DigitalPin;
  #timers: RadioTimers;
  #onFrame: RadioOptions["onFrame"];
  #diag: (message: string) => void;
  #xtalHz: number;
  #tcxoCode: number;
  #dio2AsRfSwitch: boolean;
  #channel: Sx1262Channel = SX1262_CHANNELS.TC;
  #assembler = new FrameAssembler("TC");
  #byteMs = 0.08;
  #ready = false;
  #closed = false;
  /** Initialisations started (the first is not a reset). */
  #attempts = 0;
  #readPtr = 0;
  #frame: FrameState | null = null;
  #poll: unknown = null;
  #watchdog: unknown = null;
  #retry: unknown = null;
  readonly #native: Sx1262BufferService | null;
  #nativeStarted = false;
  /** RX arms so far: a pause that saw one tells the service that its frame is gone. */
  #arms = 0;
  /** Syncs the service reported at the last watchdog, and whether DIO1 was high then. */
  #nativeSyncs = 0;
  #dio1WasHigh = false;
  #listen: RadioListen = "TC";

  constructor(options: Sx1262Options) {
    this.#timers = options.timers;
    this.#onFrame = options.onFrame;
    this.#diag = options.onDiagnostic ?? (() => undefined);
    this.#xtalHz = options.xtalHz ?? DEFAULT_XTAL_HZ;
    this.#tcxoCode = tcxoCode(options.tcxoVoltage ?? null);
    this.#dio2AsRfSwitch = options.dio2AsRfSwitch ?? false;
    this.#native = options.bufferService ?? null;
    const spi = open<SpiPort>(options.spi, {});
    const output = (b: IoBundle) => open<DigitalPin>(b, { mode: (b.io as DigitalClass).Output ?? 8, initialValue: 1 });
    const input = (b: IoBundle, extra: Record<string, unknown> = {}) =>
      open<DigitalPin>(b, { mode: (b.io as DigitalClass).Input ?? 0, ...extra });
    const select = output(options.select);
    this.#reset = options.reset ? output(options.reset) : null;
    const busy = options.busy ? input(options.busy) : null;
    // with a native buffer service the task owns the DIO1 interrupt: the pin is opened as a plain input
    this.#dio1 = input(
      options.interrupt,
      this.#native ? {} : { edge: (options.interrupt.io as DigitalClass).Rising ?? 1, onReadable: () => this.#onDio1() },
    );
    this.#bus = new Sx1262Bus(spi, select, busy, this.#timers);
    this.#io = [this.#dio1, select, spi];
    if (busy) this.#io.push(busy);
    if (this.#reset) this.#io.push(this.#reset);
  }

  get stats(): Readonly<RadioStats> {
    return this.#stats;
  }

  get sx1262Stats(): Readonly<Sx1262Stats> {
    return this.#extra;
  }

  start(listen: RadioListen): void {
    if (this.#closed) return;
    const ch = SX1262_CHANNELS[listen];
    if (!ch) {
      this.#diag(`sx1262: unknown channel "${String(listen)}" (expected "TC" or "S")`);
      return;
    }
    this.#channel = ch;
    this.#listen = listen;
    this.#assembler = new FrameAssembler(listen);
    this.#byteMs = fifoByteMicros(ch.bitrate) / 1000;
    if (this.#nativeStarted) this.#native!.close(); // a new channel: the service starts over on it
    this.#nativeStarted = false;
    this.#initialise();
    this.#handOver();
    if (this.#watchdog === null) this.#armWatchdog();
  }

  close(): void {
    if (this.#closed) return;
    this.#cancel();
    if (this.#watchdog !== null) this.#timers.clear(this.#watchdog);
    this.#watchdog = null;
    this.#native?.close();
    this.#nativeStarted = false;
    if (this.#ready) this.#bus.command([SX_OP.SET_STANDBY, 0x00]);
    this.#ready = false;
    this.#closed = true;
    for (const io of this.#io) io.close();
  }

  // ------------------------------------------------------------------ initialisation

  #cancel(): void {
    if (this.#poll !== null) this.#timers.clear(this.#poll);
    if (this.#retry !== null) this.#timers.clear(this.#retry);
    this.#poll = this.#retry = null;
    this.#frame = null;
  }

  /** Hardware reset and full configuration (§14.5 order); on failure retries after RETRY_MS. */
  #initialise(): void {
    this.#cancel();
    this.#ready = false;
    if (this.#attempts++ > 0) this.#stats.resets++;
    const problem = this.#configure();
    if (problem) {
      this.#diag(`sx1262: initialisation failed: ${problem}; retrying`);
      this.#retry = this.#timers.set(() => {
        this.#retry = null;
        this.#withBus(() => this.#initialise());
        this.#handOver(); // a start whose first initialisation failed
      }, RETRY_MS);
      return;
    }
    this.#ready = true;
    this.#lastSyncMs = this.#timers.now();
    this.#busySamples = 0;
  }

  /** Returns "" when the chip is receiving, else what went wrong. */
  #configure(): string {
    const ch = this.#channel;
    if (this.#reset) {
      this.#reset.write(0);
      this.#timers.delayMicros(RESET_PULSE_US);
      this.#reset.write(1);
    }
    const words = modulationWords(ch, this.#xtalHz);
    const steps: number[][] = [[SX_OP.SET_STANDBY, 0x00]];
    if (this.#tcxoCode >= 0) steps.push([SX_OP.SET_DIO3_AS_TCXO_CTRL, this.#tcxoCode, ...be(SX_TCXO_DELAY_STEPS, 3)]);
    steps.push(
      [SX_OP.CLEAR_DEVICE_ERRORS, 0x00, 0x00], // a TCXO board reports XOSC_START from power-on
      [SX_OP.SET_REGULATOR_MODE, 0x00], // LDO: works on every module (DC-DC needs the inductor)
      [SX_OP.CALIBRATE, 0x7f], // all blocks, after the TCXO is powered (esp32-receivers §4.4)
      [SX_OP.SET_PACKET_TYPE, 0x00], // GFSK
      [SX_OP.SET_RF_FREQUENCY, ...be(words.frequency, 4)],
      [SX_OP.CALIBRATE_IMAGE, ...SX_IMAGE_863_870],
      [SX_OP.SET_MODULATION_PARAMS, ...be(words.bitrate, 3), ch.pulseShape, ch.bandwidthCode, ...be(words.deviation, 3)],
      // preamble (TX only), detector, 16 sync bits, no address filter, fixed length, 255, CRC off, no whitening
      [SX_OP.SET_PACKET_PARAMS, 0x00, 0x20, ch.preambleDetector, 16, 0x00, 0x00, 0xff, 0x01, 0x00],
      [SX_OP.WRITE_REGISTER, ...be(SX_REG.SYNC_WORD, 2), ...be(ch.syncWord, 2)],
      [SX_OP.WRITE_REGISTER, ...be(SX_REG.RX_GAIN, 2), 0x96],
      [SX_OP.SET_DIO_IRQ_PARAMS, ...be(IRQ_MASK, 2), ...be(IRQ_MASK, 2), 0, 0, 0, 0],
      [SX_OP.SET_RX_TX_FALLBACK_MODE, SX_FALLBACK_STDBY_XOSC],
    );
    if (this.#dio2AsRfSwitch) steps.push([SX_OP.SET_DIO2_AS_RF_SWITCH_CTRL, 0x01]);
    for (const s of steps) if (!this.#bus.command(s)) return `no answer (BUSY stuck) at opcode 0x${s[0].toString(16)}`;
    const errors = this.#bus.get(SX_OP.GET_DEVICE_ERRORS, 2);
    if (errors < 0) return "no answer to GetDeviceErrors";
    if (errors & 0x1ff) return `device errors 0x${errors.toString(16)} after calibration (TCXO voltage?)`;
    if (!this.#armRx()) return "no answer to SetRx";
    const status = this.#bus.status();
    if (status < 0 || ((status >> 4) & 7) !== SX_MODE_RX) return `not in RX after SetRx (status 0x${(status & 0xff).toString(16)})`;
    return "";
  }

  /**
   * (Re)arms single-mode RX: the next packet is written from ring address 0 (§7.2). `stopped` = the chip is in
   * its fallback mode after RxDone (§13.1.9) with the buffer base still 0: then SetStandby and
   * SetBufferBaseAddress are skipped, so RX is back ≈ 50 µs sooner — a frame that starts right after another
   * still has its preamble detected (§13.4.6.2).
   */
  #armRx(stopped = false): boolean {
    this.#frame = null;
    this.#readPtr = 0;
    this.#arms++;
    const bus = this.#bus;
    return (
      (stopped || (bus.command([SX_OP.SET_STANDBY, 0x01]) && bus.command([SX_OP.SET_BUFFER_BASE_ADDRESS, 0x00, 0x00]))) &&
      bus.writeRegister(SX_REG.PAYLOAD_LENGTH, 0xff) &&
      bus.command([SX_OP.CLEAR_IRQ_STATUS, ...be(SX_IRQ.ALL, 2)]) &&
      bus.command([SX_OP.SET_RX, ...be(SX_RX_SINGLE, 3)])
    );
  }

  // ------------------------------------------------------------------ receive

  /** DIO1 rose (or the watchdog found it high): serve IRQs until DIO1 is low, at most MAX_IRQ_PASSES times. */
  #onDio1(): void {
    for (let pass = 0; pass < MAX_IRQ_PASSES; pass++) {
      if (!this.#ready || this.#closed) return;
      if (pass > 0) {
        if (!this.#dio1.read()) return;
        this.#extra.irqRepeats++;
      }
      if (!this.#serveIrq()) return;
    }
  }

  /** One GetIrqStatus / ClearIrqStatus pass (§13.3.3, §13.3.4); false when the chip stopped answering. */
  #serveIrq(): boolean {
    const irq = this.#bus.get(SX_OP.GET_IRQ_STATUS, 2);
    if (irq < 0 || !this.#bus.command([SX_OP.CLEAR_IRQ_STATUS, ...be(irq, 2)])) {
      this.#wedged("BUSY stuck in the interrupt");
      return false;
    }
    // Single mode: one packet per SetRx, so a sync and an RxDone read together belong to the same packet.
    const attempts = this.#attempts; // a re-initialisation on the way makes the bits read stale
    if (irq & SX_IRQ.SYNC_WORD_VALID && !this.#frame) this.#beginFrame();
    if (attempts !== this.#attempts) return false;
    if (irq & SX_IRQ.RX_DONE) this.#packetDone();
    else if (irq & SX_IRQ.TIMEOUT) this.#restart("");
    return attempts === this.#attempts && this.#ready;
  }

  #beginFrame(): void {
    const status = this.#bus.get(SX_OP.GET_PACKET_STATUS, 3); // RxStatus, RssiSync, RssiAvg (§13.5.3)
    if (status < 0) return this.#wedged("no answer to GetPacketStatus");
    const now = this.#timers.now();
    this.#lastSyncMs = now;
    this.#busySamples = 0;
    // 0 = the chip left RX (RxDone came first) before the status was read: the RSSI is gone
    const rssiSync = (status >> 8) & 0xff;
    if (rssiSync === 0) this.#extra.rssiLost++;
    const rssiDbm = rssiSync === 0 ? RSSI_UNKNOWN_DBM : -rssiSync / 2;
    this.#frame = { rssiDbm, read: 0, lengthFinal: false, lastReadMs: now, startedMs: now };
    this.#assembler.reset();
    this.#schedulePoll(this.#channel.headerBytes + 1);
  }

  #schedulePoll(bytes: number): void {
    if (this.#poll !== null) this.#timers.clear(this.#poll);
    this.#poll = this.#timers.set(() => {
      this.#poll = null;
      this.#pollFrame();
    }, bytes * this.#byteMs);
  }

  /** Bytes the chip has written past the driver's read pointer (0x0803 RX data pointer); -1 when stuck. */
  #unread(): number {
    const wp = this.#bus.readRegister(SX_REG.RX_DATA_POINTER, 1);
    return wp ? (wp[0] - this.#readPtr) & 0xff : -1;
  }

  /** Reads what the ring holds now, feeds the assembler and keeps 0x06BB where the frame ends. */
  #pollFrame(): void {
    const f = this.#frame;
    if (!f) return;
    const n = this.#unread();
    if (n < 0) return this.#wedged("no answer reading the RX pointer");
    if (!this.#drain(f, n)) return;
    const a = this.#assembler;
    if (a.rawTotal === 0) return this.#schedulePoll(1);
    const remaining = a.rawTotal - f.read;
    if (!f.lengthFinal) {
      // The engine ends the packet when its 8-bit count equals 0x06BB. While ≥ 256 bytes remain, write
      // count − 1 (next match 255 bytes on); once fewer remain, the final length mod 256 (AN1200.53).
      const length = remaining > 255 ? f.read - 1 : a.rawTotal;
      if (!this.#bus.writeRegister(SX_REG.PAYLOAD_LENGTH, length)) return this.#wedged("no answer writing the payload length");
      f.lengthFinal = remaining <= 255;
    }
    this.#schedulePoll(f.lengthFinal ? Math.min(remaining, LONG_POLL_BYTES) + END_SLACK_BYTES : LONG_POLL_BYTES);
  }

  /** Reads `n` ring bytes into the assembler. True while the frame goes on; false once it ended (or the chip is stuck). */
  #drain(f: FrameState, n: number, stopped = false): boolean {
    const now = this.#timers.now();
    if (now - f.lastReadMs > 250 * this.#byteMs) {
      // More than the ring holds may have arrived since the last read: the frame is lost (§7.2 ring).
      this.#stats.overflows++;
      this.#restart("ring overrun");
      return false;
    }
    f.lastReadMs = now;
    if (n > 0) {
      const bytes = this.#bus.readBuffer(this.#readPtr, n);
      if (!bytes) {
        this.#wedged("no answer reading the buffer");
        return false;
      }
      this.#readPtr = (this.#readPtr + n) & 0xff;
      f.read += n;
      this.#assembler.feed(bytes);
    }
    const status = this.#assembler.status;
    if (status === FIFO_MORE) return true;
    this.#endFrame();
    if (status === FIFO_FRAME) this.#deliver(f);
    else if (status === FIFO_ERR_CODING) this.#stats.codingErrors++;
    else if (status === FIFO_ERR_SYNC) this.#stats.syncErrors++;
    else this.#stats.lengthErrors++;
    // Whether the packet engine has stopped (0x06BB told in time) or would run on: re-arm for the next frame.
    this.#restart("", stopped);
    return false;
  }

  #endFrame(): void {
    this.#frame = null;
    if (this.#poll !== null) this.#timers.clear(this.#poll);
    this.#poll = null;
  }

  #restart(why: string, stopped = false): void {
    if (why) this.#diag(`sx1262: ${why}; receive restarted`);
    this.#endFrame();
    if (!this.#armRx(stopped)) this.#wedged("no answer re-arming RX");
  }

  /**
   * RxDone (§13.1.4: the chip is now in the fallback mode): read the rest of the packet, whose length
   * GetRxBufferStatus gives (§13.5.2). A frame still incomplete then was cut short (0x06BB programmed too
   * late): a length error. Then RX is re-armed.
   */
  #packetDone(): void {
    const f = this.#frame;
    if (f) {
      const st = this.#bus.get(SX_OP.GET_RX_BUFFER_STATUS, 2); // PayloadLengthRx, RxStartBufferPointer
      if (st < 0) return this.#wedged("no answer to GetRxBufferStatus");
      const end = ((st >> 8) + (st & 0xff)) & 0xff;
      if (!this.#drain(f, (end - this.#readPtr) & 0xff, true)) return;
      this.#stats.lengthErrors++;
    }
    this.#restart("", true);
  }

  #deliver(f: FrameState): void {
    const a = this.#assembler;
    const bytes = a.frame();
    const intact = a.format === "B" ? stripFrameB(bytes) !== null : stripFrameA(bytes) !== null;
    if (!intact) {
      this.#stats.crcErrors++;
      return;
    }
    this.#stats.framesDelivered++;
    const mode = a.mode === "" ? "T" : a.mode;
    const format = a.format === "" ? "A" : a.format;
    try {
      this.#onFrame({ bytes, mode, format, rssiDbm: f.rssiDbm, receivedAt: this.#timers.now() });
    } catch (e) {
      this.#diag(`sx1262: onFrame threw: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  // ------------------------------------------------------------------ watchdog

  #armWatchdog(): void {
    this.#watchdog = this.#timers.set(() => {
      this.#watchdog = null;
      if (this.#closed) return;
      this.#withBus(() => this.#check());
      this.#armWatchdog();
    }, WATCHDOG_MS);
  }

  /** Service "native": hands the configured chip in RX to the buffer service once. */
  #handOver(): void {
    if (!this.#native || this.#nativeStarted || !this.#ready || this.#closed) return;
    this.#native.start(this.#listen);
    this.#nativeStarted = true;
    this.#nativeSyncs = this.#native.syncs();
    this.#dio1WasHigh = false;
  }

  /** Runs `use` with the buffer service paused (it owns the bus otherwise); tells it whether RX was re-armed. */
  #withBus(use: () => void): void {
    const paused = this.#nativeStarted;
    const arms = this.#arms;
    if (paused) this.#native!.pause(true, false);
    try {
      use();
    } finally {
      if (paused) this.#native!.pause(false, this.#arms !== arms);
    }
  }

  /**
   * Service "native": DIO1 is the task's. High at a check = an IRQ not served yet (e.g. RxDone while paused: the
   * chip sits in its fallback mode), so the mode check waits a period; high at two checks in a row = the task
   * does not serve it, which the re-initialisation clears. Sync words the task saw feed the deafness check.
   * Returns true when the rest of the check should run.
   */
  #checkService(): boolean {
    const high = this.#dio1.read() !== 0;
    const twice = high && this.#dio1WasHigh;
    this.#dio1WasHigh = high && !twice;
    if (high) this.#extra.dio1LeftToService++;
    if (twice) {
      this.#wedged("DIO1 stays high: the radio task does not serve it");
      return false;
    }
    const syncs = this.#native!.syncs();
    if (syncs !== this.#nativeSyncs) {
      this.#nativeSyncs = syncs;
      this.#lastSyncMs = this.#timers.now();
      this.#busySamples = 0;
    }
    return !high;
  }

  /**
   * Healthy = answers, reports RX mode with reserved bits clear, still holds our sync word, no device errors,
   * hears sync words while the channel is busy. A high DIO1 is served first: an IRQ whose edge was lost, or a
   * packet that ended (chip in the fallback mode) before its DIO1 callback ran.
   */
  #check(): void {
    if (!this.#ready) return;
    if (this.#nativeStarted) {
      if (!this.#checkService()) return;
    } else if (this.#dio1.read()) {
      this.#extra.dio1AtWatchdog++;
      this.#onDio1();
      if (!this.#ready) return;
    }
    const status = this.#bus.status();
    if (status < 0) return this.#wedged("BUSY stuck");
    const mode = (status >> 4) & 7;
    if ((status & 0x81) !== 0 || mode !== SX_MODE_RX) return this.#wedged(`status 0x${status.toString(16)} is not RX`);
    const sync = this.#bus.readRegister(SX_REG.SYNC_WORD, 2);
    if (!sync) return this.#wedged("BUSY stuck");
    if (((sync[0] << 8) | sync[1]) !== this.#channel.syncWord) return this.#wedged("sync word register lost");
    const errors = this.#bus.get(SX_OP.GET_DEVICE_ERRORS, 2); // e.g. PLL lock lost (§13.6.1)
    if (errors !== 0) return this.#wedged(errors < 0 ? "BUSY stuck" : `device errors 0x${errors.toString(16)}`);
    const f = this.#frame;
    // A frame is at most 435 FIFO bytes (T, L = 255) or 580 (S): twice that without progress is a hang.
    if (f && this.#timers.now() - f.startedMs > 1200 * this.#byteMs) return this.#restart("frame never ended");
    if (!f) this.#watchAir();
  }

  /** Deafness: the channel keeps being busy (GetRssiInst, §13.5.4) but no sync word comes for DEAF_AFTER_MS. */
  #watchAir(): void {
    const rssi = this.#bus.get(SX_OP.GET_RSSI_INST, 1);
    if (rssi < 0) return this.#wedged("BUSY stuck");
    if (-rssi / 2 >= BUSY_AIR_DBM) this.#busySamples++;
    const silentMs = this.#timers.now() - this.#lastSyncMs;
    if (silentMs < DEAF_AFTER_MS || this.#busySamples < DEAF_BUSY_SAMPLES) return;
    this.#extra.deafResets++;
    this.#wedged(`no sync word for ${Math.round(silentMs / 1000)} s while the channel was busy ${this.#busySamples} times`);
  }

  #wedged(why: string): void {
    if (this.#closed) return;
    this.#stats.watchdogRecoveries++;
    this.#diag(`sx1262: chip not responding (${why}); re-initialising`);
    this.#initialise();
  }
}

const IRQ_MASK = SX_IRQ.SYNC_WORD_VALID | SX_IRQ.RX_DONE | SX_IRQ.TIMEOUT;

/** `n` bytes of `value`, most significant first. */
function be(value: number, n: number): number[] {
  const out: number[] = [];
  for (let i = n - 1; i >= 0; i--) out.push(Math.floor(value / 2 ** (8 * i)) & 0xff);
  return out;
}

/** SetDIO3AsTcxoCtrl voltage code for the board's TCXO (the lowest code not below it), -1 for a crystal. */
function tcxoCode(volts: number | null): number {
  if (volts === null) return -1;
  for (let i = 0; i < SX1262_TCXO_VOLTAGES.length; i++) if (SX1262_TCXO_VOLTAGES[i] >= volts - 1e-9) return i;
  return SX1262_TCXO_VOLTAGES.length - 1;
}

/** Constructs an io object from its bundle: the bundle's own options win over the driver's defaults. */
function open<T>(bundle: IoBundle, defaults: Record<string, unknown>): T {
  const { io, ...options } = bundle;
  return new io({ ...defaults, ...options }) as T;
}
