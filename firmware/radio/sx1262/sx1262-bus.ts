/**
 * The SX1262 SPI command layer (DS_SX1261-2 rev. 2.1 §8.3, §13): wait for BUSY low (with a timeout), NSS
 * low, one full-duplex transfer, NSS high. Every method returns a failure value instead of throwing when
 * BUSY never drops, so the driver can treat a wedged chip as a recovery case. Pure: io objects are given.
 */
import type { RadioTimers } from "../radio.js";
import { SX_OP } from "./sx1262-settings.js";

export interface SpiPort {
  transfer(buffer: Uint8Array): void;
  close(): void;
}

export interface DigitalPin {
  read(): number;
  write(value: number): void;
  close(): void;
}

/** Longest BUSY wait: reset start-up + TCXO + full calibration take ~9 ms (§8.3.1, §9.2). */
const BUSY_TIMEOUT_US = 20_000;
/**
 * BUSY poll step. Most commands hold BUSY for a few µs only (§8.3.1), and a coarse step would add its whole
 * length to every command: ten commands between RxDone and the next SetRx cost 100 µs at a 10 µs step, enough
 * to miss the preamble of a frame that follows right after.
 */
const BUSY_POLL_US = 2;

export class Sx1262Bus {
  readonly #spi: SpiPort;
  readonly #select: DigitalPin;
  readonly #busy: DigitalPin | null;
  readonly #timers: RadioTimers;
  /** Scratch for reads: opcode, address, status and the whole 256-byte buffer. */
  readonly #buf = new Uint8Array(4 + 256);

  constructor(spi: SpiPort, select: DigitalPin, busy: DigitalPin | null, timers: RadioTimers) {
    this.#spi = spi;
    this.#select = select;
    this.#busy = busy;
    this.#timers = timers;
  }

  /** §8.3.1: the host waits for BUSY low before every command. Without a BUSY pin it cannot. */
  #waitBusy(): boolean {
    const busy = this.#busy;
    if (!busy) return true;
    for (let waited = 0; busy.read(); waited += BUSY_POLL_US) {
      if (waited >= BUSY_TIMEOUT_US) return false;
      this.#timers.delayMicros(BUSY_POLL_US);
    }
    return true;
  }

  /** One command frame, `bytes` replaced by MISO; false when BUSY stayed high. */
  transfer(bytes: Uint8Array): boolean {
    if (!this.#waitBusy()) return false;
    this.#select.write(0);
    try {
      this.#spi.transfer(bytes);
    } finally {
      this.#select.write(1); // released on every path, as in the CC1101 bus: a throwing transfer never leaves NSS low
    }
    return true;
  }

  command(bytes: number[]): boolean {
    return this.transfer(Uint8Array.from(bytes));
  }

  /** A Get command answering `n` bytes after the status byte (§13.5), as one big-endian number; -1 when stuck. */
  get(op: number, n: number): number {
    const b = this.#buf.subarray(0, 2 + n);
    b.fill(0);
    b[0] = op;
    if (!this.transfer(b)) return -1;
    let v = 0;
    for (let i = 2; i < b.length; i++) v = v * 256 + b[i];
    return v;
  }

  /** GetStatus (§13.5.1): the status byte, or -1 when stuck. */
  status(): number {
    return this.get(SX_OP.GET_STATUS, 0) < 0 ? -1 : this.#buf[1];
  }

  /** ReadRegister (§13.2.2): opcode, address (2), status, data. A view valid until the next read. */
  readRegister(address: number, n: number): Uint8Array | null {
    const b = this.#buf.subarray(0, 4 + n);
    b.fill(0);
    b[0] = SX_OP.READ_REGISTER;
    b[1] = address >> 8;
    b[2] = address & 0xff;
    return this.transfer(b) ? b.subarray(4) : null;
  }

  writeRegister(address: number, value: number): boolean {
    return this.command([SX_OP.WRITE_REGISTER, address >> 8, address & 0xff, value & 0xff]);
  }

  /** ReadBuffer (§13.2.5): `n` bytes of the 256-byte buffer from `offset`, wrapping past 255. */
  readBuffer(offset: number, n: number): Uint8Array | null {
    const b = this.#buf.subarray(0, 3 + n);
    b.fill(0);
    b[0] = SX_OP.READ_BUFFER;
    b[1] = offset;
    return this.transfer(b) ? b.subarray(3) : null;
  }
}

/** `n` bytes of `value`, most significant first (command arguments, §13). */
export function be(value: number, n: number): number[] {
  const out: number[] = [];
  for (let i = n - 1; i >= 0; i--) out.push(Math.floor(value / 2 ** (8 * i)) & 0xff);
  return out;
}
