/**
 * Reproducible random meter frames for engine-comparison runs (Node vs XS): a small LCG and a frame of a given
 * kind with valid DLL CRCs. No Node imports, so it bundles for xsnap.
 */
import { addFrameACrc, addFrameBCrc } from "../../firmware/link/frame-format.js";
import type { FrameFormat, PhyMode } from "../../firmware/phy/sync.js";

export type FrameKind = "T" | "CA" | "CB" | "S";

/** `rnd(n)`: integers 0..n-1 from a 32-bit LCG. */
export function lcg(seed: number): (n: number) => number {
  let s = seed >>> 0;
  return (n) => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    return (s >>> 8) % n;
  };
}

/** A random frame of `kind` (L up to 255 for A, 251 for B) with its CRCs, and its mode/format. */
export function randomFrame(rnd: (n: number) => number, kind: FrameKind): { mode: PhyMode; format: FrameFormat; frame: Uint8Array } {
  const len = kind === "CB" ? 12 + rnd(240) : 10 + rnd(246);
  const body = new Uint8Array(len);
  for (let k = 0; k < len; k++) body[k] = rnd(256);
  body[0] = len - 1;
  const format: FrameFormat = kind === "CB" ? "B" : "A";
  return { mode: kind === "CA" || kind === "CB" ? "C" : kind, format, frame: format === "B" ? addFrameBCrc(body) : addFrameACrc(body) };
}

/** Airs `count` random frames cycling through `kinds`, 2–5 ms apart, at random levels; runs until they are over. */
export function airRandomFrames(
  air: { scheduler: { now: number; runUntil(t: number): void }; transmit(r: { mode: PhyMode; format: FrameFormat; frame: Uint8Array; rssiDbm: number; at: number; freqOffsetHz: number }): { end: number } },
  rnd: (n: number) => number,
  kinds: readonly FrameKind[],
  count: number,
  maxOffsetHz = 0,
): void {
  let at = air.scheduler.now + 1000;
  for (let i = 0; i < count; i++) {
    const s = air.transmit({ ...randomFrame(rnd, kinds[i % kinds.length]), rssiDbm: -60 - rnd(40), at, freqOffsetHz: maxOffsetHz ? rnd(maxOffsetHz) : 0 });
    at = s.end + 2000 + rnd(3000);
  }
  air.scheduler.runUntil(at + 10000);
}
