/**
 * CC1101 receive register sets for the two wM-Bus channels, as data (one row per register, 0x00–0x2E).
 * Values follow TI AN067 (SWRA234) T-mode/S-mode settings as restated in docs/device-notes.md §3,
 * with our GDO mapping and packet handling; meanings decoded per SWRS061 §29. The carrier word is computed
 * from the frequency and the board's crystal (FREQ = f · 2^16 / f_xosc, rounded, §21).
 */
import type { RadioListen } from "../radio.js";
import { CONFIG_REGISTERS, GDO, LENGTH, REG } from "./cc1101-registers.js";
import { deepFreeze } from "../../util/freeze.js";

type Row = readonly [register: number, value: number, why: string];

/** T1 + C1 on 868.95 MHz, 2-FSK, 100 kcps (TI's 103 kBaud), sync 0x543D. */
const TC_ROWS: readonly Row[] = deepFreeze([
  [REG.IOCFG2, GDO.RX_THRESHOLD, "GDO2 = RX FIFO at/above FIFOTHR (interrupt2)"],
  [REG.IOCFG1, GDO.HIGH_Z, "GDO1 is MISO"],
  [REG.IOCFG0, GDO.SYNC_EOP, "GDO0 = sync seen until end of packet (interrupt)"],
  [REG.FIFOTHR, 0x00, "RX threshold 4 bytes until the header is read"],
  [REG.SYNC1, 0x54, "sync 0x543D: preamble tail + T sync, and C's first sync word"],
  [REG.SYNC0, 0x3d, ""],
  [REG.PKTLEN, 0xff, "set per frame"],
  [REG.PKTCTRL1, 0x00, "no address check, no appended status"],
  [REG.PKTCTRL0, LENGTH.INFINITE, "no whitening, no chip CRC, infinite length until the L-field is known"],
  [REG.ADDR, 0x00, ""],
  [REG.CHANNR, 0x00, ""],
  [REG.FSCTRL1, 0x08, "IF 203 kHz"],
  [REG.FSCTRL0, 0x00, "frequency offset compensation, updated from FREQEST"],
  [REG.FREQ2, 0x00, "computed"],
  [REG.FREQ1, 0x00, "computed"],
  [REG.FREQ0, 0x00, "computed"],
  [REG.MDMCFG4, 0x5c, "RX filter 325 kHz, DRATE_E 12"],
  [REG.MDMCFG3, 0x04, "103.15 kBaud"],
  [REG.MDMCFG2, 0x06, "2-FSK, no Manchester, 16/16 sync bits + carrier sense"],
  [REG.MDMCFG1, 0x22, "no FEC, CHANSPC_E 2"],
  [REG.MDMCFG0, 0xf8, "channel spacing 199.95 kHz"],
  [REG.DEVIATN, 0x44, "expected deviation ±38.1 kHz (AN067 T-mode RX value; 0x50 = ±50.8 kHz is the TX value)"],
  [REG.MCSM2, 0x07, "RX time until end of packet"],
  [REG.MCSM1, 0x00, "IDLE after a packet: the driver re-arms RX with a fresh length setup"],
  [REG.MCSM0, 0x18, "calibrate IDLE→RX, PO_TIMEOUT ≈ 150 µs"],
  [REG.FOCCFG, 0x2e, "frequency offset compensation gated by carrier sense, limit ±BW/4"],
  [REG.BSCFG, 0xbf, "bit sync limit ±12.5 %"],
  [REG.AGCCTRL2, 0x43, ""],
  [REG.AGCCTRL1, 0x09, ""],
  [REG.AGCCTRL0, 0xb5, ""],
  [REG.WOREVT1, 0x87, "WOR unused"],
  [REG.WOREVT0, 0x6b, ""],
  [REG.WORCTRL, 0xfb, ""],
  [REG.FREND1, 0xb6, ""],
  [REG.FREND0, 0x10, ""],
  [REG.FSCAL3, 0xea, "SmartRF calibration values"],
  [REG.FSCAL2, 0x2a, ""],
  [REG.FSCAL1, 0x00, ""],
  [REG.FSCAL0, 0x1f, ""],
  [REG.RCCTRL1, 0x41, ""],
  [REG.RCCTRL0, 0x00, ""],
  [REG.FSTEST, 0x59, ""],
  [REG.PTEST, 0x7f, ""],
  [REG.AGCTEST, 0x3f, ""],
  [REG.TEST2, 0x81, "RX BW ≤ 325 kHz sensitivity setting"],
  [REG.TEST1, 0x35, ""],
  [REG.TEST0, 0x09, ""],
]);

/** S1 on 868.30 MHz, 32.768 kcps chips (Manchester decoded in software), sync 0x7696; differences only. */
const S_ROWS: readonly Row[] = deepFreeze([
  [REG.SYNC1, 0x76, "last 16 of S's 18 sync chips"],
  [REG.SYNC0, 0x96, ""],
  [REG.MDMCFG4, 0x6a, "RX filter 270.8 kHz, DRATE_E 10"],
  [REG.MDMCFG3, 0x4a, "32.73 kBaud = the chip rate"],
  [REG.DEVIATN, 0x47, "±47.6 kHz"],
  [REG.BSCFG, 0x6d, "bit sync limit ±3.125 %"],
  [REG.AGCCTRL2, 0x04, ""],
  [REG.AGCCTRL1, 0x09, ""],
  [REG.AGCCTRL0, 0xb2, ""],
]);

export const CHANNEL_FREQUENCY_HZ: Readonly<Record<RadioListen, number>> = Object.freeze({ TC: 868_950_000, S: 868_300_000 });

/** Microseconds per FIFO byte (8 chips) on each channel: 80 µs at 100 kcps, 244 µs at 32.768 kcps. */
export const FIFO_BYTE_US: Readonly<Record<RadioListen, number>> = Object.freeze({ TC: 80, S: 244.140625 });

/** FIFOTHR values: 4 bytes while waiting for the header, 32 bytes afterwards (§15.4, Table 44 FIFO_THR). */
export const FIFOTHR_HEADER = 0x00;
export const FIFOTHR_BODY = 0x07;

/** The 47 configuration bytes for a burst write at 0x00. */
export function settingsImage(listen: RadioListen, xtalHz = 26_000_000): Uint8Array {
  const image = new Uint8Array(CONFIG_REGISTERS);
  for (const [r, v] of TC_ROWS) image[r] = v;
  if (listen === "S") for (const [r, v] of S_ROWS) image[r] = v;
  const freq = Math.round((CHANNEL_FREQUENCY_HZ[listen] * 65536) / xtalHz);
  image[REG.FREQ2] = (freq >> 16) & 0xff;
  image[REG.FREQ1] = (freq >> 8) & 0xff;
  image[REG.FREQ0] = freq & 0xff;
  return image;
}
