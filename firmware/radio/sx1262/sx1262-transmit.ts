/**
 * SX1262 transmit commands and the send path (Semtech DS_SX1261-2 rev. 2.1; docs/radio.md "Transmit"). The
 * command layer, timers and reception are the driver's (sx1262.ts): `Sx1262Sender` is given them through
 * `Sx1262TransmitContext`, pauses reception for a transmission and puts the RX channel back after it.
 *
 *   - SetStandby(STDBY_XOSC): the TCXO keeps running (§13.1.2), so SetTx starts without its 5 ms start-up.
 *   - SetRfFrequency, SetModulationParams per link mode (phy/tx-plan.ts): RF word = f · 2^25 / Fxtal (§13.4.1),
 *     BR = 32 · Fxtal / bit rate, Fdev word = fdev · 2^25 / Fxtal (§13.4.5); T, S ±50 kHz, C ±45 kHz, C2 downlink
 *     ±25 kHz with Gaussian BT 0.5 (pulse shape 0x09); no shaping otherwise (0x00), as the RX set-up.
 *   - SetPacketParams (§13.4.6): preamble length = the chip stream's whole `01` bytes × 8 bits, 16 sync bits,
 *     fixed length = the payload (≤ 255: one buffer; longer frames are refused, AN1200.53's TX refill is not
 *     implemented), CRC off, whitening off. Sync word at 0x06C0 (§12).
 *   - SetPaConfig 0x02 0x02 0x00 0x01 + SetTxParams +22 dBm = +14 dBm, the table 13-21 row for +14 dBm
 *     (within the 25 mW e.r.p. of the 868 MHz sub-bands, docs/repeater.md); ramp 200 µs (0x04, table 13-41).
 *   - SetBufferBaseAddress(0, 0), WriteBuffer(0, payload) (§13.2.4), ClearIrqStatus, SetDioIrqParams TxDone |
 *     Timeout (§13.3.1), then SetTx without timeout at the asked time (§13.1.4): BUSY goes low once the chip is
 *     in TX (§8.3.1), and the first preamble bit follows after the ramp. TxDone: the chip is back in its
 *     fallback mode (STDBY_XOSC, §13.1.9); the RX channel is put back (channelCommands) and RX re-armed.
 *   - RF switch on DIO2 and the TCXO on DIO3 are the board's, set up once for RX and TX alike (sx1262-setup.ts).
 */
import { planTransmission, type TxPlan } from "../../phy/tx-plan.js";
import type { RadioTimers } from "../radio.js";
import { strobeAt, TransmitGate, type TransmitRequest, type TransmitResult, type TxJob } from "../transmit.js";
import { type Sx1262Bus, be } from "./sx1262-bus.js";
import type { Sx1262Receiver } from "./sx1262-receive.js";
import { type Sx1262Channel, SX_IRQ, SX_OP, SX_REG } from "./sx1262-settings.js";
import { channelCommands } from "./sx1262-setup.js";
import type { Sx1262BufferService, Sx1262Stats } from "./sx1262.js";

/** SetPaConfig for +14 dBm on the SX1262 (table 13-21) and the SetTxParams power that goes with it. */
const SX_PA_14DBM = Object.freeze([0x02, 0x02, 0x00, 0x01]);
const SX_TX_POWER_22 = 0x16;
/** RampTime 0x04 = 200 µs (table 13-41). */
const SX_RAMP_CODE = 0x04;
const SX_RAMP_US = 200;
/** SetTx from STDBY_XOSC until BUSY low (PLL lock, PA on): tens of µs; used to start SetTx early enough. */
const SX_SET_TX_US = 100;
/** Gaussian BT 0.5 (§13.4.5 pulse shape 0x09). */
const PULSE_BT05 = 0x09;
/** RX bandwidth code kept during TX (irrelevant there; the T+C value). */
const TX_BANDWIDTH_CODE = 0x19;

/** A radioPreamble for tx-plan: the SX1262 makes every whole preamble byte itself (its preamble is in bits). */
export function sx1262Preamble(whole: number): number {
  return whole;
}

/** The commands up to (not including) SetTx, in order. */
function txCommands(plan: TxPlan, xtalHz: number): number[][] {
  const rf = Math.round((plan.frequencyHz / xtalHz) * 33_554_432);
  const br = Math.round((32 * xtalHz) / plan.chipRate);
  const fdev = Math.round((plan.deviationHz / xtalHz) * 33_554_432);
  const n = plan.payload.length;
  return [
    [SX_OP.SET_STANDBY, 0x01],
    [SX_OP.SET_RF_FREQUENCY, ...be(rf, 4)],
    [SX_OP.SET_MODULATION_PARAMS, ...be(br, 3), plan.mode === "C2-down" ? PULSE_BT05 : 0x00, TX_BANDWIDTH_CODE, ...be(fdev, 3)],
    [SX_OP.SET_PACKET_PARAMS, ...be(8 * plan.preambleBytes, 2), 0x05, 16, 0x00, 0x00, n, 0x01, 0x00],
    [SX_OP.WRITE_REGISTER, ...be(SX_REG.SYNC_WORD, 2), ...be(plan.syncWord, 2)],
    [SX_OP.SET_PA_CONFIG, ...SX_PA_14DBM],
    [SX_OP.SET_TX_PARAMS, SX_TX_POWER_22, SX_RAMP_CODE],
    [SX_OP.SET_BUFFER_BASE_ADDRESS, 0x00, 0x00],
    [SX_OP.WRITE_BUFFER, 0x00, ...plan.payload],
    [SX_OP.CLEAR_IRQ_STATUS, ...be(SX_IRQ.ALL, 2)],
    [SX_OP.SET_DIO_IRQ_PARAMS, ...be(SX_IRQ.TX_DONE | SX_IRQ.TIMEOUT, 2), ...be(SX_IRQ.TX_DONE | SX_IRQ.TIMEOUT, 2), 0, 0, 0, 0],
  ];
}

/** The commands of one transmission as a TxJob (txCommands, then SetTx without timeout). */
export function sx1262TxJob(plan: TxPlan, xtalHz: number): TxJob {
  return {
    load: txCommands(plan, xtalHz).map((c) => Uint8Array.from(c)), go: Uint8Array.of(SX_OP.SET_TX, 0, 0, 0),
    leadUs: SX_SET_TX_US + SX_RAMP_US, readyUs: 0, rest: new Uint8Array(0), airtimeUs: plan.airtimeUs,
  };
}

/** What the transmit path is given by the driver; the counters are the driver's live object. */
export interface Sx1262TransmitContext {
  readonly bus: Sx1262Bus;
  readonly timers: RadioTimers;
  readonly extra: Sx1262Stats;
  readonly xtalHz: number;
  /** The receive path ("js"): its frame in progress is dropped for a transmission, RX re-armed after it. */
  readonly rx: Pick<Sx1262Receiver, "cancel" | "armRx">;
  readonly diag: (message: string) => void;
  /** The chip is configured and receiving (initialised, driver open). */
  ready(): boolean;
  closed(): boolean;
  /** The channel RX returns to after a transmission. */
  channel(): Sx1262Channel;
  /** The native buffer service while it owns the chip (paused for a transmission), else null. */
  service(): Sx1262BufferService | null;
  /** The chip stopped answering: the driver re-initialises it. */
  wedged(why: string): void;
}

/**
 * The driver's transmit (radio/transmit.ts): the TX commands and the payload at once (sx1262TxJob), SetTx at the
 * asked time minus the switch and ramp times, then TxDone polled (DIO1 belongs to the transmission meanwhile);
 * reception is paused before and restored after.
 */
export class Sx1262Sender {
  readonly #c: Sx1262TransmitContext;
  readonly #gate: TransmitGate;

  constructor(context: Sx1262TransmitContext) {
    this.#c = context;
    this.#gate = new TransmitGate("sx1262", context.extra, (run) => context.timers.set(run, 0));
  }

  /** A transmission is under way (reception paused, DIO1 carries TxDone). */
  get busy(): boolean {
    return this.#gate.busy;
  }

  /**
   * Sends one frame (radio/transmit.ts); never rejects. The chip is prepared in a timer right after the caller
   * returns, so a transmit started from `onFrame` (a downlink in the meter's window) does not cut into the
   * receive path, which re-arms RX after delivering.
   */
  transmit(req: TransmitRequest): Promise<TransmitResult> {
    return this.#gate.start((done) => this.#send(req, done));
  }

  #send(req: TransmitRequest, done: (r: TransmitResult) => void): void {
    const c = this.#c;
    const refuse = (reason: string) => done(this.#gate.end({ ok: false, reason }));
    if (c.closed() || !c.ready()) return refuse("sx1262: radio not ready");
    const plan = planTransmission(req.mode, req.format, req.bytes, sx1262Preamble);
    if (plan.payload.length > 255) return refuse(`sx1262: ${plan.payload.length} buffer bytes do not fit one packet (255)`);
    const timers = c.timers;
    const bus = c.bus;
    const service = c.service();
    service?.pause(true, false);
    c.rx.cancel();
    let startedAt = 0, airEnd = 0;
    const finish = (result: TransmitResult) => {
      this.#gate.end(result);
      if (!c.closed()) this.#restoreRx(result.ok ? "" : result.reason);
      if (service && c.service()) service.pause(false, true);
      done(result);
    };
    // the same commands the native "send at" replays (sx1262TxJob)
    const job = sx1262TxJob(plan, c.xtalHz);
    for (const cmd of job.load) {
      if (!bus.transfer(cmd.slice())) return finish({ ok: false, reason: `sx1262: no answer (BUSY stuck) at opcode 0x${cmd[0].toString(16)}` });
    }
    const poll = () => {
      if (c.closed()) return finish({ ok: false, reason: "sx1262: closed while sending" });
      const irq = bus.get(SX_OP.GET_IRQ_STATUS, 2);
      if (irq < 0) return finish({ ok: false, reason: "sx1262: BUSY stuck while sending" });
      if (irq & SX_IRQ.TX_DONE) return finish({ ok: true, startedAt, endedAt: Math.min(airEnd, timers.ticks()) });
      if (irq & SX_IRQ.TIMEOUT) return finish({ ok: false, reason: "sx1262: TX timeout" });
      if (timers.ticks() > airEnd + 5) return finish({ ok: false, reason: "sx1262: no TxDone after the frame's airtime" });
      timers.set(poll, 0.1);
    };
    const setTxAt = strobeAt(timers.ticks(), req.startAt ?? 0, job.readyUs / 1000, job.leadUs / 1000);
    timers.set(() => {
      if (c.closed()) return finish({ ok: false, reason: "sx1262: closed before sending" });
      // BUSY falls once the chip is in TX (§8.3.1); the first preamble bit follows after the PA ramp
      if (!bus.transfer(job.go.slice()) || bus.status() < 0) return finish({ ok: false, reason: "sx1262: no answer to SetTx" });
      startedAt = timers.ticks() + SX_RAMP_US / 1000;
      airEnd = startedAt + plan.airtimeUs / 1000;
      timers.set(poll, Math.max(0, airEnd - timers.ticks()) + 0.02);
    }, setTxAt - timers.ticks());
  }

  /** After a transmission: the RX channel's carrier, modulation, packet parameters, sync word and IRQs; RX armed. */
  #restoreRx(why: string): void {
    const c = this.#c;
    if (why) c.diag(`sx1262: transmission failed (${why}); receiving again`);
    for (const cmd of channelCommands(c.channel(), c.xtalHz)) {
      if (!c.bus.command(cmd)) return c.wedged("BUSY stuck restoring RX after TX");
    }
    if (!c.rx.armRx()) c.wedged("no answer re-arming RX after TX");
  }
}
