/**
 * Block-cipher modes over the injected BlockCipher: CBC and CTR (NIST SP 800-38A §6.2, §6.5)
 * and CMAC (NIST SP 800-38B, RFC 4493). No padding anywhere: wM-Bus pads with 2F fillers itself.
 *
 * All functions read bytes [start, end) of `data` (so a caller can pass the whole telegram and
 * the region to process) and return a new array of length end − start. One scratch block per
 * call, one result block per cipher call; nothing is allocated per byte.
 */
import { fail } from "../errors.js";
import { BLOCK_SIZE, checkBlock, checkKey, type BlockCipher } from "./block-cipher.js";

function checkRange(data: Uint8Array, start: number, end: number, what: string): void {
  if (!Number.isInteger(start) || !Number.isInteger(end) || start < 0 || end < start || end > data.length) {
    fail("bad_argument", `${what}: range [${start}, ${end}) outside a buffer of ${data.length} bytes`);
  }
}

function checkWholeBlocks(start: number, end: number, what: string): void {
  if ((end - start) % BLOCK_SIZE !== 0) {
    fail("bad_argument", `${what}: ${end - start} bytes is not a whole number of 16-byte blocks (no padding)`, start);
  }
}

/** Arguments of both CBC directions: a 16-byte key and IV, a range inside data of whole blocks. */
function checkCbc(key: Uint8Array, iv: Uint8Array, data: Uint8Array, start: number, end: number, what: string): void {
  checkKey(key);
  checkBlock(iv, "CBC IV");
  checkRange(data, start, end, what);
  checkWholeBlocks(start, end, what);
}

/** CBC encryption (SP 800-38A §6.2): C_i = E(K, P_i ⊕ C_{i−1}), C_0 = IV. Whole blocks only. */
export function cbcEncrypt(
  cipher: BlockCipher,
  key: Uint8Array,
  iv: Uint8Array,
  data: Uint8Array,
  start = 0,
  end = data.length,
): Uint8Array {
  checkCbc(key, iv, data, start, end, "CBC encrypt");
  const out = new Uint8Array(end - start);
  const x = new Uint8Array(BLOCK_SIZE);
  let prev: Uint8Array = iv;
  let prevOff = 0;
  for (let o = 0; o < out.length; o += BLOCK_SIZE) {
    for (let j = 0; j < BLOCK_SIZE; j++) x[j] = data[start + o + j] ^ prev[prevOff + j];
    out.set(cipher.encryptBlock(key, x), o);
    prev = out;
    prevOff = o;
  }
  return out;
}

/** CBC decryption (SP 800-38A §6.2): P_i = D(K, C_i) ⊕ C_{i−1}, C_0 = IV. Whole blocks only. */
export function cbcDecrypt(
  cipher: BlockCipher,
  key: Uint8Array,
  iv: Uint8Array,
  data: Uint8Array,
  start = 0,
  end = data.length,
): Uint8Array {
  checkCbc(key, iv, data, start, end, "CBC decrypt");
  const out = new Uint8Array(end - start);
  for (let o = 0; o < out.length; o += BLOCK_SIZE) {
    const p = cipher.decryptBlock(key, data.subarray(start + o, start + o + BLOCK_SIZE));
    if (o === 0) for (let j = 0; j < BLOCK_SIZE; j++) out[j] = p[j] ^ iv[j];
    else for (let j = 0; j < BLOCK_SIZE; j++) out[o + j] = p[j] ^ data[start + o - BLOCK_SIZE + j];
  }
  return out;
}

/**
 * Standard incrementing function (SP 800-38A Appendix B.1) over the whole block, big-endian.
 * For wM-Bus ELL (docs/protocol.md §3.4) this increments BC (byte 15) per block; a carry into FN
 * (bytes 13–14) would need more than 4 KiB of data, which no frame has.
 */
function incrementCounter(ctr: Uint8Array): void {
  for (let i = BLOCK_SIZE - 1; i >= 0; i--) {
    ctr[i] = (ctr[i] + 1) & 0xff;
    if (ctr[i] !== 0) return;
  }
}

/**
 * CTR mode (SP 800-38A §6.5): XOR bytes [start, end) with E(K, T_1) ‖ E(K, T_2) ‖ …, where
 * T_1 = `icb` and T_{i+1} = T_i + 1. Encryption and decryption are the same operation; the last
 * partial keystream block is truncated. `icb` is not modified.
 */
export function ctrXor(
  cipher: BlockCipher,
  key: Uint8Array,
  icb: Uint8Array,
  data: Uint8Array,
  start = 0,
  end = data.length,
): Uint8Array {
  checkKey(key);
  checkBlock(icb, "CTR initial counter block");
  checkRange(data, start, end, "CTR");
  const out = new Uint8Array(end - start);
  const ctr = icb.slice();
  for (let o = 0; o < out.length; o += BLOCK_SIZE) {
    const ks = cipher.encryptBlock(key, ctr);
    const n = Math.min(BLOCK_SIZE, out.length - o);
    for (let j = 0; j < n; j++) out[o + j] = data[start + o + j] ^ ks[j];
    incrementCounter(ctr);
  }
  return out;
}

/** Doubling in GF(2^128) with R_128 = 0x87 (SP 800-38B §6.1, RFC 4493 §2.3). */
function dbl(b: Uint8Array): Uint8Array {
  const out = new Uint8Array(BLOCK_SIZE);
  for (let i = 0; i < BLOCK_SIZE - 1; i++) out[i] = ((b[i] << 1) | (b[i + 1] >> 7)) & 0xff;
  out[BLOCK_SIZE - 1] = (b[BLOCK_SIZE - 1] << 1) & 0xff;
  if (b[0] & 0x80) out[BLOCK_SIZE - 1] ^= 0x87;
  return out;
}

/** CMAC subkeys K1, K2 (SP 800-38B §6.1, RFC 4493 §2.3 Generate_Subkey). */
export function cmacSubkeys(cipher: BlockCipher, key: Uint8Array): { k1: Uint8Array; k2: Uint8Array } {
  checkKey(key);
  const l = cipher.encryptBlock(key, new Uint8Array(BLOCK_SIZE));
  const k1 = dbl(l);
  const k2 = dbl(k1);
  l.fill(0);
  return { k1, k2 };
}

/**
 * AES-CMAC (SP 800-38B §6.2, RFC 4493 §2.4) over bytes [start, end) of `data`, truncated to the
 * first `macLength` bytes (1..16; SP 800-38B §6.2 step 7 / RFC 4493 §2.4 take the most significant bytes).
 */
export function cmac(
  cipher: BlockCipher,
  key: Uint8Array,
  data: Uint8Array,
  start = 0,
  end = data.length,
  macLength = BLOCK_SIZE,
): Uint8Array {
  checkRange(data, start, end, "CMAC");
  if (!Number.isInteger(macLength) || macLength < 1 || macLength > BLOCK_SIZE) {
    fail("bad_argument", `CMAC length must be 1..16 bytes, got ${macLength}`);
  }
  const { k1, k2 } = cmacSubkeys(cipher, key);
  const len = end - start;
  const n = len === 0 ? 1 : Math.ceil(len / BLOCK_SIZE);
  const lastComplete = len !== 0 && len % BLOCK_SIZE === 0;
  const x = new Uint8Array(BLOCK_SIZE);
  let c: Uint8Array = x; // C_0 = 0^128
  for (let i = 0; i < n - 1; i++) {
    const off = start + i * BLOCK_SIZE;
    for (let j = 0; j < BLOCK_SIZE; j++) x[j] = c[j] ^ data[off + j];
    c = cipher.encryptBlock(key, x);
  }
  // Last block: M_n ⊕ K1 if complete, else (M_n* ‖ 10^j) ⊕ K2.
  const off = start + (n - 1) * BLOCK_SIZE;
  const rem = len - (n - 1) * BLOCK_SIZE;
  const sub = lastComplete ? k1 : k2;
  for (let j = 0; j < BLOCK_SIZE; j++) {
    const m = j < rem ? data[off + j] : j === rem ? 0x80 : 0;
    x[j] = c[j] ^ m ^ sub[j];
  }
  const t = cipher.encryptBlock(key, x);
  k1.fill(0);
  k2.fill(0);
  return macLength === BLOCK_SIZE ? t : t.slice(0, macLength);
}

/**
 * Compares two byte arrays without an early exit, so the time taken does not reveal how many
 * leading bytes of a MAC were right. Arrays of different length are unequal (length is public).
 */
export function constantTimeEqual(a: Uint8Array, b: Uint8Array): boolean {
  const n = Math.max(a.length, b.length);
  let diff = a.length ^ b.length;
  for (let i = 0; i < n; i++) diff |= (i < a.length ? a[i] : 0) ^ (i < b.length ? b[i] : 0);
  return diff === 0;
}
