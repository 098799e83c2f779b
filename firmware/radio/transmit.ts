/**
 * The transmit side of a radio as the command scheduler sees it. The chip drivers (firmware/radio/cc1101,
 * sx1262) do not implement it yet (their TX settings are another issue); the host implements it with a
 * simulated transceiver (host-tests/sim/bidir). On the device the time-critical part (T2: answer 2–3 ms after
 * the meter's frame) must run in native C with the frame prepared in advance: JavaScript timers cannot hit it.
 */
import type { LinkModeName } from "../phy/modes.js";
import type { FrameFormat } from "../phy/sync.js";

export interface TransmitRequest {
  /** Frame with DLL CRCs of `format`, L first (firmware/encoder). */
  bytes: Uint8Array;
  format: FrameFormat;
  /** Downlink mode (T2-down, C2-down, S2). */
  mode: LinkModeName;
  /** Start of the preamble, in the radio timers' milliseconds (RadioFrame.receivedAt clock). */
  startAt: number;
}

export interface TransmitResult {
  /** When the preamble really started (later than asked if the radio was not ready in time). */
  startedAt: number;
  /** When the last bit left; the radio is back in receive after this. */
  endedAt: number;
}

export interface Transmitter {
  /** Sends once at `startAt` (or as soon as possible after it); rejects when the radio cannot send. */
  transmit(req: TransmitRequest): Promise<TransmitResult>;
}

/** A Transmitter for a radio that cannot send (yet): every request is refused with `reason`. */
export function noTransmitter(reason: string): Transmitter {
  return {
    transmit: () => Promise.reject(new Error(reason)),
  };
}
