/**
 * CC1101 facts the chip model needs, written down from TI SWRS061I ("CC1101 Low-Power Sub-1 GHz RF
 * Transceiver") independently of the driver (firmware/radio/cc1101/), so the model checks the driver against the
 * datasheet rather than against the driver's own reading of it. Section and table numbers refer to SWRS061I.
 * Values that are model assumptions rather than datasheet figures are marked ASSUMPTION and listed in
 * docs/radio.md ("What is validated only in simulation").
 */

/** SPI header byte (§10): bit 7 = R/W̄ (1 = read), bit 6 = burst, bits 5..0 = address. */
export const HDR_READ = 0x80;
export const HDR_BURST = 0x40;

/** Configuration register addresses (§29, Table 43), the subset the model interprets. */
export const R = Object.freeze({
  IOCFG2: 0x00, IOCFG1: 0x01, IOCFG0: 0x02, FIFOTHR: 0x03, SYNC1: 0x04, SYNC0: 0x05, PKTLEN: 0x06,
  PKTCTRL1: 0x07, PKTCTRL0: 0x08, CHANNR: 0x0a, FSCTRL0: 0x0c, FREQ2: 0x0d, FREQ1: 0x0e, FREQ0: 0x0f,
  MDMCFG4: 0x10, MDMCFG3: 0x11, MDMCFG2: 0x12, MDMCFG1: 0x13, MDMCFG0: 0x14, DEVIATN: 0x15, MCSM1: 0x17,
  MCSM0: 0x18, BSCFG: 0x1a, FREND0: 0x22,
});
/** Configuration registers are 0x00–0x2E (47 bytes). */
export const CONFIG_COUNT = 0x2f;

/** Reset values of 0x00–0x2E (§29, "Reset" column of each register description). */
export const RESET_VALUES: readonly number[] = Object.freeze([
  0x29, 0x2e, 0x3f, 0x07, 0xd3, 0x91, 0xff, 0x04, 0x45, 0x00, 0x00, 0x0f, 0x00, 0x1e, 0xc4, 0xec,
  0x8c, 0x22, 0x02, 0x22, 0xf8, 0x47, 0x07, 0x30, 0x04, 0x36, 0x6c, 0x03, 0x40, 0x91, 0x87, 0x6b,
  0xf8, 0x56, 0x10, 0xa9, 0x0a, 0x20, 0x0d, 0x41, 0x00, 0x59, 0x7f, 0x3f, 0x88, 0x31, 0x0b,
]);

/** Command strobes (Table 42): addresses 0x30–0x3D written without the burst bit. */
export const CMD = Object.freeze({
  SRES: 0x30, SFSTXON: 0x31, SXOFF: 0x32, SCAL: 0x33, SRX: 0x34, STX: 0x35, SIDLE: 0x36,
  SWOR: 0x38, SPWD: 0x39, SFRX: 0x3a, SFTX: 0x3b, SWORRST: 0x3c, SNOP: 0x3d,
});

/** Status registers (Table 44): the strobe addresses read with the burst bit set. */
export const ST = Object.freeze({
  PARTNUM: 0x30, VERSION: 0x31, FREQEST: 0x32, LQI: 0x33, RSSI: 0x34, MARCSTATE: 0x35, PKTSTATUS: 0x38,
  VCO_VC_DAC: 0x39, TXBYTES: 0x3a, RXBYTES: 0x3b,
});
export const ADDR_PATABLE = 0x3e;
export const ADDR_FIFO = 0x3f;
export const RX_FIFO_BYTES = 64;
/** The TX FIFO is 64 bytes too (§15.4, §20). */
export const TX_FIFO_BYTES = 64;
/** TXBYTES bit 7: TX FIFO underflow (§29 TXBYTES). */
export const TXBYTES_UNDERFLOW_BIT = 0x80;
/** PARTNUM 0x00, VERSION 0x14 (§29.3: "current version" of the silicon). */
export const ID_PARTNUM = 0x00;
export const ID_VERSION = 0x14;

/** STATE field of the chip status byte (§10.1, Table 23). */
export const STATUS_STATE = Object.freeze({ IDLE: 0, RX: 1, TX: 2, FSTXON: 3, CALIBRATE: 4, SETTLING: 5, RXFIFO_OVERFLOW: 6, TXFIFO_UNDERFLOW: 7 });

/** MARCSTATE values (Table 44 / Figure 25 state diagram numbering). */
export const MARCSTATE = Object.freeze({
  SLEEP: 0x00, IDLE: 0x01, XOFF: 0x02, MANCAL: 0x05, STARTCAL: 0x08, FS_LOCK: 0x0a, RX: 0x0d, RX_END: 0x0e,
  RX_RST: 0x0f, RXFIFO_OVERFLOW: 0x11, FSTXON: 0x12, TX: 0x13, TX_END: 0x14, TXFIFO_UNDERFLOW: 0x16,
});

/** GDOx_CFG selections (Table 41) the model implements; bit 6 of IOCFGx inverts the output. */
export const GDO_SEL = Object.freeze({
  RX_FIFO_THR: 0x00,
  RX_FIFO_THR_OR_END: 0x01,
  /** "Asserts when the TX FIFO is filled at or above the TX FIFO threshold. De-asserts when below" (Table 41). */
  TX_FIFO_THR: 0x02,
  TX_UNDERFLOW: 0x05,
  SYNC_TO_EOP: 0x06,
  CARRIER_SENSE: 0x0e,
  CHIP_RDYN: 0x29,
  HIGH_Z: 0x2e,
  HW_TO_0: 0x2f,
  INVERT: 0x40,
});

/**
 * Clock outputs of Table 41: GDOx_CFG 0x30–0x3F give CLK_XOSC divided by these factors (0x30 = /1 …
 * 0x3F = /192). The reset value of IOCFG0 is 0x3F: after power-on and after every SRES GDO0 outputs
 * f_xosc / 192 (135.4 kHz with a 26 MHz crystal) until IOCFG0 is written (§29 IOCFG0; §11.2 recommends
 * it as the MCU clock "in the default state").
 */
export const CLOCK_DIVIDERS: readonly number[] = Object.freeze([1, 1.5, 2, 3, 4, 6, 8, 12, 16, 24, 32, 48, 64, 96, 128, 192]);
export const GDO_CLOCK_FIRST = 0x30;

/** PKTCTRL0 LENGTH_CONFIG (bits 1..0): 0 fixed, 1 variable, 2 infinite (§15.3). */
export const LENGTH_CONFIG = Object.freeze({ FIXED: 0, VARIABLE: 1, INFINITE: 2 });
/** PKTLEN (§29, 0x06): "Indicates the packet length when fixed packet length mode is enabled … must be different from 0." */
export const PKTLEN_FORBIDDEN = 0;

export const RXBYTES_OVERFLOW_BIT = 0x80;
/** RSSI offset at 868 MHz (§17.3, Table 31): dBm = RSSI_dec / 2 − 74. */
export const RSSI_OFFSET_868_DB = 74;

/** Timing (Table 34 at 26 MHz, approximate): SRES to CHIP_RDYn low, calibration, IDLE→RX settling. */
export const TIMING_US = Object.freeze({ READY_AFTER_SRES: 100, CALIBRATION: 721, SETTLE_RX: 88 });

/** BSCFG BS_LIMIT (bits 1..0) → data-rate offset the bit synchroniser compensates (§14.3): 0, ±3.125, ±6.25, ±12.5 %. */
export const BS_LIMIT_FRACTION: readonly number[] = Object.freeze([0, 0.03125, 0.0625, 0.125]);

/** DEVIATN (§16.1, §29 0x15): f_dev = f_xosc / 2^17 · (8 + DEVIATION_M) · 2^DEVIATION_E. */
export function deviationHz(deviatn: number, xtalHz: number): number {
  return (xtalHz / 2 ** 17) * (8 + (deviatn & 7)) * 2 ** ((deviatn >> 4) & 7);
}

/** Data rate (§12): (256 + DRATE_M) · 2^DRATE_E · f_xosc / 2^28. */
export function dataRate(mdmcfg4: number, mdmcfg3: number, xtalHz: number): number {
  return ((256 + mdmcfg3) * 2 ** (mdmcfg4 & 15) * xtalHz) / 2 ** 28;
}

/** Channel filter bandwidth (§13): f_xosc / (8 · (4 + CHANBW_M) · 2^CHANBW_E). */
export function channelBandwidthHz(mdmcfg4: number, xtalHz: number): number {
  return xtalHz / (8 * (4 + ((mdmcfg4 >> 4) & 3)) * 2 ** (mdmcfg4 >> 6));
}

/**
 * Demodulator quality against the configured deviation. §16.1 / §29 DEVIATN: in RX "specifies the expected
 * frequency deviation of incoming signal, must be approximately right for demodulation to be performed
 * reliably and robustly". How fast reception degrades is not in the datasheet; the model (ASSUMPTION) lets a
 * 2-FSK signal whose deviation is at least DEV_MIN_RATIO of the configured one through untouched, and flips each
 * chip of a signal deviating less with probability DEV_ERROR_SLOPE · (DEV_MIN_RATIO − ratio), as the eye
 * closes: a receiver expecting ±50.8 kHz (DEVIATN 0x50) loses C1 meters at their nominal ±45 kHz (ratio 0.89),
 * one expecting ±38.1 kHz (0x44, every field-proven CC1101 wM-Bus receiver) keeps T1, C1 and S1.
 */
export const DEV_MIN_RATIO = 0.95;
export const DEV_ERROR_SLOPE = 0.5;

/**
 * Synthesizer calibration against temperature (§19.2, §22.1 "the frequency synthesizer must be recalibrated
 * … if the temperature has changed"): the VCO calibration (FSCAL values) made at one temperature keeps the PLL
 * in lock only over a limited range. ASSUMPTION: beyond CAL_VALID_DELTA_C from the last calibration the PLL
 * no longer locks and the chip hears nothing until the next calibration (SCAL, or IDLE→RX with FS_AUTOCAL).
 */
export const CAL_VALID_DELTA_C = 40;

// ---- transmit side -----------------------------------------------------------------------------------

/** MDMCFG1 NUM_PREAMBLE (bits 6:4) → preamble bytes sent (§29 MDMCFG1). */
export const NUM_PREAMBLE_BYTES: readonly number[] = Object.freeze([2, 3, 4, 6, 8, 12, 16, 24]);
/** §15.2: "The preamble pattern is an alternating sequence of ones and zeros (10101010…)". */
export const PREAMBLE_BYTE = 0xaa;
/** FIFOTHR FIFO_THR (bits 3:0) → TX FIFO threshold in bytes: 61 − 4·FIFO_THR (§29 FIFOTHR table: 0 → 61 … 15 → 1). */
export function txThresholdBytes(fifothr: number): number {
  return 61 - 4 * (fifothr & 15);
}

/**
 * Output power of PATABLE values at 868 MHz (Table 39, "optimum PATABLE settings", 868 MHz column), dBm.
 * Values not in this table are counted as `unknownPaSettings` and taken as PA_UNKNOWN_DBM (ASSUMPTION: the table
 * lists the settings TI characterised; the model does not interpolate); 0x00 is the PA off.
 */
export const PA_868_DBM: ReadonlyMap<number, number> = new Map([
  [0x03, -30], [0x0f, -20], [0x1e, -15], [0x27, -10], [0x50, 0], [0x81, 5], [0xcb, 7], [0xc2, 10], [0xc0, 10],
]);
export const PA_UNKNOWN_DBM = -30;
export const PA_OFF_DBM = -200;
/**
 * FSTXON → TX: the synthesizer already runs, only the PA ramps. ASSUMPTION: 25 µs, of the order of the RX↔TX
 * turnaround of Table 34 (the datasheet does not list this transition on its own).
 */
export const FSTXON_TO_TX_US = 25;
