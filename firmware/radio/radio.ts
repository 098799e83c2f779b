/**
 * The contract between a radio driver (CC1101, SX1262) and the gateway. Pure types: no Node, no Moddable.
 *
 * A driver is built ECMA-419 style from one options object of io bundles (see `RadioOptions`), listens on
 * the T1+C1 channel (868.95 MHz, 100 kcps, sync 0x543D) or the S1 channel (868.30 MHz, 32.768 kcps,
 * sync 0x7696), assembles frames with `phy/frame-assembler`, verifies the DLL CRCs (`link/frame-format`)
 * and hands only intact frames to `onFrame`. Everything else is counted in `RadioStats`; nothing throws
 * out of an interrupt handler. `close()` releases every io object it created.
 *
 * On the device the io constructors are the Moddable `embedded:io/*` classes and `timers` wraps
 * `Timer`; on the host the same driver code runs against the chip simulators in host-tests/sim/, whose
 * SPI/Digital classes have the same shape and whose timers run on simulated time.
 */

import type { FrameFormat, PhyMode, RadioKind, RadioListen, RadioTimers } from "../vocabulary.js";

/** Shared vocabulary (firmware/vocabulary.ts), re-exported for the drivers: the listen channel and the timers. */
export type { RadioListen, RadioTimers } from "../vocabulary.js";

/** One received frame whose DLL CRCs were all verified. */
export interface RadioFrame {
  /** The frame as sent (line coding removed): L first, DLL CRCs included, frame A or B layout. */
  readonly bytes: Uint8Array;
  readonly mode: PhyMode;
  readonly format: FrameFormat;
  /**
   * The frame without DLL CRCs (format A view: L counts the bytes after it), when the radio checked the CRCs
   * (radio/assembled-frame.ts). The gateway then neither checks nor strips them again.
   */
  readonly stripped?: Uint8Array;
  /** Signal strength of this frame in dBm (read at sync/end of frame). */
  readonly rssiDbm: number;
  /** CC1101 link quality indicator (0..127), when the chip gives one. */
  readonly lqi?: number;
  /** Estimated carrier offset in Hz, when the chip gives one. */
  readonly freqOffsetHz?: number;
  /** `timers.ticks()` in ms when the last byte of the frame was read. */
  readonly receivedAt: number;
}

/** Counters a driver keeps from construction; never reset except by a new driver. */
export interface RadioStats {
  /** Frames handed to `onFrame`. */
  framesDelivered: number;
  /** Frames whose block CRCs did not all match (not delivered). */
  crcErrors: number;
  /** Impossible L-field for the frame format, or a frame longer than the buffer. */
  lengthErrors: number;
  /** Invalid 3-of-6 symbol or Manchester violation. */
  codingErrors: number;
  /** C-mode 0x54 prefix followed by neither 0xCD nor 0x3D. */
  syncErrors: number;
  /** RX FIFO overflows (the frame in progress is lost). */
  overflows: number;
  /** Chip (re-)initialisations after the first. */
  resets: number;
  /** Re-initialisations started by the watchdog (a wedged or unresponsive chip). */
  watchdogRecoveries: number;
}

/** An ECMA-419 io bundle: the class to construct and the options to give it (pins, hz, port, …). */
export interface IoBundle<Options = Record<string, unknown>> {
  io: new (options: Options & Record<string, unknown>) => unknown;
  [option: string]: unknown;
}

export interface RadioOptions {
  /** SPI bus (`embedded:io/spi` options: clock/in/out pins, hz, port). Chip select is driven by `select`. */
  spi: IoBundle;
  /** Chip-select output (`embedded:io/digital`, active low). */
  select: IoBundle;
  /** Reset output (SX1262 NRESET; the CC1101 has none and resets by SRES command). */
  reset?: IoBundle;
  /** SX1262 BUSY input. */
  busy?: IoBundle;
  /** Interrupt input: SX1262 DIO1, CC1101 GDO0 (sync word seen / packet end). The driver sets `edge` and `onReadable`. */
  interrupt: IoBundle;
  /** Second interrupt input: CC1101 GDO2 (RX FIFO above threshold). */
  interrupt2?: IoBundle;
  timers: RadioTimers;
  /** Receives every intact frame. Called from the driver's interrupt/timer context. */
  onFrame: (frame: RadioFrame) => void;
  /** Optional diagnostic text (chip resets, watchdog); never contains secrets. */
  onDiagnostic?: (message: string) => void;
  /** Chip-specific settings (crystal/TCXO, RF switch on DIO2, …), from the board description. */
  xtalHz?: number;
  tcxoVoltage?: number | null;
  dio2AsRfSwitch?: boolean;
}

/** What every driver offers. */
export interface Radio {
  readonly kind: RadioKind;
  /** Configures the chip for `listen` and enters continuous receive. Calling it again switches channel. */
  start(listen: RadioListen): void;
  /** A live view of the counters. */
  readonly stats: Readonly<RadioStats>;
  /** Stops receiving and closes every io object the driver opened. */
  close(): void;
}

export function emptyRadioStats(): RadioStats {
  return {
    framesDelivered: 0,
    crcErrors: 0,
    lengthErrors: 0,
    codingErrors: 0,
    syncErrors: 0,
    overflows: 0,
    resets: 0,
    watchdogRecoveries: 0,
  };
}
