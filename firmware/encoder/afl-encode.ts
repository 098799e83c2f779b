/**
 * Encoder side of the authentication and fragmentation layer (CI 0x90, EN 13757-7:2018 §6), the inverse of
 * readAfl: 90 AFLL FCL [MCL] [KI] [MCR] [MAC] [ML]. Presence follows the FCL bits; the MAC length follows
 * MCL.AT. The MAC itself is filled in by `writeAflMac` once the TPL part exists (and is encrypted).
 */
import { fail } from "../errors.js";
import type { Writer } from "../util/writer.js";
import { FCL, macLength } from "../afl/afl.js";
import { aflMacCompute, type AflMacFields } from "../security/afl-mac.js";
import type { BlockCipher } from "../security/block-cipher.js";

export interface AflFields {
  fcl: number;
  mcl?: number;
  ki?: number;
  mcr?: number;
  ml?: number;
  /** MAC bytes to write as given (a frame relayed unchanged); ignored when the MAC is computed. */
  mac?: Uint8Array;
}

export interface AflLayout {
  /** Offset of the MAC in the frame, -1 without one; its length. */
  macAt: number;
  macLength: number;
  /** Offset of the TPL CI (the first byte the MAC covers). */
  end: number;
}

function need(v: number | undefined, what: string): number {
  if (v === undefined) fail("bad_argument", `AFL FCL announces ${what} but none is given`);
  return v;
}

export function writeAfl(w: Writer, f: AflFields): AflLayout {
  w.u8(0x90, "AFL CI");
  const afllAt = w.reserve(1);
  const start = w.length;
  w.u16(f.fcl, "AFL FCL");
  if (f.fcl & FCL.MCL) w.u8(need(f.mcl, "MCL"), "AFL MCL");
  if (f.fcl & FCL.KI) w.u16(need(f.ki, "KI"), "AFL KI");
  if (f.fcl & FCL.MCR) w.u32(need(f.mcr, "MCR"), "AFL MCR");
  let macAt = -1, n = 0;
  if (f.fcl & FCL.MAC) {
    n = macLength(f.mcl ?? 0);
    if (n === 0) fail("bad_argument", `AFL MAC present but MCL ${(f.mcl ?? 0).toString(16)} names no MAC length`);
    macAt = w.reserve(n);
  }
  if (f.fcl & FCL.ML) w.u16(need(f.ml, "ML"), "AFL ML");
  w.setU8(afllAt, w.length - start, "AFLL");
  return { macAt, macLength: n, end: w.length };
}

/** The AFL MAC input fields (EN 13757-7 §6.4.5: MCL, KI, MCR, ML, then the TPL part). */
function aflMacFields(f: AflFields): AflMacFields {
  return {
    mcl: f.mcl ?? 0,
    ki: f.ki !== undefined ? Uint8Array.of(f.ki & 0xff, f.ki >> 8) : null,
    mcr: f.mcr !== undefined ? Uint8Array.of(f.mcr & 0xff, (f.mcr >>> 8) & 0xff, (f.mcr >>> 16) & 0xff, f.mcr >>> 24) : null,
    ml: f.ml !== undefined ? Uint8Array.of(f.ml & 0xff, f.ml >> 8) : null,
  };
}

/** Fills the MAC: computed with Kmac over the (encrypted) TPL part [layout.end, end), or copied from `f.mac`. */
export function writeAflMac(frame: Uint8Array, layout: AflLayout, f: AflFields, end: number, kmac?: { cipher: BlockCipher; key: Uint8Array }): void {
  if (layout.macAt < 0) return;
  let mac: Uint8Array;
  if (kmac) mac = aflMacCompute(kmac.cipher, kmac.key, aflMacFields(f), frame, layout.end, end);
  else if (f.mac && f.mac.length === layout.macLength) mac = f.mac;
  else return fail("no_key", "the AFL MAC needs Kmac (the meter's key) or the MAC bytes");
  frame.set(mac, layout.macAt);
}
