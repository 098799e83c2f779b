import { crc16 } from "./crc16.js";
import { fail } from "../errors.js";

/**
 * DLL block CRCs (EN 13757-4 §5.2.2 frame format A, §5.2.3 frame format B). CRCs are sent MSB first.
 * `stripDllCrc` returns the frame in the common "format A without CRCs" form that every upper layer
 * reads: L counts the bytes after L, without CRCs.
 */
export type DllCrcKind = "none" | "A" | "B";
export type CrcMode = "auto" | DllCrcKind;

export interface Stripped {
  /**
   * L C M A CI … without CRCs; L rewritten where format B. For kinds A and B a new buffer (stripFrameA/B and
   * their native twins build one), for "none" a view of the input.
   */
  bytes: Uint8Array;
  kind: DllCrcKind;
  /** Bytes after the frame (e.g. a stick's RSSI byte), ignored. */
  trailing: number;
}

/** Bytes on air for frame format A with CRCs, from the L-field (docs/protocol.md §1.5). */
export function frameALength(l: number): number {
  return l + 1 + 2 * (1 + Math.ceil((l - 9) / 16));
}

function crcAt(b: Uint8Array, start: number, end: number): boolean {
  const c = crc16(b, start, end);
  return b[end] === c >> 8 && b[end + 1] === (c & 0xff);
}

/** Checks all format-A block CRCs; returns the stripped frame or null. Block 1 = 10 bytes, then 16-byte blocks. */
export function stripFrameA(b: Uint8Array): Uint8Array | null {
  if (b.length === 0) return null;
  const l = b[0];
  if (l < 9) return null;
  const total = frameALength(l);
  if (b.length < total) return null;
  const out = new Uint8Array(l + 1);
  let src = 0, dst = 0, block = 10;
  while (dst < l + 1) {
    const n = Math.min(block, l + 1 - dst);
    if (!crcAt(b, src, src + n)) return null;
    out.set(b.subarray(src, src + n), dst);
    src += n + 2;
    dst += n;
    block = 16;
  }
  return out;
}

/** Checks format-B CRCs (one over bytes 0..125 when L > 127, one over the rest). Returns the stripped frame or null. */
export function stripFrameB(b: Uint8Array): Uint8Array | null {
  const l = b[0];
  // L = 128 would overlap block 3's CRC with block 2's, L = 129 leaves block 3 empty: neither exists (§2.3).
  if (l < 12 || l === 128 || l === 129 || b.length < l + 1) return null;
  if (l <= 127) {
    if (!crcAt(b, 0, l - 1)) return null;
    const out = b.slice(0, l - 1);
    out[0] = l - 2;
    return out;
  }
  if (!crcAt(b, 0, 126) || !crcAt(b, 128, l - 1)) return null;
  const out = new Uint8Array(l - 3);
  out.set(b.subarray(0, 126), 0);
  out.set(b.subarray(128, l - 1), 126);
  out[0] = l - 4;
  return out;
}

/**
 * Removes DLL CRCs. `auto` strips only when every CRC verifies (format A tried first, then B), otherwise
 * takes the frame as already stripped, as USB sticks deliver it. An explicit A/B that fails is `bad_crc`.
 */
export function stripDllCrc(b: Uint8Array, mode: CrcMode = "auto"): Stripped {
  if (b.length < 1) fail("empty", "no bytes", 0);
  const l = b[0];
  if (mode === "A" || mode === "auto") {
    const a = stripFrameA(b);
    if (a) return { bytes: a, kind: "A", trailing: b.length - frameALength(l) };
    if (mode === "A") fail("bad_crc", `frame format A: a block CRC does not match (L=${l})`, 0);
  }
  if (mode === "B" || mode === "auto") {
    const s = stripFrameB(b);
    if (s) return { bytes: s, kind: "B", trailing: b.length - (l + 1) };
    if (mode === "B") fail("bad_crc", `frame format B: CRC does not match (L=${l})`, 0);
  }
  if (b.length < l + 1) {
    fail("truncated", `L-field says ${l} bytes follow, only ${b.length - 1} present`, b.length);
  }
  return { bytes: b.subarray(0, l + 1), kind: "none", trailing: b.length - (l + 1) };
}

/** Adds format-A block CRCs to a stripped frame (encoder side, for simulators and commands). */
export function addFrameACrc(f: Uint8Array): Uint8Array {
  const l = f[0];
  const out = new Uint8Array(frameALength(l));
  let src = 0, dst = 0, block = 10;
  while (src < l + 1) {
    const n = Math.min(block, l + 1 - src);
    out.set(f.subarray(src, src + n), dst);
    const c = crc16(f, src, src + n);
    out[dst + n] = c >> 8;
    out[dst + n + 1] = c & 0xff;
    src += n;
    dst += n + 2;
    block = 16;
  }
  return out;
}

/** Adds format-B CRCs to a stripped frame; L is rewritten to include them. */
export function addFrameBCrc(f: Uint8Array): Uint8Array {
  const n = f.length; // bytes incl. L, without CRCs
  const long = n > 126;
  const out = new Uint8Array(n + (long ? 4 : 2));
  out.set(f, 0);
  out[0] = out.length - 1;
  if (!long) {
    const c = crc16(out, 0, n);
    out[n] = c >> 8;
    out[n + 1] = c & 0xff;
    return out;
  }
  out.set(f.subarray(0, 126), 0);
  out[0] = out.length - 1;
  let c = crc16(out, 0, 126);
  out[126] = c >> 8;
  out[127] = c & 0xff;
  out.set(f.subarray(126), 128);
  c = crc16(out, 128, out.length - 2);
  out[out.length - 2] = c >> 8;
  out[out.length - 1] = c & 0xff;
  return out;
}
