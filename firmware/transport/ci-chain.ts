/**
 * The CI chain of a frame, walked once: where the ELL, AFL and TPL start (EN 13757-4 §13 ELL, EN 13757-7 §6
 * AFL, §7 TPL), as far as the bytes can be read without decryption. The gateway's telegram id masks the
 * repeater bits at the positions the walk found; the decoder reads each layer's header at those positions and,
 * after decrypting an ELL, resumes the same walk over the plaintext.
 *
 * The walk never throws and never allocates: it fills a `CiChain` its owner keeps (one per gateway or
 * decoder). What it cannot read is recorded (`status`, `stop`) for the decoder to report with the field's
 * name; the telegram id just masks fewer bytes. Offsets follow the `[start, end)` convention of util/reader.ts.
 */
import { ciInfo } from "./ci-table.js";
import { ELL_HEADER_LENGTH } from "../ell/ell.js";
import type { PassCounter } from "../vocabulary.js";

/** DLL → ELL → AFL → TPL is 3 CIs; more means a loop in malformed data. */
const MAX_CHAIN = 6;

/**
 * Why the walk stopped: `done` at the TPL (or the end after an ELL), `encrypted` at an ELL whose payload is
 * ciphertext (SN.ENC ≠ 0), or a defect at `stop`: `truncated` (a CI or a header runs past the end),
 * `unknown_ci`, `too_long`, `second_ell`, `second_afl`.
 */
export type ChainStatus = "done" | "encrypted" | "truncated" | "unknown_ci" | "too_long" | "second_ell" | "second_afl";

export class CiChain {
  /** The CIs found, in order, and the offset of each. */
  readonly ci = new Uint8Array(MAX_CHAIN);
  readonly at = new Int16Array(MAX_CHAIN);
  length = 0;
  /** Offsets of the ELL, AFL and TPL CI bytes, or -1. */
  ellAt = -1;
  aflAt = -1;
  tplAt = -1;
  status: ChainStatus = "done";
  /** Where the walk stopped: the end, the first byte of an ELL's encrypted region, or the defect. */
  stop = 0;
  /** The buffer and range last walked (the decoder checks that a walk handed to it is of its bytes). */
  buf?: Uint8Array;
  start = 0;
}

/** Walks the CI chain of `b` over `[start, end)` into `out` (reset first). `counter`, when given, counts the walk. */
export function walkCiChain(b: Uint8Array, start: number, end: number, out: CiChain, counter?: PassCounter): CiChain {
  if (counter) counter.chainWalks++;
  out.length = 0;
  out.ellAt = out.aflAt = out.tplAt = -1;
  out.buf = b;
  out.start = start;
  return resumeCiChain(b, start, end, out);
}

/** Continues a walk at `p` (after an ELL whose payload was decrypted in place): the same walk, not a new one. */
export function resumeCiChain(b: Uint8Array, p: number, end: number, out: CiChain): CiChain {
  for (;;) {
    if (p >= end) return stopAt(out, "truncated", p); // a CI-field is missing
    if (out.length >= MAX_CHAIN) return stopAt(out, "too_long", p);
    const ci = b[p];
    const info = ciInfo(ci);
    if (!info) return stopAt(out, "unknown_ci", p);
    if (info.layer === "ell" && out.ellAt >= 0) return stopAt(out, "second_ell", p);
    if (info.layer === "afl" && out.aflAt >= 0) return stopAt(out, "second_afl", p);
    out.ci[out.length] = ci;
    out.at[out.length] = p;
    out.length++;
    if (info.layer === "ell") {
      out.ellAt = p;
      const n = ELL_HEADER_LENGTH[ci];
      if (p + 1 + n > end) return stopAt(out, "truncated", p);
      // 8D/8F: SN (4 bytes before the payload CRC); ENC bits 31..29 ≠ 0: the rest is ciphertext.
      if ((ci === 0x8d || ci === 0x8f) && b[p + n - 2] >> 5 !== 0) return stopAt(out, "encrypted", p + n - 1);
      p += 1 + n;
      if (p === end) return stopAt(out, "done", p);
      continue;
    }
    if (info.layer === "afl") {
      out.aflAt = p;
      if (p + 2 > end || p + 2 + b[p + 1] > end) return stopAt(out, "truncated", p);
      p += 2 + b[p + 1]; // CI, AFL.L, then AFL.L bytes (EN 13757-7 §6.3.1)
      continue;
    }
    out.tplAt = p;
    return stopAt(out, "done", p);
  }
}

function stopAt(out: CiChain, status: ChainStatus, p: number): CiChain {
  out.status = status;
  out.stop = p;
  return out;
}
