/**
 * SX1261/2 facts the chip model needs, written down independently of the driver (firmware/radio/sx1262/) so
 * the simulator checks the driver against the datasheet rather than against itself. Section numbers refer to
 * Semtech DS_SX1261-2 rev. 2.1; the two long-packet registers come from Semtech AN1200.53 (see chip.ts).
 */

/** Command opcodes (§13, table 13-1). */
export const OP = Object.freeze({
  SET_SLEEP: 0x84,
  SET_STANDBY: 0x80,
  SET_FS: 0xc1,
  SET_TX: 0x83,
  SET_TX_PARAMS: 0x8e,
  SET_PA_CONFIG: 0x95,
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
  GET_PACKET_TYPE: 0x11,
  SET_MODULATION_PARAMS: 0x8b,
  SET_PACKET_PARAMS: 0x8c,
  SET_BUFFER_BASE_ADDRESS: 0x8f,
  WRITE_REGISTER: 0x0d,
  READ_REGISTER: 0x1d,
  WRITE_BUFFER: 0x0e,
  READ_BUFFER: 0x1e,
  GET_STATUS: 0xc0,
  GET_RX_BUFFER_STATUS: 0x13,
  GET_PACKET_STATUS: 0x14,
  GET_RSSI_INST: 0x15,
  GET_DEVICE_ERRORS: 0x17,
  CLEAR_DEVICE_ERRORS: 0x07,
});

/** Chip modes as reported in bits 6:4 of the status byte (§13.5.1, table 13-76). */
export const CHIP_MODE = Object.freeze({ SLEEP: 0, STBY_RC: 2, STBY_XOSC: 3, FS: 4, RX: 5, TX: 6 });
/** Command status, bits 3:1 of the status byte (§13.5.1, table 13-76); real chips idle at 1 (RFU). */
export const CMD_STATUS = Object.freeze({ IDLE: 1, DATA_AVAILABLE: 2, TIMEOUT: 3, PROCESSING_ERROR: 4, EXEC_FAILURE: 5 });

/** IRQ bits (§13.3.1, table 13-29). */
export const IRQ = Object.freeze({
  TX_DONE: 0x001,
  RX_DONE: 0x002,
  PREAMBLE_DETECTED: 0x004,
  SYNC_WORD_VALID: 0x008,
  HEADER_VALID: 0x010,
  HEADER_ERR: 0x020,
  CRC_ERR: 0x040,
  TIMEOUT: 0x200,
});

/** OpError bits of GetDeviceErrors (§13.6.1, table 13-85). */
export const DEVICE_ERROR = Object.freeze({
  RC64K_CALIB: 0x001,
  RC13M_CALIB: 0x002,
  PLL_CALIB: 0x004,
  ADC_CALIB: 0x008,
  IMG_CALIB: 0x010,
  XOSC_START: 0x020,
  PLL_LOCK: 0x040,
});

/** Registers (§12, table 12-1) and the two long-packet registers of AN1200.53 (names as in Semtech's
 * sx126x_regs.h: 0x06BB "RX/TX payload length", 0x0803 "RX address pointer"). */
export const REG = Object.freeze({
  SYNC_WORD_0: 0x06c0, // 8 bytes, 0x06C0..0x06C7, first transmitted byte first
  CRC_INIT_MSB: 0x06bc,
  CRC_POLY_MSB: 0x06be,
  /** AN1200.53: the GFSK payload length the packet engine compares its byte counter with, live. */
  PAYLOAD_LENGTH: 0x06bb,
  /** AN1200.53: the RX data pointer (buffer address of the next byte the engine writes). Read only. */
  RX_DATA_POINTER: 0x0803,
  RX_GAIN: 0x08ac,
});

export const XTAL_HZ = 32_000_000;
/** RF frequency step: Fxtal / 2^25 (§13.4.1). */
export const FREQ_STEP_HZ = XTAL_HZ / 33_554_432;
/** GFSK preamble detector length codes → bits (§13.4.6.2, table 13-67); 0x00 = off. */
export const PREAMBLE_DETECTOR_BITS: Readonly<Record<number, number>> = Object.freeze({ 0x00: 0, 0x04: 8, 0x05: 16, 0x06: 24, 0x07: 32 });
/** RX timeout / TCXO delay unit: 15.625 µs (§13.1.4). */
export const TIMEOUT_STEP_US = 15.625;
/** GFSK RX bandwidth codes → double-sideband bandwidth in Hz (§13.4.5.1, table 13-47). */
export const RX_BANDWIDTH_HZ: Readonly<Record<number, number>> = Object.freeze({
  0x1f: 4_800, 0x17: 5_800, 0x0f: 7_300, 0x1e: 9_700, 0x16: 11_700, 0x0e: 14_600, 0x1d: 19_500,
  0x15: 23_400, 0x0d: 29_300, 0x1c: 39_000, 0x14: 46_900, 0x0c: 58_600, 0x1b: 78_200, 0x13: 93_800,
  0x0b: 117_300, 0x1a: 156_200, 0x12: 187_200, 0x0a: 234_300, 0x19: 312_000, 0x11: 373_600, 0x09: 467_000,
});
/** SetDIO3AsTcxoCtrl voltage codes 0..7 (§13.3.6, table 13-35). */
export const TCXO_VOLTS: readonly number[] = Object.freeze([1.6, 1.7, 1.8, 2.2, 2.4, 2.7, 3.0, 3.3]);
/** CalibrateImage frequency pairs (§9.2.1, table 9-2): [freq1, freq2, lowHz, highHz]. */
export const IMAGE_BANDS: readonly (readonly [number, number, number, number])[] = Object.freeze([
  [0x6b, 0x6f, 430e6, 440e6],
  [0x75, 0x81, 470e6, 510e6],
  [0xc1, 0xc5, 779e6, 787e6],
  [0xd7, 0xdb, 863e6, 870e6],
  [0xe1, 0xe9, 902e6, 928e6],
]);

/**
 * How long BUSY stays high after a command, in µs: the datasheet's orders of magnitude (§8.3.1 switching
 * times, table 8-2 / §9.2 calibration durations). Anything not listed takes DEFAULT.
 */
export const BUSY_US = Object.freeze({
  DEFAULT: 2,
  /** Cold start after NRESET incl. the power-on calibration (§8.3.1: ~3.5 ms). */
  RESET: 3_500,
  /** Calibrate(0x7F): all blocks, ~3.5 ms. */
  CALIBRATE: 3_500,
  /** CalibrateImage for one band. */
  CALIBRATE_IMAGE: 1_000,
  /** STDBY_RC → STDBY_XOSC (crystal start); with a TCXO the programmed delay is added. */
  STANDBY_XOSC: 40,
  /** STDBY → RX: XOSC start, PLL lock and RX chain (tens of µs). */
  SET_RX: 80,
  SET_STANDBY: 10,
  /** STDBY_XOSC → TX: PLL lock and PA on (same order as RX); the PA ramp (SetTxParams) follows. */
  SET_TX: 80,
});

// ---- transmit side -----------------------------------------------------------------------------------

/** SetTxParams RampTime codes 0x00..0x07 → µs (§13.4.4, table 13-41). */
export const RAMP_US: readonly number[] = Object.freeze([10, 20, 40, 80, 200, 800, 1700, 3400]);
/**
 * SetPaConfig "optimal settings" for the SX1262 (§13.1.14, table 13-21), each with SetTxParams power +22 dBm:
 * [paDutyCycle, hpMax] → output dBm. deviceSel must be 0 (SX1262), paLut 1.
 */
export const PA_CONFIG_SX1262: readonly (readonly [number, number, number])[] = Object.freeze([
  [0x04, 0x07, 22], [0x03, 0x05, 20], [0x02, 0x03, 17], [0x02, 0x02, 14],
]);
/** §13.1.14: "paDutyCycle should not be higher than 0x04" and hpMax above 0x07 "could result in reduced lifetime". */
export const PA_DUTY_MAX = 0x04;
export const HP_MAX_MAX = 0x07;
/** SetTxParams power range with the high-power PA: −9 … +22 dBm (§13.4.4). */
export const TX_POWER_MIN = -9;
export const TX_POWER_MAX = 22;
