/*
 * `crypt` (imported as "moddable:crypt"), the block cipher part only. Written by this project.
 * Describes: modules/crypt/digest/crypt.js and modules/crypt/digest/modCrypt.c
 * (`xs_crypt_cipher_*`, KCL software AES in modules/crypt/digest/kcl/fips197.c);
 * manifest modules/crypt/digest/manifest.json (preloaded).
 *
 * Facts from modCrypt.c:
 *   - The key must be an ArrayBuffer (not a view) of exactly 16, 24 or 32 bytes for "AES"
 *     ("bad key size" otherwise); the bytes are copied into the cipher.
 *   - encrypt/decrypt process exactly one block. `data` is an ArrayBuffer (or a string) of at least
 *     blockSize bytes; the result is a new ArrayBuffer of blockSize bytes, or `out` (an ArrayBuffer
 *     of at least blockSize bytes) filled and returned.
 *   - The key schedule is recomputed whenever the direction changes, so keep one instance per
 *     direction for repeated use.
 */
declare module "moddable:crypt" {
  export class BlockCipher {
    constructor(name: "AES" | "DES" | "TDES", key: ArrayBuffer);
    encrypt(data: ArrayBuffer, out?: ArrayBuffer): ArrayBuffer;
    decrypt(data: ArrayBuffer, out?: ArrayBuffer): ArrayBuffer;
    get keySize(): number;
    get blockSize(): number;
  }
}
