/**
 * Command-level model of a Semtech SX1262 in GFSK receive (DS_SX1261-2 §13), behind pins and an SPI frame
 * interface that host-tests/sim io classes (or sx1262/io.ts) drive:
 *
 *   - SPI: a command is the bytes clocked while NSS is low and executes on the NSS rising edge (§8.3.1).
 *     MISO returns the status byte (§13.5.1) on command bytes and the data of Get/Read commands.
 *   - BUSY is high while a command executes (BUSY_US in datasheet.ts). NSS falling while BUSY is high is a
 *     protocol error: the chip ignores that command and `protocolErrors` records it (§8.3.1: "the host
 *     must wait for BUSY low before sending a command").
 *   - DIO1 = (IRQ status & IRQ mask & DIO1 mask) ≠ 0 (§13.3.1).
 *   - Receive: a signal is heard only when packet type, frequency (within half the RX bandwidth minus the
 *     deviation), bit rate (±10 %) and the reference clock (TCXO powered on DIO3 when the board has one)
 *     are right. The preamble detector needs `detector` alternating chips, then the sync word
 *     (SyncWordLength bits of 0x06C0…) must match; the packet engine then stores bytes into the data buffer.
 *
 * Data buffer (§7.2): 256 bytes, addressed with 8 bits, so it is a ring. "In continuous mode the RX data
 * pointer is incremented starting from the previous position": packets follow each other and wrap past 255.
 * GetRxBufferStatus reports the start address and the 8-bit length of the last packet (§13.5.2).
 *
 * Frames longer than 255 bytes, the method modelled (Semtech AN1200.53, "SX126x GFSK long packets"):
 * the packet engine counts received bytes modulo 256 and ends the packet (RxDone) when the count equals
 * the payload-length register 0x06BB, which it reads live; 0x0803 reads the RX data pointer. A host that
 * reads the ring while the packet arrives and keeps 0x06BB ahead of the count receives packets of any
 * length; one that only waits for RxDone gets at most 255 bytes, as the datasheet's 8-bit lengths allow.
 * Continuous RX (SetRx 0xFFFFFF) searches for the next preamble right after RxDone.
 *
 * Time is simulated: every SPI frame, pin read and wake-up first brings the chip up to `clock.nowUs()`, so
 * bytes appear in the buffer exactly when their last chip has been received.
 */
import type { AirSignal } from "./air-signal.js";
import { chipAt, chipTimeUs, signalEndUs } from "./air-signal.js";
import {
  BUSY_US, CHIP_MODE, CMD_STATUS, DEVICE_ERROR, FREQ_STEP_HZ, IRQ, OP, REG, RX_BANDWIDTH_HZ, TCXO_VOLTS,
  TIMEOUT_STEP_US, XTAL_HZ,
} from "./datasheet.js";

/** Simulated time as the chip needs it. `wakeAt` may be called often; stale wake-ups are harmless. */
export interface ChipClock {
  nowUs(): number;
  wakeAt(us: number, callback: () => void): void;
}

/** Faults a test can inject; a NRESET pulse clears them (a wedged chip that a hardware reset revives). */
export type ChipFault = "stuckBusy" | "garbageSpi" | "frozen";

export interface Sx1262ChipOptions {
  clock: ChipClock;
  /** The board's TCXO supply voltage on DIO3, or null for a crystal (then no DIO3 setup is needed). */
  tcxoVoltage?: number | null;
  /** GFSK sensitivity in dBm (datasheet §3.5: about −104 dBm at 100 kb/s; an approximation). */
  sensitivityDbm?: number;
  /** Seed of the noise generator (bytes after a signal ends, collision damage, garbage SPI). */
  seed?: number;
}

/** A co-channel signal within this many dB of the locked one corrupts the bytes it overlaps (§3.5 co-channel rejection, rounded). */
const CAPTURE_DB = 6;
/** Sensitivity lost when the image calibration does not cover the frequency (assumption, order of magnitude). */
const IMAGE_PENALTY_DB = 10;
/** Bit rate mismatch the GFSK demodulator tolerates (assumption). */
const BITRATE_TOLERANCE = 0.1;
const NOISE_RSSI_DBM = -115;

interface Lock {
  sig: AirSignal;
  /** Chip index of the first payload chip (right after the sync word). */
  dataChip: number;
  startPtr: number;
  count: number;
  /** Variable-length packets: total bytes from the length byte, else -1 (fixed length: register 0x06BB). */
  variableTotal: number;
  rssiSum: number;
}

interface PendingSync {
  sig: AirSignal;
  dataChip: number;
  syncUs: number;
  preambleUs: number;
}

type Handler = (chip: Sx1262Chip, p: Uint8Array) => void;

export class Sx1262Chip {
  /** Everything the host did wrong (command while BUSY, unknown opcode, short parameters): test evidence. */
  readonly protocolErrors: string[] = [];
  /** Signals heard, and signals ignored with the reason (wrong frequency, bit rate, clock, too weak, busy). */
  readonly heard: AirSignal[] = [];
  readonly ignored: { signal: AirSignal; reason: string }[] = [];
  commands = 0;
  resets = 0;

  // --- chip state (reset by NRESET) ---
  mode: number = CHIP_MODE.STBY_RC;
  packetType = 0x01; // LoRa after reset (§13.4.2)
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
  /** Set by Calibrate with a running clock; crystal boards calibrate at power-on. */
  calibrated = false;
  /** [low, high] Hz covered by the last CalibrateImage, or null. The power-on default is 902–928 MHz. */
  imageBand: [number, number] | null = null;
  rxBase = 0;
  txBase = 0;
  readonly buffer = new Uint8Array(256);
  private regs = new Map<number, number>();
  private rxPointer = 0;
  private lastRxStart = 0;
  private lastRxLength = 0;
  private rssiSync = 0;
  private rssiAvg = 0;
  private rxStatus = 0;
  private cmdStatus: number = CMD_STATUS.IDLE;
  private rxContinuous = false;
  private rxDeadlineUs = Infinity;
  /** When RX becomes effective after SetRx (BUSY end). */
  private rxFromUs = 0;

  // --- pins, bus, time ---
  private readonly clock: ChipClock;
  private readonly tcxoNeeded: number | null;
  private readonly sensitivityDbm: number;
  private busyUntilUs = 0;
  private inReset = false;
  private faults = new Set<ChipFault>();
  private selected = false;
  private frameRejected = false;
  private mosi: number[] = [];
  private response: number[] | null = null;
  private dio1 = 0;
  private dio1Listeners: ((level: number) => void)[] = [];
  private signals: AirSignal[] = [];
  private lock: Lock | null = null;
  private pending: PendingSync | null = null;
  private wakeAtUs = Infinity;
  private seed: number;

  constructor(options: Sx1262ChipOptions) {
    this.clock = options.clock;
    this.tcxoNeeded = options.tcxoVoltage ?? null;
    this.sensitivityDbm = options.sensitivityDbm ?? -104;
    this.seed = options.seed ?? 0x1262;
    this.powerOn();
  }

  // ---------------------------------------------------------------- pins

  /** BUSY output (§8.3.1). */
  busy(): 0 | 1 {
    this.advance();
    return this.faults.has("stuckBusy") || this.inReset || this.clock.nowUs() < this.busyUntilUs ? 1 : 0;
  }

  /** DIO1 output level. */
  dio1Level(): 0 | 1 {
    this.advance();
    return this.dio1 ? 1 : 0;
  }

  /** Called on every DIO1 change with the new level. */
  onDio1(listener: (level: number) => void): void {
    this.dio1Listeners.push(listener);
  }

  /** NRESET input: low holds the chip in reset, the rising edge starts it (§8.1: pulse ≥ 100 µs). */
  setReset(level: number): void {
    this.advance();
    if (!level) {
      this.inReset = true;
      return;
    }
    if (!this.inReset) return;
    this.inReset = false;
    this.resets++;
    this.powerOn();
  }

  inject(fault: ChipFault): void {
    this.advance();
    this.faults.add(fault);
  }

  /** NSS: falling starts a command, rising executes it. */
  select(level: number): void {
    this.advance();
    if (!level) {
      this.selected = true;
      this.mosi = [];
      this.response = null;
      this.frameRejected = false;
      if (this.inReset) this.reject("NSS low while the chip is held in reset");
      else if (this.busy()) this.reject("NSS low while BUSY is high");
      else if (this.mode === CHIP_MODE.SLEEP) {
        // Wake-up on NSS falling edge (§9.3); the command is lost.
        this.mode = CHIP_MODE.STBY_RC;
        this.busyUntilUs = this.clock.nowUs() + BUSY_US.RESET;
        this.frameRejected = true;
      }
      return;
    }
    if (!this.selected) return;
    this.selected = false;
    if (!this.frameRejected && this.mosi.length > 0 && !this.faults.has("frozen") && !this.faults.has("garbageSpi")) {
      this.execute(Uint8Array.from(this.mosi));
    }
  }

  /** Full-duplex bytes while NSS is low; `data` is replaced by MISO. */
  transfer(data: Uint8Array): void {
    this.advance();
    for (let i = 0; i < data.length; i++) {
      const index = this.mosi.length;
      this.mosi.push(data[i]);
      data[i] = this.selected ? this.miso(index) : 0xff;
    }
    if (!this.selected) this.protocolErrors.push("SPI transfer without NSS low");
  }

  // ---------------------------------------------------------------- air

  /** A transmission reaches the antenna (call at or before its start). */
  air(signal: AirSignal): void {
    this.advance();
    const reason = this.deafReason(signal);
    if (reason) {
      this.ignored.push({ signal, reason });
      return;
    }
    this.heard.push(signal);
    this.signals.push(signal);
    if (this.mode === CHIP_MODE.RX && !this.lock) this.pending = this.search(Math.max(this.clock.nowUs(), this.rxFromUs));
    this.scheduleWake();
  }

  /** Carrier frequency the chip is tuned to, in Hz. */
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

  // ---------------------------------------------------------------- internals

  private reject(why: string): void {
    this.frameRejected = true;
    this.protocolErrors.push(why);
  }

  private random(): number {
    let x = this.seed;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.seed = x >>> 0;
    return this.seed & 0xff;
  }

  private powerOn(): void {
    this.faults.clear();
    this.mode = CHIP_MODE.STBY_RC;
    this.packetType = 0x01;
    this.rfFrequencyWord = this.bitrateWord = this.fdevWord = this.pulseShape = this.bandwidthCode = 0;
    this.preambleDetector = this.syncWordBits = 0;
    this.variableLength = false;
    this.crcType = 0x01;
    this.irqMask = this.dio1Mask = this.irqStatus = 0;
    this.tcxoCode = -1;
    this.tcxoDelayUs = 0;
    this.dio2RfSwitch = false;
    this.regulatorMode = 0;
    // A crystal board calibrates itself at power-on; with a TCXO the clock is not running yet, so that
    // calibration fails (XOSC start error) until the host powers the TCXO and calibrates again.
    this.calibrated = this.tcxoNeeded === null;
    this.deviceErrors = this.calibrated ? 0 : DEVICE_ERROR.XOSC_START;
    this.imageBand = [902e6, 928e6];
    this.rxBase = this.txBase = this.rxPointer = 0;
    this.regs = new Map([[REG.PAYLOAD_LENGTH, 0xff], [REG.RX_GAIN, 0x94], [REG.CRC_INIT_MSB, 0x1d], [REG.CRC_INIT_MSB + 1, 0x0f], [REG.CRC_POLY_MSB, 0x10], [REG.CRC_POLY_MSB + 1, 0x21]]);
    this.lock = null;
    this.pending = null;
    this.rxDeadlineUs = Infinity;
    this.cmdStatus = CMD_STATUS.IDLE;
    this.busyUntilUs = this.clock.nowUs() + BUSY_US.RESET;
    this.setIrq(0);
  }

  private status(): number {
    return ((this.mode & 7) << 4) | ((this.cmdStatus & 7) << 1);
  }

  /** MISO for byte `index` of the current NSS frame (§13: Get commands answer after one status byte). */
  private miso(index: number): number {
    if (this.faults.has("garbageSpi")) return this.random();
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
    const rxOrFs = this.mode === CHIP_MODE.RX || this.mode === CHIP_MODE.FS;
    switch (op) {
      case OP.GET_IRQ_STATUS: return [this.irqStatus >> 8, this.irqStatus & 0xff];
      case OP.GET_RX_BUFFER_STATUS: return [this.lastRxLength, this.lastRxStart];
      // Packet status reads 0 once the chip has left RX (esp32-receivers §4.11): the host must cache it.
      case OP.GET_PACKET_STATUS: return rxOrFs ? [this.rxStatus, this.rssiSync, this.rssiAvg] : [0, 0, 0];
      case OP.GET_RSSI_INST: return [this.rssiByte(this.lock ? this.lock.sig.rssiDbm : NOISE_RSSI_DBM)];
      case OP.GET_DEVICE_ERRORS: return [this.deviceErrors >> 8, this.deviceErrors & 0xff];
      case OP.GET_PACKET_TYPE: return [this.packetType];
      default: return [];
    }
  }

  private rssiByte(dbm: number): number {
    return Math.max(0, Math.min(255, Math.round(-2 * dbm)));
  }

  private execute(frame: Uint8Array): void {
    const op = frame[0];
    const entry = COMMANDS.get(op);
    this.busyUntilUs = this.clock.nowUs() + BUSY_US.DEFAULT;
    if (!entry) {
      if (op !== OP.GET_STATUS && op !== OP.READ_REGISTER && op !== OP.READ_BUFFER && !GETTERS.has(op)) {
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
    this.scheduleWake();
  }

  /** Whether the reference clock runs: a TCXO board needs DIO3 to supply at least its voltage. */
  private clockRunning(): boolean {
    return this.tcxoNeeded === null || (this.tcxoVolts !== null && this.tcxoVolts >= this.tcxoNeeded - 1e-9);
  }

  private deafReason(s: AirSignal): string {
    if (this.faults.has("frozen")) return "frozen";
    if (this.packetType !== 0x00) return "packet type is not GFSK";
    if (!this.clockRunning()) return "reference clock not running (TCXO on DIO3 not powered)";
    if (!this.calibrated) return "not calibrated";
    const bw = RX_BANDWIDTH_HZ[this.bandwidthCode] ?? 0;
    if (Math.abs(s.frequencyHz - this.frequencyHz) + s.deviationHz > bw / 2) return "outside the receiver bandwidth";
    if (Math.abs(this.bitrate - s.chipRate) > BITRATE_TOLERANCE * s.chipRate) return "bit rate mismatch";
    if (this.deviationHz < s.deviationHz / 2 || this.deviationHz > s.deviationHz * 2) return "deviation mismatch";
    const band = this.imageBand;
    const floor = this.sensitivityDbm + (band && s.frequencyHz >= band[0] && s.frequencyHz <= band[1] ? 0 : IMAGE_PENALTY_DB);
    if (s.rssiDbm < floor) return "below sensitivity";
    return "";
  }

  private syncWord(): number {
    let w = 0;
    for (let i = 0; i < this.syncWordBits; i += 8) w = (w * 256 + this.register(REG.SYNC_WORD_0 + (i >> 3))) >>> 0;
    return w;
  }

  /** Preamble detector length in chips (§13.4.6: 0x04 = 8 bits … 0x07 = 32 bits; 0x00 off). */
  private detectorChips(): number {
    return this.preambleDetector >= 4 && this.preambleDetector <= 7 ? (this.preambleDetector - 3) * 8 : 0;
  }

  /** First preamble + sync match in `s` at or after chip `from`. */
  private findSync(s: AirSignal, from: number): { preambleChip: number; dataChip: number } | null {
    const bits = this.syncWordBits;
    if (bits === 0 || bits > 32 || (bits & 7) !== 0) return null;
    const word = this.syncWord();
    const mask = bits === 32 ? 0xffffffff : (1 << bits) - 1;
    const detector = this.detectorChips();
    let shift = 0, run = 0, prev = -1, preambleChip = detector ? -1 : from, n = 0;
    for (let i = from; i < s.chipCount; i++) {
      const c = chipAt(s, i);
      run = c !== prev ? run + 1 : 1;
      prev = c;
      if (preambleChip < 0 && run >= detector) preambleChip = i + 1;
      shift = ((shift << 1) | c) & mask;
      n++;
      if (n >= bits && preambleChip >= 0 && shift >>> 0 === word) return { preambleChip, dataChip: i + 1 };
    }
    return null;
  }

  /** The earliest sync among the signals on air from `fromUs` on. */
  private search(fromUs: number): PendingSync | null {
    let best: PendingSync | null = null;
    for (const s of this.signals) {
      if (signalEndUs(s) <= fromUs) continue;
      const from = Math.max(0, Math.ceil(((fromUs - s.startUs) * s.chipRate) / 1e6));
      const hit = this.findSync(s, from);
      if (!hit) continue;
      const syncUs = chipTimeUs(s, hit.dataChip);
      if (!best || syncUs < best.syncUs) best = { sig: s, dataChip: hit.dataChip, syncUs, preambleUs: chipTimeUs(s, hit.preambleChip) };
    }
    return best;
  }

  /** Time the last chip of payload byte `i` of the lock arrives. */
  private byteEndUs(lock: Lock, i: number): number {
    return chipTimeUs(lock.sig, lock.dataChip + 8 * (i + 1));
  }

  /** Bytes in the current packet at which the engine stops: the live 0x06BB (fixed) or the length byte. */
  private packetEndCount(lock: Lock): number {
    if (lock.variableTotal >= 0) return lock.variableTotal;
    const len = this.register(REG.PAYLOAD_LENGTH);
    let n = (lock.count & ~0xff) + len;
    if (n <= lock.count) n += 256;
    return n;
  }

  /** Payload byte `i` as demodulated: the signal's chips, noise after it ends, damage where another signal collides. */
  private byteOf(lock: Lock, i: number): number {
    const first = lock.dataChip + 8 * i;
    if (first + 8 > lock.sig.chipCount) return this.random();
    let b = 0;
    for (let k = 0; k < 8; k++) b = (b << 1) | chipAt(lock.sig, first + k);
    const t0 = chipTimeUs(lock.sig, first), t1 = chipTimeUs(lock.sig, first + 8);
    for (const other of this.signals) {
      if (other === lock.sig || other.startUs >= t1 || signalEndUs(other) <= t0) continue;
      if (other.rssiDbm >= lock.sig.rssiDbm - CAPTURE_DB) b ^= this.random() | 1;
    }
    return b;
  }

  private raise(bits: number): void {
    this.setIrq(this.irqStatus | (bits & this.irqMask));
  }

  setIrq(value: number): void {
    this.irqStatus = value & 0xffff;
    const level = this.irqStatus & this.dio1Mask ? 1 : 0;
    if (level === this.dio1) return;
    this.dio1 = level;
    for (const l of this.dio1Listeners) l(level);
  }

  /** Brings the receiver up to now: preamble/sync events, payload bytes, RxDone, RX timeout. */
  advance(): void {
    const now = this.clock.nowUs();
    if (this.faults.has("frozen") || this.inReset) return;
    this.signals = this.signals.filter((s) => signalEndUs(s) > now - 1000 || s === this.lock?.sig);
    while (this.mode === CHIP_MODE.RX) {
      const lock = this.lock;
      if (lock) {
        if (!this.receiveBytes(lock, now)) break;
        continue;
      }
      const p = this.pending;
      if (p && p.preambleUs <= now && p.preambleUs >= this.rxFromUs) {
        this.raise(IRQ.PREAMBLE_DETECTED);
        p.preambleUs = -1;
      }
      if (p && p.syncUs <= now) {
        this.pending = null;
        this.lock = { sig: p.sig, dataChip: p.dataChip, startPtr: this.rxPointer, count: 0, variableTotal: -1, rssiSum: 0 };
        this.rssiSync = this.rssiByte(p.sig.rssiDbm);
        this.rxDeadlineUs = Infinity; // the RX timeout stops at sync (§13.1.7 default)
        this.raise(IRQ.SYNC_WORD_VALID);
        continue;
      }
      if (this.rxDeadlineUs <= now) {
        this.rxDeadlineUs = Infinity;
        this.mode = CHIP_MODE.STBY_RC;
        this.raise(IRQ.TIMEOUT);
      }
      break;
    }
    this.scheduleWake();
  }

  /** Stores the bytes received by `now`; true when the packet ended (the engine searches again). */
  private receiveBytes(lock: Lock, now: number): boolean {
    for (;;) {
      const end = this.packetEndCount(lock);
      const t = this.byteEndUs(lock, lock.count);
      if (t > now) return false;
      const b = this.byteOf(lock, lock.count);
      this.buffer[this.rxPointer] = b;
      this.rxPointer = (this.rxPointer + 1) & 0xff;
      lock.count++;
      lock.rssiSum += lock.sig.rssiDbm;
      if (this.variableLength && lock.count === 1) {
        // Variable length (§6.2.3.1): the first byte is the payload length; above the maximum → HeaderErr.
        if (b > this.register(REG.PAYLOAD_LENGTH)) {
          this.endPacket(lock, t, IRQ.HEADER_ERR);
          return true;
        }
        lock.variableTotal = 1 + b + (this.crcType & 2 ? 2 : this.crcType === 0x01 ? 0 : 1);
      }
      if (lock.count >= end) {
        this.endPacket(lock, t, this.crcFails(lock) ? IRQ.CRC_ERR | IRQ.RX_DONE : IRQ.RX_DONE);
        return true;
      }
    }
  }

  /**
   * The optional GFSK CRC (§6.2.3.4): CRC-16 over the packet with the polynomial and seed of 0x06BC–0x06BF,
   * inverted for types 0x04/0x06; 1-byte CRCs use the low byte. Off (0x01) for wM-Bus: its CRCs are per block.
   */
  private crcFails(lock: Lock): boolean {
    if (this.crcType === 0x01) return false;
    const width = this.crcType & 2 ? 2 : 1;
    const n = lock.count - width;
    const poly = (this.register(REG.CRC_POLY_MSB) << 8) | this.register(REG.CRC_POLY_MSB + 1);
    let crc = (this.register(REG.CRC_INIT_MSB) << 8) | this.register(REG.CRC_INIT_MSB + 1);
    for (let i = 0; i < n; i++) {
      crc ^= this.buffer[(lock.startPtr + i) & 0xff] << 8;
      for (let k = 0; k < 8; k++) crc = crc & 0x8000 ? ((crc << 1) ^ poly) & 0xffff : (crc << 1) & 0xffff;
    }
    if (this.crcType & 4) crc ^= 0xffff;
    const got = width === 2
      ? (this.buffer[(lock.startPtr + n) & 0xff] << 8) | this.buffer[(lock.startPtr + n + 1) & 0xff]
      : this.buffer[(lock.startPtr + n) & 0xff];
    return got !== (width === 2 ? crc : crc & 0xff);
  }

  private endPacket(lock: Lock, atUs: number, irq: number): void {
    this.lock = null;
    this.lastRxStart = lock.startPtr;
    this.lastRxLength = lock.count & 0xff;
    this.rssiAvg = this.rssiByte(lock.rssiSum / Math.max(1, lock.count));
    this.rxStatus = irq & IRQ.CRC_ERR ? 0x12 : irq & IRQ.HEADER_ERR ? 0x08 : 0x02;
    this.raise(irq);
    if (this.rxContinuous) this.pending = this.search(atUs);
    else this.mode = CHIP_MODE.STBY_RC;
  }

  private scheduleWake(): void {
    let t = Infinity;
    if (this.mode === CHIP_MODE.RX) {
      if (this.lock) t = this.byteEndUs(this.lock, this.packetEndCount(this.lock) - 1);
      else if (this.pending) t = this.pending.preambleUs >= 0 ? Math.min(this.pending.preambleUs, this.pending.syncUs) : this.pending.syncUs;
      t = Math.min(t, this.rxDeadlineUs);
    }
    const now = this.clock.nowUs();
    if (t === Infinity || (t >= this.wakeAtUs && this.wakeAtUs > now)) return;
    this.wakeAtUs = Math.max(t, now);
    this.clock.wakeAt(this.wakeAtUs, () => {
      if (this.wakeAtUs <= this.clock.nowUs()) this.wakeAtUs = Infinity;
      this.advance();
    });
  }

  // ---------------------------------------------------------------- command handlers

  private leaveRx(mode: number): void {
    this.lock = null;
    this.pending = null;
    this.rxDeadlineUs = Infinity;
    this.mode = mode;
  }

  /** §13.1.2 SetStandby: 0 = STDBY_RC, 1 = STDBY_XOSC (with a TCXO the DIO3 start-up delay applies). */
  static setStandby(c: Sx1262Chip, p: Uint8Array): void {
    const xosc = p[0] === 1;
    c.leaveRx(xosc ? CHIP_MODE.STBY_XOSC : CHIP_MODE.STBY_RC);
    if (xosc && !c.clockRunning()) c.deviceErrors |= DEVICE_ERROR.XOSC_START;
    c.busyUntilUs = c.clock.nowUs() + (xosc ? BUSY_US.STANDBY_XOSC + c.tcxoDelayUs : BUSY_US.SET_STANDBY);
  }

  /** §13.1.3 SetRx: timeout × 15.625 µs; 0 = single (back to STDBY_RC after a packet), 0xFFFFFF = continuous. */
  static setRx(c: Sx1262Chip, p: Uint8Array): void {
    const timeout = (p[0] << 16) | (p[1] << 8) | p[2];
    if (!c.clockRunning()) {
      c.deviceErrors |= DEVICE_ERROR.XOSC_START | DEVICE_ERROR.PLL_LOCK;
      c.cmdStatus = CMD_STATUS.EXEC_FAILURE;
    }
    const wasStandby = c.mode !== CHIP_MODE.RX;
    c.leaveRx(CHIP_MODE.RX);
    c.rxContinuous = timeout === 0xffffff;
    if (!c.rxContinuous) c.rxPointer = c.rxBase; // §7.2: single mode restarts at RxBaseAddr
    const start = c.clock.nowUs() + (wasStandby ? BUSY_US.SET_RX + c.tcxoDelayUs : BUSY_US.DEFAULT);
    c.busyUntilUs = start;
    c.rxFromUs = start;
    c.rxDeadlineUs = timeout === 0 || c.rxContinuous ? Infinity : start + timeout * TIMEOUT_STEP_US;
    c.pending = c.search(start);
  }

  static calibrate(c: Sx1262Chip, p: Uint8Array): void {
    c.busyUntilUs = c.clock.nowUs() + BUSY_US.CALIBRATE + c.tcxoDelayUs;
    if (!c.clockRunning()) {
      c.deviceErrors |= DEVICE_ERROR.XOSC_START | DEVICE_ERROR.PLL_CALIB | DEVICE_ERROR.ADC_CALIB;
      c.calibrated = false;
      return;
    }
    if ((p[0] & 0x7f) === 0x7f) c.calibrated = true;
  }

  /** §9.2.1 CalibrateImage: two frequencies in 4 MHz steps (0xD7 0xDB = 860–876 MHz, the 863–870 MHz band). */
  static calibrateImage(c: Sx1262Chip, p: Uint8Array): void {
    c.busyUntilUs = c.clock.nowUs() + BUSY_US.CALIBRATE_IMAGE;
    if (!c.clockRunning()) {
      c.deviceErrors |= DEVICE_ERROR.IMG_CALIB;
      return;
    }
    c.imageBand = [p[0] * 4e6, p[1] * 4e6];
  }

  static writeRegister(c: Sx1262Chip, p: Uint8Array): void {
    const address = (p[0] << 8) | p[1];
    for (let i = 2; i < p.length; i++) {
      const a = (address + i - 2) & 0xffff;
      if (a !== REG.RX_DATA_POINTER) c.regs.set(a, p[i]);
    }
  }

  static setPacketParams(c: Sx1262Chip, p: Uint8Array): void {
    c.preambleDetector = p[2];
    c.syncWordBits = p[3];
    c.variableLength = p[5] === 0x01;
    c.regs.set(REG.PAYLOAD_LENGTH, p[6]);
    c.crcType = p[7];
  }

  static setModulationParams(c: Sx1262Chip, p: Uint8Array): void {
    c.bitrateWord = (p[0] << 16) | (p[1] << 8) | p[2];
    c.pulseShape = p[3];
    c.bandwidthCode = p[4];
    c.fdevWord = (p[5] << 16) | (p[6] << 8) | p[7];
    if (RX_BANDWIDTH_HZ[c.bandwidthCode] === undefined) c.cmdStatus = CMD_STATUS.PROCESSING_ERROR;
  }

  static setDioIrqParams(c: Sx1262Chip, p: Uint8Array): void {
    c.irqMask = (p[0] << 8) | p[1];
    c.dio1Mask = (p[2] << 8) | p[3];
    c.setIrq(c.irqStatus);
  }

  /** §13.4.8: sets both base addresses; the model also moves the RX data pointer there, so a host re-arming
   * continuous RX knows where the next packet starts. */
  static setBufferBase(c: Sx1262Chip, p: Uint8Array): void {
    c.txBase = p[0];
    c.rxBase = p[1];
    c.rxPointer = p[1];
  }

  static setTcxo(c: Sx1262Chip, p: Uint8Array): void {
    c.tcxoCode = p[0] & 7;
    c.tcxoDelayUs = ((p[1] << 16) | (p[2] << 8) | p[3]) * TIMEOUT_STEP_US;
  }
}

/** Opcode → [minimum parameter bytes, handler] (§13 command list). Get commands answer in `answer`. */
const COMMANDS = new Map<number, readonly [number, Handler]>([
  [OP.SET_STANDBY, [1, Sx1262Chip.setStandby]],
  [OP.SET_RX, [3, Sx1262Chip.setRx]],
  [OP.SET_SLEEP, [1, (c) => { c.mode = CHIP_MODE.SLEEP; }]],
  [OP.SET_FS, [0, (c) => { c.mode = CHIP_MODE.FS; }]],
  [OP.SET_PACKET_TYPE, [1, (c, p) => { c.packetType = p[0]; }]],
  [OP.SET_RF_FREQUENCY, [4, (c, p) => { c.rfFrequencyWord = ((p[0] << 24) >>> 0) + ((p[1] << 16) | (p[2] << 8) | p[3]); }]],
  [OP.SET_MODULATION_PARAMS, [8, Sx1262Chip.setModulationParams]],
  [OP.SET_PACKET_PARAMS, [9, Sx1262Chip.setPacketParams]],
  [OP.WRITE_REGISTER, [3, Sx1262Chip.writeRegister]],
  [OP.WRITE_BUFFER, [2, (c, p) => { for (let i = 1; i < p.length; i++) c.buffer[(p[0] + i - 1) & 0xff] = p[i]; }]],
  [OP.SET_DIO_IRQ_PARAMS, [8, Sx1262Chip.setDioIrqParams]],
  [OP.CLEAR_IRQ_STATUS, [2, (c, p) => c.setIrq(c.irqStatus & ~((p[0] << 8) | p[1]))]],
  [OP.SET_DIO3_AS_TCXO_CTRL, [4, Sx1262Chip.setTcxo]],
  [OP.SET_DIO2_AS_RF_SWITCH_CTRL, [1, (c, p) => { c.dio2RfSwitch = p[0] === 1; }]],
  [OP.CALIBRATE, [1, Sx1262Chip.calibrate]],
  [OP.CALIBRATE_IMAGE, [2, Sx1262Chip.calibrateImage]],
  [OP.SET_REGULATOR_MODE, [1, (c, p) => { c.regulatorMode = p[0]; }]],
  [OP.SET_BUFFER_BASE_ADDRESS, [2, Sx1262Chip.setBufferBase]],
  [OP.SET_RX_TX_FALLBACK_MODE, [1, () => undefined]],
  [OP.CLEAR_DEVICE_ERRORS, [2, (c) => { c.deviceErrors = 0; }]],
]);

const GETTERS = new Set<number>([
  OP.GET_IRQ_STATUS, OP.GET_RX_BUFFER_STATUS, OP.GET_PACKET_STATUS, OP.GET_RSSI_INST, OP.GET_DEVICE_ERRORS,
  OP.GET_PACKET_TYPE,
]);
