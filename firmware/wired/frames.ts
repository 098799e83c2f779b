/**
 * Master-side wired M-Bus frames (EN 13757-2 §5, M-Bus documentation rev. 4.8 §5 and §7):
 * short frame `10 C A CS 16`, long frame `68 L L 68 C A CI … CS 16`, single character `E5`.
 * C-field: bit 6 PRM (1 = from master), bit 5 FCB, bit 4 FCV, bits 3..0 function.
 */
import { fail } from "../errors.js";
import { Writer } from "../util/writer.js";

export const C_SND_NKE = 0x40;
/** REQ_UD2 with FCV = 1; OR FCB (0x20) for the toggled form 0x7B. */
export const C_REQ_UD2 = 0x5b;
/** SND_UD with FCV = 1 (selection and commands); 0x73 with FCB. */
const C_SND_UD = 0x53;
export const FCB = 0x20;
/** RSP_UD function code (the slave's answer; bits 5/4 are ACD/DFC there). */
export const RSP_UD_FUNCTION = 0x08;

/**
 * 0xFD: the selected slave (secondary addressing). (0xFE addresses every slave with an answer, 0xFF broadcasts
 * without one; primary addresses are 1..250, 0 the factory default.)
 */
export const ADDRESS_SELECTED = 0xfd;

/** CI 0x52: select a slave by secondary address (M-Bus documentation §7.1). */
const CI_SELECT = 0x52;

function checksum(b: Uint8Array, start: number, end: number): number {
  let s = 0;
  for (let i = start; i < end; i++) s = (s + b[i]) & 0xff;
  return s;
}

export function shortFrame(c: number, a: number): Uint8Array {
  if (!Number.isInteger(a) || a < 0 || a > 0xff) fail("bad_argument", `address ${a} is not a byte`);
  const f = Uint8Array.of(0x10, c, a, 0, 0x16);
  f[3] = checksum(f, 1, 3);
  return f;
}

function longFrame(c: number, a: number, ci: number, data: Uint8Array): Uint8Array {
  const w = new Writer(data.length + 9);
  const l = data.length + 3;
  if (l > 255) fail("bad_length", `long frame needs L=${l} > 255`);
  w.u8(0x68).u8(l).u8(l).u8(0x68).u8(c).u8(a).u8(ci).put(data, data.length);
  const f = w.bytes();
  const out = new Uint8Array(f.length + 2);
  out.set(f);
  out[f.length] = checksum(f, 4, f.length);
  out[f.length + 1] = 0x16;
  return out;
}

/**
 * A secondary address or selection mask: ID 8 digits (`F` = any digit), manufacturer (0xFFFF = any),
 * version and medium / device type (0xFF = any). Text form: "12345678" or "12345678.ELS.33.03" style is
 * parsed by parseSecondary.
 */
export interface SecondaryAddress {
  id: string;
  manufacturer: number;
  version: number;
  medium: number;
}

export const ANY_SECONDARY: SecondaryAddress = { id: "FFFFFFFF", manufacturer: 0xffff, version: 0xff, medium: 0xff };

/** The 8 selection bytes: ID (4, LSB first, BCD with F nibbles), manufacturer (2, LSB first), version, medium. */
function selectionBytes(s: SecondaryAddress): Uint8Array {
  if (!/^[0-9Ff]{8}$/.test(s.id)) fail("bad_argument", `secondary id must be 8 digits or F, got "${s.id}"`);
  const b = new Uint8Array(8);
  for (let i = 0; i < 4; i++) b[i] = parseInt(s.id.slice(6 - 2 * i, 8 - 2 * i), 16);
  b[4] = s.manufacturer & 0xff;
  b[5] = (s.manufacturer >> 8) & 0xff;
  b[6] = s.version & 0xff;
  b[7] = s.medium & 0xff;
  return b;
}

/** SND_UD to 0xFD with CI 0x52: the slaves whose address matches become selected, all others deselected. */
export function selectFrame(s: SecondaryAddress): Uint8Array {
  return longFrame(C_SND_UD, ADDRESS_SELECTED, CI_SELECT, selectionBytes(s));
}

/** True when a slave with `addr` answers a selection with `mask` (ID digit-wise, the rest by wildcard). */
export function matchesMask(addr: SecondaryAddress, mask: SecondaryAddress): boolean {
  const id = addr.id.toUpperCase(), m = mask.id.toUpperCase();
  for (let i = 0; i < 8; i++) if (m[i] !== "F" && m[i] !== id[i]) return false;
  return (mask.manufacturer === 0xffff || mask.manufacturer === addr.manufacturer) &&
    (mask.version === 0xff || mask.version === addr.version) && (mask.medium === 0xff || mask.medium === addr.medium);
}

/** "12345678" (id only, other fields any) or "12345678-1593-33-03" (id, manufacturer value, version, medium, hex). */
export function parseSecondary(text: string): SecondaryAddress {
  const m = /^([0-9Ff]{8})(?:-([0-9A-Fa-f]{4})-([0-9A-Fa-f]{2})-([0-9A-Fa-f]{2}))?$/.exec(text);
  if (!m) return fail("bad_argument", `secondary address must be 8 digits, optionally -MMMM-VV-TT, got "${text}"`);
  if (m[2] === undefined) return { id: m[1].toUpperCase(), manufacturer: 0xffff, version: 0xff, medium: 0xff };
  return { id: m[1].toUpperCase(), manufacturer: parseInt(m[2], 16), version: parseInt(m[3], 16), medium: parseInt(m[4], 16) };
}

export function secondaryText(s: SecondaryAddress): string {
  const h = (v: number, n: number) => v.toString(16).toUpperCase().padStart(n, "0");
  return `${s.id}-${h(s.manufacturer, 4)}-${h(s.version, 2)}-${h(s.medium, 2)}`;
}
