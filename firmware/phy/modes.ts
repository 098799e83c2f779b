/**
 * Link modes of an 868 MHz gateway as data (EN 13757-4; docs/protocol.md §1.1, IMST table 3-1, Microchip TRX
 * table). Frequencies in Hz and chip rates in chips/s are integers so nothing here needs floating point.
 */
import type { FrameFormat, PhyMode } from "../vocabulary.js";
import { packetChips } from "./sync.js";
import { deepFreeze } from "../util/freeze.js";

export type LinkModeName =
  | "S1"
  | "S1-m"
  | "S2"
  | "T1"
  | "T2"
  | "T2-down"
  | "C1"
  | "C2"
  | "C2-down"
  | "R2"
  | "R2-down";

export type Coding = "3of6" | "manchester" | "nrz";

export interface LinkMode {
  name: LinkModeName;
  /** `up` = meter → gateway, `down` = gateway → meter. */
  direction: "up" | "down";
  frequencyHz: number;
  /** R2 uplink uses 868.03 MHz + n × 60 kHz; 0 elsewhere. */
  channelSpacingHz: number;
  chipRate: number;
  coding: Coding;
  formats: readonly FrameFormat[];
  /** Sync/coding family the receiver uses (R2 and the T2 downlink use S-style Manchester framing). */
  phy: PhyMode;
  /** Minimum `01` preamble pairs before the sync word (null: only IMST's total is known, see totalChips). */
  minPreamblePairs: number | null;
  /** Sync chips after the preamble (C: both 16-chip words). */
  syncChips: number;
  /** IMST's typical preamble + sync length in chips. */
  totalChips: number;
}

export const LINK_MODES: readonly LinkMode[] = deepFreeze([
  { name: "S1", direction: "up", frequencyHz: 868_300_000, channelSpacingHz: 0, chipRate: 32_768, coding: "manchester", formats: ["A"], phy: "S", minPreamblePairs: 279, syncChips: 18, totalChips: 582 },
  { name: "S1-m", direction: "up", frequencyHz: 868_300_000, channelSpacingHz: 0, chipRate: 32_768, coding: "manchester", formats: ["A"], phy: "S", minPreamblePairs: 15, syncChips: 18, totalChips: 56 },
  { name: "S2", direction: "up", frequencyHz: 868_300_000, channelSpacingHz: 0, chipRate: 32_768, coding: "manchester", formats: ["A"], phy: "S", minPreamblePairs: 15, syncChips: 18, totalChips: 56 },
  { name: "T1", direction: "up", frequencyHz: 868_950_000, channelSpacingHz: 0, chipRate: 100_000, coding: "3of6", formats: ["A"], phy: "T", minPreamblePairs: 19, syncChips: 10, totalChips: 56 },
  { name: "T2", direction: "up", frequencyHz: 868_950_000, channelSpacingHz: 0, chipRate: 100_000, coding: "3of6", formats: ["A"], phy: "T", minPreamblePairs: 19, syncChips: 10, totalChips: 56 },
  { name: "T2-down", direction: "down", frequencyHz: 868_300_000, channelSpacingHz: 0, chipRate: 32_768, coding: "manchester", formats: ["A"], phy: "S", minPreamblePairs: 15, syncChips: 18, totalChips: 56 },
  { name: "C1", direction: "up", frequencyHz: 868_950_000, channelSpacingHz: 0, chipRate: 100_000, coding: "nrz", formats: ["A", "B"], phy: "C", minPreamblePairs: 16, syncChips: 32, totalChips: 64 },
  { name: "C2", direction: "up", frequencyHz: 868_950_000, channelSpacingHz: 0, chipRate: 100_000, coding: "nrz", formats: ["A", "B"], phy: "C", minPreamblePairs: 16, syncChips: 32, totalChips: 64 },
  { name: "C2-down", direction: "down", frequencyHz: 869_525_000, channelSpacingHz: 0, chipRate: 50_000, coding: "nrz", formats: ["A", "B"], phy: "C", minPreamblePairs: null, syncChips: 32, totalChips: 64 },
  { name: "R2", direction: "up", frequencyHz: 868_030_000, channelSpacingHz: 60_000, chipRate: 4_800, coding: "manchester", formats: ["A"], phy: "S", minPreamblePairs: null, syncChips: 18, totalChips: 104 },
  { name: "R2-down", direction: "down", frequencyHz: 868_330_000, channelSpacingHz: 0, chipRate: 4_800, coding: "manchester", formats: ["A"], phy: "S", minPreamblePairs: null, syncChips: 18, totalChips: 104 },
]);

export function linkMode(name: LinkModeName): LinkMode {
  for (const m of LINK_MODES) if (m.name === name) return m;
  throw new RangeError("unknown link mode " + name);
}

/** Microseconds one radio FIFO byte (8 chips) takes: 80 µs at 100 kcps, 244 µs at 32.768 kcps. */
export function fifoByteMicros(chipRate: number): number {
  return Math.round(8_000_000 / chipRate);
}

/**
 * Air time in µs of a frame with the given L: `preamblePairs` × `01`, the sync chips, the coded frame (C: plus
 * the second sync word) and `postambleChips`. -1 when L is invalid for the mode/format.
 */
export function airtimeMicros(
  mode: LinkMode,
  format: FrameFormat,
  l: number,
  preamblePairs = mode.minPreamblePairs ?? 16,
  postambleChips = 8,
): number {
  const body = packetChips(mode.phy, format, l);
  if (body < 0) return -1;
  const chips = 2 * preamblePairs + mode.syncChips + body + postambleChips;
  return Math.round((chips * 1_000_000) / mode.chipRate);
}
