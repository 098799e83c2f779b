/**
 * SX1262 command set and the two wM-Bus receive channels as data (Semtech DS_SX1261-2 rev. 2.1; section
 * numbers below refer to it). Pure: no io, no Moddable, no Node.
 */
import type { RadioListen } from "../radio.js";
import { RADIO_SYNC_S, RADIO_SYNC_TC } from "../../phy/sync.js";

/** Opcodes used by the driver (§13, table 13-1). */
export const SX_OP = Object.freeze({
  SET_STANDBY: 0x80,
  SET_TX: 0x83,
  SET_TX_PARAMS: 0x8e,
  SET_PA_CONFIG: 0x95,
  WRITE_BUFFER: 0x0e,
  SET_RX: 0x82,
  SET_RX_TX_FALLBACK_MODE: 0x93,
  SET_REGULATOR_MODE: 0x96,
  CALIBRATE: 0x89,
  CALIBRATE_IMAGE: 0x98,
  SET_DIO_IRQ_PARAMS: 0x08,
  GET_IRQ_STATUS: 0x12,
  CLEAR_IRQ_STATUS: 0x02,
  SET_DIO2_AS_RF_SWITCH_CTRL: 0x9d,
  SET_DIO3_AS_TCXO_CTRL: 0x97,
  SET_RF_FREQUENCY: 0x86,
  SET_PACKET_TYPE: 0x8a,
  SET_MODULATION_PARAMS: 0x8b,
  SET_PACKET_PARAMS: 0x8c,
  SET_BUFFER_BASE_ADDRESS: 0x8f,
  WRITE_REGISTER: 0x0d,
  READ_REGISTER: 0x1d,
  READ_BUFFER: 0x1e,
  GET_STATUS: 0xc0,
  GET_RX_BUFFER_STATUS: 0x13,
  GET_PACKET_STATUS: 0x14,
  GET_RSSI_INST: 0x15,
  GET_DEVICE_ERRORS: 0x17,
  CLEAR_DEVICE_ERRORS: 0x07,
});

/** IRQ bits (§13.3.1, table 13-29). */
export const SX_IRQ = Object.freeze({
  TX_DONE: 0x001,
  RX_DONE: 0x002,
  PREAMBLE_DETECTED: 0x004,
  SYNC_WORD_VALID: 0x008,
  HEADER_ERR: 0x020,
  CRC_ERR: 0x040,
  TIMEOUT: 0x200,
  ALL: 0x3ff,
});

export const SX_REG = Object.freeze({
  /** Sync word bytes 0x06C0..0x06C7, first transmitted byte first (§12, table 12-1). */
  SYNC_WORD: 0x06c0,
  /** RX gain: 0x96 = boosted (§9.6). */
  RX_GAIN: 0x08ac,
  /** "RX/TX payload length", compared live with the packet byte count (Semtech AN1200.53; sx126x_regs.h). */
  PAYLOAD_LENGTH: 0x06bb,
  /** "RX address pointer": where the next received byte goes in the 256-byte buffer (same sources). */
  RX_DATA_POINTER: 0x0803,
});

/** Status byte (§13.5.1): bits 6:4 chip mode; RX = 5. Bits 7 and 0 are reserved (0). */
export const SX_MODE_RX = 5;

/** SetRx timeout 0 = single mode without timeout: RX until one packet is received, then the fallback mode (§13.1.4). */
export const SX_RX_SINGLE = 0x000000;
/** SetRxTxFallbackMode 0x30 = STDBY_XOSC: the TCXO keeps running, so re-arming RX is quick (§13.1.9). */
export const SX_FALLBACK_STDBY_XOSC = 0x30;
/** CalibrateImage for the 863–870 MHz band (§9.2.1, table 9-2). */
export const SX_IMAGE_863_870 = Object.freeze([0xd7, 0xdb]);
/** TCXO start-up time given to SetDIO3AsTcxoCtrl, in 15.625 µs steps: 320 = 5 ms (§13.3.6). */
export const SX_TCXO_DELAY_STEPS = 320;

/** One GFSK receive configuration. Words are computed from these numbers by `modulationWords`. */
export interface Sx1262Channel {
  frequencyHz: number;
  /** Chip rate in bit/s: the chip receives line-coded chips and the PHY decodes them in software. */
  bitrate: number;
  deviationHz: number;
  /** RX bandwidth code (§13.4.5.1, table 13-47). */
  bandwidthCode: number;
  /** SetModulationParams pulse shape: 0x00 = no filter. */
  pulseShape: number;
  syncWord: number;
  /** SetPacketParams preamble detector: 0x05 = 16 bits (T1 sends ≥ 32 preamble chips before 0x543D, C 32). */
  preambleDetector: number;
  /** FIFO bytes the frame assembler needs to know the frame length: T/C 3, S 2. */
  headerBytes: number;
}

/**
 * T1+C1 share 868.95 MHz, 100 kcps, ±50 kHz (C ±45 kHz): 312 kHz bandwidth (Carson 2·50 + 100 = 200 kHz plus
 * crystal tolerances). S1: 868.30 MHz, 32.768 kcps Manchester chips, ±50 kHz, 234 kHz (esp32-receivers §3.3).
 */
export const SX1262_CHANNELS: Readonly<Record<RadioListen, Readonly<Sx1262Channel>>> = Object.freeze({
  TC: Object.freeze({
    frequencyHz: 868_950_000, bitrate: 100_000, deviationHz: 50_000, bandwidthCode: 0x19, pulseShape: 0x00,
    syncWord: RADIO_SYNC_TC, preambleDetector: 0x05, headerBytes: 3,
  }),
  S: Object.freeze({
    frequencyHz: 868_300_000, bitrate: 32_768, deviationHz: 50_000, bandwidthCode: 0x0a, pulseShape: 0x00,
    syncWord: RADIO_SYNC_S, preambleDetector: 0x05, headerBytes: 2,
  }),
});

/** §13.4.1: RF word = f · 2^25 / Fxtal. §13.4.5: BR = 32 · Fxtal / bitrate, Fdev word = fdev · 2^25 / Fxtal. */
export function modulationWords(ch: Sx1262Channel, xtalHz: number): { frequency: number; bitrate: number; deviation: number } {
  return {
    frequency: Math.round((ch.frequencyHz / xtalHz) * 33_554_432),
    bitrate: Math.round((32 * xtalHz) / ch.bitrate),
    deviation: Math.round((ch.deviationHz / xtalHz) * 33_554_432),
  };
}
