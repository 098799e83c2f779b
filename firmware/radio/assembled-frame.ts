/**
 * What both drivers do with the FrameAssembler's verdict (phy/frame-assembler.ts), in one place: an error
 * status is counted in RadioStats, a finished frame is delivered only when every DLL block CRC matches
 * (EN 13757-4 §5.2.2 frame A, §5.2.3 frame B), otherwise it is counted as a CRC error.
 */
import { stripFrameA, stripFrameB } from "../link/frame-format.js";
import { FIFO_ERR_CODING, FIFO_ERR_SYNC, type FifoStatus, type FrameAssembler } from "../phy/frame-assembler.js";
import type { FrameFormat, PhyMode } from "../vocabulary.js";
import type { RadioStats } from "./radio.js";

/** Counts an assembler error status: coding, sync, or (length / overflow) a length error. */
export function countAssemblyError(stats: RadioStats, status: FifoStatus): void {
  if (status === FIFO_ERR_CODING) stats.codingErrors++;
  else if (status === FIFO_ERR_SYNC) stats.syncErrors++;
  else stats.lengthErrors++;
}

/**
 * The assembler's finished frame with its mode, format and the frame without CRCs (carried forward to the
 * gateway, which does not strip again), or null (counted) when a block CRC fails.
 */
export function intactFrame(asm: FrameAssembler, stats: RadioStats): { bytes: Uint8Array; stripped: Uint8Array; mode: PhyMode; format: FrameFormat } | null {
  const bytes = asm.frame();
  const format: FrameFormat = asm.format === "B" ? "B" : "A";
  const stripped = format === "A" ? stripFrameA(bytes) : stripFrameB(bytes);
  if (stripped === null) {
    stats.crcErrors++;
    return null;
  }
  return { bytes, stripped, mode: asm.mode === "" ? "T" : asm.mode, format };
}
