/**
 * Device-only bindings of wmbus_crc.c (glue: wmbus_crc_xs.c). Same signatures and results as the host twins
 * firmware/link/crc16.ts (crc16) and firmware/link/frame-format.ts (frameALength, stripFrameA, stripFrameB),
 * which the host and the tests use. Importing this module off the device fails: `native()` is resolved by xsc.
 *
 * Differences, on inputs the TS handles by accident only: crc16 throws a RangeError for a range outside the
 * buffer (the TS reads `undefined`), stripFrameA returns null for an empty input (the TS returns an empty
 * array), stripFrameB returns null for L = 128 (the TS may throw a RangeError there).
 */
declare function native(name: string): (...args: any[]) => any;

const crc16Native = native("xs_wmbus_crc16") as (b: Uint8Array, start?: number, end?: number) => number;
const frameALengthNative = native("xs_wmbus_frame_a_length") as (l: number) => number;
const stripANative = native("xs_wmbus_strip_frame_a") as (b: Uint8Array) => ArrayBuffer | null;
const stripBNative = native("xs_wmbus_strip_frame_b") as (b: Uint8Array) => ArrayBuffer | null;

/** CRC-16/EN-13757 over bytes [start, end). */
export function crc16(bytes: Uint8Array, start = 0, end = bytes.length): number {
  return crc16Native(bytes, start, end);
}

export function frameALength(l: number): number {
  return frameALengthNative(l);
}

/** Checks all frame A block CRCs; the frame without CRCs, or null. */
export function stripFrameA(b: Uint8Array): Uint8Array | null {
  const r = stripANative(b);
  return r ? new Uint8Array(r) : null;
}

/** Checks the frame B CRCs; the frame without CRCs and L rewritten, or null. */
export function stripFrameB(b: Uint8Array): Uint8Array | null {
  const r = stripBNative(b);
  return r ? new Uint8Array(r) : null;
}
