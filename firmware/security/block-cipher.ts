/**
 * The injected AES-128 block primitive (FIPS 197, 16-byte blocks, 16-byte keys).
 *
 * The protocol core never implements AES rounds itself: the device build supplies a native or
 * pure-JS AES, the host build node:crypto or @noble/ciphers. Every mode in this folder
 * (CBC, CTR, CMAC; NIST SP 800-38A / 800-38B) is written only against this interface.
 *
 * Contract for implementations:
 * - `key` and `block` are exactly 16 bytes; either may be a subarray view into a larger buffer.
 * - Neither argument is modified. The result is a fresh 16-byte array owned by the caller.
 * - Implementations may cache key schedules per key (compare key bytes, never keep them in
 *   anything that is logged or serialised).
 */
import { fail } from "../errors.js";

export interface BlockCipher {
  /** AES-128 forward cipher of one block: E(key, block). */
  encryptBlock(key: Uint8Array, block: Uint8Array): Uint8Array;
  /** AES-128 inverse cipher of one block: D(key, block). */
  decryptBlock(key: Uint8Array, block: Uint8Array): Uint8Array;
}

/** AES block size in bytes. */
export const BLOCK_SIZE = 16;
/** AES-128 key size in bytes. */
export const KEY_SIZE = 16;

/** Throws WmbusError("bad_key") unless `key` is a 16-byte array. The message never shows key bytes. */
export function checkKey(key: Uint8Array, what = "key"): void {
  if (!(key instanceof Uint8Array) || key.length !== KEY_SIZE) {
    fail("bad_key", `${what} must be ${KEY_SIZE} bytes (AES-128), got ${key instanceof Uint8Array ? key.length : typeof key}`);
  }
}

/** Throws WmbusError("bad_argument") unless `b` is a 16-byte array. */
export function checkBlock(b: Uint8Array, what: string): void {
  if (!(b instanceof Uint8Array) || b.length !== BLOCK_SIZE) {
    fail("bad_argument", `${what} must be ${BLOCK_SIZE} bytes, got ${b instanceof Uint8Array ? b.length : typeof b}`);
  }
}
