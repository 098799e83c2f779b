/**
 * Device BlockCipher: AES-128 on the Moddable SDK's native `crypt` BlockCipher (KCL software AES,
 * modules/crypt/digest/modCrypt.c). Device only: imports "moddable:crypt".
 *
 * Why it looks like this (facts from modCrypt.c):
 *   - The native cipher takes its key and data only as whole ArrayBuffers, not views, so the block
 *     is copied into a private 16-byte ArrayBuffer and the key copy is made with slice().
 *   - A native cipher recomputes its key schedule whenever it changes direction, so each cached key
 *     has its own encrypt instance and decrypt instance, created on first use.
 *   - Each instance holds about 300 bytes of chunk heap (key plus schedule), so only a few keys are
 *     kept, most recently used first. A telegram needs one or two keys (mode 7: the KDF master key,
 *     then the derived keys); meters are decoded one telegram at a time.
 * Key copies are private, compared byte by byte and zeroed on eviction; they never appear in
 * strings, logs or JSON. (The native instances keep their schedule until garbage collection; the
 * SDK has no call to wipe them.)
 */
import { BlockCipher as NativeCipher } from "moddable:crypt";
import { BLOCK_SIZE, checkBlock, checkKey } from "../security/block-cipher.js";
import type { BlockCipher } from "../platform/services.js";

interface CachedKey {
  readonly key: Uint8Array;
  enc?: NativeCipher;
  dec?: NativeCipher;
}

export class ModdableAes implements BlockCipher {
  readonly #capacity: number;
  /** Most recently used first. */
  readonly #cache: CachedKey[] = [];
  readonly #input = new ArrayBuffer(BLOCK_SIZE);
  readonly #inputBytes = new Uint8Array(this.#input);

  /** `capacity`: how many keys keep their native ciphers (default 4). */
  constructor(capacity = 4) {
    this.#capacity = Math.max(1, capacity | 0);
  }

  encryptBlock(key: Uint8Array, block: Uint8Array): Uint8Array {
    return new Uint8Array(this.#load(key, block, "enc").encrypt(this.#input));
  }

  decryptBlock(key: Uint8Array, block: Uint8Array): Uint8Array {
    return new Uint8Array(this.#load(key, block, "dec").decrypt(this.#input));
  }

  /** Checks key and block, copies the block into the private input buffer, returns the key's cipher for `dir`. */
  #load(key: Uint8Array, block: Uint8Array, dir: "enc" | "dec"): NativeCipher {
    checkKey(key);
    checkBlock(block, "AES block");
    const entry = this.#lookup(key);
    const cipher = (entry[dir] ??= new NativeCipher("AES", entry.key.slice().buffer));
    this.#inputBytes.set(block);
    return cipher;
  }

  /** Drops every cached key (zeroing the private copies). */
  clear(): void {
    for (const entry of this.#cache) entry.key.fill(0);
    this.#cache.length = 0;
  }

  toJSON(): string {
    return "ModdableAes";
  }

  #lookup(key: Uint8Array): CachedKey {
    const cache = this.#cache;
    for (let i = 0; i < cache.length; i++) {
      const entry = cache[i];
      if (sameBytes(entry.key, key)) {
        if (i !== 0) {
          cache.splice(i, 1);
          cache.unshift(entry);
        }
        return entry;
      }
    }
    const entry: CachedKey = { key: key.slice() };
    cache.unshift(entry);
    if (cache.length > this.#capacity) cache.pop()?.key.fill(0);
    return entry;
  }
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i] ^ b[i];
  return diff === 0;
}
