/**
 * Portable BlockCipher on @noble/ciphers (MIT, pure JS, no Node API), so it can be bundled with
 * esbuild and run under XS. Uses noble's single-block functions with cached key schedules; if a
 * future noble drops its `unsafe` exports it falls back to the public ecb() API (slower: it expands
 * the key on every call).
 */
import { ecb, unsafe } from "@noble/ciphers/aes.js";
import { checkBlock, checkKey, type BlockCipher } from "../../firmware/security/block-cipher.js";
import { KeyedCache } from "../../host/aes-cache.js";

interface Schedules {
  enc: Uint32Array;
  dec?: Uint32Array;
}

const hasBlockApi =
  typeof unsafe === "object" &&
  unsafe !== null &&
  typeof unsafe.expandKeyLE === "function" &&
  typeof unsafe.expandKeyDecLE === "function" &&
  typeof unsafe.encryptBlock === "function" &&
  typeof unsafe.decryptBlock === "function";

export class NobleAes implements BlockCipher {
  readonly #cache = new KeyedCache<Schedules>(8);

  #schedules(key: Uint8Array): Schedules {
    checkKey(key);
    return this.#cache.get(key, (k) => ({ enc: unsafe.expandKeyLE(k) as Uint32Array }));
  }

  encryptBlock(key: Uint8Array, block: Uint8Array): Uint8Array {
    checkBlock(block, "AES block");
    if (!hasBlockApi) {
      checkKey(key);
      return ecb(key, { disablePadding: true }).encrypt(block);
    }
    const s = this.#schedules(key);
    // noble's block function works in place on an aligned 16-byte block: give it a fresh copy.
    return unsafe.encryptBlock(s.enc, block.slice()) as Uint8Array;
  }

  decryptBlock(key: Uint8Array, block: Uint8Array): Uint8Array {
    checkBlock(block, "AES block");
    if (!hasBlockApi) {
      checkKey(key);
      return ecb(key, { disablePadding: true }).decrypt(block);
    }
    const s = this.#schedules(key);
    if (s.dec === undefined) s.dec = unsafe.expandKeyDecLE(key) as Uint32Array;
    return unsafe.decryptBlock(s.dec, block.slice()) as Uint8Array;
  }

  toJSON(): string {
    return "NobleAes";
  }
}

/** A fresh portable (@noble/ciphers) AES-128 block cipher. */
export function nobleCipher(): BlockCipher {
  return new NobleAes();
}
