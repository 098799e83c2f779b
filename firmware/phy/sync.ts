/**
 * Preambles, synchronisation words, mode detection and on-air lengths (EN 13757-4; docs/protocol.md §1.2,
 * §1.5, §2.2–2.3; esp32-receivers §3.1).
 *
 * Receivers program one 16-bit sync word per channel: 0x543D on 868.95 MHz catches both T and C (it is the tail
 * of the `01` preamble plus T's 10-chip sync, and also C's first sync word), 0x7696 on 868.30 MHz catches S (the
 * last 16 of its 18 sync chips). The radio FIFO then delivers the bytes after that word:
 *
 *   - C: `54 CD` (frame A) or `54 3D` (frame B), then the frame in NRZ, L first;
 *   - T: the frame 3-of-6 coded (the first 12 chips are the L-field). 0x54 starts with the chips `010101`, which
 *     is not a 3-of-6 code, so a first byte 0x54 can only be C;
 *   - S: the frame Manchester coded, frame A only.
 */
import { DECODE_3OF6 } from "./three-of-six.js";
import { deepFreeze } from "../util/freeze.js";

import type { FrameFormat, PhyMode } from "../vocabulary.js";
/** Shared vocabulary (firmware/vocabulary.ts), re-exported for the simulators and tests that import it from here. */
export type { FrameFormat, PhyMode } from "../vocabulary.js";

export interface SyncSpec {
  /** The repeated preamble pair, in chips. */
  preamble: "01";
  /** Minimum number of preamble pairs from the standard's meter→gateway variant (S1 279, T1 19, C 16). */
  minPreamblePairs: number;
  /** The mode's own synchronisation word and its length in chips (in transmission order, MSB first). */
  syncWord: number;
  syncChips: number;
  /** The 16-bit word a radio is set to search for, and what the last 16 chips before the FIFO data read. */
  radioSync: number;
  /** C only: the second 16-chip word per frame format. */
  formatWord?: { A: number; B: number };
}

export const SYNC: Readonly<Record<PhyMode, Readonly<SyncSpec>>> = deepFreeze({
  T: { preamble: "01", minPreamblePairs: 19, syncWord: 0x03d, syncChips: 10, radioSync: 0x543d },
  C: {
    preamble: "01",
    minPreamblePairs: 16,
    syncWord: 0x543d,
    syncChips: 16,
    radioSync: 0x543d,
    formatWord: { A: 0x54cd, B: 0x543d },
  },
  S: { preamble: "01", minPreamblePairs: 279, syncWord: 0x07696, syncChips: 18, radioSync: 0x7696 },
});

/** Sync word for the shared T+C channel and for S. */
export const RADIO_SYNC_TC = 0x543d;
export const RADIO_SYNC_S = 0x7696;
/** First FIFO byte after 0x543D in mode C, and the second byte per frame format. */
const C_PREFIX = 0x54;
const C_FORMAT_A = 0xcd;
const C_FORMAT_B = 0x3d;

/** Frame A (EN 13757-4 §5.2.2): bytes including L and all block CRCs, for L ≥ 9. Same as link/frame-format. */
function frameA(l: number): number {
  return l + 1 + 2 * (1 + ((l + 6) >> 4)); // ceil((L − 9) / 16) = (L + 6) >> 4 for L ≥ 9
}

/**
 * Whether L is possible for the frame format: A needs L ≥ 9 (block 1); B needs L ≥ 12 (block 1 + CI + CRC)
 * and not 128 or 129 (block 3 must hold at least one byte).
 */
export function validL(format: FrameFormat, l: number): boolean {
  if (!Number.isInteger(l) || l < 0 || l > 255) return false;
  if (format === "A") return l >= 9;
  return l >= 12 && l !== 128 && l !== 129;
}

/**
 * Bytes of the frame on air from the L-field: L, data and every DLL CRC, without preamble, sync words or
 * postamble. Frame A: L + 1 + 2·(1 + ceil((L − 9) / 16)); frame B: L + 1. -1 when L is impossible for the
 * format (validL) or the mode has no such format (T and S carry frame A only).
 */
export function packetLength(mode: PhyMode, format: FrameFormat, l: number): number {
  if (format === "B" && mode !== "C") return -1;
  if (!validL(format, l)) return -1;
  return format === "A" ? frameA(l) : l + 1;
}

/** Chips that carry those bytes: T 12 per byte (3-of-6), C 8 (NRZ), S 16 (Manchester). -1 when invalid. */
export function packetChips(mode: PhyMode, format: FrameFormat, l: number): number {
  const n = packetLength(mode, format, l);
  if (n < 0) return -1;
  return n * (mode === "T" ? 12 : mode === "C" ? 8 : 16);
}

/**
 * Bytes the radio FIFO delivers after its 16-bit sync match until the last frame chip: T (3·N + 1) >> 1,
 * C N + 2 (the `54 CD`/`54 3D` word is counted), S 2·N. -1 when invalid.
 */
export function fifoLength(mode: PhyMode, format: FrameFormat, l: number): number {
  const n = packetLength(mode, format, l);
  if (n < 0) return -1;
  return mode === "T" ? (3 * n + 1) >> 1 : mode === "C" ? n + 2 : 2 * n;
}

export type Detection =
  /** More FIFO bytes are needed (3 for T/C). */
  | { kind: "more"; need: number }
  | { kind: "frame"; mode: "T" | "C"; format: FrameFormat; l: number; fifoLength: number }
  /** `sync`: C prefix with a second byte that is neither 0xCD nor 0x3D. `coding`: T header not 3-of-6.
   * `length`: L impossible for the format. */
  | { kind: "error"; error: "sync" | "coding" | "length"; mode: "T" | "C"; l: number };

/**
 * Mode detection on the T+C channel from the first three FIFO bytes after 0x543D: `54 CD L` = C frame A,
 * `54 3D L` = C frame B, anything else is T with the 3-of-6 coded L-field (and C-field) in those 24 chips.
 * The header is taken as a whole, so a T header whose L is fine but whose C-field symbol is not a code is a
 * coding error, exactly as in the frame assembler.
 */
export function detectTC(fifo: Uint8Array, start = 0, length = fifo.length - start): Detection {
  if (length < 3) return { kind: "more", need: 3 - length };
  const b0 = fifo[start], b1 = fifo[start + 1], b2 = fifo[start + 2];
  if (b0 === C_PREFIX) {
    const format: FrameFormat | null = b1 === C_FORMAT_A ? "A" : b1 === C_FORMAT_B ? "B" : null;
    if (format === null) return { kind: "error", error: "sync", mode: "C", l: -1 };
    const n = fifoLength("C", format, b2);
    if (n < 0) return { kind: "error", error: "length", mode: "C", l: b2 };
    return { kind: "frame", mode: "C", format, l: b2, fifoLength: n };
  }
  const s0 = DECODE_3OF6[b0 >> 2];
  const s1 = DECODE_3OF6[((b0 & 3) << 4) | (b1 >> 4)];
  const s2 = DECODE_3OF6[((b1 & 15) << 2) | (b2 >> 6)];
  const s3 = DECODE_3OF6[b2 & 63];
  if (s0 < 0 || s1 < 0 || s2 < 0 || s3 < 0) return { kind: "error", error: "coding", mode: "T", l: -1 };
  const l = (s0 << 4) | s1;
  const n = fifoLength("T", "A", l);
  if (n < 0) return { kind: "error", error: "length", mode: "T", l };
  return { kind: "frame", mode: "T", format: "A", l, fifoLength: n };
}
