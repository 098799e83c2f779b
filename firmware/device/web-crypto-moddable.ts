/**
 * Device HashService for the web login and OTA checks: SHA-256 from the SDK's `crypt` Digest (native,
 * modules/crypt/digest/modCrypt.c) and random bytes from Math.random, which XS on ESP32 computes from
 * `esp_random()` (xs/platforms/esp/xsHost.h defines c_rand as 0x7fffffff & esp_random(), the hardware RNG;
 * xsMath.c fx_Math_random divides it by C_RAND_MAX). 16 of its 31 bits are used per call. Device only:
 * imports "moddable:crypt". Type-checked here; it has run only in simulation (docs/web.md).
 */
import { Digest } from "moddable:crypt";
import type { HashService, Sha256 } from "../web/web-crypto.js";

function copy(b: Uint8Array): ArrayBuffer {
  return b.byteOffset === 0 && b.byteLength === b.buffer.byteLength ? (b.buffer as ArrayBuffer) : (b.slice().buffer as ArrayBuffer);
}

export const moddableHash: HashService = {
  createSha256(): Sha256 {
    const d = new Digest("SHA256");
    return { update: (b) => d.write(copy(b)), digest: () => new Uint8Array(d.close()) };
  },
  random(n: number): Uint8Array {
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i += 2) {
      const r = Math.floor(Math.random() * 65536);
      out[i] = r & 0xff;
      if (i + 1 < n) out[i + 1] = r >> 8;
    }
    return out;
  },
};
