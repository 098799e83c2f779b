/**
 * The one transmit interface (docs/bidirectional.md, docs/repeater.md): the command scheduler
 * (gateway/commands.ts) sends downlinks in a meter's response window through it, the repeater
 * (repeater/repeater.ts) re-sends frames through it. The CC1101 and SX1262 drivers implement it
 * (cc1101/cc1101-transmit.ts, sx1262/sx1262-transmit.ts); on the host the simulated transceivers of
 * host-tests/rigs do too.
 *
 * Timing: `startAt` is in the radio timers' milliseconds (the clock of RadioFrame.receivedAt). The driver
 * prepares everything it can (chip stream, FIFO/buffer contents) before that time and starts the
 * transmission as close to it as it can; the result says when the preamble really started, so the caller can
 * tell whether a response window was met. On the device the T2 window (2–3 ms after the meter's frame) needs
 * the native "send at" path (firmware/native/wmbus_tx.c): JavaScript timers cannot hit it.
 */
import type { LinkModeName } from "../phy/modes.js";
import type { FrameFormat } from "../vocabulary.js";

export interface TransmitRequest {
  /** Frame as sent: L first, DLL CRCs of `format` included (firmware/encoder). */
  bytes: Uint8Array;
  format: FrameFormat;
  /** Link mode: T1/C1/S1 (repeater), T2-down/C2-down/S2 (downlinks). */
  mode: LinkModeName;
  /** Start of the preamble, radio timers' ms; absent = as soon as possible. */
  startAt?: number;
}

export type TransmitResult =
  /** `startedAt`: first preamble chip (later than asked when the radio was not ready); `endedAt`: last chip. */
  | { ok: true; startedAt: number; endedAt: number }
  /** Nothing (or not all) was sent: busy, closed, frame too long for the chip, chip not answering. */
  | { ok: false; reason: string };

export interface Transmitter {
  /** Sends once; resolves when the last chip has left (or the send failed). Never rejects. */
  transmit(req: TransmitRequest): Promise<TransmitResult>;
}

/** The uplink link mode a meter's frame heard in `phy` mode is sent again in (repeater): T1, C1, S1. */
export function uplinkMode(phy: "T" | "C" | "S"): LinkModeName {
  return phy === "T" ? "T1" : phy === "C" ? "C1" : "S1";
}
