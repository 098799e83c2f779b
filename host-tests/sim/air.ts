/**
 * The air between simulated meters and simulated radio chips. Kept simple and exact:
 *
 * Transmission. `transmit({mode, format, frame, rssiDbm, at?})` line-codes the frame (L first, DLL CRCs
 * included) with the air model's own encoder (air-encoder.ts, from the standard's tables, not the firmware's
 * phy/on-air.ts): `01` preamble, sync word(s), 3-of-6 (T) / NRZ (C) / Manchester (S) body,
 * postamble. Chip rate 100 kcps for T and C, 32.768 kcps for S (EN 13757-4 §6–7): one 8-chip FIFO byte takes
 * 80 µs resp. 244.1 µs. Channels: T1 and C1 share 868.95 MHz, S1 uses 868.30 MHz.
 *
 * Hearing. A receiver describes its tuning (`RxTuning`: centre frequency, channel filter bandwidth, chip rate
 * and its tolerance, sync word). It hears a signal when the carrier (nominal + the meter's offset) lies within
 * bandwidth/2 − 50 kHz deviation of its centre, the chip rates agree within the tolerance and the signal is
 * above the sensitivity (−110 dBm by default). A wrongly tuned chip hears nothing.
 *
 * Sync. At the signal's start the air searches the signal's chips for the receiver's sync word (16 or 32
 * chips, with the allowed number of chip errors) and, at the time the last sync chip is on air, offers the
 * signal to the receiver (`onSync`) if the receiver is not busy with another one. The receiver accepts
 * (locks) or declines. Bit errors in the sync window beyond the allowed ones, or an interferer not at least
 * the capture margin weaker, make the sync fail (`syncMissed`).
 *
 * Bytes. A locked receiver gets the chips after its sync word packed 8 per byte (first chip in bit 7), each
 * byte when its last chip has been sent. After the signal ends the receiver is told `onCarrierLost` and keeps
 * getting random noise bytes at the same rate until it `release()`s the link (a real chip in infinite-length
 * mode keeps clocking noise too).
 *
 * Radio chips. A chip model in TX puts its own signal on air (`emit`): carrier, chip rate and deviation as its
 * registers set them, the level its PA gives minus the path loss, the chips of its preamble and sync word at the
 * start and each FIFO byte's chips appended when the chip takes the byte (before they are on air), so a FIFO
 * that runs dry cuts the signal exactly as on the chip. Receivers hear it by the same rules as a meter's.
 *
 * Errors. Every delivered chip is flipped with probability `ber` (seeded PRNG). A byte during which another
 * signal on the receiver's channel is on air at a level above (locked level − capture margin) is corrupted
 * (XOR with a random non-zero byte). Every pair of overlapping transmissions on one channel counts as one
 * collision. A stronger signal that starts while the receiver is locked to a weaker one is not re-synced to
 * (the CC1101/SX1262 packet engines do not re-sync mid-packet), so only the signal already locked is
 * corrupted and the stronger one is lost too unless it was locked first.
 */
import type { FrameFormat, PhyMode } from "../../firmware/phy/sync.js";
import { encodeTransmission } from "./air-encoder.js";
import { Prng } from "./prng.js";
import type { EventHandle, Scheduler } from "./scheduler.js";

export const CHANNEL_HZ: Readonly<Record<PhyMode, number>> = Object.freeze({ T: 868_950_000, C: 868_950_000, S: 868_300_000 });
export const CHIP_RATE: Readonly<Record<PhyMode, number>> = Object.freeze({ T: 100_000, C: 100_000, S: 32_768 });
/**
 * Nominal transmitter deviation per mode: ±50 kHz for T and S, ±45 kHz for C (docs/radio.md; docs/protocol.md §1.1: nominal
 * values from the radio presets, not from the standard's tables). `TransmitRequest.deviationHz` overrides.
 */
export const DEVIATION_HZ: Readonly<Record<PhyMode, number>> = Object.freeze({ T: 50_000, C: 45_000, S: 50_000 });

export interface TransmitRequest {
  mode: PhyMode;
  format: FrameFormat;
  /** The frame as sent: L first, DLL CRCs included. */
  frame: Uint8Array;
  /** Level at the receiver(s). */
  rssiDbm: number;
  /** Start time in µs of simulated time; default now. */
  at?: number;
  /** The meter's carrier error. */
  freqOffsetHz?: number;
  /** The meter's FSK deviation (default DEVIATION_HZ of the mode). */
  deviationHz?: number;
  preamblePairs?: number;
}

export interface AirSignal {
  readonly id: number;
  /** Mode, format and frame of a meter's transmission (`transmit`); null / empty for a radio chip's (`emit`). */
  readonly mode: PhyMode | null;
  readonly format: FrameFormat | null;
  readonly frame: Uint8Array;
  readonly rssiDbm: number;
  readonly nominalHz: number;
  /** Actual carrier: nominal + offset. */
  readonly frequencyHz: number;
  /** FSK deviation of the transmitter. */
  readonly deviationHz: number;
  readonly chipRate: number;
  readonly chipUs: number;
  /** The chips; a radio chip's signal (`emit`) grows while it streams its FIFO (`AirEmission.append`). */
  chips: Uint8Array;
  chipCount: number;
  readonly start: number;
  end: number;
  /** Overlapped with another transmission on its channel. */
  collided: boolean;
}

/**
 * A radio chip's transmission (`Air.emit`): its own carrier, chip rate and deviation as its registers set them,
 * and the chips it has ready at the start (preamble, sync word, the first FIFO bytes). The level is what the
 * receivers get: the chip's output power minus the path loss its model was given.
 */
export interface EmitRequest {
  frequencyHz: number;
  chipRate: number;
  deviationHz: number;
  rssiDbm: number;
  chips: Uint8Array;
  chipCount: number;
  /** Start time in µs; default now. */
  at?: number;
}

/** A transmission under way: chips are appended as the radio takes them from its FIFO; `finish` ends it. */
export interface AirEmission {
  readonly signal: AirSignal;
  /** Appends the first `count` chips of `packed` (8 a byte, first chip in bit 7). */
  append(packed: Uint8Array, count?: number): void;
  /** No more chips: the signal ends after the last one appended. */
  finish(): void;
}

/** Two carriers this close are on one channel (collisions, interference): less than half the 200 kHz grid. */
const SAME_CHANNEL_HZ = 100_000;

export interface RxTuning {
  frequencyHz: number;
  bandwidthHz: number;
  chipRate: number;
  /** Relative chip-rate error the receiver tolerates (0.05 = ±5 %). */
  rateTolerance: number;
  /** Sync word, MSB = first chip on air. */
  syncWord: number;
  /** 16, or 32 for the word sent twice (CC1101 30/32 mode). */
  syncBits: 16 | 32;
  /** Chip errors allowed in the sync word (CC1101 15/16: 1, 30/32: 2). */
  syncErrors: number;
  /**
   * The receiver's own chip error probability for `signal` (its demodulator against the signal's deviation,
   * added to the air's `ber`); absent = 0.
   */
  chipErrorRate?(signal: AirSignal): number;
}

export interface AirReceiver {
  /** Current tuning, or null while not listening at all. */
  tuning(): RxTuning | null;
  /** Offers a signal whose sync word was just received; return true to lock onto it and get its bytes. */
  onSync(signal: AirSignal): boolean;
  onByte(byte: number): void;
  /** The locked signal ended; noise bytes follow until `release()`. */
  onCarrierLost(): void;
}

export interface AirLink {
  readonly locked: AirSignal | null;
  /** Stops the byte stream of the locked signal (packet done, receiver left RX). */
  release(): void;
  /**
   * The receiver (re)entered RX: signals already on air whose sync word is still to come are searched for it
   * now, as a real demodulator that starts listening during a preamble still finds the sync word after it.
   * Whether it listened long enough (preamble detector) is the receiver's call in `onSync`. Without this call
   * a receiver hears only signals that start while it is tuned.
   */
  listen(): void;
  /** Leaves the air for good. */
  detach(): void;
}

export interface AirStats {
  transmissions: number;
  /** Pairs of transmissions that overlapped on one channel. */
  collisions: number;
  /** Syncs offered to a receiver that accepted. */
  syncs: number;
  /** Syncs lost to bit errors or interference. */
  syncMissed: number;
  /** Syncs a receiver could not take because it was locked to another signal or declined. */
  syncDeclined: number;
  bytesDelivered: number;
  bitErrors: number;
  /** Bytes corrupted by an overlapping transmission. */
  corruptedBytes: number;
}

export interface AirOptions {
  /** Chip error rate, 0 by default. */
  ber?: number;
  seed?: number;
  /** A signal this much stronger than another is received undisturbed by it. Default 6 dB. */
  captureMarginDb?: number;
  sensitivityDbm?: number;
}

interface Rx {
  receiver: AirReceiver;
  locked: AirSignal | null;
  next: EventHandle | null;
  /** Index of the next byte after the sync and chip index where bytes start. */
  k: number;
  from: number;
  carrier: boolean;
  detached: boolean;
  /** Chip error probability of the locked signal (air BER + the receiver's demodulator), fixed at sync. */
  chipErrorP: number;
  /** Signals whose sync is already scheduled for this receiver. */
  scanned: WeakSet<AirSignal>;
}

function chipAt(chips: Uint8Array, i: number): number {
  return (chips[i >> 3] >> (7 - (i & 7))) & 1;
}

function popcount(x: number): number {
  let n = 0;
  for (x >>>= 0; x; x &= x - 1) n++;
  return n;
}

export function hears(t: RxTuning, s: AirSignal, sensitivityDbm: number): boolean {
  if (s.rssiDbm < sensitivityDbm) return false;
  if (Math.abs(s.frequencyHz - t.frequencyHz) > t.bandwidthHz / 2 - s.deviationHz) return false;
  return Math.abs(t.chipRate / s.chipRate - 1) <= t.rateTolerance;
}

/** Chip index right after the first match of the sync word in `s` (with ≤ `errors` wrong chips), or -1. */
export function findSync(s: AirSignal, word: number, bits: 16 | 32, errors: number): number {
  const want = bits === 32 ? [word & 0xffff, word & 0xffff] : [word & 0xffff];
  let hi = 0, lo = 0; // last 32 chips: hi = older 16, lo = newer 16
  for (let i = 0; i < s.chipCount; i++) {
    hi = ((hi << 1) | (lo >> 15)) & 0xffff;
    lo = ((lo << 1) | chipAt(s.chips, i)) & 0xffff;
    if (i + 1 < bits) continue;
    const wrong = bits === 32 ? popcount(hi ^ want[0]) + popcount(lo ^ want[1]) : popcount(lo ^ want[0]);
    if (wrong <= errors) return i + 1;
  }
  return -1;
}

export class Air {
  readonly stats: AirStats = { transmissions: 0, collisions: 0, syncs: 0, syncMissed: 0, syncDeclined: 0, bytesDelivered: 0, bitErrors: 0, corruptedBytes: 0 };
  ber: number;
  readonly captureMarginDb: number;
  readonly sensitivityDbm: number;
  private readonly prng: Prng;
  private readonly receivers: Rx[] = [];
  private signals: AirSignal[] = [];
  private nextId = 1;

  constructor(readonly scheduler: Scheduler, options: AirOptions = {}) {
    this.ber = options.ber ?? 0;
    this.prng = new Prng(options.seed ?? 1);
    this.captureMarginDb = options.captureMarginDb ?? 6;
    this.sensitivityDbm = options.sensitivityDbm ?? -110;
  }

  attach(receiver: AirReceiver): AirLink {
    const rx: Rx = { receiver, locked: null, next: null, k: 0, from: 0, carrier: false, detached: false, chipErrorP: 0, scanned: new WeakSet() };
    this.receivers.push(rx);
    return {
      get locked() {
        return rx.locked;
      },
      release: () => this.unlock(rx),
      listen: () => {
        const now = this.scheduler.now;
        for (const s of this.signals) if (s.start < now && now < s.end) this.scanFor(rx, s, now);
      },
      detach: () => {
        this.unlock(rx);
        rx.detached = true;
        this.receivers.splice(this.receivers.indexOf(rx), 1);
      },
    };
  }

  transmit(req: TransmitRequest): AirSignal {
    const { mode, format, frame } = req;
    if (!(mode in CHIP_RATE)) throw new RangeError(`Air.transmit: unknown mode ${String(mode)}`);
    if (format !== "A" && format !== "B") throw new RangeError(`Air.transmit: unknown frame format ${String(format)}`);
    if (format === "B" && mode !== "C") throw new RangeError(`Air.transmit: mode ${mode} has no frame format B`);
    if (!(frame instanceof Uint8Array) || frame.length === 0) throw new RangeError("Air.transmit: frame must be a non-empty Uint8Array");
    if (!Number.isFinite(req.rssiDbm)) throw new RangeError(`Air.transmit: rssiDbm ${String(req.rssiDbm)} is not a number`);
    const now = this.scheduler.now;
    const start = req.at ?? now;
    if (!(start >= now)) throw new RangeError(`Air.transmit: start ${start} µs lies before now (${now} µs)`);
    const coded = encodeTransmission(mode, format, frame, req.preamblePairs);
    const chipRate = CHIP_RATE[mode];
    const chipUs = 1e6 / chipRate;
    const nominalHz = CHANNEL_HZ[mode];
    const s: AirSignal = {
      id: this.nextId++,
      mode,
      format,
      frame: frame.slice(),
      rssiDbm: req.rssiDbm,
      nominalHz,
      frequencyHz: nominalHz + (req.freqOffsetHz ?? 0),
      deviationHz: req.deviationHz ?? DEVIATION_HZ[mode],
      chipRate,
      chipUs,
      chips: coded.chips,
      chipCount: coded.chipCount,
      start,
      end: start + coded.chipCount * chipUs,
      collided: false,
    };
    this.launch(s);
    return s;
  }

  /** Puts a radio chip's signal on air (see EmitRequest); the chip appends the rest as it sends it. */
  emit(req: EmitRequest): AirEmission {
    if (!(req.chipRate > 0) || !Number.isFinite(req.frequencyHz) || !Number.isFinite(req.rssiDbm)) throw new RangeError("Air.emit: bad carrier, chip rate or level");
    const now = this.scheduler.now;
    const start = req.at ?? now;
    if (!(start >= now)) throw new RangeError(`Air.emit: start ${start} µs lies before now (${now} µs)`);
    const chipUs = 1e6 / req.chipRate;
    const chips = new Uint8Array(Math.max(64, req.chips.length * 2));
    chips.set(req.chips.subarray(0, (req.chipCount + 7) >> 3));
    const s: AirSignal = {
      id: this.nextId++,
      mode: null,
      format: null,
      frame: new Uint8Array(0),
      rssiDbm: req.rssiDbm,
      nominalHz: req.frequencyHz,
      frequencyHz: req.frequencyHz,
      deviationHz: req.deviationHz,
      chipRate: req.chipRate,
      chipUs,
      chips,
      chipCount: req.chipCount,
      start,
      end: start + req.chipCount * chipUs,
      collided: false,
    };
    this.launch(s);
    let open = true;
    return {
      signal: s,
      append: (packed, count = packed.length * 8) => {
        if (!open) throw new Error("Air.emit: append after finish");
        if (((s.chipCount + count + 7) >> 3) > s.chips.length) {
          const grown = new Uint8Array(Math.max(s.chips.length * 2, (s.chipCount + count + 7) >> 3));
          grown.set(s.chips);
          s.chips = grown;
        }
        for (let i = 0; i < count; i++) {
          const n = s.chipCount + i;
          if ((packed[i >> 3] >> (7 - (i & 7))) & 1) s.chips[n >> 3] |= 0x80 >> (n & 7);
          else s.chips[n >> 3] &= ~(0x80 >> (n & 7));
        }
        s.chipCount += count;
        s.end = s.start + s.chipCount * s.chipUs;
        // a sync word that only now arrived in the stream (sent from the FIFO, not from the sync register)
        const now = this.scheduler.now;
        if (now >= s.start) for (const rx of this.receivers) this.scanFor(rx, s, now);
      },
      finish: () => {
        open = false;
      },
    };
  }

  private launch(s: AirSignal): void {
    const now = this.scheduler.now;
    this.signals = this.signals.filter((o) => o.end > now - 100_000);
    for (const o of this.signals) {
      if (Math.abs(o.nominalHz - s.nominalHz) < SAME_CHANNEL_HZ && o.start < s.end && s.start < o.end) {
        this.stats.collisions++;
        o.collided = s.collided = true;
      }
    }
    this.signals.push(s);
    this.stats.transmissions++;
    this.scheduler.at(s.start, () => this.scan(s), "chip");
  }

  /** The strongest level in dBm on air within ±bandwidth/2 of `frequencyHz` now, or null when quiet. */
  levelAt(frequencyHz: number, bandwidthHz: number): number | null {
    const t = this.scheduler.now;
    let best: number | null = null;
    for (const s of this.signals) {
      if (s.start <= t && t < s.end && Math.abs(s.frequencyHz - frequencyHz) <= bandwidthHz / 2 && (best === null || s.rssiDbm > best)) best = s.rssiDbm;
    }
    return best;
  }

  /** Another signal on the channel of `s` overlapping [t0, t1] and not at least the capture margin weaker. */
  private interfered(s: AirSignal, t0: number, t1: number): boolean {
    for (const o of this.signals) {
      if (o !== s && Math.abs(o.nominalHz - s.nominalHz) < SAME_CHANNEL_HZ && o.start < t1 && t0 < o.end && o.rssiDbm > s.rssiDbm - this.captureMarginDb) return true;
    }
    return false;
  }

  private scan(s: AirSignal): void {
    for (const rx of this.receivers) this.scanFor(rx, s, s.start);
  }

  /** Schedules the sync of `s` for `rx` once (when its sync word ends after `from`). */
  private scanFor(rx: Rx, s: AirSignal, from: number): void {
    if (rx.scanned.has(s)) return;
    const t = rx.receiver.tuning();
    if (!t || !hears(t, s, this.sensitivityDbm)) return;
    const end = findSync(s, t.syncWord, t.syncBits, t.syncErrors);
    if (end < 0 || s.start + end * s.chipUs <= from) return;
    rx.scanned.add(s);
    this.scheduler.at(s.start + end * s.chipUs, () => this.sync(rx, s, t, end), "chip");
  }

  private sync(rx: Rx, s: AirSignal, scanned: RxTuning, end: number): void {
    if (rx.detached) return;
    const t = rx.receiver.tuning();
    if (!t || !hears(t, s, this.sensitivityDbm) || t.syncWord !== scanned.syncWord || t.syncBits !== scanned.syncBits) return;
    let flips = 0;
    const p = this.ber + (t.chipErrorRate?.(s) ?? 0);
    rx.chipErrorP = p;
    if (p > 0) for (let i = 0; i < t.syncBits; i++) if (this.prng.next() < p) flips++;
    const now = this.scheduler.now;
    if (flips > t.syncErrors || this.interfered(s, now - t.syncBits * s.chipUs, now)) {
      this.stats.syncMissed++;
      return;
    }
    if (rx.locked || !rx.receiver.onSync(s)) {
      this.stats.syncDeclined++;
      return;
    }
    this.stats.syncs++;
    rx.locked = s;
    rx.k = 0;
    rx.from = end;
    rx.carrier = true;
    this.scheduleByte(rx);
  }

  private scheduleByte(rx: Rx): void {
    const s = rx.locked!;
    const last = rx.from + 8 * (rx.k + 1);
    rx.next = this.scheduler.at(s.start + last * s.chipUs, () => this.deliver(rx), "chip");
  }

  private deliver(rx: Rx): void {
    const s = rx.locked;
    if (!s) return;
    const first = rx.from + 8 * rx.k;
    let b = 0;
    for (let i = first; i < first + 8; i++) {
      let chip = i < s.chipCount ? chipAt(s.chips, i) : this.prng.next() < 0.5 ? 1 : 0;
      if (rx.chipErrorP > 0 && this.prng.next() < rx.chipErrorP) {
        chip ^= 1;
        this.stats.bitErrors++;
      }
      b = (b << 1) | chip;
    }
    const now = this.scheduler.now;
    if (first < s.chipCount && this.interfered(s, now - 8 * s.chipUs, now)) {
      b ^= this.prng.int(1, 255);
      this.stats.corruptedBytes++;
    }
    rx.k++;
    this.stats.bytesDelivered++;
    if (rx.carrier && first + 8 > s.chipCount) {
      rx.carrier = false;
      rx.receiver.onCarrierLost();
      if (rx.locked !== s) return;
    }
    this.scheduleByte(rx);
    rx.receiver.onByte(b);
  }

  private unlock(rx: Rx): void {
    if (rx.next) this.scheduler.cancel(rx.next);
    rx.next = null;
    rx.locked = null;
    rx.carrier = false;
  }
}
