/**
 * The wired M-Bus line on the device: an ECMA-419 `embedded:io/serial` UART through an M-Bus master level
 * converter (docs/wired.md: wiring per board). The SDK's ESP32 Serial always configures no parity
 * (types/embedded-io-serial.d.ts), so `open` switches the UART to even parity with a small native helper
 * (firmware/native/wmbus_uart_parity.c). Device only; the host uses the simulated segment.
 *
 * Writes go straight to the 128-byte TX FIFO: every master request is at most 17 bytes (selection). Reads
 * drain the RX FIFO in onReadable; at 2400 Bd the FIFO holds ~0.58 s of data, at 9600 Bd ~0.15 s, so the JS
 * thread must not block longer than that during a poll.
 */
import Serial from "embedded:io/serial";
import type { BaudRate, SerialLine } from "../wired/line.js";

declare function native(name: string): (...args: any[]) => any;

const evenParity = native("xs_wmbus_uart_even_parity") as (port: number) => void;

export interface UartPins {
  /** ESP32 UART number (1 or 2; 0 is the console). */
  port: number;
  transmit: number;
  receive: number;
}

export class ModdableSerialLine implements SerialLine {
  readonly #pins: UartPins;
  #serial?: Serial;

  constructor(pins: UartPins) {
    this.#pins = pins;
  }

  open(baud: BaudRate, onBytes: (bytes: Uint8Array) => void): void {
    this.close();
    const p = this.#pins;
    this.#serial = new Serial({
      port: p.port,
      transmit: p.transmit,
      receive: p.receive,
      baud,
      format: "buffer",
      onReadable() {
        const b = this.read();
        if (b !== undefined) onBytes(new Uint8Array(b));
      },
    });
    evenParity(p.port);
  }

  write(bytes: Uint8Array): void {
    if (!this.#serial) return;
    this.#serial.write(bytes);
  }

  close(): void {
    if (this.#serial) this.#serial.close();
    this.#serial = undefined;
  }
}
