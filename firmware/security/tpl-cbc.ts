/**
 * Shared parts of the TPL AES-CBC security modes 5 and 7 (EN 13757-7:2018 clause 9
 * and §7.7.5; docs/protocol.md §5.4–5.6): configuration-field bits, the encrypted length, and the 2F 2F check.
 */
import { fail } from "../errors.js";
import { toHex } from "../util/hex.js";
import { BLOCK_SIZE, type BlockCipher } from "./block-cipher.js";
import { cbcDecrypt, cbcEncrypt } from "./modes.js";

/** Security mode from the TPL configuration field: bits 12..8 (EN 13757-7 configuration field). */
export function tplSecurityMode(cfg: number): number {
  return (cfg >> 8) & 0x1f;
}

/** NNNN, the number of encrypted 16-byte blocks: CFG bits 7..4 in modes 5 and 7. */
export function tplEncryptedBlocks(cfg: number): number {
  return (cfg >> 4) & 0x0f;
}

/**
 * Bytes to decrypt given NNNN and the bytes available after the TPL header. N = 0 means "all whole
 * blocks that remain" (wmbusmeters' reading, docs/protocol.md §5.5). Throws "truncated" when N blocks
 * do not fit, or when there is not a single whole block.
 */
export function tplEncryptedLength(blocks: number, available: number, offset = -1): number {
  if (!Number.isInteger(blocks) || blocks < 0 || blocks > 15) fail("bad_argument", `encrypted block count must be 0..15, got ${blocks}`);
  const len = blocks === 0 ? available - (available % BLOCK_SIZE) : blocks * BLOCK_SIZE;
  if (len > available) {
    fail("truncated", `encrypted part: CFG says ${blocks} block(s) = ${len} bytes, only ${available} left`, offset);
  }
  if (len === 0) fail("truncated", `encrypted part: not one whole 16-byte block (${available} bytes left)`, offset);
  return len;
}

/**
 * Copy of `frame` with the CBC region starting at `start` decrypted or encrypted in place.
 * Decryption checks the leading 2F 2F idle fillers (EN 13757-7 / OMS Vol.2: the first two
 * plaintext bytes are 2F 2F) and throws "wrong_key" when they are missing.
 */
export function tplCbc(
  encrypt: boolean,
  modeName: string,
  cipher: BlockCipher,
  key: Uint8Array,
  iv: Uint8Array,
  frame: Uint8Array,
  start: number,
  blocks: number,
): Uint8Array {
  if (!Number.isInteger(start) || start < 0 || start > frame.length) {
    fail("truncated", `${modeName}: encrypted part would start at ${start}, frame has ${frame.length} bytes`, start);
  }
  const len = tplEncryptedLength(blocks, frame.length - start, start);
  const out = frame.slice();
  const part = encrypt ? cbcEncrypt(cipher, key, iv, frame, start, start + len) : cbcDecrypt(cipher, key, iv, frame, start, start + len);
  out.set(part, start);
  if (!encrypt && (part[0] !== 0x2f || part[1] !== 0x2f)) {
    fail("wrong_key", `${modeName}: decrypted data starts ${toHex(part, 0, 2)}, not 2F2F (wrong key?)`, start);
  }
  part.fill(0);
  return out;
}
