/**
 * SX1262 transmit commands (Semtech DS_SX1261-2 rev. 2.1; docs/radio.md "Transmit"). Pure: the driver
 * (sx1262.ts) sends them through its command layer and pauses reception around a transmission.
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
 *     fallback mode (STDBY_XOSC, §13.1.9); the driver puts the RX channel back (channelCommands) and re-arms RX.
 *   - RF switch on DIO2 and the TCXO on DIO3 are the board's, set up once for RX and TX alike (sx1262-setup.ts).
 */
import type { TxPlan } from "../../phy/tx-plan.js";
import type { TxJob } from "../transmit.js";
import { be } from "./sx1262-bus.js";
import { SX_IRQ, SX_OP, SX_REG } from "./sx1262-settings.js";

/** SetPaConfig for +14 dBm on the SX1262 (table 13-21) and the SetTxParams power that goes with it. */
const SX_PA_14DBM = Object.freeze([0x02, 0x02, 0x00, 0x01]);
const SX_TX_POWER_22 = 0x16;
/** RampTime 0x04 = 200 µs (table 13-41). */
const SX_RAMP_CODE = 0x04;
export const SX_RAMP_US = 200;
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
