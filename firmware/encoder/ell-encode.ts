/**
 * Encoder side of the extended link layer (EN 13757-4 §13, CI 0x8C–0x8F), the inverse of readEll.
 * 8C: CC ACC · 8D: CC ACC SN PayloadCRC · 8E: CC ACC M2 A2 · 8F: CC ACC M2 A2 SN PayloadCRC.
 * The payload CRC (and AES-CTR when ENC = 1) is applied by `sealEllPayload` once the rest of the frame exists.
 */
import { fail } from "../errors.js";
import type { Writer } from "../util/writer.js";
import { crc16 } from "../link/crc16.js";
import { ellEncrypt, ellIcb } from "../security/ell-ctr.js";
import type { BlockCipher } from "../security/block-cipher.js";

export interface EllFields {
  ci: 0x8c | 0x8d | 0x8e | 0x8f;
  cc: number;
  acc: number;
  /** Receiver address in DLL order (8E/8F). */
  receiver?: Uint8Array;
  /** Session number word (8D/8F), ENC in bits 31..29. */
  sn?: number;
  /** Encrypt the payload with AES-128-CTR (needs ENC = 1 in SN and a key). False: ENC bits are written as given, payload stays plain. */
  encrypt?: boolean;
}

/** Writes the ELL; returns the offset of the payload CRC (8D/8F) or -1. */
export function writeEll(w: Writer, f: EllFields): number {
  if (f.ci < 0x8c || f.ci > 0x8f) fail("bad_argument", `ELL CI must be 8C..8F, got ${f.ci}`);
  w.u8(f.ci, "ELL CI").u8(f.cc, "ELL CC").u8(f.acc, "ELL ACC");
  if (f.ci === 0x8e || f.ci === 0x8f) {
    if (!f.receiver) fail("bad_argument", "ELL III/IV needs a receiver address");
    w.put(f.receiver, 8, "ELL receiver address");
  }
  if (f.ci === 0x8d || f.ci === 0x8f) {
    if (f.sn === undefined) fail("bad_argument", "ELL II/IV needs a session number");
    w.u32(f.sn, "ELL SN");
    return w.reserve(2);
  }
  return -1;
}

/**
 * Writes the ELL payload CRC (LSB first, over every byte after it) and, when `encrypt`, AES-CTR encrypts
 * [crcPos, end) with the ICB from the DLL address, CC and SN (EN 13757-4 §13.2.8). Returns a new frame.
 */
export function sealEllPayload(frame: Uint8Array, crcPos: number, f: EllFields, key?: { cipher: BlockCipher; key: Uint8Array }): Uint8Array {
  if (!f.encrypt) {
    const out = frame.slice();
    const c = crc16(out, crcPos + 2, out.length);
    out[crcPos] = c & 0xff;
    out[crcPos + 1] = c >> 8;
    return out;
  }
  if (!key) fail("no_key", "ELL encryption needs the meter's key");
  if ((f.sn! >>> 29) !== 1) fail("bad_argument", "ELL encryption needs ENC = 1 (AES-CTR) in the SN");
  const sn = frame.subarray(crcPos - 4, crcPos);
  const icb = ellIcb(frame.subarray(2, 4), frame.subarray(4, 10), f.cc, sn);
  return ellEncrypt(key.cipher, key.key, icb, frame, crcPos);
}
