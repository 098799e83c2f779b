/**
 * Every wireless corpus telegram as the frames a meter would send: T1 (frame A), C1 frame A, C1 frame B and
 * S1 (frame A), each with its DLL CRCs (link/frame-format addFrameACrc / addFrameBCrc). Corpus telegrams are
 * mostly stored without CRCs; those annotated `dll_crc: "A"|"B"` are stripped first, and those longer than
 * L + 1 are cut to L + 1. Prelude telegrams count as telegrams too; duplicates are sent once.
 *
 * Skipped, and counted, is only what the standard forbids: frame A needs L ≥ 9 (EN 13757-4 §5.2.2); frame B
 * needs 12 ≤ L ≤ 255 after its CRCs are added (§5.2.3), so a stripped frame of more than 252 bytes has no
 * frame B form.
 */
import { corpusPath, readCorpusLines } from "../bench/corpus.js";
import { addFrameACrc, addFrameBCrc, stripFrameA, stripFrameB } from "../../firmware/link/frame-format.js";
import { fromHex, toHex } from "../../firmware/util/hex.js";
import type { FrameFormat, PhyMode } from "../../firmware/phy/sync.js";

export type Variant = "T1" | "C1-A" | "C1-B" | "S1";

export const VARIANTS: Readonly<Record<Variant, { mode: PhyMode; format: FrameFormat }>> = Object.freeze({
  T1: { mode: "T", format: "A" },
  "C1-A": { mode: "C", format: "A" },
  "C1-B": { mode: "C", format: "B" },
  S1: { mode: "S", format: "A" },
});

export interface CodedFrame {
  variant: Variant;
  mode: PhyMode;
  format: FrameFormat;
  /** Frame with DLL CRCs, L first. */
  frame: Uint8Array;
  /** The telegram without CRCs (L counts the bytes after it). */
  telegram: Uint8Array;
  /** First corpus record index that holds this telegram. */
  index: number;
}

export interface CorpusFrames {
  frames: CodedFrame[];
  /** Distinct wireless telegrams found. */
  telegrams: number;
  /** Variants the standard forbids for a telegram, by variant. */
  skipped: Record<Variant, number>;
}

/** The telegram without DLL CRCs and without bytes after L + 1; null when it is not a usable wireless frame. */
export function withoutCrc(bytes: Uint8Array, dllCrc: unknown): Uint8Array | null {
  let b: Uint8Array | null = bytes;
  if (dllCrc === "A") b = stripFrameA(bytes);
  else if (dllCrc === "B") b = stripFrameB(bytes);
  if (!b || b.length < 1 || b.length < b[0] + 1) return null;
  return b.slice(0, b[0] + 1);
}

/** The frame with CRCs for a variant, or null when the standard has no such frame. */
export function codeFrame(telegram: Uint8Array, format: FrameFormat): Uint8Array | null {
  const l = telegram[0];
  if (format === "A") return l >= 9 ? addFrameACrc(telegram) : null;
  const n = telegram.length;
  const withCrc = n + (n > 126 ? 4 : 2);
  return withCrc - 1 >= 12 && withCrc - 1 <= 255 ? addFrameBCrc(telegram) : null;
}

let cache: CorpusFrames | null = null;

export function wirelessCorpusFrames(path = corpusPath()): CorpusFrames {
  if (cache && path === corpusPath()) return cache;
  const seen = new Map<string, { index: number; telegram: Uint8Array }>();
  for (const r of readCorpusLines(path)) {
    if (r.frame.format !== "wmbus") continue;
    for (const [hex, crc] of [[r.telegram, r.frame.dll_crc] as const, ...r.prelude.map((p) => [p, "none"] as const)]) {
      if (/^68/i.test(hex) && hex.length > 8 && hex.substr(0, 2) === hex.substr(6, 2)) continue; // wired prelude
      const t = withoutCrc(fromHex(hex), crc);
      if (!t) continue;
      const key = toHex(t);
      if (!seen.has(key)) seen.set(key, { index: r.index, telegram: t });
    }
  }
  const frames: CodedFrame[] = [];
  const skipped: Record<Variant, number> = { T1: 0, "C1-A": 0, "C1-B": 0, S1: 0 };
  for (const { index, telegram } of seen.values()) {
    for (const variant of Object.keys(VARIANTS) as Variant[]) {
      const { mode, format } = VARIANTS[variant];
      const frame = codeFrame(telegram, format);
      if (!frame) skipped[variant]++;
      else frames.push({ variant, mode, format, frame, telegram, index });
    }
  }
  const result = { frames, telegrams: seen.size, skipped };
  if (path === corpusPath()) cache = result;
  return result;
}
