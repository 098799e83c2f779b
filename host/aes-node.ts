/**
 * Host BlockCipher on node:crypto: AES-128-ECB without padding, one block per call. One cipher and
 * one decipher object per key are cached (ECB keeps no state between blocks, so update() can be
 * called again and again).
 */
import { createCipheriv, createDecipheriv, type Cipheriv, type Decipheriv } from "node:crypto";
import { checkBlock, checkKey, type BlockCipher } from "../firmware/security/block-cipher.js";
import { KeyedCache } from "./aes-cache.js";

interface NodePair {
  enc: Cipheriv;
  dec: Decipheriv;
}

export class NodeAes implements BlockCipher {
  // A gateway decrypts for many meters in turn; a cipher object per block call costs more than the block.
  readonly #cache = new KeyedCache<NodePair>(64);

  #pair(key: Uint8Array): NodePair {
    checkKey(key);
    return this.#cache.get(key, (k) => {
      const enc = createCipheriv("aes-128-ecb", k, null);
      enc.setAutoPadding(false);
      const dec = createDecipheriv("aes-128-ecb", k, null);
      dec.setAutoPadding(false);
      return { enc, dec };
    });
  }

  encryptBlock(key: Uint8Array, block: Uint8Array): Uint8Array {
    checkBlock(block, "AES block");
    return new Uint8Array(this.#pair(key).enc.update(block));
  }

  decryptBlock(key: Uint8Array, block: Uint8Array): Uint8Array {
    checkBlock(block, "AES block");
    return new Uint8Array(this.#pair(key).dec.update(block));
  }

  toJSON(): string {
    return "NodeAes";
  }
}

/** A fresh node:crypto AES-128 block cipher. */
export function nodeCipher(): BlockCipher {
  return new NodeAes();
}
