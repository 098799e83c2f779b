/**
 * Encoder side of the transport layer (EN 13757-7:2018 §7), the inverse of readTpl: CI, then no header,
 * a short header (ACC STS CFG) or a long header (ID M V T ACC STS CFG), then for mode 7 the CFG extension,
 * the optional message counter (CFG bit Z) and key version (extension bit V).
 * Encryption (modes 5 and 7, EN 13757-7 clause 9) is applied by `sealTplPayload` over the finished frame.
 */
import { fail } from "../errors.js";
import type { Writer } from "../util/writer.js";
import { hex8 } from "../util/hex.js";
import { ciInfo } from "../transport/ci-table.js";
import { securityModeOf } from "../transport/tpl.js";
import { mode5Encrypt, mode5Iv } from "../security/mode5.js";
import { mode7Encrypt, mode7Keys } from "../security/mode7.js";
import type { BlockCipher } from "../security/block-cipher.js";

export interface TplFields {
  ci: number;
  /** Long header: the meter address in DLL order (M2 ID4 V T); written in long-header order (ID M V T). */
  address?: Uint8Array;
  acc?: number;
  sts?: number;
  cfg?: number;
  /** Mode 7 CFG extension byte, message counter (when CFG bit Z) and key version (when extension bit V). */
  cfgExt?: number;
  counter?: Uint8Array;
  keyVersion?: number;
  /** Encrypt the NNNN blocks after the header (mode 5 or 7 in CFG). False: the bytes are written as given. */
  encrypt?: boolean;
}

/** Writes CI and the header; returns the payload offset (first byte after the header). */
export function writeTpl(w: Writer, f: TplFields): number {
  const info = ciInfo(f.ci);
  if (!info || info.layer !== "tpl") fail("bad_argument", `CI 0x${hex8(f.ci)} is not a transport-layer CI`);
  w.u8(f.ci, "CI");
  if (info.header === "none") return w.length;
  if (info.header === "long") {
    const a = f.address;
    if (!a || a.length !== 8) fail("bad_argument", `CI 0x${hex8(f.ci)} has a long header: an 8-byte address is needed`);
    w.put(a.subarray(2, 6), 4, "TPL ID").put(a.subarray(0, 2), 2, "TPL M").u8(a[6], "TPL version").u8(a[7], "TPL device type");
  }
  const cfg = f.cfg ?? 0;
  w.u8(f.acc ?? 0, "TPL ACC").u8(f.sts ?? 0, "TPL STS").u16(cfg, "TPL CFG");
  if (securityModeOf(cfg) === 7) {
    const ext = f.cfgExt ?? 0x10; // KDF-A, key id 0 (OMS profile B)
    w.u8(ext, "TPL CFG extension");
    if (cfg & 0x2000) w.put(f.counter ?? fail("bad_argument", "mode 7 CFG bit Z needs a message counter"), 4, "mode 7 message counter");
    if (ext & 0x40) w.u8(f.keyVersion ?? fail("bad_argument", "mode 7 CFG extension bit V needs a key version"), "mode 7 key version");
  }
  return w.length;
}

export interface TplSealContext {
  cipher: BlockCipher;
  key: Uint8Array;
  /** Meter address in DLL order: the TPL long-header address when present, else the DLL address. */
  meter: Uint8Array;
  /** Mode 7 KDF-A counter: AFL MCR, else the TPL message counter. */
  counter?: Uint8Array;
  /** Mode 7 KDF-A direction: gateway → meter (Lenc/Lmac, DC 10/11) instead of meter → gateway (DC 00/01). */
  toMeter?: boolean;
}

/**
 * Encrypts the payload of `frame[0, end)` from `payloadAt` in place (returns a new array of the same length):
 * mode 5 AES-CBC with the IV from the address and ACC (§9.4), mode 7 AES-CBC IV 0 with Kenc from KDF-A (§9.6).
 * Returns Kmac for mode 7 (for the AFL MAC), else undefined.
 */
export function sealTplPayload(frame: Uint8Array, end: number, payloadAt: number, f: TplFields, ctx: TplSealContext): { frame: Uint8Array; kmac?: Uint8Array } {
  const cfg = f.cfg ?? 0;
  const mode = securityModeOf(cfg);
  const blocks = (cfg >> 4) & 0x0f;
  const region = frame.subarray(0, end);
  const a = ctx.meter;
  let sealed: Uint8Array;
  let kmac: Uint8Array | undefined;
  if (mode === 5) {
    const iv = mode5Iv(a.subarray(0, 2), a.subarray(2, 6), a[6], a[7], f.acc ?? 0);
    sealed = mode5Encrypt(ctx.cipher, ctx.key, iv, region, payloadAt, blocks);
  } else if (mode === 7) {
    const kdf = ((f.cfgExt ?? 0x10) >> 4) & 3;
    if (kdf > 1) fail("unsupported_security_mode", `mode 7 key derivation ${kdf} is reserved`);
    let kenc = ctx.key;
    kmac = ctx.key;
    if (kdf === 1) {
      if (!ctx.counter) fail("bad_argument", "mode 7 KDF-A needs the AFL MCR or the TPL message counter");
      const keys = mode7Keys(ctx.cipher, ctx.key, ctx.counter, a.subarray(2, 6), ctx.toMeter === true);
      kenc = keys.kenc;
      kmac = keys.kmac;
    }
    sealed = mode7Encrypt(ctx.cipher, kenc, region, payloadAt, blocks);
    if (kenc !== ctx.key) kenc.fill(0);
  } else {
    return fail("unsupported_security_mode", `security mode ${mode} cannot be sealed (only 5 and 7)`);
  }
  const out = frame.slice();
  out.set(sealed, 0);
  sealed.fill(0);
  return { frame: out, kmac };
}
