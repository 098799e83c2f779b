/**
 * CC1101 register map, SPI header bits and state codes (TI SWRS061I "CC1101 Low-Power Sub-1 GHz RF
 * Transceiver": §10 SPI interface, §10.1 chip status byte, §29 register overview, Tables 41–43).
 * Pure data, shared by the driver and (as facts only) by the chip simulator.
 */

/** Header byte (§10): bit 7 = read, bit 6 = burst, bits 5..0 = address. */
export const READ = 0x80;
export const BURST = 0x40;

/** Configuration registers 0x00–0x2E (§29, Table 43). */
export const REG = Object.freeze({
  IOCFG2: 0x00, IOCFG1: 0x01, IOCFG0: 0x02, FIFOTHR: 0x03, SYNC1: 0x04, SYNC0: 0x05, PKTLEN: 0x06,
  PKTCTRL1: 0x07, PKTCTRL0: 0x08, ADDR: 0x09, CHANNR: 0x0a, FSCTRL1: 0x0b, FSCTRL0: 0x0c, FREQ2: 0x0d,
  FREQ1: 0x0e, FREQ0: 0x0f, MDMCFG4: 0x10, MDMCFG3: 0x11, MDMCFG2: 0x12, MDMCFG1: 0x13, MDMCFG0: 0x14,
  DEVIATN: 0x15, MCSM2: 0x16, MCSM1: 0x17, MCSM0: 0x18, FOCCFG: 0x19, BSCFG: 0x1a, AGCCTRL2: 0x1b,
  AGCCTRL1: 0x1c, AGCCTRL0: 0x1d, WOREVT1: 0x1e, WOREVT0: 0x1f, WORCTRL: 0x20, FREND1: 0x21, FREND0: 0x22,
  FSCAL3: 0x23, FSCAL2: 0x24, FSCAL1: 0x25, FSCAL0: 0x26, RCCTRL1: 0x27, RCCTRL0: 0x28, FSTEST: 0x29,
  PTEST: 0x2a, AGCTEST: 0x2b, TEST2: 0x2c, TEST1: 0x2d, TEST0: 0x2e,
});
export const CONFIG_REGISTERS = 0x2f;

/** Command strobes (Table 42): header without burst bit, addresses 0x30–0x3D. */
export const STROBE = Object.freeze({
  SRES: 0x30, SFSTXON: 0x31, SXOFF: 0x32, SCAL: 0x33, SRX: 0x34, STX: 0x35, SIDLE: 0x36,
  SWOR: 0x38, SPWD: 0x39, SFRX: 0x3a, SFTX: 0x3b, SWORRST: 0x3c, SNOP: 0x3d,
});

/** Status registers (Table 44): same addresses as the strobes, read with the burst bit set. */
export const STATUS = Object.freeze({
  PARTNUM: 0x30, VERSION: 0x31, FREQEST: 0x32, LQI: 0x33, RSSI: 0x34, MARCSTATE: 0x35, WORTIME1: 0x36,
  WORTIME0: 0x37, PKTSTATUS: 0x38, VCO_VC_DAC: 0x39, TXBYTES: 0x3a, RXBYTES: 0x3b, RCCTRL1_STATUS: 0x3c,
  RCCTRL0_STATUS: 0x3d,
});
export const PATABLE = 0x3e;
export const FIFO = 0x3f;
export const FIFO_SIZE = 64;

/** PARTNUM and VERSION of current silicon (§29.3). */
export const PARTNUM_CC1101 = 0x00;
export const VERSION_CC1101 = 0x14;

/** MARCSTATE values (Table 44, MARC_STATE). */
export const MARC = Object.freeze({
  SLEEP: 0x00, IDLE: 0x01, XOFF: 0x02, VCOON_MC: 0x03, REGON_MC: 0x04, MANCAL: 0x05, VCOON: 0x06, REGON: 0x07,
  STARTCAL: 0x08, BWBOOST: 0x09, FS_LOCK: 0x0a, IFADCON: 0x0b, ENDCAL: 0x0c, RX: 0x0d, RX_END: 0x0e, RX_RST: 0x0f,
  TXRX_SWITCH: 0x10, RXFIFO_OVERFLOW: 0x11, FSTXON: 0x12, TX: 0x13, TX_END: 0x14, RXTX_SWITCH: 0x15,
  TXFIFO_UNDERFLOW: 0x16,
});

/** GDOx signal selections used here (Table 41). Bit 6 of IOCFGx inverts the output. */
export const GDO = Object.freeze({
  /** Asserts when the RX FIFO is at or above the FIFOTHR threshold, de-asserts below it. */
  RX_THRESHOLD: 0x00,
  /** As RX_THRESHOLD, or at end of packet; de-asserts when the RX FIFO is empty. */
  RX_THRESHOLD_OR_END: 0x01,
  /** Asserts when the sync word is received, de-asserts at end of packet or on RX FIFO overflow. */
  SYNC_EOP: 0x06,
  CARRIER_SENSE: 0x0e,
  CHIP_RDYN: 0x29,
  HIGH_Z: 0x2e,
  HW_LOW: 0x2f,
  INVERT: 0x40,
});

/** PKTCTRL0 LENGTH_CONFIG (bits 1..0). */
export const LENGTH = Object.freeze({ FIXED: 0, VARIABLE: 1, INFINITE: 2 });

/** RXBYTES bit 7: the RX FIFO overflowed. */
export const RXBYTES_OVERFLOW = 0x80;

/** RSSI offset at 868 MHz (§17.3, Table 31 / DN505): dBm = RSSI_dec / 2 − 74. */
export const RSSI_OFFSET_DB = 74;
