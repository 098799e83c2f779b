/**
 * SX1262 wM-Bus receiver (Semtech DS_SX1261-2 rev. 2.1), ECMA-419 style: one options object of io bundles
 * (radio.ts), io objects in private fields, `close()` releases them. Pure TypeScript: runs on the device
 * with `embedded:io/*` and on the host against host-tests/sim/sx1262.
 *
 * Receive path (T1+C1 together, or S1): GFSK single-mode RX re-armed after every packet, each frame streamed
 * out of the 256-byte ring as it arrives, 0x06BB kept where it ends (long packets), DLL CRCs checked before
 * `onFrame`: sx1262-receive.ts. Configuration and the health check: sx1262-setup.ts.
 *
 * IRQ handling (§13.3): an IRQ bit is set when its event happens and stays set until cleared; DIO1 is their OR,
 * so an event that lands between GetIrqStatus and ClearIrqStatus (a BUSY wait, §8.3.1) keeps DIO1 high with no
 * new edge for the edge-triggered input. The handler therefore runs again while DIO1 still reads 1 (bounded),
 * and the watchdog services DIO1 whenever it finds it high. RxDone landing before GetPacketStatus loses the
 * packet's RSSI (it reads 0 outside RX): the frame is delivered with RSSI_UNKNOWN_DBM and counted.
 *
 * BUSY (§8.3.1) is polled before every command with a timeout (sx1262-bus.ts). A watchdog checks every
 * WATCHDOG_MS that the chip answers, is in RX (status bits 6:4; the reserved bits 7 and 0 are ignored) and still
 * holds the programmed sync word, and re-initialises it (NRESET pulse) otherwise: a wedged chip is back well
 * within a second. Device errors (§13.6.1) are counted and cleared, never a reason to stop: only PLL_LOCK
 * latching again right after being cleared re-initialises, at most once a minute (DeviceErrorWatch). A chip that
 * looks healthy but finds no sync word for two minutes while GetRssiInst keeps showing a busy channel (§13.5.4)
 * is re-initialised too (DeafnessWatch; both in sx1262-setup.ts). Errors on the way (BUSY stuck mid-frame,
 * failed initialisation) take the same path.
 *
 * Buffer service "native" (`bufferService`, Sx1262Options; the device's NativeRadioTask, C in
 * firmware/native/wmbus_radio_sx1262.c): the driver configures the chip and hands it over; DIO1 then belongs to
 * the task (no `onReadable`), which runs the same receive steps in C and queues intact frames. The driver keeps
 * the watchdog (health, deafness, re-initialisation) and pauses the task around every SPI use of its own.
 *
 * Transmission (`transmit`, radio/transmit.ts; the commands and the send path `Sx1262Sender` in
 * sx1262-transmit.ts): reception pauses, the TX parameters and the payload go to the chip at once, SetTx follows
 * at the asked time minus the switch and ramp times, TxDone is polled, then the RX channel is put back and RX
 * re-armed.
 *
 * Timing limits: the DIO1 callback may run late (on the device it is a message to the XS task). Frames
 * survive as long as the sync interrupt is served before ~200 FIFO bytes have arrived (16 ms at T/C, 49 ms
 * at S), the ring's size. A frame shorter than that latency is still received, but the packet engine runs
 * on past it until the driver restarts RX, and a frame that follows within that time is missed.
 */
import type { IoBundle, Radio, RadioListen, RadioOptions, RadioStats, RadioTimers } from "../radio.js";
import { emptyRadioStats } from "../radio.js";
import { type DigitalPin, type SpiPort, Sx1262Bus, be } from "./sx1262-bus.js";
import { Sx1262Receiver } from "./sx1262-receive.js";
import { SX1262_CHANNELS, SX_IRQ, SX_OP } from "./sx1262-settings.js";
import { DeafnessWatch, DeviceErrorWatch, type Sx1262Setup, checkRxMode, chipProblem, configureChip, tcxoCode } from "./sx1262-setup.js";
import type { Transmitter, TransmitRequest, TransmitResult } from "../transmit.js";
import { Sx1262Sender } from "./sx1262-transmit.js";

export { RSSI_UNKNOWN_DBM } from "./sx1262-receive.js";

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

/** Passes of the DIO1 handler per callback while DIO1 stays high; then the watchdog takes over. */
const MAX_IRQ_PASSES = 4;

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
  /** GetDeviceErrors readings with a flag set (at set-up or by the watchdog); the flags are cleared each time. */
  deviceErrors: number;
  /** Every OpError flag seen so far, OR-ed (§13.6.1 bit numbers). */
  deviceErrorBits: number;
  /** Re-initialisations because PLL_LOCK was set again right after being cleared (the PLL really lost lock). */
  pllResets: number;
  /** Frames sent (TxDone) and transmissions that failed or were refused. */
  transmissions: number;
  txFailures: number;
}

const DEFAULT_XTAL_HZ = 32_000_000;

export class SX1262 implements Radio, Transmitter {
  readonly kind = "sx1262" as const;
  readonly #stats: RadioStats = emptyRadioStats();
  readonly #extra: Sx1262Stats = {
    irqRepeats: 0, dio1AtWatchdog: 0, rssiLost: 0, deafResets: 0, dio1LeftToService: 0, deviceErrors: 0, deviceErrorBits: 0, pllResets: 0, transmissions: 0, txFailures: 0,
  };
  readonly #errors = new DeviceErrorWatch(this.#extra, (m) => this.#diag(m));
  readonly #deaf: DeafnessWatch;
  #bus: Sx1262Bus;
  /** Every io object opened, for close(). */
  #io: { close(): void }[];
  #reset: DigitalPin | null;
  #dio1: DigitalPin;
  #timers: RadioTimers;
  #onFrame: RadioOptions["onFrame"];
  #diag: (message: string) => void;
  readonly #setup: Sx1262Setup;
  readonly #rx: Sx1262Receiver;
  #ready = false;
  #closed = false;
  /** Initialisations started (the first is not a reset). */
  #attempts = 0;
  #watchdog: unknown = null;
  #retry: unknown = null;
  readonly #native: Sx1262BufferService | null;
  #nativeStarted = false;
  /** Syncs the service reported at the last watchdog, and whether DIO1 was high then. */
  #nativeSyncs = 0;
  #dio1WasHigh = false;
  #listen: RadioListen = "TC";
  /** The transmit path (sx1262-transmit.ts); `busy` while a transmission runs (reception paused, DIO1 carries TxDone). */
  readonly #tx: Sx1262Sender;

  constructor(options: Sx1262Options) {
    this.#timers = options.timers;
    this.#onFrame = options.onFrame;
    this.#diag = options.onDiagnostic ?? (() => undefined);
    this.#setup = {
      xtalHz: options.xtalHz ?? DEFAULT_XTAL_HZ,
      tcxoCode: tcxoCode(options.tcxoVoltage ?? null),
      dio2AsRfSwitch: options.dio2AsRfSwitch ?? false,
    };
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
    this.#deaf = new DeafnessWatch(this.#extra, this.#timers);
    this.#rx = new Sx1262Receiver({
      bus: this.#bus,
      timers: this.#timers,
      stats: this.#stats,
      onFrame: this.#onFrame,
      diag: this.#diag,
      wedged: (why) => this.#wedged(why),
      synced: (rssiLost) => {
        this.#deaf.heard();
        if (rssiLost) this.#extra.rssiLost++;
      },
    });
    this.#tx = new Sx1262Sender({
      bus: this.#bus, timers: this.#timers, extra: this.#extra, xtalHz: this.#setup.xtalHz, rx: this.#rx, diag: this.#diag,
      ready: () => this.#ready, closed: () => this.#closed, channel: () => SX1262_CHANNELS[this.#listen],
      service: () => (this.#nativeStarted ? this.#native : null), wedged: (why) => this.#wedged(why),
    });
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
    this.#listen = listen;
    this.#rx.listen(listen, ch);
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

  // ------------------------------------------------------------------ transmit

  /** Sends one frame (radio/transmit.ts, sx1262-transmit.ts `Sx1262Sender`); never rejects. */
  transmit(req: TransmitRequest): Promise<TransmitResult> {
    return this.#tx.transmit(req);
  }

  // ------------------------------------------------------------------ initialisation

  #cancel(): void {
    this.#rx.cancel();
    if (this.#retry !== null) this.#timers.clear(this.#retry);
    this.#retry = null;
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
    this.#deaf.heard();
  }

  /** Returns "" when the chip is receiving, else what went wrong. */
  #configure(): string {
    this.#errors.restart();
    const problem = configureChip(this.#bus, this.#reset, this.#timers, SX1262_CHANNELS[this.#listen], this.#setup, (bits) => this.#errors.note(bits, "set-up"));
    if (problem) return problem;
    return this.#rx.armRx() ? checkRxMode(this.#bus) : "no answer to SetRx";
  }

  // ------------------------------------------------------------------ receive

  /** DIO1 rose (or the watchdog found it high): serve IRQs until DIO1 is low, at most MAX_IRQ_PASSES times. */
  #onDio1(): void {
    if (this.#tx.busy) return; // TxDone is the transmission's poll's
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
    if (irq & SX_IRQ.SYNC_WORD_VALID && !this.#rx.receiving) this.#rx.beginFrame();
    if (attempts !== this.#attempts) return false;
    if (irq & SX_IRQ.RX_DONE) this.#rx.packetDone();
    else if (irq & SX_IRQ.TIMEOUT) this.#rx.restart("");
    return attempts === this.#attempts && this.#ready;
  }

  // ------------------------------------------------------------------ watchdog

  #armWatchdog(): void {
    this.#watchdog = this.#timers.set(() => {
      this.#watchdog = null;
      if (this.#closed) return;
      if (!this.#tx.busy) this.#withBus(() => this.#check());
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
    const arms = this.#rx.arms;
    if (paused) this.#native!.pause(true, false);
    try {
      use();
    } finally {
      if (paused) this.#native!.pause(false, this.#rx.arms !== arms);
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
      this.#deaf.heard();
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
    const problem = chipProblem(this.#bus, SX1262_CHANNELS[this.#listen].syncWord);
    if (problem) return this.#wedged(problem);
    const errors = this.#errors.check(this.#bus, this.#timers.ticks());
    if (errors) return this.#wedged(errors);
    if (this.#rx.stalled(this.#timers.ticks())) return this.#rx.restart("frame never ended");
    const deaf = this.#rx.receiving ? "" : this.#deaf.check(this.#bus);
    if (deaf) this.#wedged(deaf);
  }

  #wedged(why: string): void {
    if (this.#closed) return;
    this.#stats.watchdogRecoveries++;
    this.#diag(`sx1262: chip not responding (${why}); re-initialising`);
    this.#initialise();
  }
}

/** Constructs an io object from its bundle: the bundle's own options win over the driver's defaults. */
function open<T>(bundle: IoBundle, defaults: Record<string, unknown>): T {
  const { io, ...options } = bundle;
  return new io({ ...defaults, ...options }) as T;
}
