/**
 * Stand-in for firmware/link/crc16.ts in the XS bench (swapped in by the esbuild plugin `nativeCrcPlugin` of
 * xs-stages.ts for imports from firmware/). On the device the CRC runs in C (firmware/native/wmbus_crc.c bound by
 * crc-native.ts), so every call of the TS twin is put in an "N" window: its loop is counted apart, like the AES
 * block rounds, while the call itself stays counted as the call into the native function would.
 */
import { crc16 as twin } from "../../firmware/link/crc16.js";

declare const print: (s: string) => void;

/** CRC over bytes [start, end) (same result as the twin). */
export function crc16(bytes: Uint8Array, start = 0, end = bytes.length): number {
  print("<N");
  const c = twin(bytes, start, end);
  print(">N");
  return c;
}
