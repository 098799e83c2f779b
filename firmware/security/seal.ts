/**
 * The encrypt direction at telegram level: turns a decoded plaintext telegram into an encrypted one
 * (OMS security profile A = TPL mode 5, profile B = TPL mode 7 + AFL CMAC, and ELL AES-CTR). Used by the
 * meter simulator, the command path and the round-trip tests; the inverse of telegram-security.ts.
 * Input and output are frames without DLL CRCs (L counts the bytes after it).
 */
import { fail } from "../errors.js";
import type { BlockCipher } from "./block-cipher.js";
import { mode5Iv, mode5Encrypt } from "./mode5.js";
import { mode7Keys, mode7Encrypt } from "./mode7.js";
import { aflMacCompute } from "./afl-mac.js";
import { ellIcb, ellEncrypt } from "./ell-ctr.js";
import type { Telegram } from "../telegram.js";

const FILLER = 0x2f;
const MAX_BLOCKS = 15; // CFG NNNN is 4 bits

function concat(parts: Uint8Array[]): Uint8Array {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

function u32le(v: number): Uint8Array {
  return Uint8Array.of(v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, (v >>> 24) & 0xff);
}

/** The APL as the meter encrypts it: starting with 2F 2F, padded with 2F to whole blocks (max 15 encrypted). */
function paddedPayload(t: Telegram): { data: Uint8Array; blocks: number } {
  let apl = t.bytes.subarray(t.tpl!.payloadOffset, t.aplEnd);
  if (!(apl[0] === FILLER && apl[1] === FILLER)) apl = concat([Uint8Array.of(FILLER, FILLER), apl]);
  const blocks = Math.min(MAX_BLOCKS, Math.ceil(apl.length / 16));
  const padded = Math.max(apl.length, blocks * 16);
  const data = new Uint8Array(padded).fill(FILLER);
  data.set(apl);
  return { data, blocks };
}

function needWirelessTpl(t: Telegram, what: string): void {
  if (!t.dll || t.wired) fail("bad_argument", `${what}: only wireless frames can be sealed`);
  if (!t.tpl || t.tpl.info.header === "none") fail("bad_argument", `${what}: needs a TPL with a short or long header (CI 7A/72)`);
  if (t.ell && t.ell.crcOffset !== undefined) fail("bad_argument", `${what}: frames with an ELL payload CRC are sealed with sealEllCtr`);
  if (t.afl) fail("bad_argument", `${what}: frame already has an AFL`);
}

function withLength(frame: Uint8Array): Uint8Array {
  if (frame.length - 1 > 255) fail("bad_length", `sealed frame needs L=${frame.length - 1} > 255`);
  frame[0] = frame.length - 1;
  return frame;
}

/** TPL mode 5 (EN 13757-7 §9.4): CFG gets mode 5 and NNNN; B/A/S/CC bits are kept. */
export function sealMode5(cipher: BlockCipher, key: Uint8Array, t: Telegram): Uint8Array {
  needWirelessTpl(t, "mode 5");
  const tpl = t.tpl!;
  const { data, blocks } = paddedPayload(t);
  const head = t.bytes.slice(0, tpl.payloadOffset);
  const cfg = ((tpl.cfg ?? 0) & 0xe00f) | (5 << 8) | (blocks << 4);
  head[tpl.payloadOffset - 2] = cfg & 0xff;
  head[tpl.payloadOffset - 1] = cfg >> 8;
  const frame = withLength(concat([head, data]));
  const a = (tpl.address ?? t.dll!.address)!;
  const iv = mode5Iv(a.m, a.bytes.subarray(2, 6), a.version, a.deviceType, tpl.acc ?? 0);
  return mode5Encrypt(cipher, key, iv, frame, tpl.payloadOffset, blocks);
}

/**
 * TPL mode 7 with KDF-A and an AFL carrying MCR and an 8-byte CMAC (OMS profile B, EN 13757-7 §9.6):
 * DLL [ELL] 90 0F 002C 25 MCR MAC | CI hdr CFG(mode 7, NNNN) 10 | encrypted payload.
 */
export function sealMode7(cipher: BlockCipher, key: Uint8Array, t: Telegram, mcr: number): Uint8Array {
  needWirelessTpl(t, "mode 7");
  const tpl = t.tpl!;
  const { data, blocks } = paddedPayload(t);
  if (tpl.counterBytes || tpl.keyVersion !== undefined) fail("bad_argument", "mode 7: resealing a frame with CFG counter/key version is not supported");
  const headLen = tpl.info.header === "long" ? 13 : 5; // CI + 12-byte long or 4-byte short header
  const ciPos = tpl.payloadOffset - headLen - (tpl.cfgExt !== undefined ? 1 : 0);
  const tplHead = new Uint8Array(headLen + 1);
  tplHead.set(t.bytes.subarray(ciPos, ciPos + headLen));
  const cfg = (7 << 8) | (blocks << 4);
  tplHead[tplHead.length - 3] = cfg & 0xff;
  tplHead[tplHead.length - 2] = cfg >> 8;
  tplHead[tplHead.length - 1] = 0x10; // CFG extension: KDF-A, key id 0
  const mcrBytes = u32le(mcr);
  const a = (tpl.address ?? t.dll!.address)!;
  const keys = mode7Keys(cipher, key, mcrBytes, a.bytes.subarray(2, 6));
  const tplPart = mode7Encrypt(cipher, keys.kenc, concat([tplHead, data]), tplHead.length, blocks);
  const fields = { mcl: 0x25, mcr: mcrBytes };
  const mac = aflMacCompute(cipher, keys.kmac, fields, tplPart, 0);
  const afl = concat([Uint8Array.of(0x90, 0x0f, 0x00, 0x2c, 0x25), mcrBytes, mac]);
  return withLength(concat([t.bytes.slice(0, ciPos), afl, tplPart]));
}

/**
 * ELL AES-CTR (EN 13757-4 ELL II, CI 8D): an existing ELL II is encrypted in place; otherwise an ELL II
 * (replacing an ELL I) is inserted after the DLL header with ENC = 1 in SN.
 */
export function sealEllCtr(cipher: BlockCipher, key: Uint8Array, t: Telegram, session: number): Uint8Array {
  if (!t.dll || t.wired) fail("bad_argument", "ELL: only wireless frames can be sealed");
  let frame: Uint8Array;
  let crcPos: number;
  let cc: number;
  let sn: Uint8Array;
  if (t.ell && t.ell.crcOffset !== undefined) {
    frame = t.bytes.slice();
    crcPos = t.ell.crcOffset;
    cc = t.ell.cc;
    sn = t.ell.snBytes!.slice();
  } else {
    const rest = t.bytes.subarray(t.ell ? 13 : 10); // after DLL (10) and an ELL I (3)
    cc = t.ell ? t.ell.cc : 0x20;
    const acc = t.ell ? t.ell.acc : (t.tpl?.acc ?? 0);
    sn = u32le(((session & 0x1fffffff) | (1 << 29)) >>> 0);
    frame = withLength(concat([t.bytes.slice(0, 10), Uint8Array.of(0x8d, cc, acc), sn, new Uint8Array(2), rest]));
    crcPos = 17;
  }
  const icb = ellIcb(t.dll.address.m, t.dll.address.bytes.subarray(2, 8), cc, sn);
  return ellEncrypt(cipher, key, icb, frame, crcPos);
}
