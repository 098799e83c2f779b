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
 *   - Digest (crypt.js class Digest, xs_crypt_Digest*): `new Digest("SHA256")`; write() takes an
 *     ArrayBuffer, a typed array or a string; close() returns the digest as a new ArrayBuffer (32 bytes
 *     for SHA256); reset() starts over. Names in modCrypt.c's table include "SHA1", "SHA256", "SHA512".
 */
declare module "moddable:crypt" {
  export class BlockCipher {
    constructor(name: "AES" | "DES" | "TDES", key: ArrayBuffer);
    encrypt(data: ArrayBuffer, out?: ArrayBuffer): ArrayBuffer;
    decrypt(data: ArrayBuffer, out?: ArrayBuffer): ArrayBuffer;
    get keySize(): number;
    get blockSize(): number;
  }
  export class Digest {
    constructor(name: "SHA1" | "SHA224" | "SHA256" | "SHA384" | "SHA512" | "MD5");
    write(data: ArrayBuffer | ArrayBufferView | string): void;
    close(): ArrayBuffer;
    reset(): void;
    get blockSize(): number;
    get outputSize(): number;
  }
}
