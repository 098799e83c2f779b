/**
 * The wired M-Bus line as the master core sees it (EN 13757-2; M-Bus documentation rev. 4.8 §4–5, restated in
 * docs/wired.md): a half-duplex UART behind a level converter, 11 bits per character (start, 8 data, even
 * parity, stop), 300 to 38400 baud, 2400 the default. The core gets bytes in and writes bytes out; the device
 * implementation is device/serial-moddable.ts (ECMA-419 embedded:io/serial), the host one the simulated segment.
 */
import type { TimeService } from "../vocabulary.js";

export type BaudRate = 300 | 600 | 1200 | 2400 | 4800 | 9600 | 19200 | 38400;

/** Start bit, 8 data bits, even parity, 1 stop bit. */
export const BITS_PER_CHAR = 11;

export interface SerialLine {
  /** Opens (or reopens) the line at `baud`, 8E1; received bytes go to `onBytes` in arrival order. */
  open(baud: BaudRate, onBytes: (bytes: Uint8Array) => void): void;
  /** Queues bytes for sending. */
  write(bytes: Uint8Array): void;
  close(): void;
}

/** One-shot timers and the monotonic millisecond clock: the time service's part a line needs (RadioTimers has it too). */
export type LineTimers = Pick<TimeService, "ticks" | "set" | "clear">;

/**
 * How long the master waits for the first byte of an answer: a slave answers within 11 bit times to
 * 330 bit times + 50 ms after the request's stop bit (EN 13757-2 / M-Bus documentation §5.4), so the
 * master adds the time its own request takes on the line.
 */
export function answerTimeoutMs(baud: BaudRate, requestBytes: number): number {
  return ((330 + requestBytes * BITS_PER_CHAR) * 1000) / baud + 50;
}

/** Silence inside an answer after which it counts as ended (a slave sends its frame without pauses). */
export function gapTimeoutMs(baud: BaudRate): number {
  return (330 * 1000) / baud + 50;
}
