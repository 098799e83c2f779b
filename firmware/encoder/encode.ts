/**
 * Telegram encoder: the layers' writers in frame order, then the security steps in the reverse order of the
 * decoder (decode: DLL CRCs → ELL CTR → AFL MAC → TPL CBC; encode: TPL CBC → AFL MAC over the encrypted TPL part
 * → ELL payload CRC and CTR → L and DLL CRCs). Wireless frames (EN 13757-4) and wired long frames
 * (EN 13757-2 §5: 68 L L 68 C A CI … CS 16). Commands, simulators and the round-trip tests use it.
 */
import { fail } from "../errors.js";
import { Writer } from "../util/writer.js";
import { finishDllFrame, writeDllHeader } from "../link/dll-encode.js";
import type { DllCrcKind } from "../link/frame-format.js";
import { sealEllPayload, writeEll, type EllFields } from "./ell-encode.js";
import { writeAfl, writeAflMac, type AflFields, type AflLayout } from "./afl-encode.js";
import { sealTplPayload, writeTpl, type TplFields } from "./tpl-encode.js";
import { writeApl, type AplItem } from "../application/record-encode.js";
import type { BlockCipher } from "../security/block-cipher.js";

export interface TelegramFields {
  /** Wireless: C-field and the 8-byte address in DLL order (M2 ID4 V T). */
  dll?: { c: number; address: Uint8Array };
  /** Wired long frame: C-field and primary address. */
  wired?: { c: number; a: number };
  ell?: EllFields;
  afl?: AflFields;
  tpl?: TplFields;
  apl: readonly AplItem[];
  /** DLL CRCs of a wireless frame: "none" (L C M A … as USB sticks deliver it), "A" or "B". */
  crc?: DllCrcKind;
  /** Bytes sent after the frame (a receiver's RSSI byte, junk), kept for faithful re-encoding. */
  trailing?: Uint8Array;
}

/** The meter's AES-128 key and the block cipher; needed whenever a layer encrypts or a MAC is computed. */
export interface EncodeKey {
  cipher: BlockCipher;
  key: Uint8Array;
  /** A command to the meter: mode 7 derives the gateway → meter keys (KDF-A DC 10/11). */
  toMeter?: boolean;
}

function u32le(v: number): Uint8Array {
  return Uint8Array.of(v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, v >>> 24);
}

export function encodeTelegram(f: TelegramFields, key?: EncodeKey): Uint8Array {
  if (!f.dll === !f.wired) fail("bad_argument", "a telegram is either wireless (dll) or wired (wired)");
  const w = new Writer(128);
  if (f.dll) writeDllHeader(w, f.dll.c, f.dll.address);
  else {
    if (f.ell || f.afl) fail("bad_argument", "wired frames carry no ELL or AFL");
    w.u8(0x68).u8(0).u8(0).u8(0x68).u8(f.wired!.c, "C-field").u8(f.wired!.a, "A-field");
  }
  const ellCrcAt = f.ell ? writeEll(w, f.ell) : -1;
  const afl: AflLayout | undefined = f.afl ? writeAfl(w, f.afl) : undefined;
  const payloadAt = f.tpl ? writeTpl(w, f.tpl) : w.length;
  if (!f.tpl && f.apl.length > 0 && !f.ell && !f.wired) fail("bad_argument", "an APL needs a CI (TPL)");
  writeApl(w, f.apl);
  const end = w.length;
  if (f.wired) w.reserve(2);
  let frame = w.bytes();
  let kmac: Uint8Array | undefined;
  if (f.tpl?.encrypt) {
    if (!key) fail("no_key", "the TPL payload is to be encrypted: the meter's key is needed");
    const meter = f.tpl.address ?? f.dll?.address;
    if (!meter) fail("bad_argument", "a wired frame is encrypted with the long-header address: use CI 72/5B");
    const counter = f.afl?.mcr !== undefined ? u32le(f.afl.mcr) : f.tpl.counter;
    const sealed = sealTplPayload(frame, end, payloadAt, f.tpl, { cipher: key.cipher, key: key.key, meter, counter, toMeter: key.toMeter });
    frame = sealed.frame;
    kmac = sealed.kmac;
  }
  if (afl && f.afl) {
    try {
      writeAflMac(frame, afl, f.afl, end, kmac && key ? { cipher: key.cipher, key: kmac } : undefined);
    } finally {
      if (kmac && kmac !== key?.key) kmac.fill(0);
    }
  }
  if (ellCrcAt >= 0) frame = sealEllPayload(frame, ellCrcAt, f.ell!, key);
  if (f.wired) {
    const l = end - 4;
    if (l > 255) fail("bad_length", `wired frame needs L=${l} > 255`);
    frame[1] = frame[2] = l;
    let cs = 0;
    for (let i = 4; i < end; i++) cs = (cs + frame[i]) & 0xff;
    frame[end] = cs;
    frame[end + 1] = 0x16;
  } else frame = finishDllFrame(frame, f.crc ?? "none");
  if (!f.trailing || f.trailing.length === 0) return frame;
  const out = new Uint8Array(frame.length + f.trailing.length);
  out.set(frame);
  out.set(f.trailing, frame.length);
  return out;
}
