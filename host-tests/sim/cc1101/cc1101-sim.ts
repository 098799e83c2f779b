/**
 * Register/command-level model of a TI CC1101 (SWRS061I) behind the simulated SPI bus, receiving from the air.
 *
 * SPI (§10): CSn low starts a transaction; each header byte (bit 7 read, bit 6 burst, address) is answered
 * with the chip status byte (§10.1: CHIP_RDYn, STATE, FIFO bytes available: RX FIFO for read headers, free TX
 * FIFO bytes for writes). 0x30–0x3D without burst are command strobes; with burst and read they are the
 * status registers. 0x3F is the FIFO, 0x3E the PATABLE. Config registers auto-increment in burst mode; a
 * single access is followed by a new header. Writes answer each data byte with the status byte.
 *
 * Radio: the tuning is decoded from the registers (carrier FREQ2..0 · f_xosc / 2^16 + FSCTRL0 offset, data
 * rate from MDMCFG4/3, filter bandwidth from MDMCFG4, sync mode and modulation from MDMCFG2, bit-sync limit
 * from BSCFG), so a wrongly configured chip hears nothing. The demodulator listens only in RX (MARCSTATE
 * 0x0D): on entering RX the chip asks the air for signals already under way (AirLink.listen), so a frame whose
 * preamble began during calibration or settling is still caught, provided the whole sync word arrives while in
 * RX (the sync search needs all its bits, §15.2; PKTCTRL1 PQT = 0 asks nothing of the preamble). A sync match
 * starts a packet: bytes go to the 64-byte RX FIFO; an 8-bit byte counter ends the packet in fixed-length mode when it
 * equals PKTLEN (so PKTLEN = length mod 256 plus an infinite→fixed switch gives packets above 255 bytes,
 * §15.3), variable mode takes the first byte as length, infinite mode never ends. After the packet MCSM1
 * RXOFF_MODE decides: IDLE, or back to RX. A byte arriving on a full FIFO sets RXFIFO_OVERFLOW (MARCSTATE
 * 0x11, RXBYTES bit 7); only SFRX leaves it (§20). GDO0/GDO2 follow IOCFG0/2 (Table 41: 0x00, 0x01, 0x06,
 * 0x0E, 0x29, inversion bit 6; other selections read 0 and are counted).
 *
 * Modelled timing (approximate, SWRS061 Table 34): SRES → not ready (CHIP_RDYn high) for 100 µs, during which
 * transactions are ignored; IDLE→RX with calibration (MCSM0 FS_AUTOCAL = 1) 721 µs + 88 µs settling, without
 * 88 µs; SCAL 721 µs.
 *
 * RSSI (§17.3) is the live channel level in the datasheet's format (2·(dBm + 74), two's complement); LQI and
 * FREQEST are latched at sync (LQI is synthetic: lower for stronger signals, CRC_OK bit clear as the chip CRC
 * is off). FREQEST = carrier error in steps of f_xosc / 2^14.
 *
 * Transmit (§15.2, §15.4, §20, §24): a write header on 0x3F fills the 64-byte TX FIFO (write status bytes show
 * its free room, TXBYTES its fill and underflow bit). SFSTXON / STX from IDLE calibrate first when MCSM0
 * FS_AUTOCAL = 1; STX from FSTXON starts after FSTXON_TO_TX_US. In TX the chip emits into the air (`txAir`,
 * default its own air): NUM_PREAMBLE bytes of `1010…`, the sync word (twice in 30/32 mode; nothing with
 * SYNC_MODE 0), then each FIFO byte when its first chip is due (whitened with PN9 when WHITE_DATA, doubled into
 * chip pairs with MANCHESTER_EN), at the carrier, data rate and deviation of its registers and the power of
 * PATABLE[FREND0.PA_POWER] (Table 39) minus `txPathLossDb`. The packet ends at PKTLEN (fixed, 8-bit counter),
 * the first byte + 1 (variable) or never (infinite); an empty FIFO before that is TXFIFO_UNDERFLOW (the signal
 * is cut). Then MCSM1 TXOFF_MODE: IDLE, FSTXON or RX. GDO 0x02 (TX FIFO threshold), 0x05 (underflow) and 0x06
 * (sync sent until end of packet) follow.
 *
 * Faults (`inject`): "miso-stuck" (every byte read is 0xFF), "garbage" (random bytes), "frozen" (the state
 * machine hangs in calibration, MARCSTATE STARTCAL: no reception, strobes other than SRES ignored) and
 * "brownout" (registers back to reset values, IDLE). Without `untilUs` a fault lasts until SRES; with it, until
 * that time whatever the driver does.
 */
import type { Air, AirEmission, AirLink, AirReceiver, AirSignal, RxTuning } from "../air.js";
import type { SimBoard, SpiDevice } from "../io.js";
import { Prng } from "../prng.js";
import {
  ADDR_FIFO, ADDR_PATABLE, BS_LIMIT_FRACTION, CAL_VALID_DELTA_C, CLOCK_DIVIDERS, CMD, CONFIG_COUNT, DEV_ERROR_SLOPE, DEV_MIN_RATIO,
  GDO_CLOCK_FIRST, GDO_SEL, HDR_BURST, HDR_READ, ID_PARTNUM, ID_VERSION, LENGTH_CONFIG, MARCSTATE, PKTLEN_FORBIDDEN, R, RESET_VALUES,
  RSSI_OFFSET_868_DB, RX_FIFO_BYTES, RXBYTES_OVERFLOW_BIT, ST, STATUS_STATE, TIMING_US, channelBandwidthHz, dataRate, deviationHz,
  FSTXON_TO_TX_US, NUM_PREAMBLE_BYTES, PA_868_DBM, PA_OFF_DBM, PA_UNKNOWN_DBM, PREAMBLE_BYTE, TX_FIFO_BYTES, TXBYTES_UNDERFLOW_BIT,
  txThresholdBytes,
} from "./datasheet.js";

const READY_US = TIMING_US.READY_AFTER_SRES;
const CAL_US = TIMING_US.CALIBRATION;
const SETTLE_US = TIMING_US.SETTLE_RX;
const NOISE_FLOOR_DBM = -110;
/** Clock recovery tolerance beyond BS_LIMIT (ASSUMPTION: 2 %, the bit synchroniser's residual pull-in). */
const RATE_SLACK = 0.02;

export type Cc1101Fault = "miso-stuck" | "garbage" | "frozen" | "brownout";

export interface Cc1101SimOptions {
  air: Air;
  board: SimBoard;
  spiPort: number;
  selectGpio: number;
  gdo0Gpio: number;
  gdo2Gpio: number;
  xtalHz?: number;
  seed?: number;
  /** Loss from this chip's antenna to the receivers on its air, dB: their level = output power − loss (default 80). */
  txPathLossDb?: number;
  /** The air its transmissions go to, when it is another place than the one it listens in (a repeater). */
  txAir?: Air;
}

export interface Cc1101SimStats {
  strobes: Record<string, number>;
  /** Strobes with no effect in the current state (e.g. SFRX in RX). */
  ignoredStrobes: number;
  /** Transactions started while CHIP_RDYn was high (ignored). */
  notReadyTransactions: number;
  packets: number;
  overflows: number;
  /** RX FIFO reads while it was empty. */
  underflowReads: number;
  /** Reads that emptied the RX FIFO while a packet was still arriving (SWRZ020 erratum: never do that). */
  drainedWhileReceiving: number;
  /** GDO selections the model does not implement (they read 0). */
  unmodeledGdo: number;
  /** Sync words that began before the chip was in RX (not heard whole: missed). */
  lateForSync: number;
  /** Synthesizer calibrations completed (SCAL, or IDLE→RX with FS_AUTOCAL). */
  calibrations: number;
  /** Writes of the forbidden PKTLEN = 0 (§29 PKTLEN: "must be different from 0"). */
  pktlenZeroWrites: number;
  /** Packets sent completely (TX side). */
  txPackets: number;
  /** TX FIFO ran empty while a packet was being sent (§20: TXFIFO_UNDERFLOW, the packet is cut). */
  txUnderflows: number;
  /** Bytes written to a full TX FIFO (lost). */
  txFifoOverflows: number;
  /** Transmissions with a PATABLE value outside Table 39, and with the PA off (0x00). */
  unknownPaSettings: number;
  paOff: number;
  /** Every transmission on air (for the tests): carrier, chip rate, deviation, level, signal. */
  transmissions: AirSignal[];
}

const STROBE_NAME = new Map<number, string>(Object.entries(CMD).map(([k, v]) => [v, k]));

export class Cc1101Sim implements SpiDevice, AirReceiver {
  readonly regs = Uint8Array.from(RESET_VALUES);
  readonly patable = new Uint8Array(8);
  readonly stats: Cc1101SimStats = { strobes: {}, ignoredStrobes: 0, notReadyTransactions: 0, packets: 0, overflows: 0, underflowReads: 0, drainedWhileReceiving: 0, unmodeledGdo: 0, lateForSync: 0, calibrations: 0, pktlenZeroWrites: 0, txPackets: 0, txUnderflows: 0, txFifoOverflows: 0, unknownPaSettings: 0, paOff: 0, transmissions: [] };
  readonly xtalHz: number;
  private readonly fifo = new Uint8Array(RX_FIFO_BYTES);
  private head = 0;
  private count = 0;
  private overflowed = false;
  private marc: number = MARCSTATE.IDLE;
  /** When the chip last entered RX (µs). */
  private rxFromUs = 0;
  private readyAt = 0;
  private inPacket = false;
  private syncGdo = false;
  private endLatched = false;
  private counter = 0;
  private variableLength = -1;
  private lqi = 0;
  private freqEst = 0;
  private rssiDbm = NOISE_FLOOR_DBM;
  private dieC = 25;
  private calibratedAtC = 25;
  private transition: unknown = null;
  private fault: Cc1101Fault | null = null;
  private faultEnd: unknown = null;
  // SPI transaction state
  private selected = false;
  private ignoring = false;
  private expectHeader = true;
  private addr = 0;
  private isRead = false;
  private isBurst = false;
  private patIndex = 0;
  private readonly prng: Prng;
  private readonly link: AirLink;
  private readonly air: Air;
  private readonly board: SimBoard;
  private readonly gdo0Gpio: number;
  private readonly gdo2Gpio: number;
  // TX side
  private readonly txFifo = new Uint8Array(TX_FIFO_BYTES);
  private txHead = 0;
  private txCount = 0;
  private txUnderflowed = false;
  private emission: AirEmission | null = null;
  private txCounter = 0;
  private txVariable = -1;
  private txManchester = false;
  private txWhite = 0x1ff;
  private txSyncSent = false;
  private txNext: unknown = null;
  private readonly txPathLossDb: number;
  private readonly txAir: Air;

  constructor(options: Cc1101SimOptions) {
    this.txPathLossDb = options.txPathLossDb ?? 80;
    this.txAir = options.txAir ?? options.air;
    this.xtalHz = options.xtalHz ?? 26_000_000;
    this.prng = new Prng(options.seed ?? 0x1101);
    this.board = options.board;
    this.gdo0Gpio = options.gdo0Gpio;
    this.gdo2Gpio = options.gdo2Gpio;
    this.board.attachSpi(this, options.selectGpio, options.spiPort);
    this.air = options.air;
    this.link = options.air.attach(this);
    this.updateGdo();
  }

  private get now(): number {
    return this.board.scheduler.now;
  }

  /** Current MARCSTATE (for tests). */
  get marcState(): number {
    return this.marc;
  }

  get rxFifoBytes(): number {
    return this.count;
  }

  inject(fault: Cc1101Fault, untilUs?: number): void {
    if (fault === "brownout") {
      this.powerOnReset();
      return;
    }
    this.fault = fault;
    if (this.faultEnd) this.board.scheduler.cancel(this.faultEnd);
    this.faultEnd = untilUs === undefined ? null : this.board.scheduler.at(untilUs, () => {
      this.fault = null;
      this.faultEnd = null;
    }, "chip");
    if (fault === "frozen") {
      // the synthesizer calibration never completes (PLL does not lock): MARCSTATE hangs in STARTCAL
      this.cancelTransition();
      if (this.inPacket) this.endPacketState();
      this.marc = MARCSTATE.STARTCAL;
      this.updateGdo();
    }
  }

  get activeFault(): Cc1101Fault | null {
    return this.fault;
  }

  // ---- radio configuration decoded from the registers ------------------------------------------------

  /** Carrier in Hz: FREQ · f_xosc / 2^16 + CHANNR · channel spacing + FSCTRL0 · f_xosc / 2^14 (§21, §16). */
  get frequencyHz(): number {
    const r = this.regs;
    const freq = (r[R.FREQ2] << 16) | (r[R.FREQ1] << 8) | r[R.FREQ0];
    const spacing = (this.xtalHz / 2 ** 18) * (256 + r[R.MDMCFG0]) * 2 ** (r[R.MDMCFG1] & 3);
    const offset = ((r[R.FSCTRL0] << 24) >> 24) * (this.xtalHz / 2 ** 14);
    return (this.xtalHz / 2 ** 16) * freq + r[R.CHANNR] * spacing + offset;
  }

  /** Data rate (§12). */
  get dataRate(): number {
    return dataRate(this.regs[R.MDMCFG4], this.regs[R.MDMCFG3], this.xtalHz);
  }

  /** Channel filter bandwidth (§13). */
  get bandwidthHz(): number {
    return channelBandwidthHz(this.regs[R.MDMCFG4], this.xtalHz);
  }

  /** Expected deviation of incoming 2-FSK signals (DEVIATN, §16.1). */
  get deviationHz(): number {
    return deviationHz(this.regs[R.DEVIATN], this.xtalHz);
  }

  /** Die temperature in °C (the test sets it); the synthesizer calibration goes stale when it moves (datasheet.ts). */
  get temperatureC(): number {
    return this.dieC;
  }
  set temperatureC(c: number) {
    this.dieC = c;
  }

  /** The PLL locks with the last calibration (ASSUMPTION CAL_VALID_DELTA_C, datasheet.ts). */
  get pllLocked(): boolean {
    return Math.abs(this.dieC - this.calibratedAtC) <= CAL_VALID_DELTA_C;
  }

  private calibrated(): void {
    this.calibratedAtC = this.dieC;
    this.stats.calibrations++;
  }

  tuning(): RxTuning | null {
    const m2 = this.regs[R.MDMCFG2];
    const modFormat = (m2 >> 4) & 7;
    const syncMode = m2 & 3; // bit 2 adds carrier sense only
    if (modFormat > 1 || m2 & 0x08 || syncMode === 0) return null; // not 2-FSK/GFSK, chip Manchester, no sync
    if (!this.pllLocked) return null; // stale calibration: the synthesizer is off frequency, nothing is heard
    const expected = this.deviationHz;
    return {
      frequencyHz: this.frequencyHz,
      bandwidthHz: this.bandwidthHz,
      chipRate: this.dataRate,
      rateTolerance: BS_LIMIT_FRACTION[this.regs[R.BSCFG] & 3] + RATE_SLACK,
      syncWord: (this.regs[R.SYNC1] << 8) | this.regs[R.SYNC0],
      syncBits: syncMode === 3 ? 32 : 16,
      syncErrors: syncMode === 1 ? 1 : syncMode === 3 ? 2 : 0,
      chipErrorRate: (s: AirSignal) => {
        const ratio = s.deviationHz / expected;
        return ratio >= DEV_MIN_RATIO ? 0 : Math.min(0.5, DEV_ERROR_SLOPE * (DEV_MIN_RATIO - ratio));
      },
    };
  }

  // ---- air side ----------------------------------------------------------------------------------------

  onSync(s: AirSignal): boolean {
    if (this.fault === "frozen" || this.marc !== MARCSTATE.RX || this.inPacket) return false;
    const syncUs = (this.tuning()?.syncBits ?? 16) * s.chipUs;
    if (this.now - this.rxFromUs < syncUs) {
      this.stats.lateForSync++;
      return false;
    }
    this.inPacket = true;
    this.syncGdo = true;
    this.endLatched = false;
    this.counter = 0;
    this.variableLength = -1;
    this.rssiDbm = s.rssiDbm;
    this.lqi = Math.max(0, Math.min(127, Math.round(-40 - s.rssiDbm))); // synthetic: lower = better, as on the chip
    const step = this.xtalHz / 2 ** 14;
    this.freqEst = Math.max(-128, Math.min(127, Math.round((s.frequencyHz - this.frequencyHz) / step)));
    this.updateGdo();
    return true;
  }

  onByte(b: number): void {
    if (!this.inPacket || this.marc !== MARCSTATE.RX || this.fault === "frozen") {
      this.link.release();
      return;
    }
    if (this.count === RX_FIFO_BYTES) {
      this.stats.overflows++;
      this.overflowed = true;
      this.marc = MARCSTATE.RXFIFO_OVERFLOW;
      this.endPacketState();
      this.updateGdo();
      return;
    }
    this.push(b);
    this.counter = (this.counter + 1) & 0xff;
    const mode = this.regs[R.PKTCTRL0] & 3;
    if (mode === LENGTH_CONFIG.VARIABLE && this.counter === 1) this.variableLength = b;
    const done =
      // PKTLEN = 0 is forbidden; ASSUMPTION: the length match then never happens (the packet runs on)
      mode === LENGTH_CONFIG.FIXED ? this.regs[R.PKTLEN] !== PKTLEN_FORBIDDEN && this.counter === this.regs[R.PKTLEN] : mode === LENGTH_CONFIG.VARIABLE ? this.counter === this.variableLength + 1 : false;
    if (done) this.endPacket();
    this.updateGdo();
  }

  onCarrierLost(): void {
    this.rssiDbm = NOISE_FLOOR_DBM;
  }

  private push(b: number): void {
    this.fifo[(this.head + this.count) % RX_FIFO_BYTES] = b;
    this.count++;
  }

  private endPacketState(): void {
    this.inPacket = false;
    this.syncGdo = false;
    this.link.release();
  }

  private endPacket(): void {
    this.stats.packets++;
    this.endPacketState();
    this.endLatched = true;
    if (this.regs[R.PKTCTRL1] & 0x04) {
      // APPEND_STATUS: RSSI, then CRC_OK | LQI (§15.3)
      if (this.count < RX_FIFO_BYTES) this.push(this.rssiByte());
      if (this.count < RX_FIFO_BYTES) this.push(this.lqi & 0x7f);
    }
    const rxoff = (this.regs[R.MCSM1] >> 2) & 3;
    if (rxoff === 3) this.enteredRx();
    else this.marc = MARCSTATE.IDLE;
  }

  // ---- state machine ---------------------------------------------------------------------------------

  private statusByte(readHeader: boolean): number {
    const ready = this.now >= this.readyAt ? 0 : 0x80;
    const state = this.stateCode();
    // read headers: RX FIFO bytes available; write headers: free TX FIFO bytes (§10.1), both capped at 15
    const fifo = readHeader ? Math.min(15, this.count) : Math.min(15, TX_FIFO_BYTES - this.txCount);
    return ready | (state << 4) | fifo;
  }

  private stateCode(): number {
    switch (this.marc) {
      case MARCSTATE.IDLE:
      case MARCSTATE.SLEEP:
      case MARCSTATE.XOFF:
        return STATUS_STATE.IDLE;
      case MARCSTATE.RX:
      case MARCSTATE.RX_END:
      case MARCSTATE.RX_RST:
        return STATUS_STATE.RX;
      case MARCSTATE.MANCAL:
      case MARCSTATE.STARTCAL:
        return STATUS_STATE.CALIBRATE;
      case MARCSTATE.FS_LOCK:
        return STATUS_STATE.SETTLING;
      case MARCSTATE.RXFIFO_OVERFLOW:
        return STATUS_STATE.RXFIFO_OVERFLOW;
      case MARCSTATE.TX:
      case MARCSTATE.TX_END:
        return STATUS_STATE.TX;
      case MARCSTATE.FSTXON:
        return STATUS_STATE.FSTXON;
      case MARCSTATE.TXFIFO_UNDERFLOW:
        return STATUS_STATE.TXFIFO_UNDERFLOW;
      default:
        return STATUS_STATE.IDLE;
    }
  }

  private go(marc: number, afterUs: number, then: () => void): void {
    this.marc = marc;
    this.cancelTransition();
    this.transition = this.board.scheduler.after(afterUs, () => {
      this.transition = null;
      then();
      this.updateGdo();
    }, "chip");
  }

  private cancelTransition(): void {
    if (this.transition) this.board.scheduler.cancel(this.transition);
    this.transition = null;
  }

  private enterRx(): void {
    const autocal = (this.regs[R.MCSM0] >> 4) & 3;
    const settle = () => this.go(MARCSTATE.FS_LOCK, SETTLE_US, () => this.enteredRx());
    if (autocal === 1) this.go(MARCSTATE.STARTCAL, CAL_US, () => {
      this.calibrated();
      settle();
    });
    else settle();
  }

  /** RX reached: the sync search starts now, also on signals already on air (their preamble is running). */
  private enteredRx(): void {
    this.marc = MARCSTATE.RX;
    this.rxFromUs = this.now;
    this.link.listen();
  }

  private toIdle(): void {
    this.cancelTransition();
    if (this.inPacket) this.endPacketState();
    this.stopTx();
    this.marc = MARCSTATE.IDLE;
  }

  private flushRx(): void {
    this.head = 0;
    this.count = 0;
    this.overflowed = false;
    this.endLatched = false;
  }

  private powerOnReset(): void {
    this.regs.set(RESET_VALUES);
    // ASSUMPTION: the PATABLE reset content is not modelled: all zero (PA off) until the host writes it
    this.patable.fill(0);
    this.stopTx();
    this.txHead = this.txCount = 0;
    this.txUnderflowed = false;
    // ASSUMPTION: the model does not demand a first calibration after reset (the FSCAL reset values are taken as
    // right for the temperature at reset); it models only a calibration going stale as the temperature moves
    this.calibratedAtC = this.dieC;
    this.toIdle();
    this.flushRx();
    this.syncGdo = false;
    this.readyAt = this.now + READY_US;
    if (!this.faultEnd) this.fault = null; // a fault with an end time outlasts resets
    this.board.scheduler.after(READY_US, () => this.updateGdo(), "chip");
    this.updateGdo();
  }

  private strobe(cmd: number): void {
    const name = STROBE_NAME.get(cmd) ?? `0x${cmd.toString(16)}`;
    this.stats.strobes[name] = (this.stats.strobes[name] ?? 0) + 1;
    if (cmd === CMD.SRES) return this.powerOnReset();
    if (this.fault === "frozen") {
      this.stats.ignoredStrobes++;
      return;
    }
    switch (cmd) {
      case CMD.SIDLE:
        if (this.marc === MARCSTATE.RXFIFO_OVERFLOW) this.stats.ignoredStrobes++;
        else this.toIdle();
        break;
      case CMD.SFRX:
        if (this.marc === MARCSTATE.IDLE || this.marc === MARCSTATE.RXFIFO_OVERFLOW) {
          this.flushRx();
          this.marc = MARCSTATE.IDLE;
        } else this.stats.ignoredStrobes++;
        break;
      case CMD.SRX:
        if (this.marc === MARCSTATE.IDLE) this.enterRx();
        else this.stats.ignoredStrobes++;
        break;
      case CMD.SCAL:
        if (this.marc === MARCSTATE.IDLE) this.go(MARCSTATE.MANCAL, CAL_US, () => {
          this.calibrated();
          this.marc = MARCSTATE.IDLE;
        });
        else this.stats.ignoredStrobes++;
        break;
      case CMD.SNOP:
        break;
      case CMD.SFTX:
        // §29 Table 42: "Flush the TX FIFO buffer. Only issue SFTX in IDLE or TXFIFO_UNDERFLOW states"
        if (this.marc === MARCSTATE.IDLE || this.marc === MARCSTATE.TXFIFO_UNDERFLOW) {
          this.txHead = this.txCount = 0;
          this.txUnderflowed = false;
          this.marc = MARCSTATE.IDLE;
        } else this.stats.ignoredStrobes++;
        break;
      case CMD.SFSTXON:
        // synthesizer on and (FS_AUTOCAL = 1) calibrated, then wait in FSTXON for a quick STX (Table 42)
        if (this.marc === MARCSTATE.IDLE) this.startSynth(() => (this.marc = MARCSTATE.FSTXON));
        else this.stats.ignoredStrobes++;
        break;
      case CMD.STX:
        if (this.marc === MARCSTATE.IDLE) this.startSynth(() => this.startTx());
        else if (this.marc === MARCSTATE.FSTXON) this.go(MARCSTATE.FSTXON, FSTXON_TO_TX_US, () => this.startTx());
        else this.stats.ignoredStrobes++;
        break;
      default:
        this.stats.ignoredStrobes++; // WOR, power-down and XOFF are not used by the gateway
    }
    this.updateGdo();
  }

  // ---- transmit side ---------------------------------------------------------------------------------

  /** IDLE → synthesizer running: calibration when MCSM0 FS_AUTOCAL = 1 (from IDLE to RX/TX), then settling. */
  private startSynth(then: () => void): void {
    const autocal = (this.regs[R.MCSM0] >> 4) & 3;
    const settle = () => this.go(MARCSTATE.FS_LOCK, SETTLE_US, then);
    if (autocal === 1) this.go(MARCSTATE.STARTCAL, CAL_US, () => {
      this.calibrated();
      settle();
    });
    else settle();
  }

  /** Output power from PATABLE[FREND0.PA_POWER] (§24: 2-FSK uses this one entry), Table 39. */
  private outputDbm(): number {
    const v = this.patable[this.regs[R.FREND0] & 7];
    if (v === 0) {
      this.stats.paOff++;
      return PA_OFF_DBM;
    }
    const dbm = PA_868_DBM.get(v);
    if (dbm !== undefined) return dbm;
    this.stats.unknownPaSettings++;
    return PA_UNKNOWN_DBM;
  }

  /**
   * TX reached: preamble (MDMCFG1 NUM_PREAMBLE bytes of 1010…, §15.2) and the sync word (SYNC1:SYNC0, twice in
   * 30/32 mode) go on air from the registers, then the FIFO bytes, each taken when its first chip is due (§15.4:
   * an empty FIFO then is an underflow, the packet is cut). MDMCFG2: MOD_FORMAT 2-FSK/GFSK (others: deviation 0
   * for the receivers), MANCHESTER_EN doubles every bit into a chip pair (§16), SYNC_MODE 0 sends neither preamble
   * nor sync. PKTCTRL0: WHITE_DATA XORs the PN9 sequence (§15.1), LENGTH_CONFIG ends the packet at PKTLEN
   * (8-bit counter, as on the RX side), at the first byte + 1 (variable) or never (infinite).
   */
  private startTx(): void {
    if (!this.pllLocked) {
      // stale calibration: the synthesizer is off frequency; the chip "sends" nothing anyone hears
      this.stats.paOff++;
    }
    this.marc = MARCSTATE.TX;
    const m2 = this.regs[R.MDMCFG2];
    const modFormat = (m2 >> 4) & 7;
    const syncMode = m2 & 3;
    this.txManchester = (m2 & 0x08) !== 0;
    this.txWhite = 0x1ff;
    this.txCounter = 0;
    this.txVariable = -1;
    this.txSyncSent = false;
    const head: number[] = [];
    if (syncMode !== 0) {
      const n = NUM_PREAMBLE_BYTES[(this.regs[R.MDMCFG1] >> 4) & 7];
      for (let i = 0; i < n; i++) head.push(PREAMBLE_BYTE);
      const words = syncMode === 3 ? 2 : 1;
      for (let i = 0; i < words; i++) head.push(this.regs[R.SYNC1], this.regs[R.SYNC0]);
    }
    const chips = this.lineCode(Uint8Array.from(head), false);
    const emission = this.txAir.emit({
      frequencyHz: this.frequencyHz,
      chipRate: this.dataRate,
      deviationHz: modFormat <= 1 ? deviationHz(this.regs[R.DEVIATN], this.xtalHz) : 0,
      rssiDbm: this.pllLocked ? this.outputDbm() - this.txPathLossDb : PA_OFF_DBM,
      chips,
      chipCount: chips.length * 8,
    });
    this.emission = emission;
    this.stats.transmissions.push(emission.signal);
    const s = emission.signal;
    const syncEnd = s.start + s.chipCount * s.chipUs;
    this.board.scheduler.at(syncEnd, () => {
      if (this.emission === emission) {
        this.txSyncSent = true;
        this.updateGdo();
      }
    }, "chip");
    this.scheduleTxByte(emission);
  }

  /** Bits → chips: Manchester (MANCHESTER_EN) turns each bit into two chips, 1 → `10`, 0 → `01` (§16). */
  private lineCode(bytes: Uint8Array, white: boolean): Uint8Array {
    const data = white ? bytes.map((b) => this.whiten(b)) : bytes;
    if (!this.txManchester) return data;
    const out = new Uint8Array(data.length * 2);
    for (let i = 0; i < data.length; i++) {
      let w = 0;
      for (let k = 7; k >= 0; k--) w = (w << 2) | ((data[i] >> k) & 1 ? 0b10 : 0b01);
      out[2 * i] = w >> 8;
      out[2 * i + 1] = w & 0xff;
    }
    return out;
  }

  /** PN9 whitening (§15.1): x^9 + x^5 + 1, seeded with all ones; XOR with the low 8 bits, then 8 shifts. */
  private whiten(b: number): number {
    const out = b ^ (this.txWhite & 0xff);
    for (let i = 0; i < 8; i++) {
      const bit = (this.txWhite ^ (this.txWhite >> 5)) & 1;
      this.txWhite = (this.txWhite >> 1) | (bit << 8);
    }
    return out;
  }

  /** The next FIFO byte is taken when its first chip is due. */
  private scheduleTxByte(emission: AirEmission): void {
    const s = emission.signal;
    this.txNext = this.board.scheduler.at(s.start + s.chipCount * s.chipUs, () => this.txByte(emission), "chip");
  }

  private txByte(emission: AirEmission): void {
    this.txNext = null;
    if (this.emission !== emission || this.marc !== MARCSTATE.TX) return;
    const mode = this.regs[R.PKTCTRL0] & 3;
    if (this.txCount === 0) {
      // §20: the TX FIFO ran empty before the end of the packet: TXFIFO_UNDERFLOW, needs SFTX
      this.stats.txUnderflows++;
      this.txUnderflowed = true;
      this.stopTx();
      this.marc = MARCSTATE.TXFIFO_UNDERFLOW;
      this.updateGdo();
      return;
    }
    const b = this.txFifo[this.txHead];
    this.txHead = (this.txHead + 1) % TX_FIFO_BYTES;
    this.txCount--;
    const chips = this.lineCode(Uint8Array.of(b), (this.regs[R.PKTCTRL0] & 0x40) !== 0);
    emission.append(chips);
    this.txCounter = (this.txCounter + 1) & 0xff;
    if (mode === LENGTH_CONFIG.VARIABLE && this.txCounter === 1) this.txVariable = b;
    const done =
      mode === LENGTH_CONFIG.FIXED ? this.regs[R.PKTLEN] !== PKTLEN_FORBIDDEN && this.txCounter === this.regs[R.PKTLEN] : mode === LENGTH_CONFIG.VARIABLE ? this.txCounter === this.txVariable + 1 : false;
    this.updateGdo();
    if (!done) return this.scheduleTxByte(emission);
    const s = emission.signal;
    this.txNext = this.board.scheduler.at(s.start + s.chipCount * s.chipUs, () => this.endTx(emission), "chip");
  }

  /** Packet sent: MCSM1 TXOFF_MODE (bits 1:0) decides: 0 IDLE, 1 FSTXON, 3 RX (2 = TX again: not modelled, IDLE). */
  private endTx(emission: AirEmission): void {
    this.txNext = null;
    if (this.emission !== emission) return;
    this.stats.txPackets++;
    this.stopTx();
    const txoff = this.regs[R.MCSM1] & 3;
    if (txoff === 1) this.marc = MARCSTATE.FSTXON;
    else if (txoff === 3) this.go(MARCSTATE.FS_LOCK, SETTLE_US, () => this.enteredRx());
    else this.marc = MARCSTATE.IDLE;
    this.updateGdo();
  }

  /** Ends the transmission under way (packet done, SIDLE, underflow, reset). */
  private stopTx(): void {
    if (this.txNext) this.board.scheduler.cancel(this.txNext);
    this.txNext = null;
    this.emission?.finish();
    this.emission = null;
    this.txSyncSent = false;
  }

  private writeTxFifo(b: number): void {
    if (this.txCount === TX_FIFO_BYTES) {
      this.stats.txFifoOverflows++;
      return;
    }
    this.txFifo[(this.txHead + this.txCount) % TX_FIFO_BYTES] = b;
    this.txCount++;
    this.updateGdo();
  }

  // ---- registers -------------------------------------------------------------------------------------

  private rssiByte(): number {
    return Math.max(-128, Math.min(127, Math.round((this.rssiDbm + RSSI_OFFSET_868_DB) * 2))) & 0xff;
  }

  /** In RX: the locked signal's level during a packet, else the strongest level in the channel filter. */
  private liveRssi(): number {
    if (this.marc === MARCSTATE.RX && !this.inPacket) {
      const t = this.tuning();
      this.rssiDbm = (t && this.air.levelAt(t.frequencyHz, t.bandwidthHz)) ?? NOISE_FLOOR_DBM;
    }
    return this.rssiByte();
  }

  private readStatus(addr: number): number {
    switch (addr) {
      case ST.TXBYTES:
        return (this.txUnderflowed ? TXBYTES_UNDERFLOW_BIT : 0) | this.txCount;
      case ST.PARTNUM:
        return ID_PARTNUM;
      case ST.VERSION:
        return ID_VERSION;
      case ST.FREQEST:
        return this.freqEst & 0xff;
      case ST.LQI:
        return this.lqi & 0x7f;
      case ST.RSSI:
        return this.liveRssi();
      case ST.MARCSTATE:
        return this.marc & 0x1f;
      case ST.PKTSTATUS:
        return (this.inPacket ? 0x48 : 0) | (this.gdoLevel(this.regs[R.IOCFG2]) << 2) | this.gdoLevel(this.regs[R.IOCFG0]);
      case ST.VCO_VC_DAC:
        return 0x94;
      case ST.RXBYTES:
        return (this.overflowed ? RXBYTES_OVERFLOW_BIT : 0) | this.count;
      default:
        return 0; // TXBYTES, WORTIME, RCCTRL status
    }
  }

  private readFifo(): number {
    if (this.count === 0) {
      this.stats.underflowReads++;
      return 0;
    }
    const b = this.fifo[this.head];
    this.head = (this.head + 1) % RX_FIFO_BYTES;
    this.count--;
    if (this.count === 0 && this.inPacket) this.stats.drainedWhileReceiving++;
    if (this.count === 0) this.endLatched = false;
    this.updateGdo();
    return b;
  }

  private writeConfig(addr: number, v: number): void {
    if (addr >= CONFIG_COUNT) return;
    if (addr === R.PKTLEN && v === PKTLEN_FORBIDDEN) this.stats.pktlenZeroWrites++;
    this.regs[addr] = v;
    // a fixed-length switch while the counter already equals PKTLEN ends the packet at the next match only
    this.updateGdo();
  }

  // ---- SPI ---------------------------------------------------------------------------------------------

  select(active: boolean): void {
    this.selected = active;
    this.expectHeader = true;
    this.ignoring = active && this.now < this.readyAt;
    if (this.ignoring) this.stats.notReadyTransactions++;
  }

  exchange(mosi: number): number {
    const out = this.clock(mosi);
    if (this.fault === "miso-stuck") return 0xff;
    if (this.fault === "garbage") return this.prng.byte();
    return out;
  }

  private clock(b: number): number {
    if (!this.selected) return 0xff;
    if (this.ignoring) {
      // CHIP_RDYn high: the chip is not listening yet; SRES still gets through once ready
      if (this.now >= this.readyAt) this.ignoring = false;
      else return this.statusByte(false);
    }
    if (this.expectHeader) {
      this.isRead = (b & HDR_READ) !== 0;
      this.isBurst = (b & HDR_BURST) !== 0;
      this.addr = b & 0x3f;
      const status = this.statusByte(this.isRead);
      if (this.addr >= 0x30 && this.addr <= 0x3d && !this.isBurst) {
        this.strobe(this.addr);
        return status;
      }
      if (this.addr === ADDR_PATABLE) this.patIndex = 0;
      this.expectHeader = false;
      return status;
    }
    const status = this.statusByte(this.isRead);
    let out = status;
    const a = this.addr;
    if (a === ADDR_FIFO) {
      if (this.isRead) out = this.readFifo();
      else this.writeTxFifo(b);
    } else if (a === ADDR_PATABLE) {
      if (this.isRead) out = this.patable[this.patIndex];
      else this.patable[this.patIndex] = b;
      this.patIndex = (this.patIndex + 1) & 7;
    } else if (a >= 0x30) {
      if (this.isRead) out = this.readStatus(a);
      this.expectHeader = true; // status registers are read one per header
      return out;
    } else {
      if (this.isRead) out = a < CONFIG_COUNT ? this.regs[a] : 0;
      else this.writeConfig(a, b);
      if (this.isBurst) this.addr = a + 1;
    }
    if (!this.isBurst) this.expectHeader = true;
    return out;
  }

  // ---- GDO pins ----------------------------------------------------------------------------------------

  private gdoLevel(cfg: number): number {
    const sel = cfg & 0x3f;
    const thr = 4 * ((this.regs[R.FIFOTHR] & 15) + 1);
    let v: boolean;
    switch (sel) {
      case GDO_SEL.RX_FIFO_THR:
        v = this.count >= thr;
        break;
      case GDO_SEL.RX_FIFO_THR_OR_END:
        v = this.count >= thr || (this.endLatched && this.count > 0);
        break;
      case GDO_SEL.SYNC_TO_EOP:
        v = this.syncGdo || this.txSyncSent; // RX: sync received; TX: sync sent, until the end of the packet
        break;
      case GDO_SEL.TX_FIFO_THR:
        v = this.txCount >= txThresholdBytes(this.regs[R.FIFOTHR]);
        break;
      case GDO_SEL.TX_UNDERFLOW:
        v = this.txUnderflowed;
        break;
      case GDO_SEL.CARRIER_SENSE:
        v = this.inPacket;
        break;
      case GDO_SEL.CHIP_RDYN:
        v = this.now < this.readyAt;
        break;
      case GDO_SEL.HIGH_Z:
      case GDO_SEL.HW_TO_0:
        v = false;
        break;
      default:
        if (sel >= GDO_CLOCK_FIRST) {
          v = false; // a clock (drivePin); PKTSTATUS shows it as 0
          break;
        }
        this.stats.unmodeledGdo++;
        v = false;
    }
    return (v ? 1 : 0) ^ (cfg & GDO_SEL.INVERT ? 1 : 0);
  }

  private updateGdo(): void {
    this.drivePin(this.gdo0Gpio, this.regs[R.IOCFG0]);
    this.drivePin(this.gdo2Gpio, this.regs[R.IOCFG2]);
  }

  /** A level, or for GDOx_CFG 0x30–0x3F the divided crystal clock (Table 41). */
  private drivePin(gpio: number, cfg: number): void {
    const pin = this.board.pin(gpio);
    const sel = cfg & 0x3f;
    if (sel >= GDO_CLOCK_FIRST) {
      pin.clock(this.xtalHz / CLOCK_DIVIDERS[sel - GDO_CLOCK_FIRST]);
      return;
    }
    pin.clock(0);
    pin.drive(this.gdoLevel(cfg));
  }
}
