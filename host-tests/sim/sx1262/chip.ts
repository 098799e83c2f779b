/**
 * Command-level model of a Semtech SX1262 in GFSK receive (DS_SX1261-2 rev. 2.1 §13) on the simulated board
 * (host-tests/sim/io.ts) and air (host-tests/sim/air.ts):
 *
 *   - SPI: a command is the bytes clocked while NSS is low and executes on the NSS rising edge (§8.3.1).
 *     MISO returns the status byte (§13.5.1) on command bytes and the data of Get/Read commands.
 *   - BUSY is high while a command executes (BUSY_US in datasheet.ts). NSS falling while BUSY is high is a
 *     protocol error: the chip ignores that command and `protocolErrors` records it (§8.3.1: the host must
 *     wait for BUSY low before every command).
 *   - DIO1 = (IRQ status & DIO1 mask) ≠ 0; only IRQs enabled in the IRQ mask are flagged (§13.3.1).
 *   - Receive: the chip offers the air a tuning (frequency, RX bandwidth, bit rate, 16-bit sync word of
 *     0x06C0) only when it is in RX, in GFSK, calibrated, with its reference clock running (a TCXO board
 *     needs DIO3 powered at ≥ its voltage) and a deviation near the 50 kHz the meters use: a wrongly
 *     configured chip hears nothing. The air finds the sync word (its search stands in for the preamble
 *     detector) and then hands over the bytes after it, each when its last chip has been received. A chip
 *     that enters RX while a preamble is on air still finds that signal's sync word (AirLink.listen), provided
 *     it has listened for the preamble detector's length plus the sync word before the sync word ends.
 *   - IRQ handling (§13.3): an IRQ bit is set the moment its event happens, whatever the host is doing, and
 *     stays set until ClearIrqStatus clears that bit. DIO1 is the OR of the masked bits, so a bit set while
 *     another is still pending makes no new edge: a host that clears only the bits it read (GetIrqStatus …
 *     BUSY … ClearIrqStatus) leaves DIO1 high when an event lands in between, and an edge-triggered input
 *     never fires again. `afterCommand` lets a test put an event exactly into that window.
 *   - GetRssiInst (§13.5.4) in RX reports the level on air in the receive bandwidth (noise floor when quiet).
 *
 *   - Transmit (§13.1.4 SetTx, §13.1.14 SetPaConfig, §13.4.4 SetTxParams): see `setTx` below; the packet goes
 *     to `txAir` (default the chip's own air) at the level of its PA configuration minus `txPathLossDb`.
 *
 * Data buffer (§7.2): 256 bytes addressed with 8 bits, so it is a ring. "In continuous mode the RX data
 * pointer is incremented starting from the previous position": packets follow each other and wrap past 255.
 * GetRxBufferStatus gives the start address and the 8-bit length of the last packet (§13.5.2).
 *
 * Frames longer than 255 bytes, the method modelled (Semtech AN1200.53, "SX126x GFSK long packets"): the
 * packet engine counts the bytes of a packet modulo 256 and ends the packet (RxDone) when the count equals
 * the payload-length register 0x06BB, which it reads live; 0x0803 reads the RX data pointer. A host that
 * reads the ring while the packet arrives and keeps 0x06BB ahead of the count receives packets of any
 * length; one that only waits for RxDone gets at most 255 bytes, as the datasheet's 8-bit lengths allow.
 * Continuous RX (SetRx 0xFFFFFF) searches for the next sync word right after RxDone; single RX (SetRx 0)
 * goes to the fallback mode and restarts at RxBaseAddr on the next SetRx (§7.2). Semtech's long-packet
 * library computes its 0x06BB values from the RX pointer of packets that start at address 0, where the
 * pointer and the byte count agree; the model counts bytes, and the driver keeps every packet at address 0
 * (single RX, re-armed per packet) so both readings give the same result.
 */
import type { Air, AirEmission, AirLink, AirReceiver, AirSignal, RxTuning } from "../air.js";
import type { SimBoard, SpiDevice } from "../io.js";
import { Prng } from "../prng.js";
import {
  BUSY_US, CHIP_MODE, CMD_STATUS, DEVICE_ERROR, FREQ_STEP_HZ, IRQ, OP, PREAMBLE_DETECTOR_BITS, REG, RX_BANDWIDTH_HZ,
  TCXO_VOLTS, TIMEOUT_STEP_US, XTAL_HZ, HP_MAX_MAX, PA_CONFIG_SX1262, PA_DUTY_MAX, RAMP_US, TX_POWER_MAX, TX_POWER_MIN,
} from "./datasheet.js";

/** Faults a test can inject; a NRESET pulse clears them (a wedged chip that a hardware reset revives). */
export type Sx1262Fault = "stuckBusy" | "garbageSpi" | "frozen" | "pllUnlock" | "deaf";

export interface Sx1262SimOptions {
  board: SimBoard;
  air: Air;
  spiPort: number;
  selectGpio: number;
  busyGpio: number;
  dio1Gpio: number;
  resetGpio?: number;
  /** The board's TCXO supply voltage on DIO3, or null for a crystal (then no DIO3 setup is needed). */
  tcxoVoltage?: number | null;
  /** GFSK sensitivity in dBm (datasheet §3.5 order of magnitude). */
  sensitivityDbm?: number;
  /**
   * Value of the status byte's reserved bits 7 and 0 (§13.5.1, table 13-76: "Reserved"). The datasheet does
   * not say what they read; the model returns 0 unless a test sets them (e.g. 0x81) to check the host masks them.
   */
  reservedStatusBits?: number;
  seed?: number;
  /** The board routes the antenna switch from DIO2 (Heltec V3): TX without SetDIO2AsRfSwitchCtrl reaches the antenna weakly. */
  rfSwitchOnDio2?: boolean;
  /** Loss from this chip's antenna to the receivers on its air, dB (default 84: +14 dBm arrives at −70 dBm). */
  txPathLossDb?: number;
  /** The air its transmissions go to, when it is another place than the one it listens in (a repeater). */
  txAir?: Air;
}

/** Sensitivity lost when the image calibration does not cover the frequency (assumption, order of magnitude). */
const IMAGE_PENALTY_DB = 10;
/** Bit-rate offset the GFSK demodulator tolerates (assumption). */
const BITRATE_TOLERANCE = 0.1;
/** wM-Bus FSK deviation; the chip's setting must be within a factor of two of it. */
const METER_DEVIATION_HZ = 50_000;
const NOISE_RSSI_DBM = -115;
/**
 * Demodulator against the incoming deviation (ASSUMPTION, as the CC1101 model's): a 2-FSK signal deviating less
 * than DEV_MIN_RATIO of the programmed deviation loses chips with probability DEV_MIN_RATIO − ratio (≤ 0.5).
 */
const DEV_MIN_RATIO = 0.6;
/** TX with the antenna switch not driven (ASSUMPTION: the switch's isolation, order of magnitude). */
const RF_SWITCH_OFF_DB = 50;
const PA_OFF_DBM = -200;
/** GFSK preamble bits on air (ASSUMPTION: alternating, starting with 0, the 0x55 pattern). */
const PREAMBLE_FIRST_CHIP = 0;

interface Packet {
  startPtr: number;
  count: number;
  /** Variable-length packets: total bytes from the length byte; -1 for fixed length (register 0x06BB). */
  variableTotal: number;
  rssiDbm: number;
}

type Handler = (chip: Sx1262Sim, p: Uint8Array) => void;

export class Sx1262Sim implements SpiDevice, AirReceiver {
  /** Everything the host did wrong (command while BUSY, unknown opcode, short parameters): test evidence. */
  readonly protocolErrors: string[] = [];
  /** Syncs declined because the signal is below sensitivity (raised when the image calibration misses the band). */
  declined = 0;
  commands = 0;
  /** NRESET pulses seen. */
  resets = 0;
  packets = 0;
  /** Syncs declined because RX had not been on for the preamble detector plus the sync word. */
  lateForSync = 0;
  /** Packets sent (TxDone), every transmission's air signal, and transmissions with a PA problem (why). */
  txPackets = 0;
  readonly transmissions: AirSignal[] = [];
  readonly paProblems: string[] = [];
  /**
   * Test hook: runs after each executed or answered command (opcode given), while its BUSY time runs — the
   * window between a host's GetIrqStatus and its ClearIrqStatus. `raiseIrq` from here is an event in the window.
   */
  afterCommand: ((op: number) => void) | null = null;

  // --- chip state (reset by NRESET) ---
  mode: number = CHIP_MODE.STBY_RC;
  packetType = 0x01;
  rfFrequencyWord = 0;
  bitrateWord = 0;
  pulseShape = 0;
  bandwidthCode = 0;
  fdevWord = 0;
  preambleDetector = 0;
  syncWordBits = 0;
  variableLength = false;
  crcType = 0x01;
  irqMask = 0;
  dio1Mask = 0;
  irqStatus = 0;
  deviceErrors = 0;
  tcxoCode = -1;
  tcxoDelayUs = 0;
  dio2RfSwitch = false;
  regulatorMode = 0;
  /** SetPaConfig (null until the host sends it) and SetTxParams. */
  paConfig: { dutyCycle: number; hpMax: number; deviceSel: number; paLut: number } | null = null;
  txPowerDbm = 0;
  rampCode = 0;
  txPreambleBits = 0;
  whitening = false;
  /** Where single-mode RX goes after a packet or timeout. */
  fallbackMode: number = CHIP_MODE.STBY_RC;
  /** Set by Calibrate(0x7F) with a running clock; crystal boards calibrate at power-on. */
  calibrated = false;
  /** [low, high] Hz covered by the last CalibrateImage; the power-on default is 902–928 MHz (§9.2.1). */
  imageBand: [number, number] = [902e6, 928e6];
  rxBase = 0;
  txBase = 0;
  rxPointer = 0;
  readonly buffer = new Uint8Array(256);
  regs = new Map<number, number>();
  cmdStatus: number = CMD_STATUS.IDLE;
  private lastRxStart = 0;
  private lastRxLength = 0;
  private rssiSync = 0;
  private rssiAvg = 0;
  private rxStatus = 0;
  private rxContinuous = false;
  private rxFromUs = 0;
  private rxTimeout: unknown = null;
  private packet: Packet | null = null;
  private emission: AirEmission | null = null;
  private txEnd: unknown = null;
  private readonly rfSwitchOnDio2: boolean;
  private readonly txPathLossDb: number;
  private readonly txAir: Air;

  // --- pins, bus ---
  private readonly board: SimBoard;
  private readonly link: AirLink;
  private readonly air: Air;
  private readonly busyGpio: number;
  private readonly dio1Gpio: number;
  private readonly tcxoNeeded: number | null;
  private readonly sensitivityDbm: number;
  /** The status byte's reserved bits 7 and 0 as this chip reads them (option `reservedStatusBits`; tests may set it). */
  reservedStatusBits: number;
  private readonly prng: Prng;
  private busyUntilUs = 0;
  private inReset = false;
  readonly faults = new Set<Sx1262Fault>();
  private selected = false;
  private frameRejected = false;
  private mosi: number[] = [];
  private response: number[] | null = null;

  constructor(options: Sx1262SimOptions) {
    this.board = options.board;
    this.busyGpio = options.busyGpio;
    this.dio1Gpio = options.dio1Gpio;
    this.tcxoNeeded = options.tcxoVoltage ?? null;
    this.rfSwitchOnDio2 = options.rfSwitchOnDio2 ?? false;
    this.txPathLossDb = options.txPathLossDb ?? 84;
    this.txAir = options.txAir ?? options.air;
    this.sensitivityDbm = options.sensitivityDbm ?? -104;
    this.reservedStatusBits = (options.reservedStatusBits ?? 0) & 0x81;
    this.prng = new Prng(options.seed ?? 0x1262);
    this.board.attachSpi(this, options.selectGpio, options.spiPort);
    if (options.resetGpio !== undefined) this.board.pin(options.resetGpio, 1).watch((level) => this.nreset(level));
    this.air = options.air;
    this.link = options.air.attach(this);
    this.powerOn();
  }

  private get now(): number {
    return this.board.scheduler.now;
  }

  inject(fault: Sx1262Fault): void {
    this.faults.add(fault);
    if (fault === "stuckBusy") this.board.pin(this.busyGpio).drive(1);
    if (fault === "frozen") this.endRx(this.mode);
    // answers normally, hears nothing; PLL_LOCK latches again after every ClearDeviceErrors while it lasts
    if (fault === "pllUnlock") this.deviceErrors |= DEVICE_ERROR.PLL_LOCK;
    // "deaf": the demodulator finds no sync word any more while everything the host can read looks healthy
  }

  /**
   * Device-error bits that latch without any effect on reception (§13.6.1: the OpError flags stay set until
   * ClearDeviceErrors), e.g. XOSC_START after a TCXO start or a calibration flag that a retry would clear.
   */
  latchHarmlessErrors(bits: number): void {
    this.deviceErrors |= bits & 0x1ff;
  }

  get faulty(): boolean {
    return this.faults.size > 0;
  }

  /** Carrier frequency the chip is tuned to, in Hz (§13.4.1). */
  get frequencyHz(): number {
    return this.rfFrequencyWord * FREQ_STEP_HZ;
  }

  /** GFSK bit rate: 32 · Fxtal / BR (§13.4.5). */
  get bitrate(): number {
    return this.bitrateWord ? (32 * XTAL_HZ) / this.bitrateWord : 0;
  }

  get deviationHz(): number {
    return this.fdevWord * FREQ_STEP_HZ;
  }

  get tcxoVolts(): number | null {
    return this.tcxoCode >= 0 ? TCXO_VOLTS[this.tcxoCode] : null;
  }

  register(address: number): number {
    if (address === REG.RX_DATA_POINTER) return this.rxPointer;
    return this.regs.get(address) ?? 0;
  }

  // ---------------------------------------------------------------- pins

  /** NRESET: low holds the chip in reset, the rising edge starts it (§8.1). */
  private nreset(level: number): void {
    if (!level) {
      this.inReset = true;
      this.endRx(this.mode);
      this.board.pin(this.busyGpio).drive(1);
      return;
    }
    if (!this.inReset) return;
    this.inReset = false;
    this.resets++;
    this.powerOn();
  }

  private setBusy(us: number): void {
    const until = this.now + us;
    if (until > this.busyUntilUs) this.busyUntilUs = until;
    this.board.pin(this.busyGpio).drive(1);
    this.board.scheduler.at(this.busyUntilUs, () => this.releaseBusy(), "chip");
  }

  private releaseBusy(): void {
    if (this.now >= this.busyUntilUs && !this.inReset && !this.faults.has("stuckBusy")) this.board.pin(this.busyGpio).drive(0);
  }

  private get busy(): boolean {
    return this.board.pin(this.busyGpio).level === 1;
  }

  setIrq(value: number): void {
    this.irqStatus = value & 0xffff;
    this.board.pin(this.dio1Gpio).drive(this.irqStatus & this.dio1Mask ? 1 : 0);
  }

  /** An IRQ event: sets the bits enabled in the IRQ mask (§13.3.1); DIO1 follows. */
  raiseIrq(bits: number): void {
    this.setIrq(this.irqStatus | (bits & this.irqMask));
  }

  // ---------------------------------------------------------------- SPI (io.ts SpiDevice)

  select(active: boolean): void {
    if (active) {
      this.selected = true;
      this.mosi = [];
      this.response = null;
      this.frameRejected = false;
      if (this.inReset) this.reject("NSS low while the chip is held in reset");
      else if (this.busy) this.reject("NSS low while BUSY is high");
      else if (this.mode === CHIP_MODE.SLEEP) {
        // Wake-up on NSS falling (§9.3); the command is lost.
        this.mode = CHIP_MODE.STBY_RC;
        this.frameRejected = true;
        this.setBusy(BUSY_US.RESET);
      }
      return;
    }
    if (!this.selected) return;
    this.selected = false;
    if (!this.frameRejected && this.mosi.length > 0 && !this.faults.has("frozen") && !this.faults.has("garbageSpi")) {
      this.execute(Uint8Array.from(this.mosi));
    }
  }

  exchange(mosi: number): number {
    const index = this.mosi.length;
    this.mosi.push(mosi);
    return this.miso(index);
  }

  private reject(why: string): void {
    this.frameRejected = true;
    this.protocolErrors.push(`${why} (t = ${this.now} µs)`);
  }

  private status(): number {
    return (this.reservedStatusBits & 0x81) | ((this.mode & 7) << 4) | ((this.cmdStatus & 7) << 1);
  }

  /** MISO for byte `index` of the current NSS frame (§13: Get commands answer after one status byte). */
  private miso(index: number): number {
    if (this.faults.has("garbageSpi")) return this.prng.byte();
    if (this.faults.has("frozen") || this.frameRejected) return 0x00;
    const op = this.mosi[0];
    if (op === OP.READ_REGISTER) {
      if (index < 4) return this.status();
      return this.register((((this.mosi[1] << 8) | this.mosi[2]) + index - 4) & 0xffff);
    }
    if (op === OP.READ_BUFFER) {
      if (index < 3) return this.status();
      return this.buffer[(this.mosi[1] + index - 3) & 0xff];
    }
    if (index < 2) return this.status();
    if (this.response === null) this.response = this.answer(op);
    return this.response[index - 2] ?? 0;
  }

  /** Data bytes of a Get command, captured at its first data byte. */
  private answer(op: number): number[] {
    const rx = this.mode === CHIP_MODE.RX;
    switch (op) {
      case OP.GET_IRQ_STATUS: return [this.irqStatus >> 8, this.irqStatus & 0xff];
      case OP.GET_RX_BUFFER_STATUS: return [this.lastRxLength, this.lastRxStart];
      // Packet status reads 0 once the chip has left RX (esp32-receivers §4.11): the host must cache it.
      case OP.GET_PACKET_STATUS: return rx ? [this.rxStatus, this.rssiSync, this.rssiAvg] : [0, 0, 0];
      case OP.GET_RSSI_INST: return [rssiByte(this.rssiNow())];
      case OP.GET_DEVICE_ERRORS: return [this.deviceErrors >> 8, this.deviceErrors & 0xff];
      case OP.GET_PACKET_TYPE: return [this.packetType];
      default: return [];
    }
  }

  /** Level in the receive bandwidth while in RX (§13.5.4), the noise floor otherwise. */
  private rssiNow(): number {
    if (this.mode !== CHIP_MODE.RX) return NOISE_RSSI_DBM;
    const bw = RX_BANDWIDTH_HZ[this.bandwidthCode] ?? 0;
    return Math.max(NOISE_RSSI_DBM, this.air.levelAt(this.frequencyHz, bw) ?? NOISE_RSSI_DBM);
  }

  private execute(frame: Uint8Array): void {
    this.executeCommand(frame);
    this.afterCommand?.(frame[0]);
  }

  private executeCommand(frame: Uint8Array): void {
    const op = frame[0];
    this.setBusy(BUSY_US.DEFAULT);
    const entry = COMMANDS.get(op);
    if (!entry) {
      if (!READS.has(op)) {
        this.cmdStatus = CMD_STATUS.PROCESSING_ERROR;
        this.protocolErrors.push(`unknown opcode 0x${op.toString(16)}`);
      }
      return;
    }
    const [need, handler] = entry;
    const p = frame.subarray(1);
    if (p.length < need) {
      this.cmdStatus = CMD_STATUS.PROCESSING_ERROR;
      this.protocolErrors.push(`opcode 0x${op.toString(16)}: ${p.length} parameter bytes, needs ${need}`);
      return;
    }
    this.commands++;
    this.cmdStatus = CMD_STATUS.IDLE;
    handler(this, p);
  }

  // ---------------------------------------------------------------- air (air.ts AirReceiver)

  /** Whether the reference clock runs: a TCXO board needs DIO3 to supply at least its voltage. */
  clockRunning(): boolean {
    return this.tcxoNeeded === null || (this.tcxoVolts !== null && this.tcxoVolts >= this.tcxoNeeded - 1e-9);
  }

  /** Why the chip cannot hear anything right now ("" when it can). */
  deafness(): string {
    if (this.faults.has("frozen") || this.inReset) return "frozen or in reset";
    if (this.faults.has("pllUnlock")) return "PLL unlocked";
    if (this.faults.has("deaf")) return "demodulator deaf";
    if (this.mode !== CHIP_MODE.RX || this.now < this.rxFromUs) return "not in RX";
    if (this.packetType !== 0x00) return "packet type is not GFSK";
    if (!this.clockRunning()) return "reference clock not running (TCXO on DIO3 not powered)";
    if (!this.calibrated) return "not calibrated";
    if (RX_BANDWIDTH_HZ[this.bandwidthCode] === undefined) return "invalid RX bandwidth";
    if (this.deviationHz < METER_DEVIATION_HZ / 2 || this.deviationHz > METER_DEVIATION_HZ * 2) return "deviation far from 50 kHz";
    if (this.syncWordBits !== 16) return "sync word length is not 16 bits";
    return "";
  }

  tuning(): RxTuning | null {
    if (this.deafness()) return null;
    return {
      frequencyHz: this.frequencyHz,
      bandwidthHz: RX_BANDWIDTH_HZ[this.bandwidthCode],
      chipRate: this.bitrate,
      rateTolerance: BITRATE_TOLERANCE,
      syncWord: (this.register(REG.SYNC_WORD_0) << 8) | this.register(REG.SYNC_WORD_0 + 1),
      syncBits: 16,
      syncErrors: 0,
      chipErrorRate: (s: AirSignal) => {
        const ratio = s.deviationHz / this.deviationHz;
        return ratio >= DEV_MIN_RATIO ? 0 : Math.min(0.5, DEV_MIN_RATIO - ratio);
      },
    };
  }

  onSync(s: AirSignal): boolean {
    if (this.packet || this.deafness()) return false;
    // §13.4.6.2: the preamble detector needs its length of preamble, then the 16 sync bits, all while in RX
    const listenUs = ((PREAMBLE_DETECTOR_BITS[this.preambleDetector] ?? 0) + this.syncWordBits) * s.chipUs;
    if (this.now - this.rxFromUs < listenUs) {
      this.lateForSync++;
      return false;
    }
    const band = this.imageBand;
    const inBand = s.frequencyHz >= band[0] && s.frequencyHz <= band[1];
    if (s.rssiDbm < this.sensitivityDbm + (inBand ? 0 : IMAGE_PENALTY_DB)) {
      this.declined++;
      return false;
    }
    this.packet = { startPtr: this.rxPointer, count: 0, variableTotal: -1, rssiDbm: s.rssiDbm };
    this.rssiSync = rssiByte(s.rssiDbm);
    this.rxStatus = 0;
    if (this.rxTimeout) this.board.scheduler.cancel(this.rxTimeout); // the RX timer stops at sync (§13.1.7)
    this.rxTimeout = null;
    this.raiseIrq(IRQ.PREAMBLE_DETECTED | IRQ.SYNC_WORD_VALID);
    return true;
  }

  /** One demodulated byte after the sync word: into the ring; ends the packet at the programmed length. */
  onByte(b: number): void {
    const p = this.packet;
    if (!p) return;
    this.buffer[this.rxPointer] = b;
    this.rxPointer = (this.rxPointer + 1) & 0xff;
    p.count++;
    if (this.variableLength && p.count === 1) {
      // Variable length (§6.2.3.1): the first byte is the payload length; above the maximum → HeaderErr.
      if (b > this.register(REG.PAYLOAD_LENGTH)) return this.endPacket(p, IRQ.HEADER_ERR);
      p.variableTotal = 1 + b + (this.crcType === 0x01 ? 0 : this.crcType & 2 ? 2 : 1);
    }
    const done = p.variableTotal >= 0 ? p.count === p.variableTotal : (p.count & 0xff) === this.register(REG.PAYLOAD_LENGTH);
    if (done) this.endPacket(p, this.crcFails(p) ? IRQ.CRC_ERR | IRQ.RX_DONE : IRQ.RX_DONE);
  }

  onCarrierLost(): void {
    // The packet engine cannot tell: it keeps storing noise bytes until the programmed length.
  }

  /**
   * The optional GFSK CRC (§6.2.3.4): CRC-16 with the seed and polynomial of 0x06BC–0x06BF, inverted for
   * types 0x04/0x06; 1-byte types use the low byte. wM-Bus leaves it off (0x01): its CRCs are per block.
   */
  private crcFails(p: Packet): boolean {
    if (this.crcType === 0x01) return false;
    const width = this.crcType & 2 ? 2 : 1;
    const n = p.count - width;
    const poly = (this.register(REG.CRC_POLY_MSB) << 8) | this.register(REG.CRC_POLY_MSB + 1);
    let crc = (this.register(REG.CRC_INIT_MSB) << 8) | this.register(REG.CRC_INIT_MSB + 1);
    for (let i = 0; i < n; i++) {
      crc ^= this.buffer[(p.startPtr + i) & 0xff] << 8;
      for (let k = 0; k < 8; k++) crc = crc & 0x8000 ? ((crc << 1) ^ poly) & 0xffff : (crc << 1) & 0xffff;
    }
    if (this.crcType & 4) crc ^= 0xffff;
    const at = (i: number) => this.buffer[(p.startPtr + n + i) & 0xff];
    return width === 2 ? ((at(0) << 8) | at(1)) !== crc : at(0) !== (crc & 0xff);
  }

  private endPacket(p: Packet, irq: number): void {
    this.link.release();
    this.packet = null;
    this.packets++;
    this.lastRxStart = p.startPtr;
    this.lastRxLength = p.count & 0xff;
    this.rssiAvg = rssiByte(p.rssiDbm);
    this.rxStatus = irq & IRQ.CRC_ERR ? 0x12 : irq & IRQ.HEADER_ERR ? 0x08 : 0x02;
    this.raiseIrq(irq);
    if (!this.rxContinuous) this.mode = this.fallbackMode; // single mode: to the fallback mode (§13.1.3, §13.1.9)
  }

  get nowUs(): number {
    return this.now;
  }

  setBusyFor(us: number): void {
    this.setBusy(us);
  }

  /** Output level at the antenna from the PA configuration (see setTx); problems go to `paProblems`. */
  private outputDbm(): number {
    const pa = this.paConfig;
    if (!pa) {
      this.paProblems.push("no SetPaConfig since reset");
      return PA_OFF_DBM;
    }
    if (pa.deviceSel !== 0) {
      this.paProblems.push("SetPaConfig deviceSel 1 selects the SX1261 PA, which an SX1262 does not have");
      return PA_OFF_DBM;
    }
    if (pa.dutyCycle > PA_DUTY_MAX || pa.hpMax > HP_MAX_MAX || pa.paLut !== 1) {
      this.paProblems.push(`SetPaConfig out of specification (paDutyCycle ${pa.dutyCycle}, hpMax ${pa.hpMax}, paLut ${pa.paLut})`);
      return PA_OFF_DBM;
    }
    const row = PA_CONFIG_SX1262.find(([d, h]) => d === pa.dutyCycle && h === pa.hpMax);
    if (!row) {
      this.paProblems.push(`SetPaConfig ${pa.dutyCycle}/${pa.hpMax} is not a table 13-21 setting`);
      return PA_OFF_DBM;
    }
    const power = Math.max(TX_POWER_MIN, Math.min(TX_POWER_MAX, this.txPowerDbm));
    let dbm = row[2] - (TX_POWER_MAX - power);
    if (this.rfSwitchOnDio2 && !this.dio2RfSwitch) {
      this.paProblems.push("antenna switch on DIO2 not enabled (SetDIO2AsRfSwitchCtrl)");
      dbm -= RF_SWITCH_OFF_DB;
    }
    return dbm;
  }

  /** Puts the packet on air at `atUs` (see setTx). */
  startEmission(atUs: number, timeout: number): void {
    const bytes: number[] = [];
    const bits: number[] = [];
    for (let i = 0; i < this.txPreambleBits; i++) bits.push((i & 1) ^ PREAMBLE_FIRST_CHIP);
    for (let i = 0; i < this.syncWordBits; i++) bits.push((this.register(REG.SYNC_WORD_0 + (i >> 3)) >> (7 - (i & 7))) & 1);
    const n = this.register(REG.PAYLOAD_LENGTH);
    let lfsr = 0x1ff;
    for (let i = 0; i < n; i++) {
      let b = this.buffer[(this.txBase + i) & 0xff];
      if (this.whitening) {
        b ^= lfsr & 0xff;
        for (let k = 0; k < 8; k++) lfsr = (lfsr >> 1) | (((lfsr ^ (lfsr >> 5)) & 1) << 8);
      }
      bytes.push(b);
    }
    if (this.crcType !== 0x01) bytes.push(0, ...(this.crcType & 2 ? [0] : [])); // CRC value irrelevant to wM-Bus receivers
    for (const b of bytes) for (let k = 7; k >= 0; k--) bits.push((b >> k) & 1);
    const chips = new Uint8Array((bits.length + 7) >> 3);
    bits.forEach((v, i) => { if (v) chips[i >> 3] |= 0x80 >> (i & 7); });
    const emission = this.txAir.emit({
      frequencyHz: this.frequencyHz,
      chipRate: this.bitrate,
      deviationHz: this.deviationHz,
      rssiDbm: this.outputDbm() - this.txPathLossDb,
      chips,
      chipCount: bits.length,
      at: atUs,
    });
    emission.finish();
    this.emission = emission;
    this.transmissions.push(emission.signal);
    const end = emission.signal.end;
    const limit = timeout ? this.now + timeout * TIMEOUT_STEP_US : Infinity;
    this.txEnd = this.board.scheduler.at(Math.min(end, limit), () => {
      this.txEnd = null;
      this.emission = null;
      if (end <= limit) {
        this.txPackets++;
        this.raiseIrq(IRQ.TX_DONE);
      } else this.raiseIrq(IRQ.TIMEOUT);
      this.mode = this.fallbackMode;
    }, "chip");
  }

  /** Aborts a transmission (SetStandby, reset): the signal is cut where it is now. */
  private stopTx(): void {
    if (this.txEnd) this.board.scheduler.cancel(this.txEnd);
    this.txEnd = null;
    const e = this.emission;
    this.emission = null;
    if (!e) return;
    const s = e.signal;
    const sent = Math.max(0, Math.floor((this.now - s.start) / s.chipUs));
    if (sent < s.chipCount) {
      s.chipCount = sent;
      s.end = s.start + sent * s.chipUs;
    }
  }

  /** Leaves RX or TX (aborts a packet either way) and sets `mode`. */
  endRx(mode: number): void {
    this.stopTx();
    if (this.packet) this.link.release();
    this.packet = null;
    if (this.rxTimeout) this.board.scheduler.cancel(this.rxTimeout);
    this.rxTimeout = null;
    this.mode = mode;
  }

  // ---------------------------------------------------------------- power-on and command handlers

  private powerOn(): void {
    this.faults.clear();
    this.endRx(CHIP_MODE.STBY_RC);
    this.packetType = 0x01; // LoRa after reset (§13.4.2)
    this.rfFrequencyWord = this.bitrateWord = this.fdevWord = this.pulseShape = this.bandwidthCode = 0;
    this.preambleDetector = this.syncWordBits = 0;
    this.variableLength = false;
    this.crcType = 0x01;
    this.irqMask = this.dio1Mask = 0;
    this.tcxoCode = -1;
    this.tcxoDelayUs = 0;
    this.dio2RfSwitch = false;
    this.regulatorMode = 0;
    this.paConfig = null;
    this.txPowerDbm = this.rampCode = this.txPreambleBits = 0;
    this.whitening = false;
    this.fallbackMode = CHIP_MODE.STBY_RC;
    // A crystal board calibrates itself at power-on; with a TCXO the clock does not run yet, so that
    // calibration fails (XOSC start error) until the host powers the TCXO and calibrates again.
    this.calibrated = this.tcxoNeeded === null;
    this.deviceErrors = this.calibrated ? 0 : DEVICE_ERROR.XOSC_START;
    this.imageBand = [902e6, 928e6];
    this.rxBase = this.txBase = this.rxPointer = 0;
    this.regs = new Map([
      [REG.PAYLOAD_LENGTH, 0xff], [REG.RX_GAIN, 0x94],
      [REG.CRC_INIT_MSB, 0x1d], [REG.CRC_INIT_MSB + 1, 0x0f], [REG.CRC_POLY_MSB, 0x10], [REG.CRC_POLY_MSB + 1, 0x21],
    ]);
    this.cmdStatus = CMD_STATUS.IDLE;
    this.busyUntilUs = 0;
    this.setIrq(0);
    this.setBusy(BUSY_US.RESET);
  }

  /** §13.1.2 SetStandby: 0 = STDBY_RC, 1 = STDBY_XOSC. A TCXO's start-up delay applies when it was off. */
  static setStandby(c: Sx1262Sim, p: Uint8Array): void {
    const xosc = p[0] === 1;
    const oscOff = c.mode === CHIP_MODE.STBY_RC || c.mode === CHIP_MODE.SLEEP;
    c.endRx(xosc ? CHIP_MODE.STBY_XOSC : CHIP_MODE.STBY_RC);
    if (xosc && !c.clockRunning()) c.deviceErrors |= DEVICE_ERROR.XOSC_START;
    c.setBusy(xosc ? BUSY_US.STANDBY_XOSC + (oscOff ? c.tcxoDelayUs : 0) : BUSY_US.SET_STANDBY);
  }

  /** §13.1.3 SetRx: timeout × 15.625 µs; 0 = single (back to STDBY_RC after a packet), 0xFFFFFF = continuous. */
  static setRx(c: Sx1262Sim, p: Uint8Array): void {
    const timeout = (p[0] << 16) | (p[1] << 8) | p[2];
    if (!c.clockRunning()) {
      c.deviceErrors |= DEVICE_ERROR.XOSC_START | DEVICE_ERROR.PLL_LOCK;
      c.cmdStatus = CMD_STATUS.EXEC_FAILURE;
    }
    const oscOff = c.mode === CHIP_MODE.STBY_RC || c.mode === CHIP_MODE.SLEEP;
    const delay = c.mode === CHIP_MODE.RX ? BUSY_US.DEFAULT : BUSY_US.SET_RX + (oscOff ? c.tcxoDelayUs : 0);
    c.endRx(CHIP_MODE.RX);
    c.rxContinuous = timeout === 0xffffff;
    if (!c.rxContinuous) c.rxPointer = c.rxBase; // §7.2: single mode restarts at RxBaseAddr
    c.setBusy(delay);
    c.rxFromUs = c.now + delay;
    // once in RX, a preamble already on air can still be caught
    c.board.scheduler.at(c.rxFromUs, () => { if (c.mode === CHIP_MODE.RX) c.link.listen(); }, "chip");
    if (timeout !== 0 && !c.rxContinuous) {
      c.rxTimeout = c.board.scheduler.at(c.rxFromUs + timeout * TIMEOUT_STEP_US, () => {
        c.rxTimeout = null;
        if (c.mode !== CHIP_MODE.RX || c.packet) return;
        c.mode = c.fallbackMode;
        c.raiseIrq(IRQ.TIMEOUT);
      }, "chip");
    }
  }

  /** §13.1.12 Calibrate: 0x7F = every block; needs the reference clock. */
  static calibrate(c: Sx1262Sim, p: Uint8Array): void {
    c.setBusy(BUSY_US.CALIBRATE + c.tcxoDelayUs);
    if (!c.clockRunning()) {
      c.deviceErrors |= DEVICE_ERROR.XOSC_START | DEVICE_ERROR.PLL_CALIB | DEVICE_ERROR.ADC_CALIB;
      c.calibrated = false;
      return;
    }
    if ((p[0] & 0x7f) === 0x7f) c.calibrated = true;
  }

  /** §9.2.1 CalibrateImage: two frequencies in 4 MHz steps (0xD7 0xDB = 860–876 MHz, the 863–870 MHz band). */
  static calibrateImage(c: Sx1262Sim, p: Uint8Array): void {
    c.setBusy(BUSY_US.CALIBRATE_IMAGE);
    if (!c.clockRunning()) {
      c.deviceErrors |= DEVICE_ERROR.IMG_CALIB;
      return;
    }
    c.imageBand = [p[0] * 4e6, p[1] * 4e6];
  }

  static writeRegister(c: Sx1262Sim, p: Uint8Array): void {
    const address = (p[0] << 8) | p[1];
    for (let i = 2; i < p.length; i++) {
      const a = (address + i - 2) & 0xffff;
      if (a !== REG.RX_DATA_POINTER) c.regs.set(a, p[i]);
    }
  }

  /** §13.4.6 GFSK: preamble length (2), detector, sync bits, address filter, length type, payload, CRC, whitening. */
  static setPacketParams(c: Sx1262Sim, p: Uint8Array): void {
    c.txPreambleBits = (p[0] << 8) | p[1];
    c.whitening = p[8] === 0x01;
    c.preambleDetector = p[2];
    c.syncWordBits = p[3];
    c.variableLength = p[5] === 0x01;
    c.regs.set(REG.PAYLOAD_LENGTH, p[6]);
    c.crcType = p[7];
  }

  /** §13.4.5 GFSK: bit rate (3), pulse shape, bandwidth, deviation (3). */
  static setModulationParams(c: Sx1262Sim, p: Uint8Array): void {
    c.bitrateWord = (p[0] << 16) | (p[1] << 8) | p[2];
    c.pulseShape = p[3];
    c.bandwidthCode = p[4];
    c.fdevWord = (p[5] << 16) | (p[6] << 8) | p[7];
    if (RX_BANDWIDTH_HZ[c.bandwidthCode] === undefined) c.cmdStatus = CMD_STATUS.PROCESSING_ERROR;
  }

  static setDioIrqParams(c: Sx1262Sim, p: Uint8Array): void {
    c.irqMask = (p[0] << 8) | p[1];
    c.dio1Mask = (p[2] << 8) | p[3];
    c.setIrq(c.irqStatus);
  }

  /** §13.1.9 SetRxTxFallbackMode: 0x20 STDBY_RC (default), 0x30 STDBY_XOSC, 0x40 FS. */
  static setFallbackMode(c: Sx1262Sim, p: Uint8Array): void {
    const mode = FALLBACK_MODES.get(p[0]);
    if (mode === undefined) c.cmdStatus = CMD_STATUS.PROCESSING_ERROR;
    else c.fallbackMode = mode;
  }

  /** §13.4.8: sets both base addresses; the model also moves the RX data pointer there, so a host re-arming
   * continuous RX knows where the next packet starts. */
  static setBufferBase(c: Sx1262Sim, p: Uint8Array): void {
    c.txBase = p[0];
    c.rxBase = p[1];
    c.rxPointer = p[1];
  }

  /** §13.3.6 SetDIO3AsTcxoCtrl: voltage code, start-up delay in 15.625 µs steps. */
  static setTcxo(c: Sx1262Sim, p: Uint8Array): void {
    c.tcxoCode = p[0] & 7;
    c.tcxoDelayUs = ((p[1] << 16) | (p[2] << 8) | p[3]) * TIMEOUT_STEP_US;
  }
}

// ---------------------------------------------------------------- transmit side

/**
 * §13.1.4 SetTx (timeout × 15.625 µs, 0 = none): from STDBY/FS, with the reference clock running and calibrated,
 * the chip switches to TX (BUSY, BUSY_US.SET_TX plus the TCXO start when the oscillator was off), ramps the PA
 * (SetTxParams RampTime, table 13-41) and sends the GFSK packet (§6.2.3): PacketParams preamble length in bits
 * (alternating, PREAMBLE_FIRST_CHIP), the sync word of 0x06C0 (its SyncWordLength bits, first byte first),
 * then PayloadLength bytes from the buffer at TxBaseAddr (wrapping at 255), PN9-whitened when whitening is on
 * (§6.2.3.3, seed 0x1FF as the model's assumption), with the optional CRC appended. TxDone when the last bit is
 * out, then the fallback mode (§13.1.9). The model reads the payload at TX start (the host writes the buffer
 * before SetTx; AN1200.53's buffer refill during TX is not modelled). Carrier, bit rate and deviation come
 * from SetRfFrequency / SetModulationParams; the level from SetPaConfig + SetTxParams (table 13-21; below the
 * +22 dBm setting the model takes the output as the table row − (22 − power), an ASSUMPTION), minus
 * RF_SWITCH_OFF_DB when the board's antenna switch hangs on DIO2 and DIO2 is not set up, minus the path loss.
 */
function setTx(c: Sx1262Sim, p: Uint8Array): void {
  const timeout = (p[0] << 16) | (p[1] << 8) | p[2];
  const fromMode = c.mode;
  if (!c.clockRunning()) {
    c.deviceErrors |= DEVICE_ERROR.XOSC_START | DEVICE_ERROR.PLL_LOCK;
    c.cmdStatus = CMD_STATUS.EXEC_FAILURE;
    return;
  }
  if (c.packetType !== 0x00) {
    c.cmdStatus = CMD_STATUS.EXEC_FAILURE;
    c.protocolErrors.push("SetTx with a packet type other than GFSK");
    return;
  }
  const oscOff = fromMode === CHIP_MODE.STBY_RC || fromMode === CHIP_MODE.SLEEP;
  c.endRx(CHIP_MODE.TX);
  const switchUs = BUSY_US.SET_TX + (oscOff ? c.tcxoDelayUs : 0);
  c.setBusyFor(switchUs);
  c.startEmission(c.nowUs + switchUs + RAMP_US[c.rampCode & 7], timeout);
}

function rssiByte(dbm: number): number {
  return Math.max(0, Math.min(255, Math.round(-2 * dbm)));
}

/** Opcode → [minimum parameter bytes, handler] (§13 command list). Get commands answer in `answer`. */
const COMMANDS = new Map<number, readonly [number, Handler]>([
  [OP.SET_STANDBY, [1, Sx1262Sim.setStandby]],
  [OP.SET_RX, [3, Sx1262Sim.setRx]],
  [OP.SET_SLEEP, [1, (c) => c.endRx(CHIP_MODE.SLEEP)]],
  [OP.SET_FS, [0, (c) => c.endRx(CHIP_MODE.FS)]],
  [OP.SET_PACKET_TYPE, [1, (c, p) => { c.packetType = p[0]; }]],
  [OP.SET_RF_FREQUENCY, [4, (c, p) => { c.rfFrequencyWord = p[0] * 0x1000000 + ((p[1] << 16) | (p[2] << 8) | p[3]); }]],
  [OP.SET_MODULATION_PARAMS, [8, Sx1262Sim.setModulationParams]],
  [OP.SET_PACKET_PARAMS, [9, Sx1262Sim.setPacketParams]],
  [OP.WRITE_REGISTER, [3, Sx1262Sim.writeRegister]],
  [OP.WRITE_BUFFER, [2, (c, p) => { for (let i = 1; i < p.length; i++) c.buffer[(p[0] + i - 1) & 0xff] = p[i]; }]],
  [OP.SET_DIO_IRQ_PARAMS, [8, Sx1262Sim.setDioIrqParams]],
  [OP.CLEAR_IRQ_STATUS, [2, (c, p) => c.setIrq(c.irqStatus & ~((p[0] << 8) | p[1]))]],
  [OP.SET_DIO3_AS_TCXO_CTRL, [4, Sx1262Sim.setTcxo]],
  [OP.SET_DIO2_AS_RF_SWITCH_CTRL, [1, (c, p) => { c.dio2RfSwitch = p[0] === 1; }]],
  [OP.CALIBRATE, [1, Sx1262Sim.calibrate]],
  [OP.CALIBRATE_IMAGE, [2, Sx1262Sim.calibrateImage]],
  [OP.SET_REGULATOR_MODE, [1, (c, p) => { c.regulatorMode = p[0]; }]],
  [OP.SET_BUFFER_BASE_ADDRESS, [2, Sx1262Sim.setBufferBase]],
  [OP.SET_RX_TX_FALLBACK_MODE, [1, Sx1262Sim.setFallbackMode]],
  [OP.SET_TX, [3, setTx]],
  [OP.SET_TX_PARAMS, [2, (c, p) => { c.txPowerDbm = (p[0] << 24) >> 24; c.rampCode = p[1]; }]],
  [OP.SET_PA_CONFIG, [4, (c, p) => { c.paConfig = { dutyCycle: p[0], hpMax: p[1], deviceSel: p[2], paLut: p[3] }; }]],
  [OP.CLEAR_DEVICE_ERRORS, [2, (c) => { c.deviceErrors = c.faults.has("pllUnlock") ? DEVICE_ERROR.PLL_LOCK : 0; }]],
]);

const FALLBACK_MODES = new Map<number, number>([[0x20, CHIP_MODE.STBY_RC], [0x30, CHIP_MODE.STBY_XOSC], [0x40, CHIP_MODE.FS]]);

/** Commands that only read (answered while clocking, nothing to execute at NSS high). */
const READS = new Set<number>([
  OP.GET_STATUS, OP.READ_REGISTER, OP.READ_BUFFER, OP.GET_IRQ_STATUS, OP.GET_RX_BUFFER_STATUS,
  OP.GET_PACKET_STATUS, OP.GET_RSSI_INST, OP.GET_DEVICE_ERRORS, OP.GET_PACKET_TYPE,
]);
