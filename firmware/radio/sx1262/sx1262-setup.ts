/**
 * SX1262 configuration for wM-Bus receive (§14.5 order) and the watchdog's health checks (chip state, device
 * errors, deafness) over the command layer (sx1262-bus.ts). TCXO on DIO3 (§13.3.6) before Calibrate (§13.1.12),
 * then CalibrateImage 0xD7 0xDB for 863–870 MHz (§9.2.1). Pure: io objects and timers are given.
 */
import { SX1262_TCXO_VOLTAGES } from "../../platform/board.js";
import type { RadioTimers } from "../radio.js";
import { type DigitalPin, type Sx1262Bus, be } from "./sx1262-bus.js";
import type { Sx1262Channel } from "./sx1262-settings.js";
import {
  SX_FALLBACK_STDBY_XOSC, SX_IMAGE_863_870, SX_IRQ, SX_MODE_RX, SX_OP, SX_REG, SX_TCXO_DELAY_STEPS, modulationWords,
} from "./sx1262-settings.js";

/** NRESET low time (§8.1: ≥ 100 µs). */
const RESET_PULSE_US = 200;
const IRQ_MASK = SX_IRQ.SYNC_WORD_VALID | SX_IRQ.RX_DONE | SX_IRQ.TIMEOUT;

/**
 * The channel part of the receive set-up (as in configureChip): carrier, modulation, packet parameters, sync word
 * and the RX interrupt mask. A transmission (sx1262-transmit.ts) changes them; these commands put them back.
 */
export function channelCommands(ch: Sx1262Channel, xtalHz: number): number[][] {
  const words = modulationWords(ch, xtalHz);
  return [
    [SX_OP.SET_RF_FREQUENCY, ...be(words.frequency, 4)],
    [SX_OP.SET_MODULATION_PARAMS, ...be(words.bitrate, 3), ch.pulseShape, ch.bandwidthCode, ...be(words.deviation, 3)],
    [SX_OP.SET_PACKET_PARAMS, 0x00, 0x20, ch.preambleDetector, 16, 0x00, 0x00, 0xff, 0x01, 0x00],
    [SX_OP.WRITE_REGISTER, ...be(SX_REG.SYNC_WORD, 2), ...be(ch.syncWord, 2)],
    [SX_OP.SET_DIO_IRQ_PARAMS, ...be(IRQ_MASK, 2), ...be(IRQ_MASK, 2), 0, 0, 0, 0],
  ];
}

/** The board's side of the configuration. */
export interface Sx1262Setup {
  xtalHz: number;
  /** SetDIO3AsTcxoCtrl voltage code (`tcxoCode`), -1 for a crystal. */
  tcxoCode: number;
  dio2AsRfSwitch: boolean;
}

/** OpError bits of GetDeviceErrors (§13.6.1, table 13-85): bits 0–6 and 8 are defined, 7 and 9–15 are RFU. */
const DEVICE_ERROR_MASK = 0x17f;
/** PLL_LOCK (§13.6.1): the PLL failed to lock. Unlike the calibration and XOSC_START flags it means no reception. */
const DEVICE_ERROR_PLL_LOCK = 0x040;

/**
 * Pulses NRESET (when wired) and configures the chip for `ch`, up to but not including SetRx. Returns "" when
 * every command was answered, else what went wrong. Device errors reported after the set-up do not stop it:
 * the flags latch (§13.6.1) and some are harmless (XOSC_START on TCXO boards from power-on, a calibration flag a
 * retry cleared); they go to `deviceErrors` and are cleared, so the watchdog sees only new ones. No field
 * receiver (RadioLib, Semtech's driver) gates reception on them.
 */
export function configureChip(
  bus: Sx1262Bus, reset: DigitalPin | null, timers: RadioTimers, ch: Sx1262Channel, setup: Sx1262Setup,
  deviceErrors: (bits: number) => void = () => undefined,
): string {
  if (reset) {
    reset.write(0);
    timers.delayMicros(RESET_PULSE_US);
    reset.write(1);
  }
  const words = modulationWords(ch, setup.xtalHz);
  const steps: number[][] = [[SX_OP.SET_STANDBY, 0x00]];
  if (setup.tcxoCode >= 0) steps.push([SX_OP.SET_DIO3_AS_TCXO_CTRL, setup.tcxoCode, ...be(SX_TCXO_DELAY_STEPS, 3)]);
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
  if (setup.dio2AsRfSwitch) steps.push([SX_OP.SET_DIO2_AS_RF_SWITCH_CTRL, 0x01]);
  for (const s of steps) if (!bus.command(s)) return `no answer (BUSY stuck) at opcode 0x${s[0].toString(16)}`;
  return takeDeviceErrors(bus, deviceErrors) < 0 ? "no answer to GetDeviceErrors" : "";
}

/** GetDeviceErrors; defined bits set are handed to `report` and cleared (ClearDeviceErrors). The bits, or -1 when stuck. */
function takeDeviceErrors(bus: Sx1262Bus, report: (bits: number) => void): number {
  const read = bus.get(SX_OP.GET_DEVICE_ERRORS, 2);
  if (read < 0) return -1;
  const errors = read & DEVICE_ERROR_MASK;
  if (errors === 0) return 0;
  report(errors);
  return bus.command([SX_OP.CLEAR_DEVICE_ERRORS, 0x00, 0x00]) ? errors : -1;
}

/** After SetRx: "" when the chip reports RX mode, else what it reports. */
export function checkRxMode(bus: Sx1262Bus): string {
  const status = bus.status();
  if (status < 0 || ((status >> 4) & 7) !== SX_MODE_RX) return `not in RX after SetRx (status 0x${(status & 0xff).toString(16)})`; // bits 6:4 only
  return "";
}

/**
 * The watchdog's health check: "" when the chip answers, reports RX mode and still holds the sync word
 * `syncWord`; else what is wrong. Only the chip-mode bits 6:4 of the status byte count: bits 7 and 0 are
 * reserved (§13.5.1, table 13-76) and Semtech's driver masks them too. Device errors are the caller's
 * (takeDeviceErrors): most latch harmlessly.
 */
export function chipProblem(bus: Sx1262Bus, syncWord: number): string {
  const status = bus.status();
  if (status < 0) return "BUSY stuck";
  if (((status >> 4) & 7) !== SX_MODE_RX) return `status 0x${status.toString(16)} is not RX`;
  const sync = bus.readRegister(SX_REG.SYNC_WORD, 2);
  if (!sync) return "BUSY stuck";
  if (((sync[0] << 8) | sync[1]) !== syncWord) return "sync word register lost";
  return "";
}

/** Least time between two re-initialisations for a persistent PLL_LOCK flag. */
const PLL_RESET_EVERY_MS = 60_000;

/** Counters of DeviceErrorWatch (part of the driver's Sx1262Stats). */
export interface DeviceErrorStats {
  deviceErrors: number;
  deviceErrorBits: number;
  pllResets: number;
}

/**
 * The driver's handling of device errors: every reading with a flag is counted, reported and cleared. Only
 * PLL_LOCK found again at the next watchdog check after clearing it means the PLL really is out of lock; that
 * asks for a re-initialisation, at most once per PLL_RESET_EVERY_MS, so a flag that keeps latching without
 * effect never makes a reset loop.
 */
export class DeviceErrorWatch {
  readonly #stats: DeviceErrorStats;
  readonly #diag: (message: string) => void;
  #pllFlagged = false;
  #pllResetAt = -Infinity;

  constructor(stats: DeviceErrorStats, diag: (message: string) => void) {
    this.#stats = stats;
    this.#diag = diag;
  }

  /** The chip is set up again: a flag seen before says nothing about the new set-up. */
  restart(): void {
    this.#pllFlagged = false;
  }

  note(bits: number, when: string): void {
    this.#stats.deviceErrors++;
    this.#stats.deviceErrorBits |= bits;
    // after the set-up cleared the power-on flags, XOSC_START with calibration failures means no clock
    const hint = bits & 0x20 && bits & 0x1f ? " (XOSC_START with calibration errors: is the board's TCXO voltage right?)" : "";
    this.#diag(`sx1262: device errors 0x${bits.toString(16)} (${when})${hint}; cleared, receiving on`);
  }

  /** A watchdog check at `now` ms: "" to go on, else why the chip must be re-initialised. */
  check(bus: Sx1262Bus, now: number): string {
    let pll = false;
    const bits = takeDeviceErrors(bus, (b) => {
      this.note(b, "watchdog");
      pll = (b & DEVICE_ERROR_PLL_LOCK) !== 0;
    });
    if (bits < 0) return "BUSY stuck";
    const persistent = pll && this.#pllFlagged;
    this.#pllFlagged = pll;
    if (!persistent || now - this.#pllResetAt < PLL_RESET_EVERY_MS) return "";
    this.#pllResetAt = now;
    this.#stats.pllResets++;
    return "PLL_LOCK set again after clearing: the PLL lost lock";
  }
}

/** Channel level counted as busy by the watchdog's GetRssiInst (≈ 10 dB above the GFSK sensitivity). */
const BUSY_AIR_DBM = -95;
/** No sync word for this long although the watchdog found the channel busy DEAF_BUSY_SAMPLES times: deaf. */
const DEAF_AFTER_MS = 120_000;
const DEAF_BUSY_SAMPLES = 40;

/**
 * The driver's deafness check: a chip that looks healthy but finds no sync word for DEAF_AFTER_MS while
 * GetRssiInst (§13.5.4) keeps showing a busy channel asks for a re-initialisation.
 */
export class DeafnessWatch {
  readonly #stats: { deafResets: number };
  readonly #timers: RadioTimers;
  /** Last sync word (or initialisation), and busy-channel samples since then. */
  #lastSyncMs = 0;
  #busySamples = 0;

  constructor(stats: { deafResets: number }, timers: RadioTimers) {
    this.#stats = stats;
    this.#timers = timers;
  }

  /** A sync word came (or the chip was initialised): the check starts over. */
  heard(): void {
    this.#lastSyncMs = this.#timers.ticks();
    this.#busySamples = 0;
  }

  /** A watchdog sample while no frame arrives: "" to go on, else why the chip must be re-initialised. */
  check(bus: Sx1262Bus): string {
    const rssi = bus.get(SX_OP.GET_RSSI_INST, 1);
    if (rssi < 0) return "BUSY stuck";
    if (-rssi / 2 >= BUSY_AIR_DBM) this.#busySamples++;
    const silentMs = this.#timers.ticks() - this.#lastSyncMs;
    if (silentMs < DEAF_AFTER_MS || this.#busySamples < DEAF_BUSY_SAMPLES) return "";
    this.#stats.deafResets++;
    return `no sync word for ${Math.round(silentMs / 1000)} s while the channel was busy ${this.#busySamples} times`;
  }
}

/** SetDIO3AsTcxoCtrl voltage code for the board's TCXO (the lowest code not below it), -1 for a crystal. */
export function tcxoCode(volts: number | null): number {
  if (volts === null) return -1;
  for (let i = 0; i < SX1262_TCXO_VOLTAGES.length; i++) if (SX1262_TCXO_VOLTAGES[i] >= volts - 1e-9) return i;
  return SX1262_TCXO_VOLTAGES.length - 1;
}
