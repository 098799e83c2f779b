/**
 * CC1101 transmit settings and the TX FIFO service (TI SWRS061I; docs/radio.md "Transmit"). The bus, timers
 * and reception are the driver's (cc1101.ts): `Cc1101Sender` is given them through `Cc1101TransmitContext`,
 * pauses reception around a transmission and has the driver put RX back after it.
 *
 * Settings per link mode (phy/tx-plan.ts gives carrier, chip rate, deviation and the chip stream):
 *   - FREQ2..0 = f · 2^16 / f_xosc (§21); MDMCFG4/3 DRATE_E/M with R = (256 + M) · 2^E · f_xosc / 2^28 (§12);
 *     DEVIATN E/M with f_dev = f_xosc / 2^17 · (8 + M) · 2^E (§16.1): T, S ±50 kHz → 0x50 (50.8 kHz),
 *     C ±45 kHz → 0x46 (44.4 kHz), C2 downlink ±25 kHz → 0x40 (25.4 kHz), at 26 MHz.
 *   - MDMCFG2: 2-FSK (GFSK for the C2 downlink, "GFSK" in protocol.md §1.1), no Manchester (line coding is done
 *     in software: 3-of-6, NRZ or Manchester chips are the data), 16/16 sync bits. MDMCFG1 NUM_PREAMBLE: the
 *     largest of 2, 3, 4, 6, 8, 12, 16, 24 bytes the chip stream allows; SYNC1/0 the next 16 chips.
 *   - PKTCTRL1 0x00, PKTCTRL0: no whitening, no CRC, fixed length PKTLEN = payload bytes when ≤ 255; longer
 *     payloads start in infinite length and switch to fixed once fewer than 256 bytes are left to send, with
 *     PKTLEN = length mod 256 (§15.3 "packet length > 255"; a payload that is a multiple of 256 gets one more
 *     `01010101` postamble byte, PKTLEN must not be 0).
 *   - TX FIFO (64 bytes, §15.4): filled before STX, refilled from a poll while TXBYTES (read until two reads
 *     agree, SWRZ020) shows room; FIFOTHR FIFO_THR = 7 puts the TX threshold at 33 bytes (§29 FIFOTHR).
 *   - PA: FREND0 PA_POWER = 0 selects PATABLE[0] for 2-FSK (§24); PATABLE[0] = 0xC2 = +10 dBm at 868 MHz
 *     (Table 39), inside the 25 mW e.r.p. of the 868 MHz sub-bands (docs/repeater.md) with a unity-gain antenna.
 *   - MCSM0 FS_AUTOCAL = 1 (calibrate on IDLE → TX, since the carrier changes), MCSM1 TXOFF_MODE = IDLE.
 * Start: SFSTXON calibrates and waits with the synthesizer running (Table 42), so STX at the wanted time starts
 * the preamble within the PA ramp (FSTXON_TX_US, an estimate: Table 34 gives no separate figure).
 */
import { planTransmission, type TxPlan } from "../../phy/tx-plan.js";
import type { RadioTimers } from "../radio.js";
import { strobeAt, TransmitGate, type TransmitRequest, type TransmitResult, type TxJob } from "../transmit.js";
import type { Cc1101Bus } from "./cc1101-bus.js";
import { BURST, FIFO, FIFO_SIZE, LENGTH, MARC, PATABLE, REG, STATUS, STROBE } from "./cc1101-registers.js";
import type { Cc1101Stats } from "./cc1101.js";

/** MDMCFG1 NUM_PREAMBLE codes 0..7 → bytes (§29 MDMCFG1). */
export const CC1101_PREAMBLE_BYTES: readonly number[] = Object.freeze([2, 3, 4, 6, 8, 12, 16, 24]);
/** PATABLE[0] for +10 dBm at 868 MHz (SWRS061I Table 39). */
const CC1101_PA_10DBM = 0xc2;
/** FIFOTHR FIFO_THR = 7: TX threshold 33 bytes, RX 32 (§29 FIFOTHR). */
const CC1101_TX_FIFOTHR = 0x07;
/** FSTXON → first preamble chip after STX (estimate; see above). */
const FSTXON_TX_US = 25;
/** SFSTXON from IDLE with calibration: 721 µs + settling (Table 34), with margin. */
const SYNTH_READY_US = 1000;

/** The largest NUM_PREAMBLE the stream's whole preamble bytes allow (tx-plan radioPreamble). */
export function cc1101Preamble(whole: number): number {
  let best = 0;
  for (const n of CC1101_PREAMBLE_BYTES) if (n <= whole) best = n;
  return best || 1;
}

/** DRATE_E / DRATE_M closest to `rate` (§12). */
function dataRateRegs(rate: number, xtalHz: number): { e: number; m: number } {
  let best = { e: 0, m: 0, err: Infinity };
  for (let e = 0; e < 16; e++) {
    const m = Math.round((rate * 2 ** 28) / (xtalHz * 2 ** e)) - 256;
    if (m < 0 || m > 255) continue;
    const err = Math.abs(((256 + m) * 2 ** e * xtalHz) / 2 ** 28 - rate);
    if (err < best.err) best = { e, m, err };
  }
  return { e: best.e, m: best.m };
}

/** The chip rate the chip really sends at with the DRATE values for `rate` (§12). */
function programmedRate(rate: number, xtalHz: number): number {
  const { e, m } = dataRateRegs(rate, xtalHz);
  return ((256 + m) * 2 ** e * xtalHz) / 2 ** 28;
}

/** DEVIATN (E in bits 6:4, M in 2:0) closest to `deviationHz` (§16.1). */
function deviatnReg(deviationHz: number, xtalHz: number): number {
  let best = 0, err = Infinity;
  for (let e = 0; e < 8; e++) {
    for (let m = 0; m < 8; m++) {
      const d = Math.abs((xtalHz / 2 ** 17) * (8 + m) * 2 ** e - deviationHz);
      if (d < err) {
        err = d;
        best = (e << 4) | m;
      }
    }
  }
  return best;
}

/** The register writes for `plan` (after the RX image, which keeps the rest), in write order. */
function txRegisters(plan: TxPlan, payloadLength: number, image: Uint8Array, xtalHz: number): [number, number][] {
  const freq = Math.round((plan.frequencyHz * 65536) / xtalHz);
  const dr = dataRateRegs(plan.chipRate, xtalHz);
  const pre = CC1101_PREAMBLE_BYTES.indexOf(plan.preambleBytes);
  const gfsk = plan.mode === "C2-down";
  return [
    [REG.FREQ2, (freq >> 16) & 0xff],
    [REG.FREQ1, (freq >> 8) & 0xff],
    [REG.FREQ0, freq & 0xff],
    [REG.FSCTRL0, 0x00], // the RX offset compensation is the RX channel's, not the TX carrier's
    [REG.MDMCFG4, (image[REG.MDMCFG4] & 0xf0) | dr.e],
    [REG.MDMCFG3, dr.m],
    [REG.MDMCFG2, (gfsk ? 0x10 : 0x00) | 0x02],
    [REG.MDMCFG1, (pre << 4) | (image[REG.MDMCFG1] & 0x03)],
    [REG.DEVIATN, deviatnReg(plan.deviationHz, xtalHz)],
    [REG.SYNC1, plan.syncWord >> 8],
    [REG.SYNC0, plan.syncWord & 0xff],
    [REG.PKTCTRL1, 0x00],
    [REG.PKTLEN, payloadLength & 0xff],
    [REG.PKTCTRL0, payloadLength <= 255 ? LENGTH.FIXED : LENGTH.INFINITE],
    [REG.FIFOTHR, (image[REG.FIFOTHR] & 0xf0) | CC1101_TX_FIFOTHR],
    [REG.MCSM1, image[REG.MCSM1] & ~0x03], // TXOFF_MODE = IDLE
    [REG.MCSM0, (image[REG.MCSM0] & ~0x30) | 0x10], // FS_AUTOCAL = 1: calibrate IDLE → TX
    [REG.FREND0, image[REG.FREND0] & ~0x07], // PA_POWER = 0: PATABLE[0]
  ];
}

/** The payload the FIFO sends: plan.payload, plus one postamble byte when its length is a multiple of 256. */
function txPayload(plan: TxPlan): Uint8Array {
  if ((plan.payload.length & 0xff) !== 0) return plan.payload;
  const p = new Uint8Array(plan.payload.length + 1);
  p.set(plan.payload);
  p[plan.payload.length] = 0x55;
  return p;
}

/**
 * The SPI transactions of one transmission (TxJob): SIDLE, SFRX, SFTX, the TX registers, PATABLE[0], the first
 * 64 FIFO bytes, SFSTXON; `go` = STX. The driver's own path and the native "send at" replay the same bytes.
 */
export function cc1101TxJob(plan: TxPlan, image: Uint8Array, xtalHz: number): TxJob {
  const payload = txPayload(plan);
  const load: Uint8Array[] = [Uint8Array.of(STROBE.SIDLE), Uint8Array.of(STROBE.SFRX), Uint8Array.of(STROBE.SFTX)];
  for (const [r, v] of txRegisters(plan, payload.length, image, xtalHz)) load.push(Uint8Array.of(r, v));
  load.push(Uint8Array.of(BURST | PATABLE, CC1101_PA_10DBM));
  const first = Math.min(FIFO_SIZE, payload.length);
  const fifo = new Uint8Array(first + 1);
  fifo[0] = BURST | FIFO;
  fifo.set(payload.subarray(0, first), 1);
  load.push(fifo, Uint8Array.of(STROBE.SFSTXON));
  const rate = programmedRate(plan.chipRate, xtalHz);
  return {
    load, go: Uint8Array.of(STROBE.STX), leadUs: FSTXON_TX_US, readyUs: SYNTH_READY_US, rest: payload.slice(first),
    airtimeUs: ((8 * (plan.preambleBytes + 2 + payload.length)) * 1e6) / rate,
  };
}

/** What the transmit path is given by the driver; the counters are the driver's live object. */
export interface Cc1101TransmitContext {
  readonly timers: RadioTimers;
  readonly extra: Cc1101Stats;
  readonly xtalHz: number;
  /** The bus while the driver is open, null once it is closed. */
  bus(): Cc1101Bus | null;
  /** The RX register image while the chip receives (started, last initialisation good), else null. */
  rxImage(): Uint8Array | null;
  /** Stops reception for a transmission; true when a native FIFO service was paused. */
  pauseRx(): boolean;
  /** After a transmission (`why`: its failure, or ""): RX again, and the FIFO service resumed when `paused`. */
  restoreRx(why: string, paused: boolean): void;
}

/**
 * The driver's transmit (radio/transmit.ts): the TX registers, PATABLE and the first 64 FIFO bytes at once with
 * SFSTXON, STX at the asked time, the FIFO refilled from a poll with the infinite → fixed length switch (§15.3),
 * and the end when the chip is back in IDLE.
 */
export class Cc1101Sender {
  readonly #c: Cc1101TransmitContext;
  readonly #gate: TransmitGate;

  constructor(context: Cc1101TransmitContext) {
    this.#c = context;
    this.#gate = new TransmitGate("cc1101", context.extra, (run) => context.timers.set(run, 0));
  }

  /** A transmission is under way (reception paused). */
  get busy(): boolean {
    return this.#gate.busy;
  }

  /**
   * Sends one frame (radio/transmit.ts); never rejects. The chip is prepared in a timer right after the caller
   * returns, so a transmit started from `onFrame` (a downlink in the meter's window) does not cut into the
   * receive path that is still running.
   */
  transmit(req: TransmitRequest): Promise<TransmitResult> {
    return this.#gate.start((done) => this.#send(req, done));
  }

  #send(req: TransmitRequest, done: (r: TransmitResult) => void): void {
    const c = this.#c;
    const bus = c.bus();
    const image = c.rxImage();
    if (!bus || !image) return done(this.#gate.end({ ok: false, reason: "cc1101: radio not started" }));
    const plan = planTransmission(req.mode, req.format, req.bytes, cc1101Preamble);
    const payload = txPayload(plan);
    const total = payload.length;
    const timers = c.timers;
    const paused = c.pauseRx();
    // the same transactions the native "send at" replays (cc1101TxJob): registers, PATABLE, FIFO, SFSTXON
    const job = cc1101TxJob(plan, image, c.xtalHz);
    for (const t of job.load) bus.raw(t);
    let written = total - job.rest.length;
    const stxAt = strobeAt(timers.ticks(), req.startAt ?? 0, job.readyUs / 1000, job.leadUs / 1000);
    const byteMs = 8000 / programmedRate(plan.chipRate, c.xtalHz);
    const pollMs = Math.min(2, 16 * byteMs);
    let fixed = total <= 255;
    let startedAt = 0, airEnd = 0;
    const finish = (result: TransmitResult) => {
      this.#gate.end(result);
      c.restoreRx(result.ok ? "" : result.reason, paused);
      done(result);
    };
    const poll = () => {
      if (!c.bus()) return finish({ ok: false, reason: "cc1101: closed while sending" });
      const tb = bus.txBytes();
      if (tb & 0x80) return finish({ ok: false, reason: "cc1101: TX FIFO underflow" });
      const inFifo = tb & 0x7f;
      const sent = written - inFifo;
      if (written < total) {
        const n = Math.min(FIFO_SIZE - inFifo, total - written);
        if (n > 0) bus.writeBurst(FIFO, payload.subarray(written, written + n));
        written += n;
      }
      // §15.3: fixed length once fewer than 256 bytes are left, so the 8-bit counter's next match is the end
      if (!fixed && sent > total - 256) {
        bus.writeReg(REG.PKTCTRL0, LENGTH.FIXED);
        fixed = true;
      }
      const marc = bus.readStatus(STATUS.MARCSTATE) & 0x1f;
      if (written === total && inFifo === 0 && marc === MARC.IDLE) return finish({ ok: true, startedAt, endedAt: Math.min(airEnd, timers.ticks()) });
      if (timers.ticks() > airEnd + 5) return finish({ ok: false, reason: `cc1101: still in MARCSTATE 0x${marc.toString(16)} after the frame's airtime` });
      // all written: look again right after the last chip (then every 50 µs), else at the refill period
      const untilEnd = airEnd - timers.ticks();
      timers.set(poll, written === total ? Math.max(0.05, untilEnd + 0.02) : pollMs);
    };
    timers.set(() => {
      if (!c.bus()) return finish({ ok: false, reason: "cc1101: closed before sending" });
      bus.raw(job.go);
      startedAt = timers.ticks() + job.leadUs / 1000;
      airEnd = startedAt + job.airtimeUs / 1000;
      timers.set(poll, Math.min(pollMs, Math.max(0, airEnd - timers.ticks()) + 0.02));
    }, stxAt - timers.ticks());
  }
}
