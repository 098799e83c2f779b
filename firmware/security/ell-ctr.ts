/**
 * ELL encryption: AES-128-CTR over the payload CRC and everything after it (EN 13757-4:2019 ELL,
 * CI 0x8D / 0x8F with SN.ENC = 001; docs/protocol.md §3.3–3.4). The decrypted payload CRC
 * (CRC-16/EN-13757, LSB first) over the bytes after it is the only key check ELL has.
 */
import { fail } from "../errors.js";
import { crc16 } from "../link/crc16.js";
import { hex16 } from "../util/hex.js";
import { checkKey, type BlockCipher } from "./block-cipher.js";
import { ctrXor } from "./modes.js";

/** CC bits cleared in the ICB: H (hop count, 0x10) and R (repeated access, 0x02), set by repeaters. */
export const ELL_CC_ICB_MASK = 0xff & ~(0x10 | 0x02);
/** SN.ENC values (SN bits 31..29). */
export const ELL_ENC_NONE = 0;
export const ELL_ENC_AES_CTR = 1;

/** SN.ENC, bits 31..29 of the session number (`sn` = the 4 SN bytes as on air, LE). */
export function ellSnEncryption(sn: Uint8Array): number {
  if (!(sn instanceof Uint8Array) || sn.length !== 4) fail("bad_argument", "ELL SN must be 4 bytes");
  return (sn[3] >> 5) & 7;
}

/**
 * AES-CTR initial counter block (EN 13757-4 ELL; docs/protocol.md §3.4):
 * M (2) ‖ A (6: ID LE, version, type) ‖ CC with H and R cleared ‖ SN (4) ‖ FN = 00 00 ‖ BC = 00.
 * M and A are the DLL address as on air; `m` may be the 16-bit value or its 2 bytes.
 */
export function ellIcb(m: number | Uint8Array, a: Uint8Array, cc: number, sn: Uint8Array): Uint8Array {
  if (!(a instanceof Uint8Array) || a.length !== 6) fail("bad_argument", "ELL ICB: A-field must be 6 bytes");
  if (!(sn instanceof Uint8Array) || sn.length !== 4) fail("bad_argument", "ELL ICB: SN must be 4 bytes");
  const icb = new Uint8Array(16);
  if (typeof m === "number") {
    icb[0] = m & 0xff;
    icb[1] = (m >> 8) & 0xff;
  } else {
    if (!(m instanceof Uint8Array) || m.length !== 2) fail("bad_argument", "ELL ICB: M must be 2 bytes");
    icb[0] = m[0];
    icb[1] = m[1];
  }
  icb.set(a, 2);
  icb[8] = cc & ELL_CC_ICB_MASK;
  icb.set(sn, 9);
  // bytes 13–14 FN = 0 (unfragmented), byte 15 BC = 0 (first block)
  return icb;
}

function checkCrcPos(frame: Uint8Array, crcPos: number): void {
  if (!Number.isInteger(crcPos) || crcPos < 0 || crcPos + 2 > frame.length) {
    fail("truncated", `ELL payload CRC at offset ${crcPos} runs past the ${frame.length}-byte frame`, crcPos);
  }
}

/** True when the (plain) ELL payload CRC at `crcPos`, LSB first, matches the bytes after it. */
export function ellPayloadCrcOk(frame: Uint8Array, crcPos: number): boolean {
  checkCrcPos(frame, crcPos);
  return (frame[crcPos] | (frame[crcPos + 1] << 8)) === crc16(frame, crcPos + 2, frame.length);
}

/**
 * Decrypts an ELL-encrypted telegram: returns a copy of `frame` with bytes [crcPos, end) decrypted
 * (CTR from `icb`), then checks the payload CRC. Throws WmbusError "wrong_key" on a CRC mismatch
 * (wrong key, or a frame damaged past the DLL CRCs), "truncated" if the CRC does not fit.
 */
export function ellDecrypt(cipher: BlockCipher, key: Uint8Array, icb: Uint8Array, frame: Uint8Array, crcPos: number): Uint8Array {
  checkKey(key, "ELL key");
  checkCrcPos(frame, crcPos);
  const out = frame.slice();
  out.set(ctrXor(cipher, key, icb, frame, crcPos, frame.length), crcPos);
  const got = out[crcPos] | (out[crcPos + 1] << 8);
  const want = crc16(out, crcPos + 2, out.length);
  if (got !== want) {
    out.fill(0);
    fail("wrong_key", `ELL payload CRC after decryption is ${hex16(got)}, expected ${hex16(want)} (wrong key?)`, crcPos);
  }
  return out;
}

/**
 * Inverse of ellDecrypt (for simulators and tests): writes the payload CRC (LSB first) over the
 * bytes after `crcPos` into a copy of `frame`, then encrypts [crcPos, end).
 */
export function ellEncrypt(cipher: BlockCipher, key: Uint8Array, icb: Uint8Array, frame: Uint8Array, crcPos: number): Uint8Array {
  checkKey(key, "ELL key");
  checkCrcPos(frame, crcPos);
  const out = frame.slice();
  const crc = crc16(out, crcPos + 2, out.length);
  out[crcPos] = crc & 0xff;
  out[crcPos + 1] = crc >> 8;
  out.set(ctrXor(cipher, key, icb, out, crcPos, out.length), crcPos);
  return out;
}
