/**
 * Security mode 7: AES-128-CBC with IV = 0 and an ephemeral key from KDF-A, authenticated by the
 * AFL MAC (EN 13757-7:2018 clause 9, KDF-A in §9.6; OMS security profile B; docs/protocol.md §5.4, §5.6).
 */
import { fail } from "../errors.js";
import { checkKey, type BlockCipher } from "./block-cipher.js";
import { cmac } from "./modes.js";
import { tplCbc } from "./tpl-cbc.js";

/** KDF-A derivation constants (EN 13757-7 §9.6). */
export const KDF_DC_ENC_FROM_METER = 0x00; // Kenc, meter → gateway
export const KDF_DC_MAC_FROM_METER = 0x01; // Kmac, meter → gateway
export const KDF_DC_ENC_TO_METER = 0x10; // Lenc, gateway → meter
export const KDF_DC_MAC_TO_METER = 0x11; // Lmac, gateway → meter

/**
 * KDF-A (EN 13757-7:2018 §9.6): CMAC(master, DC ‖ counter (4, LE as on air) ‖ meter ID (4, LE as
 * on air) ‖ 07 × 7). The counter is AFL.MCR; the ID is the TPL long-header ID if the TPL has one,
 * otherwise the DLL ID.
 */
export function kdfA(cipher: BlockCipher, masterKey: Uint8Array, dc: number, mcr: Uint8Array, id: Uint8Array): Uint8Array {
  checkKey(masterKey, "master key");
  if (dc !== 0x00 && dc !== 0x01 && dc !== 0x10 && dc !== 0x11) fail("bad_argument", `KDF-A: derivation constant must be 00, 01, 10 or 11, got ${dc}`);
  if (!(mcr instanceof Uint8Array) || mcr.length !== 4) fail("bad_argument", "KDF-A: message counter must be 4 bytes");
  if (!(id instanceof Uint8Array) || id.length !== 4) fail("bad_argument", "KDF-A: meter ID must be 4 bytes");
  const input = new Uint8Array(16);
  input[0] = dc;
  input.set(mcr, 1);
  input.set(id, 5);
  input.fill(0x07, 9, 16);
  return cmac(cipher, masterKey, input);
}

/**
 * Both keys of one message: meter → gateway Kenc (DC 00) and Kmac (DC 01), or with `toMeter` the gateway → meter
 * keys Lenc (DC 10) and Lmac (DC 11) a command is sealed with (EN 13757-7 §9.6).
 */
export function mode7Keys(cipher: BlockCipher, masterKey: Uint8Array, mcr: Uint8Array, id: Uint8Array, toMeter = false): { kenc: Uint8Array; kmac: Uint8Array } {
  return {
    kenc: kdfA(cipher, masterKey, toMeter ? KDF_DC_ENC_TO_METER : KDF_DC_ENC_FROM_METER, mcr, id),
    kmac: kdfA(cipher, masterKey, toMeter ? KDF_DC_MAC_TO_METER : KDF_DC_MAC_FROM_METER, mcr, id),
  };
}

/** The mode 7 configuration-field extension and the optional fields after it. */
export interface Mode7Extension {
  /** DD: 0 = persistent key (use the key as is), 1 = KDF-A; 2, 3 reserved. */
  kdf: number;
  /** KKKK key ID. */
  keyId: number;
  /** 4-byte counter after the extension byte (CFG bit 13 Z), as on air. */
  counter?: Uint8Array;
  /** Key-version byte (extension bit 6 V). */
  keyVersion?: number;
  /** Offset of the first encrypted byte. */
  payloadStart: number;
}

/**
 * Reads the mode 7 CFG extension byte at `extPos` (right after CFG) and the optional counter (if
 * CFG bit 13) and key version (if extension bit 6), in that order. Layout after EN 13757-7:2018
 * §7.7.5 as read by exmbus; only extension 0x10 (KDF-A, key 0, no options) is vector-verified.
 */
export function mode7Extension(cfg: number, frame: Uint8Array, extPos: number): Mode7Extension {
  let pos = extPos;
  const need = (n: number, what: string): void => {
    if (pos + n > frame.length) fail("truncated", `mode 7 ${what}: needs ${n} byte(s) at offset ${pos}`, pos);
  };
  need(1, "configuration-field extension");
  const ext = frame[pos++];
  const result: Mode7Extension = { kdf: (ext >> 4) & 3, keyId: ext & 0x0f, payloadStart: 0 };
  if (cfg & 0x2000) {
    need(4, "counter");
    result.counter = frame.slice(pos, pos + 4);
    pos += 4;
  }
  if (ext & 0x40) {
    need(1, "key version");
    result.keyVersion = frame[pos++];
  }
  result.payloadStart = pos;
  return result;
}

/**
 * Decrypts a mode 7 telegram: returns a copy of `frame` where the `blocks` × 16 bytes from `start`
 * (Mode7Extension.payloadStart) are decrypted with AES-CBC, key `kenc`, IV = 0 (EN 13757-7 clause 9, mode 7).
 * Verify the AFL MAC first (afl-mac.ts). Throws "wrong_key" when the plaintext lacks 2F 2F.
 */
export function mode7Decrypt(cipher: BlockCipher, kenc: Uint8Array, frame: Uint8Array, start: number, blocks: number): Uint8Array {
  checkKey(kenc, "mode 7 Kenc");
  return tplCbc(false, "mode 7", cipher, kenc, new Uint8Array(16), frame, start, blocks);
}

/** Inverse of mode7Decrypt (for simulators and tests). */
export function mode7Encrypt(cipher: BlockCipher, kenc: Uint8Array, frame: Uint8Array, start: number, blocks: number): Uint8Array {
  checkKey(kenc, "mode 7 Kenc");
  return tplCbc(true, "mode 7", cipher, kenc, new Uint8Array(16), frame, start, blocks);
}
