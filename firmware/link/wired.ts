import { fail } from "../errors.js";

/**
 * Wired M-Bus frames (EN 13757-2 §5): long `68 L L 68 C A CI … CS 16`, short `10 C A CS 16`, ack `E5`.
 * CS = sum of C … last data byte, mod 256.
 */
export type WiredFrame =
  | { kind: "ack" }
  | { kind: "short"; c: number; a: number }
  | { kind: "long"; c: number; a: number; ciOffset: number; end: number };

export function isWired(b: Uint8Array): boolean {
  return (b.length >= 1 && b[0] === 0xe5 && b.length === 1) || (b.length >= 4 && b[0] === 0x68 && b[3] === 0x68 && b[1] === b[2]) ||
    (b.length === 5 && b[0] === 0x10 && b[4] === 0x16);
}

function checksum(b: Uint8Array, start: number, end: number): number {
  // the plain sum (exact: below 2^53 for any frame), reduced once; four bytes per step, which costs XS about half
  let s = 0;
  let i = start;
  for (; i + 4 <= end; i += 4) s += b[i] + b[i + 1] + b[i + 2] + b[i + 3];
  for (; i < end; i++) s += b[i];
  return s & 0xff;
}

export function parseWired(b: Uint8Array): WiredFrame {
  if (b[0] === 0xe5) return { kind: "ack" };
  if (b[0] === 0x10) {
    if (b.length < 5) fail("truncated", "short frame needs 5 bytes", b.length);
    if (checksum(b, 1, 3) !== b[3]) fail("bad_crc", `short frame checksum ${b[3].toString(16)} != ${checksum(b, 1, 3).toString(16)}`, 3);
    if (b[4] !== 0x16) fail("bad_frame", "short frame stop byte is not 16", 4);
    return { kind: "short", c: b[1], a: b[2] };
  }
  const l = b[1];
  if (b[2] !== l || b[3] !== 0x68) fail("bad_frame", "long frame start 68 L L 68 malformed", 0);
  if (l < 3) fail("bad_length", `long frame L=${l} is below 3 (C, A, CI)`, 1);
  const end = 4 + l; // index of CS
  if (b.length < end + 2) fail("truncated", `long frame L=${l} needs ${end + 2} bytes, got ${b.length}`, b.length);
  const cs = checksum(b, 4, end);
  if (cs !== b[end]) fail("bad_crc", `long frame checksum is ${b[end].toString(16)}, computed ${cs.toString(16)}`, end);
  if (b[end + 1] !== 0x16) fail("bad_frame", "long frame stop byte is not 16", end + 1);
  return { kind: "long", c: b[4], a: b[5], ciOffset: 6, end };
}

/** Builds a long frame around C, A and the CI…data bytes (encoder side). */
export function buildWiredLong(c: number, a: number, body: Uint8Array): Uint8Array {
  const l = body.length + 2;
  const out = new Uint8Array(l + 6);
  out[0] = 0x68; out[1] = l; out[2] = l; out[3] = 0x68; out[4] = c; out[5] = a;
  out.set(body, 6);
  out[4 + l] = checksum(out, 4, 4 + l);
  out[5 + l] = 0x16;
  return out;
}
