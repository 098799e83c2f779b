/**
 * CC1101 SPI access (TI SWRS061I §10): chip select low, one full-duplex transfer through the driver's scratch
 * buffer, chip select high; command strobes, single and burst register access, status registers (RXBYTES read
 * until two reads agree, SWRZ020 erratum) and the reset handshake (SRES, then CHIP_RDYn). Pure: the io objects
 * are given and stay the driver's to close.
 */
import type { RadioTimers } from "../radio.js";
import { BURST, FIFO_SIZE, READ, STATUS, STROBE } from "./cc1101-registers.js";

export interface SpiIo {
  transfer(buffer: Uint8Array): void;
  close(): void;
}

export interface DigitalIo {
  read(): number;
  write(value: 0 | 1): void;
  close(): void;
}

/** SRES → CHIP_RDYn low: poll SNOP every 20 µs, give up after 5 ms. */
const READY_POLL_US = 20;
const READY_TRIES = 250;

export class Cc1101Bus {
  readonly #spi: SpiIo;
  readonly #select: DigitalIo;
  readonly #timers: RadioTimers;
  /** Header byte + a whole FIFO (or the register image). */
  readonly #buf = new Uint8Array(FIFO_SIZE + 1);

  constructor(spi: SpiIo, select: DigitalIo, timers: RadioTimers) {
    this.#spi = spi;
    this.#select = select;
    this.#timers = timers;
  }

  #transfer(n: number): Uint8Array {
    const b = this.#buf.subarray(0, n);
    this.#select.write(0);
    try {
      this.#spi.transfer(b);
    } finally {
      this.#select.write(1);
    }
    return b;
  }

  /** One prepared transaction (≤ 65 bytes: header + a whole FIFO), as a TxJob holds it. */
  raw(bytes: Uint8Array): void {
    this.#buf.set(bytes);
    this.#transfer(bytes.length);
  }

  /** A command strobe; returns the chip status byte. */
  strobe(cmd: number): number {
    this.#buf[0] = cmd;
    return this.#transfer(1)[0];
  }

  writeReg(reg: number, value: number): void {
    this.#buf[0] = reg;
    this.#buf[1] = value;
    this.#transfer(2);
  }

  /** A status register (addresses 0x30–0x3D are read with the burst bit set). */
  readStatus(reg: number): number {
    this.#buf[0] = READ | BURST | reg;
    this.#buf[1] = 0;
    return this.#transfer(2)[1];
  }

  /** RXBYTES read until two reads agree (SWRZ020). */
  rxBytes(): number {
    let a = this.readStatus(STATUS.RXBYTES);
    for (let i = 0; i < 4; i++) {
      const b = this.readStatus(STATUS.RXBYTES);
      if (a === b) return a;
      a = b;
    }
    return a;
  }

  /** TXBYTES read until two reads agree (SWRZ020 names RXBYTES and TXBYTES alike); bit 7 = underflow. */
  txBytes(): number {
    let a = this.readStatus(STATUS.TXBYTES);
    for (let i = 0; i < 4; i++) {
      const b = this.readStatus(STATUS.TXBYTES);
      if (a === b) return a;
      a = b;
    }
    return a;
  }

  /** Burst-writes `bytes` (≤ 64) from `address` on. */
  writeBurst(address: number, bytes: Uint8Array): void {
    this.#buf[0] = BURST | address;
    this.#buf.set(bytes, 1);
    this.#transfer(bytes.length + 1);
  }

  /** Burst-reads `n` (≤ 64) bytes from `address` (registers, or the FIFO); a view into the scratch buffer. */
  readBurst(address: number, n: number): Uint8Array {
    this.#buf[0] = READ | BURST | address;
    this.#buf.fill(0, 1, n + 1);
    return this.#transfer(n + 1).subarray(1);
  }

  /** SRES, then SNOP until CHIP_RDYn (status bit 7) reads low; false when it never does. */
  reset(): boolean {
    this.strobe(STROBE.SRES);
    let ready = false;
    for (let i = 0; i < READY_TRIES && !ready; i++) {
      this.#timers.delayMicros(READY_POLL_US);
      ready = (this.strobe(STROBE.SNOP) & 0x80) === 0;
    }
    return ready;
  }
}
