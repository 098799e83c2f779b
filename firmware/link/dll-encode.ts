/**
 * Encoder side of the wireless link layer (EN 13757-4 §5.4 L C M A; frame formats A and B §5.2.2/§5.2.3):
 * the inverse of readDllHeader and stripDllCrc. Frames are built CRC-free ("format A without CRCs", L counts
 * the bytes after L) and `finishDllFrame` sets L and adds the block CRCs of the chosen format.
 */
import { fail } from "../errors.js";
import type { Writer } from "../util/writer.js";
import { addFrameACrc, addFrameBCrc, type DllCrcKind } from "./frame-format.js";
import { manufacturerValue } from "./manufacturer.js";

/** The 8 A-field bytes in DLL order: M (2, LE), ID (4, LE BCD), version, device type. */
export function addressBytes(manufacturer: string | number, id: string, version: number, deviceType: number): Uint8Array {
  if (!/^[0-9a-fA-F]{8}$/.test(id)) fail("bad_argument", `meter id must be 8 hex/BCD digits, got "${id}"`);
  if (typeof manufacturer === "string" && !/^[A-Za-z]{3}$/.test(manufacturer)) fail("bad_argument", `manufacturer must be 3 letters, got "${manufacturer}"`);
  const m = typeof manufacturer === "number" ? manufacturer : manufacturerValue(manufacturer);
  const out = new Uint8Array(8);
  out[0] = m & 0xff;
  out[1] = m >> 8;
  for (let i = 0; i < 4; i++) out[2 + i] = parseInt(id.slice(6 - 2 * i, 8 - 2 * i), 16);
  out[6] = version & 0xff;
  out[7] = deviceType & 0xff;
  return out;
}

/** Writes L (placeholder, set by finishDllFrame), C and the 8-byte A-field; returns nothing, L is at 0. */
export function writeDllHeader(w: Writer, c: number, address: Uint8Array): void {
  if (w.length !== 0) fail("bad_argument", "the DLL header starts the frame");
  w.u8(0, "L-field");
  w.u8(c, "C-field");
  w.put(address, 8, "DLL address");
}

/** Sets L of a CRC-free frame and adds the DLL CRCs of `kind` ("none" keeps it CRC-free). */
export function finishDllFrame(frame: Uint8Array, kind: DllCrcKind): Uint8Array {
  if (frame.length < 10) fail("bad_length", `a wireless frame has at least 10 bytes (L C M A), got ${frame.length}`);
  if (frame.length - 1 > 255) fail("bad_length", `frame needs L=${frame.length - 1} > 255`);
  frame[0] = frame.length - 1;
  if (kind === "A") return addFrameACrc(frame);
  if (kind === "B") {
    // Format B counts its CRCs in L; one 2-byte CRC up to 125 bytes after L, two beyond (§5.2.3).
    if (frame.length + (frame.length > 126 ? 4 : 2) - 1 > 255) fail("bad_length", "frame too long for format B");
    return addFrameBCrc(frame);
  }
  return frame;
}
