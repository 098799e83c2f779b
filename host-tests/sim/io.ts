/**
 * Host stand-ins for the ECMA-419 io classes the radio drivers use, wired to simulated chips:
 *   - `embedded:io/digital`: read/write, `onReadable` + `edge` for inputs, close (types/embedded-io-digital.d.ts);
 *   - `embedded:io/spi`: read/write/transfer/flush/close on byte buffers only (types/embedded-io-spi.d.ts).
 * A `SimBoard` owns the wires (`SimPin`, one per GPIO number) and the SPI device behind a chip-select pin, and
 * hands out `Digital`/`SPI` classes bound to it, so a driver builds them from its io bundles exactly as on the
 * device: `new bundle.io({...bundle, mode: bundle.io.Output})`.
 *
 * Interrupts follow Moddable on ESP32: the ISR only posts a message, and `onReadable` runs later on the
 * JavaScript thread (a "host" event after `interruptLatencyUs`); edges that arrive while one notification is
 * pending are merged into it.
 */
import type { Scheduler } from "./scheduler.js";

/** A chip behind SPI. `select(true)` = CSn pulled low (a transaction starts); each byte is full duplex. */
export interface SpiDevice {
  select(active: boolean): void;
  exchange(mosi: number): number;
}

type Level = 0 | 1;

/** Told when the pin starts (hz > 0) or stops (0) carrying a clock. */
type ClockWatcher = (hz: number) => void;

/**
 * One wire. Whoever owns it (the chip for GDO/DIO/BUSY, the MCU for CSn/RESET) calls `drive`. A chip pin can
 * also carry a clock (`clock(hz)`, e.g. the CC1101's CLK_XOSC/192 on GDO0 after reset): its edges are not
 * simulated one by one; an interrupt attached meanwhile is counted as a storm (SimBoardStats).
 */
export class SimPin {
  private value: Level;
  private hz = 0;
  private readonly listeners = new Set<(level: Level) => void>();
  private readonly clockWatchers = new Set<ClockWatcher>();
  constructor(readonly gpio: number, initial: Level = 0) {
    this.value = initial;
  }
  get level(): Level {
    return this.value;
  }
  /** Frequency of the clock the pin carries, 0 when it carries a level. */
  get clockHz(): number {
    return this.hz;
  }
  clock(hz: number): void {
    if (hz === this.hz) return;
    this.hz = hz;
    for (const fn of [...this.clockWatchers]) fn(hz);
  }
  /** @internal Calls `fn` whenever the clock starts or stops; returns the unsubscribe function. */
  watchClock(fn: ClockWatcher): () => void {
    this.clockWatchers.add(fn);
    return () => this.clockWatchers.delete(fn);
  }
  drive(level: number): void {
    const v: Level = level ? 1 : 0;
    if (v === this.value) return;
    this.value = v;
    for (const fn of [...this.listeners]) fn(v);
  }
  /** Calls `fn` on every level change; returns the unsubscribe function. */
  watch(fn: (level: Level) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }
}

export interface SimBoardOptions {
  /** Time from a pin edge to the `onReadable` callback (ISR → XS task message). Default 50 µs. */
  interruptLatencyUs?: number;
}

export interface SimBoardStats {
  spiTransactions: number;
  spiBytes: number;
  /** Bytes clocked while no device was selected (read back as 0xFF). */
  spiBytesUnselected: number;
  interrupts: number;
  /** Edges merged into an already pending notification. */
  mergedEdges: number;
  /**
   * Interrupt storms: times an edge interrupt (`onReadable`) was attached to a pin carrying a clock, and the
   * clock edges it took (2 per period while attached). On the device each edge is an ISR and a message to the
   * XS task: at 135 kHz the CPU does nothing else.
   */
  interruptStorms: number;
  stormEdges: number;
}

/** Constants of `embedded:io/digital` (Moddable values). */
export const DIGITAL = Object.freeze({
  Input: 0,
  InputPullUp: 1,
  InputPullDown: 2,
  InputPullUpDown: 3,
  Output: 8,
  OutputOpenDrain: 9,
  Rising: 1,
  Falling: 2,
});

type ByteBuffer = ArrayBuffer | Uint8Array | Int8Array | Uint8ClampedArray | DataView;

/** Like xsmcGetBufferWritable: byte buffers only, anything else is "invalid buffer". */
function bytesOf(buffer: unknown): Uint8Array {
  if (buffer instanceof ArrayBuffer) return new Uint8Array(buffer);
  if (buffer instanceof Uint8Array || buffer instanceof Int8Array || buffer instanceof Uint8ClampedArray || buffer instanceof DataView)
    return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  throw new TypeError("invalid buffer (SPI data must be an ArrayBuffer, a byte typed array or a DataView)");
}

export interface DigitalOptionsSim {
  pin: number;
  mode: number;
  activeLow?: boolean;
  initialValue?: 0 | 1;
  edge?: number;
  onReadable?: (this: unknown, triggered: number) => void;
  [other: string]: unknown;
}

export interface SpiOptionsSim {
  clock: number;
  in?: number;
  out?: number;
  hz: number;
  port: number;
  mode?: number;
  [other: string]: unknown;
}

export interface SimDigitalInstance {
  read(): 0 | 1;
  write(value: 0 | 1): void;
  close(): void;
  readonly format: "number";
}

export interface SimSpiInstance {
  read(byteLength: number): ArrayBuffer;
  read(buffer: ByteBuffer): void;
  write(buffer: ByteBuffer): void;
  transfer(buffer: ByteBuffer): void;
  flush(deselect?: boolean): void;
  close(): void;
  readonly format: "buffer";
}

export type SimDigitalClass = (new (options: DigitalOptionsSim) => SimDigitalInstance) & typeof DIGITAL;
export type SimSpiClass = new (options: SpiOptionsSim) => SimSpiInstance;

interface SpiAttachment {
  device: SpiDevice;
  select: SimPin;
}

export class SimBoard {
  readonly stats: SimBoardStats = { spiTransactions: 0, spiBytes: 0, spiBytesUnselected: 0, interrupts: 0, mergedEdges: 0, interruptStorms: 0, stormEdges: 0 };
  interruptLatencyUs: number;
  readonly Digital: SimDigitalClass;
  readonly SPI: SimSpiClass;
  private readonly pins = new Map<number, SimPin>();
  private readonly claimed = new Set<number>();
  private readonly spiDevices = new Map<number, SpiAttachment[]>();

  constructor(readonly scheduler: Scheduler, options: SimBoardOptions = {}) {
    this.interruptLatencyUs = options.interruptLatencyUs ?? 50;
    this.Digital = makeDigitalClass(this);
    this.SPI = makeSpiClass(this);
  }

  /** The wire of a GPIO (created at level `initial` on first use). */
  pin(gpio: number, initial: Level = 0): SimPin {
    let p = this.pins.get(gpio);
    if (!p) {
      p = new SimPin(gpio, initial);
      this.pins.set(gpio, p);
    }
    return p;
  }

  /** Puts `device` on SPI `port` behind the active-low chip select on GPIO `selectGpio`. */
  attachSpi(device: SpiDevice, selectGpio: number, port: number): void {
    const select = this.pin(selectGpio, 1);
    select.watch((level) => {
      if (level === 0) this.stats.spiTransactions++;
      device.select(level === 0);
    });
    const list = this.spiDevices.get(port) ?? [];
    list.push({ device, select });
    this.spiDevices.set(port, list);
  }

  /** @internal One full-duplex byte on `port`: goes to the selected device, 0xFF (pull-up) when none is. */
  exchange(port: number, mosi: number): number {
    this.stats.spiBytes++;
    const selected = (this.spiDevices.get(port) ?? []).filter((a) => a.select.level === 0);
    if (selected.length !== 1) {
      this.stats.spiBytesUnselected++;
      return 0xff;
    }
    return selected[0].device.exchange(mosi & 0xff) & 0xff;
  }

  /** @internal */
  claim(gpio: number, what: string): void {
    if (!Number.isInteger(gpio)) throw new RangeError(`${what}: pin ${String(gpio)} is not a GPIO number`);
    if (this.claimed.has(gpio)) throw new Error(`${what}: GPIO ${gpio} is already in use`);
    this.claimed.add(gpio);
  }

  /** @internal */
  release(gpio: number): void {
    this.claimed.delete(gpio);
  }

  /** GPIOs currently opened by io objects (a driver's close() must bring this back to 0). */
  get openPins(): number {
    return this.claimed.size;
  }
}

function makeDigitalClass(board: SimBoard): SimDigitalClass {
  class Digital implements SimDigitalInstance {
    static readonly Input = DIGITAL.Input;
    static readonly InputPullUp = DIGITAL.InputPullUp;
    static readonly InputPullDown = DIGITAL.InputPullDown;
    static readonly InputPullUpDown = DIGITAL.InputPullUpDown;
    static readonly Output = DIGITAL.Output;
    static readonly OutputOpenDrain = DIGITAL.OutputOpenDrain;
    static readonly Rising = DIGITAL.Rising;
    static readonly Falling = DIGITAL.Falling;
    #pin: SimPin | null;
    #gpio: number;
    #output: boolean;
    #invert: boolean;
    #unwatch: (() => void) | null = null;
    #unwatchClock: (() => void) | null = null;
    #stormFrom = -1;
    #stormHz = 0;
    #pending = 0;

    constructor(options: DigitalOptionsSim) {
      const { pin, mode } = options ?? ({} as DigitalOptionsSim);
      if (typeof mode !== "number") throw new RangeError(`Digital: mode missing for pin ${String(pin)}`);
      board.claim(pin, "Digital");
      this.#gpio = pin;
      this.#output = mode === DIGITAL.Output || mode === DIGITAL.OutputOpenDrain;
      this.#invert = options.activeLow === true;
      this.#pin = board.pin(pin, this.#output ? 0 : 0);
      if (this.#output && options.initialValue !== undefined) this.write(options.initialValue);
      const onReadable = options.onReadable;
      if (onReadable) {
        const edge = options.edge ?? 0;
        if (this.#output || !(edge & (DIGITAL.Rising | DIGITAL.Falling))) {
          board.release(pin);
          throw new RangeError(`Digital: onReadable on pin ${pin} needs an input with edge Rising and/or Falling`);
        }
        this.#unwatch = this.#pin.watch((level) => {
          const fired = (level ^ (this.#invert ? 1 : 0)) ? DIGITAL.Rising : DIGITAL.Falling;
          if (!(edge & fired)) return;
          if (this.#pending) {
            board.stats.mergedEdges++;
            this.#pending |= fired;
            return;
          }
          this.#pending = fired;
          board.scheduler.after(board.interruptLatencyUs, () => {
            const triggered = this.#pending;
            this.#pending = 0;
            if (!this.#pin) return;
            board.stats.interrupts++;
            onReadable.call(this, triggered);
          }, "host");
        });
        const wire = this.#pin;
        const clockChanged = (hz: number) => {
          this.#endStorm();
          if (hz <= 0) return;
          board.stats.interruptStorms++;
          this.#stormFrom = board.scheduler.now;
          this.#stormHz = hz;
        };
        this.#unwatchClock = wire.watchClock(clockChanged);
        if (wire.clockHz > 0) clockChanged(wire.clockHz);
      }
    }
    #endStorm(): void {
      if (this.#stormFrom < 0) return;
      board.stats.stormEdges += Math.round(((board.scheduler.now - this.#stormFrom) / 1e6) * 2 * this.#stormHz);
      this.#stormFrom = -1;
    }
    get format(): "number" {
      return "number";
    }
    read(): 0 | 1 {
      if (!this.#pin) throw new Error(`Digital: pin ${this.#gpio} is closed`);
      return (this.#pin.level ^ (this.#invert ? 1 : 0)) as 0 | 1;
    }
    write(value: 0 | 1): void {
      if (!this.#pin) throw new Error(`Digital: pin ${this.#gpio} is closed`);
      if (!this.#output) throw new Error(`Digital: pin ${this.#gpio} is an input`);
      this.#pin.drive((value ? 1 : 0) ^ (this.#invert ? 1 : 0));
    }
    close(): void {
      if (!this.#pin) return;
      this.#endStorm();
      this.#unwatch?.();
      this.#unwatch = null;
      this.#unwatchClock?.();
      this.#unwatchClock = null;
      this.#pin = null;
      board.release(this.#gpio);
    }
  }
  return Digital;
}

function makeSpiClass(board: SimBoard): SimSpiClass {
  class SPI {
    #port: number;
    #open = true;
    #pins: number[];
    constructor(options: SpiOptionsSim) {
      const { clock, hz, port } = options ?? ({} as SpiOptionsSim);
      if (!Number.isInteger(port)) throw new RangeError("SPI: port is required");
      if (!(hz >= 1 && hz <= 40_000_000)) throw new RangeError(`SPI: hz ${String(hz)} out of range 1..40000000`);
      if (options.in === undefined && options.out === undefined) throw new RangeError("SPI: in or out pin required");
      this.#pins = [clock, options.in, options.out].filter((p): p is number => p !== undefined);
      const done: number[] = [];
      try {
        for (const p of this.#pins) {
          board.claim(p, "SPI");
          done.push(p);
        }
      } catch (e) {
        for (const p of done) board.release(p);
        throw e;
      }
      this.#port = port;
    }
    get format(): "buffer" {
      return "buffer";
    }
    #check(): void {
      if (!this.#open) throw new Error("SPI: closed");
    }
    read(byteLength: number): ArrayBuffer;
    read(buffer: ByteBuffer): void;
    read(arg: number | ByteBuffer): ArrayBuffer | undefined {
      this.#check();
      if (typeof arg === "number") {
        const out = new Uint8Array(arg);
        for (let i = 0; i < arg; i++) out[i] = board.exchange(this.#port, 0);
        return out.buffer;
      }
      const b = bytesOf(arg);
      for (let i = 0; i < b.length; i++) b[i] = board.exchange(this.#port, 0);
      return undefined;
    }
    write(buffer: ByteBuffer): void {
      this.#check();
      const b = bytesOf(buffer);
      for (let i = 0; i < b.length; i++) board.exchange(this.#port, b[i]);
    }
    transfer(buffer: ByteBuffer): void {
      this.#check();
      const b = bytesOf(buffer);
      for (let i = 0; i < b.length; i++) b[i] = board.exchange(this.#port, b[i]);
    }
    flush(_deselect?: boolean): void {
      this.#check();
    }
    close(): void {
      if (!this.#open) return;
      this.#open = false;
      for (const p of this.#pins) board.release(p);
    }
  }
  return SPI as unknown as SimSpiClass;
}
