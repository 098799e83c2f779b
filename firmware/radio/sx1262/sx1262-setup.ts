/**
 * SX1262 configuration for wM-Bus receive (§14.5 order) and the watchdog's health check, as functions of the
 * command layer (sx1262-bus.ts). TCXO on DIO3 (§13.3.6) before Calibrate (§13.1.12), then CalibrateImage
 * 0xD7 0xDB for 863–870 MHz (§9.2.1). Pure: io objects are given.
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

/** The board's side of the configuration. */
export interface Sx1262Setup {
  xtalHz: number;
  /** SetDIO3AsTcxoCtrl voltage code (`tcxoCode`), -1 for a crystal. */
  tcxoCode: number;
  dio2AsRfSwitch: boolean;
}

/**
 * Pulses NRESET (when wired) and configures the chip for `ch`, up to but not including SetRx. Returns "" when
 * every command was answered and the chip reports no device errors, else what went wrong.
 */
export function configureChip(bus: Sx1262Bus, reset: DigitalPin | null, timers: RadioTimers, ch: Sx1262Channel, setup: Sx1262Setup): string {
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
  const errors = bus.get(SX_OP.GET_DEVICE_ERRORS, 2);
  if (errors < 0) return "no answer to GetDeviceErrors";
  if (errors & 0x1ff) return `device errors 0x${errors.toString(16)} after calibration (TCXO voltage?)`;
  return "";
}

/** After SetRx: "" when the chip reports RX mode, else what it reports. */
export function checkRxMode(bus: Sx1262Bus): string {
  const status = bus.status();
  if (status < 0 || ((status >> 4) & 7) !== SX_MODE_RX) return `not in RX after SetRx (status 0x${(status & 0xff).toString(16)})`;
  return "";
}

/**
 * The watchdog's health check: "" when the chip answers, reports RX mode with reserved bits clear, still holds
 * the sync word `syncWord` and reports no device errors (e.g. PLL lock lost, §13.6.1); else what is wrong.
 */
export function chipProblem(bus: Sx1262Bus, syncWord: number): string {
  const status = bus.status();
  if (status < 0) return "BUSY stuck";
  const mode = (status >> 4) & 7;
  if ((status & 0x81) !== 0 || mode !== SX_MODE_RX) return `status 0x${status.toString(16)} is not RX`;
  const sync = bus.readRegister(SX_REG.SYNC_WORD, 2);
  if (!sync) return "BUSY stuck";
  if (((sync[0] << 8) | sync[1]) !== syncWord) return "sync word register lost";
  const errors = bus.get(SX_OP.GET_DEVICE_ERRORS, 2);
  if (errors !== 0) return errors < 0 ? "BUSY stuck" : `device errors 0x${errors.toString(16)}`;
  return "";
}

/** SetDIO3AsTcxoCtrl voltage code for the board's TCXO (the lowest code not below it), -1 for a crystal. */
export function tcxoCode(volts: number | null): number {
  if (volts === null) return -1;
  for (let i = 0; i < SX1262_TCXO_VOLTAGES.length; i++) if (SX1262_TCXO_VOLTAGES[i] >= volts - 1e-9) return i;
  return SX1262_TCXO_VOLTAGES.length - 1;
}
