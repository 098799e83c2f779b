import { Reader } from "../util/reader.js";
import { fail } from "../errors.js";
import { deepFreeze } from "../util/freeze.js";

/**
 * Authentication and fragmentation layer, CI 0x90 (EN 13757-7:2018 §6).
 * AFLL FCL [MCL] [KI] [MCR] [MAC] [ML]; presence from FCL bits, MAC length from MCL.AT.
 */
export interface AflHeader {
  afll: number;
  fcl: number;
  fid: number;
  moreFragments: boolean;
  mcl?: number;
  ki?: number;
  mcr?: number;
  /** Raw MCR bytes (KDF-A input), MCL/KI/MCR/ML bytes (MAC input, in order). */
  mcrBytes?: Uint8Array;
  macInputPrefix: Uint8Array;
  mac?: Uint8Array;
  ml?: number;
  /** Offset of the byte after the AFL (the TPL CI). */
  end: number;
}

export const FCL = deepFreeze({ KI: 0x0200, MAC: 0x0400, MCR: 0x0800, ML: 0x1000, MCL: 0x2000, MF: 0x4000 } as const);

/** CMAC truncation per MCL.AT (EN 13757-7 Table 9): 3→2, 4→4, 5→8, 6→12, 7→16 bytes; 8 = GMAC-12. */
const MAC_LENGTHS: Record<number, number> = deepFreeze({ 3: 2, 4: 4, 5: 8, 6: 12, 7: 16, 8: 12 });

export function macLength(mcl: number): number {
  return MAC_LENGTHS[mcl & 0x0f] ?? 0;
}

/** r is positioned after CI 0x90. */
export function readAfl(r: Reader): AflHeader {
  const start = r.pos;
  const afll = r.u8("AFLL");
  const end = r.pos + afll;
  r.need(afll, "AFL");
  const fcl = r.u16("AFL FCL");
  const h: AflHeader = { afll, fcl, fid: fcl & 0xff, moreFragments: (fcl & FCL.MF) !== 0, macInputPrefix: new Uint8Array(0), end };
  const prefix: number[] = [];
  const take = (n: number, what: string): Uint8Array => {
    const b = r.bytes(n, what);
    if (r.pos > end) fail("bad_length", `AFL field ${what} runs past AFLL=${afll}`, r.pos - n);
    return b;
  };
  if (fcl & FCL.MCL) {
    const b = take(1, "AFL MCL");
    h.mcl = b[0];
    prefix.push(b[0]);
  }
  if (fcl & FCL.KI) {
    const b = take(2, "AFL KI");
    h.ki = b[0] | (b[1] << 8);
    prefix.push(b[0], b[1]);
  }
  if (fcl & FCL.MCR) {
    const b = take(4, "AFL MCR");
    h.mcrBytes = b;
    h.mcr = (b[0] | (b[1] << 8) | (b[2] << 16) | (b[3] << 24)) >>> 0;
    prefix.push(b[0], b[1], b[2], b[3]);
  }
  if (fcl & FCL.MAC) {
    const n = macLength(h.mcl ?? 0);
    if (n === 0) fail("bad_length", `AFL MAC present but MCL ${(h.mcl ?? 0).toString(16)} names no MAC length`, start);
    h.mac = take(n, "AFL MAC");
  }
  if (fcl & FCL.ML) {
    const b = take(2, "AFL ML");
    h.ml = b[0] | (b[1] << 8);
    prefix.push(b[0], b[1]);
  }
  h.macInputPrefix = Uint8Array.from(prefix);
  r.pos = end;
  return h;
}
