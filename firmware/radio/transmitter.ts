/**
 * The transmit path, as small as the repeater needs it (docs/repeater.md): send one frame in one mode.
 * A radio driver that can transmit (CC1101/SX1262, issue "Both ways") implements it on the device; the air
 * model's simulated transmitter implements it on the host (host-tests/rigs/sim-transmitter.ts).
 *
 * `frame` is the frame as sent: L first, DLL CRCs included, in `format`'s layout (format B only in mode C).
 * The promise resolves when the frame has left the antenna (or was refused); it never rejects.
 */
import type { FrameFormat, PhyMode } from "../phy/sync.js";

export type TransmitOutcome = { ok: true } | { ok: false; reason: string };

export interface Transmitter {
  send(frame: Uint8Array, mode: PhyMode, format?: FrameFormat): Promise<TransmitOutcome>;
}
