import { Reader } from "../util/reader.js";
import { Address, readDllAddress } from "../link/dll.js";
import { deepFreeze } from "../util/freeze.js";

/**
 * Extended link layer, CI 0x8C–0x8F (EN 13757-4 §13, Table 44ff).
 * 8C: CC ACC · 8D: CC ACC SN PayloadCRC · 8E: CC ACC M2 A2 · 8F: CC ACC M2 A2 SN PayloadCRC.
 */
export interface EllHeader {
  ci: number;
  cc: number;
  acc: number;
  /** Receiver address (8E/8F). */
  receiver?: Address;
  /** Session number (8D/8F), and its raw 4 bytes for the AES-CTR ICB. */
  sn?: number;
  snBytes?: Uint8Array;
  /** ENC bits 31..29 of SN: 0 none, 1 AES-128-CTR. */
  enc: number;
  /** Offset of the 2-byte payload CRC (8D/8F); the encrypted region starts here when enc = 1. */
  crcOffset?: number;
}

/** ELL header length after its CI, by CI: CC ACC [M2 A6 receiver] [SN4 PayloadCRC2] (EN 13757-4 §13). */
export const ELL_HEADER_LENGTH: { readonly [ci: number]: number } = Object.freeze({ 0x8c: 2, 0x8d: 8, 0x8e: 10, 0x8f: 16 });

/** CC bits (EN 13757-4 Table 45). */
export const CC = deepFreeze({ B: 0x80, D: 0x40, S: 0x20, H: 0x10, P: 0x08, A: 0x04, R: 0x02, X: 0x01 } as const);

export function ccFlags(cc: number): string[] {
  const out: string[] = [];
  for (const k of ["B", "D", "S", "H", "P", "A", "R", "X"] as const) if (cc & CC[k]) out.push(k);
  return out;
}

/** Reads an ELL header; r is positioned after the CI byte. Leaves r after the header (at the payload CRC for 8D/8F). */
export function readEll(ci: number, r: Reader): EllHeader {
  const cc = r.u8("ELL CC");
  const acc = r.u8("ELL ACC");
  const h: EllHeader = { ci, cc, acc, enc: 0 };
  if (ci === 0x8e || ci === 0x8f) h.receiver = readDllAddress(r);
  if (ci === 0x8d || ci === 0x8f) {
    r.need(4, "ELL SN");
    h.snBytes = r.buf.subarray(r.pos, r.pos + 4);
    h.sn = r.u32("ELL SN");
    h.enc = h.sn >>> 29;
    h.crcOffset = r.pos;
    r.need(2, "ELL payload CRC");
  }
  return h;
}
