/**
 * The meter's transmitter for the air model, written from the standard's tables (EN 13757-4 as digested in
 * docs/radio.md "Air encoding"), independently of the firmware's phy/ modules, so a misreading shared by the
 * firmware's encoder and decoder cannot pass the radio tests:
 *
 *   T (§7.4.2, table 10): each byte → two 6-chip codes, high nibble first, MSB first; preamble n × `01`
 *     (n ≥ 19), sync `0000111101`.
 *   C: NRZ bytes MSB first; preamble n × `01` (n ≥ 16), sync `0101010000111101` (0x543D), then
 *     `0101010011001101` (0x54CD) for frame format A or 0x543D again for format B.
 *   S (§6.4.1): Manchester, bit 1 = chips `01`, bit 0 = chips `10`, MSB first; preamble n × `01` (n ≥ 279),
 *     sync `000111011010010110`.
 *   Postamble: alternating chips `0101…`, 8 of them, or 4 when that ends a T transmission on a byte boundary.
 *
 * Chips are packed 8 per byte, the first chip in bit 7.
 */
import type { FrameFormat, PhyMode } from "../../firmware/phy/sync.js";

/** 3-out-of-6 code of each nibble 0x0–0xF, as the 6 chips on air (EN 13757-4 table 10). */
export const THREE_OF_SIX: readonly string[] = Object.freeze([
  "010110", "001101", "001110", "001011", "011100", "011001", "011010", "010011",
  "101100", "100101", "100110", "100011", "110100", "110001", "110010", "101001",
]);

/** Manchester symbols (chips for a data bit). */
export const MANCHESTER: Readonly<Record<0 | 1, string>> = Object.freeze({ 1: "01", 0: "10" });

/** Preamble pairs (`01`) and sync chips of each mode, meter → gateway. */
export const PREAMBLE_PAIRS: Readonly<Record<PhyMode, number>> = Object.freeze({ T: 19, C: 16, S: 279 });
export const SYNC_CHIPS: Readonly<Record<PhyMode, string>> = Object.freeze({
  T: "0000111101",
  C: "0101010000111101",
  S: "000111011010010110",
});
/** C mode's second word: which frame format follows. */
export const C_FORMAT_CHIPS: Readonly<Record<FrameFormat, string>> = Object.freeze({ A: "0101010011001101", B: "0101010000111101" });

export interface AirChips {
  chips: Uint8Array;
  chipCount: number;
}

function byteChips(b: number): string {
  return b.toString(2).padStart(8, "0");
}

/** The chip string of a whole transmission: preamble, sync, coded frame, postamble. */
export function transmissionChips(mode: PhyMode, format: FrameFormat, frame: Uint8Array, preamblePairs = PREAMBLE_PAIRS[mode]): string {
  const parts: string[] = ["01".repeat(preamblePairs), SYNC_CHIPS[mode]];
  if (mode === "C") parts.push(C_FORMAT_CHIPS[format]);
  for (const b of frame) {
    if (mode === "T") parts.push(THREE_OF_SIX[b >> 4], THREE_OF_SIX[b & 15]);
    else if (mode === "S") for (let i = 7; i >= 0; i--) parts.push(MANCHESTER[((b >> i) & 1) as 0 | 1]);
    else parts.push(byteChips(b));
  }
  const body = parts.join("");
  return body + (body.length % 8 === 4 ? "0101" : "01010101");
}

/** Packs a chip string 8 per byte, first chip in bit 7 (unused chips of the last byte are 0). */
export function packChips(s: string): AirChips {
  const chips = new Uint8Array((s.length + 7) >> 3);
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) === 49) chips[i >> 3] |= 0x80 >> (i & 7);
  return { chips, chipCount: s.length };
}

export function encodeTransmission(mode: PhyMode, format: FrameFormat, frame: Uint8Array, preamblePairs?: number): AirChips {
  return packChips(transmissionChips(mode, format, frame, preamblePairs));
}
