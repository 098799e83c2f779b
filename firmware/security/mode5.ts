/**
 * Security mode 5: AES-128-CBC with an IV from the meter address and the TPL access number
 * (EN 13757-7:2018 clause 9, OMS security profile A; docs/protocol.md §5.5).
 */
import { fail } from "../errors.js";
import { checkKey, type BlockCipher } from "./block-cipher.js";
import { tplCbc } from "./tpl-cbc.js";

function checkBytes(b: Uint8Array, n: number, what: string): void {
  if (!(b instanceof Uint8Array) || b.length !== n) fail("bad_argument", `${what} must be ${n} bytes`);
}

/**
 * Mode 5 IV (EN 13757-7 clause 9, mode 5): M (2, LE) ‖ ID (4, LE as on air) ‖ version ‖ device type ‖ ACC × 8.
 * The address is always in DLL order, even when it comes from a TPL long header.
 * `m` is the 16-bit manufacturer value or its 2 bytes as on air; `id` the 4 ID bytes as on air.
 */
export function mode5Iv(m: number | Uint8Array, id: Uint8Array, version: number, deviceType: number, acc: number): Uint8Array {
  checkBytes(id, 4, "mode 5 IV: ID");
  const iv = new Uint8Array(16);
  if (typeof m === "number") {
    iv[0] = m & 0xff;
    iv[1] = (m >> 8) & 0xff;
  } else {
    checkBytes(m, 2, "mode 5 IV: M");
    iv[0] = m[0];
    iv[1] = m[1];
  }
  iv.set(id, 2);
  iv[6] = version & 0xff;
  iv[7] = deviceType & 0xff;
  iv.fill(acc & 0xff, 8, 16);
  return iv;
}

/** Mode 5 IV from the DLL address: `a` = the 6 A-field bytes as on air (ID LE, version, type). */
export function mode5IvFromDll(m: number | Uint8Array, a: Uint8Array, acc: number): Uint8Array {
  checkBytes(a, 6, "mode 5 IV: DLL A-field");
  return mode5Iv(m, a.subarray(0, 4), a[4], a[5], acc);
}

/**
 * Mode 5 IV from a TPL long header (CI 72, 73, 5B, 6B, 80, 8B …): `address` = its first 8 bytes as
 * on air (ID LE 4, M 2, version, type), reordered here into DLL order.
 */
export function mode5IvFromLongHeader(address: Uint8Array, acc: number): Uint8Array {
  checkBytes(address, 8, "mode 5 IV: long-header address");
  return mode5Iv(address.subarray(4, 6), address.subarray(0, 4), address[6], address[7], acc);
}

/**
 * Decrypts a mode 5 telegram: returns a copy of `frame` where the `blocks` × 16 bytes from `start`
 * (the first byte after the TPL header) are plaintext; N = 0 decrypts every whole block left.
 * Bytes after the encrypted part (the plain tail) are unchanged. Throws WmbusError "wrong_key"
 * when the plaintext does not start with 2F 2F, "truncated" when the blocks do not fit.
 */
export function mode5Decrypt(
  cipher: BlockCipher,
  key: Uint8Array,
  iv: Uint8Array,
  frame: Uint8Array,
  start: number,
  blocks: number,
): Uint8Array {
  checkKey(key, "mode 5 key");
  return tplCbc(false, "mode 5", cipher, key, iv, frame, start, blocks);
}

/** Inverse of mode5Decrypt (for simulators and tests): encrypts the same region of a copy of `frame`. */
export function mode5Encrypt(
  cipher: BlockCipher,
  key: Uint8Array,
  iv: Uint8Array,
  frame: Uint8Array,
  start: number,
  blocks: number,
): Uint8Array {
  checkKey(key, "mode 5 key");
  return tplCbc(true, "mode 5", cipher, key, iv, frame, start, blocks);
}
