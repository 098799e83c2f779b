/**
 * Hashing for the web login: HMAC-SHA-256 (RFC 2104) and PBKDF2-HMAC-SHA-256 (RFC 8018 §5.2) written over an
 * injected SHA-256 and random source, so the same code runs on the device (the SDK's `crypt` Digest "SHA256"
 * and `rng`, firmware/device/web-crypto-moddable.ts) and on the host (node:crypto,
 * host/web-crypto-node.ts). Tests check both against node:crypto's own hmac/pbkdf2 and the RFC 4231
 * vectors. Pure: no Node or Moddable import.
 */

/** An incremental SHA-256 (FIPS 180-4). */
export interface Sha256 {
  update(bytes: Uint8Array): void;
  /** The 32-byte digest; the object is not used afterwards. */
  digest(): Uint8Array;
}

/** The platform's SHA-256 and random bytes. */
export interface HashService {
  createSha256(): Sha256;
  /** `n` bytes from the platform's cryptographic random source. */
  random(n: number): Uint8Array;
}

/** SHA-256 of the concatenation of `parts`. */
function sha256(h: HashService, parts: readonly Uint8Array[]): Uint8Array {
  const d = h.createSha256();
  for (const p of parts) d.update(p);
  return d.digest();
}

const BLOCK = 64;

/** HMAC-SHA-256(key, message), RFC 2104 with B = 64. */
export function hmacSha256(h: HashService, key: Uint8Array, message: Uint8Array): Uint8Array {
  const k = new Uint8Array(BLOCK);
  k.set(key.length > BLOCK ? sha256(h, [key]) : key);
  const ipad = new Uint8Array(BLOCK);
  const opad = new Uint8Array(BLOCK);
  for (let i = 0; i < BLOCK; i++) {
    ipad[i] = k[i] ^ 0x36;
    opad[i] = k[i] ^ 0x5c;
  }
  k.fill(0);
  const inner = sha256(h, [ipad, message]);
  const out = sha256(h, [opad, inner]);
  ipad.fill(0);
  opad.fill(0);
  return out;
}

/** PBKDF2 with HMAC-SHA-256 as PRF (RFC 8018 §5.2): `length` bytes. */
export function pbkdf2Sha256(h: HashService, password: Uint8Array, salt: Uint8Array, iterations: number, length = 32): Uint8Array {
  const out = new Uint8Array(length);
  const saltBlock = new Uint8Array(salt.length + 4);
  saltBlock.set(salt);
  for (let block = 1, at = 0; at < length; block++, at += 32) {
    saltBlock[salt.length] = block >>> 24;
    saltBlock[salt.length + 1] = (block >>> 16) & 0xff;
    saltBlock[salt.length + 2] = (block >>> 8) & 0xff;
    saltBlock[salt.length + 3] = block & 0xff;
    let u = hmacSha256(h, password, saltBlock);
    const t = u.slice();
    for (let i = 1; i < iterations; i++) {
      u = hmacSha256(h, password, u);
      for (let j = 0; j < 32; j++) t[j] ^= u[j];
    }
    out.set(t.subarray(0, Math.min(32, length - at)), at);
  }
  return out;
}

const HEX = "0123456789abcdef";

export function bytesToHex(b: Uint8Array): string {
  let s = "";
  for (let i = 0; i < b.length; i++) s += HEX[b[i] >> 4] + HEX[b[i] & 15];
  return s;
}

/** A random token as lower-case hex (`bytes` random bytes). */
export function randomToken(h: HashService, bytes = 16): string {
  return bytesToHex(h.random(bytes));
}

/** Equal texts, compared without an early exit (no timing hint about where they differ). */
export function sameText(a: string, b: string): boolean {
  let diff = a.length ^ b.length;
  const n = Math.max(a.length, b.length);
  for (let i = 0; i < n; i++) diff |= (a.charCodeAt(i % (a.length || 1)) | 0) ^ (b.charCodeAt(i % (b.length || 1)) | 0);
  return diff === 0;
}

/** UTF-8 bytes of a text (TextEncoder exists on the host and, via device/text-globals, on the device). */
export function utf8(text: string): Uint8Array {
  return new TextEncoder().encode(text);
}
