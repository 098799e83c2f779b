/**
 * The fixed data structure of wired M-Bus (EN 1434-3:1997 §6.4, kept by EN 13757-3 as CI 0x73 "mode 1",
 * least significant byte first, and CI 0x77 "mode 2", most significant byte first; M-Bus documentation
 * rev. 4.8 §6.2, restated in docs/wired.md):
 *
 *   CI | ID (4, BCD) | access number | status | medium+units (2) | counter 1 (4) | counter 2 (4)
 *
 * Status bit 0: counters binary (else 8-digit BCD); bit 1: counters are the values at the fixed date (else
 * actual); bits 2..4 power low, permanent error, temporary error. The 16-bit medium/unit word holds the unit
 * of counter 1 in bits 0..5, the unit of counter 2 in bits 8..13 and the medium in bits 6, 7, 14, 15
 * (low to high; data type E, M-Bus documentation §8). Unit 0x3E for counter 2 means "the unit of counter 1,
 * value at the fixed date"; 0x3F means no unit.
 * In wireless frames CI 0x73 is a compact frame with a long header (EN 13757-7 Table 2): only wired frames
 * come here.
 */
import { fail } from "../errors.js";
import { hex8, toHex } from "../util/hex.js";
import { idString } from "../link/dll.js";
import { manufacturerCode } from "../link/manufacturer.js";
import { scaleNumber } from "../application/datatypes.js";
import type { Writer } from "../util/writer.js";
import type { DataRecord } from "../application/record.js";
import type { FixedHeader, Telegram } from "../telegram.js";

/** Fixed-structure medium code → EN 13757-3 device type (codes 0–8 coincide; A–E are gas, heat, hot water, water, HCA). */
const MEDIUM_DEVICE_TYPE: readonly number[] = Object.freeze([0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0xff, 0x03, 0x04, 0x06, 0x07, 0x08, 0xff]);

interface UnitInfo {
  quantity: string;
  unit: string;
  exponent: number;
}

/** Unit codes 0x00–0x39 (M-Bus documentation §6.2 table "physical units"): each group of 3 steps by 10×. */
function fixedUnit(code: number): UnitInfo | undefined {
  if (code === 0x00) return { quantity: "time_hms", unit: "", exponent: 0 };
  if (code === 0x01) return { quantity: "time_dhm", unit: "", exponent: 0 };
  if (code >= 0x02 && code <= 0x0a) return { quantity: "energy", unit: "Wh", exponent: code - 0x02 };
  if (code >= 0x0b && code <= 0x13) return { quantity: "energy", unit: "J", exponent: code - 0x0b + 3 };
  if (code >= 0x14 && code <= 0x1c) return { quantity: "power", unit: "W", exponent: code - 0x14 };
  if (code >= 0x1d && code <= 0x25) return { quantity: "power", unit: "J/h", exponent: code - 0x1d + 3 };
  if (code >= 0x26 && code <= 0x2e) return { quantity: "volume", unit: "m3", exponent: code - 0x26 - 6 };
  if (code >= 0x2f && code <= 0x37) return { quantity: "volume_flow", unit: "m3/h", exponent: code - 0x2f - 6 };
  if (code === 0x38) return { quantity: "temperature", unit: "C", exponent: -3 };
  if (code === 0x39) return { quantity: "hca", unit: "", exponent: 0 };
  if (code === 0x3f) return { quantity: "counter", unit: "", exponent: 0 };
  return undefined; // 0x3A–0x3D reserved; 0x3E only as counter 2 ("same, at fixed date")
}

const FIXED_LENGTH = 16; // bytes after the CI

function counter(t: Telegram, h: FixedHeader, at: number, unit: UnitInfo | undefined, storage: number, subunit: number): DataRecord {
  const b = t.bytes;
  const msb = h.ci === 0x77;
  const bytes = msb ? Uint8Array.of(b[at + 3], b[at + 2], b[at + 1], b[at]) : b.subarray(at, at + 4); // LSB first
  const binary = (h.status & 0x01) !== 0;
  let raw: number | null = 0;
  let error: string | undefined;
  if (binary) raw = (bytes[0] | (bytes[1] << 8) | (bytes[2] << 16) | (bytes[3] << 24)) >>> 0;
  else {
    for (let i = 3; i >= 0 && raw !== null; i--) {
      const hi = bytes[i] >> 4, lo = bytes[i] & 15;
      if (hi > 9 || lo > 9) {
        raw = null;
        error = `invalid BCD digits ${toHex(bytes)}`;
      } else raw = raw * 100 + hi * 10 + lo;
    }
  }
  const u = unit ?? { quantity: "counter", unit: "", exponent: 0 };
  if (!unit) error = `reserved unit code 0x${hex8(storage === 1 && h.unit2 === 0x3e ? h.unit1 : h.unit2)}`;
  const exp = u.exponent;
  let name = u.quantity;
  if (storage) name += "_storage_" + storage;
  if (subunit) name += "_subunit_" + subunit;
  const r: DataRecord = {
    offset: at, header: "", data: toHex(b, at, at + 4), dif: (binary ? 0x04 : 0x0c) | (storage ? 0x40 : 0), vif: null, vifes: [],
    storage, tariff: 0, subunit, function: "instantaneous", quantity: u.quantity, unit: u.unit, exponent: exp,
    value: raw === null ? null : scaleNumber(raw, exp), name,
  };
  if (error) r.error = error;
  return r;
}

/** Decodes the fixed structure at `ciAt` (the CI byte) up to `end` (the checksum byte) into t.fixed and two records. */
export function decodeFixedStructure(t: Telegram, ciAt: number, end: number): void {
  const b = t.bytes;
  const ci = b[ciAt];
  t.ciChain.push(ci);
  if (end - ciAt - 1 < FIXED_LENGTH) fail("truncated", `fixed data structure needs ${FIXED_LENGTH} bytes after CI ${hex8(ci)}, got ${end - ciAt - 1}`, ciAt);
  const p = ciAt + 1;
  const msb = ci === 0x77;
  const idBytes = msb ? Uint8Array.of(b[p + 3], b[p + 2], b[p + 1], b[p]) : b.subarray(p, p + 4);
  const w0 = msb ? b[p + 7] : b[p + 6], w1 = msb ? b[p + 6] : b[p + 7]; // unit word, low byte first
  const h: FixedHeader = {
    ci, id: idString(idBytes, 0), acc: b[p + 4], status: b[p + 5],
    medium: (w0 >> 6) | ((w1 >> 6) << 2), unit1: w0 & 0x3f, unit2: w1 & 0x3f,
  };
  t.fixed = h;
  const address = new Uint8Array(8); // no manufacturer in this structure: M = 0
  address.set(idBytes, 2);
  address[7] = MEDIUM_DEVICE_TYPE[h.medium];
  t.meter = { m: 0, manufacturer: manufacturerCode(0), id: h.id, version: 0, deviceType: address[7], bytes: address };
  const historic = (h.status & 0x02) !== 0 ? 1 : 0;
  const u1 = fixedUnit(h.unit1);
  const sameUnit = h.unit2 === 0x3e;
  const u2 = sameUnit ? u1 : fixedUnit(h.unit2);
  const s2 = sameUnit ? 1 : historic;
  const clash = !sameUnit && u1 !== undefined && u2 !== undefined && u1.quantity === u2.quantity;
  t.records = [counter(t, h, p + 8, u1, historic, 0), counter(t, h, p + 12, u2, s2, clash ? 1 : 0)];
  t.aplStart = p;
  t.aplEnd = end;
  t.payloadState = "plaintext";
  if (end > p + FIXED_LENGTH) {
    t.manufacturerData = b.subarray(p + FIXED_LENGTH, end);
    t.warnings.push(`${end - p - FIXED_LENGTH} byte(s) after the fixed data structure kept as manufacturer data`);
  }
}

/** Encoder side: the 16 bytes after the CI (LSB first, CI 0x73). Counters are written as given (BCD digits or binary). */
export function writeFixedStructure(w: Writer, h: FixedHeader, counter1: number, counter2: number): void {
  if (h.ci !== 0x73) fail("bad_argument", "only CI 0x73 (LSB first) is encoded");
  for (let i = 0; i < 4; i++) w.u8(parseInt(h.id.slice(6 - 2 * i, 8 - 2 * i), 16), "fixed ID");
  w.u8(h.acc, "access number").u8(h.status, "status");
  w.u8((h.unit1 & 0x3f) | ((h.medium & 3) << 6), "unit 1").u8((h.unit2 & 0x3f) | ((h.medium >> 2) << 6), "unit 2");
  for (const c of [counter1, counter2]) {
    if (!Number.isInteger(c) || c < 0 || c > ((h.status & 1) ? 0xffffffff : 99999999)) fail("bad_argument", `fixed counter ${c} out of range`);
    if (h.status & 1) w.u32(c, "counter");
    else {
      const s = String(c).padStart(8, "0");
      for (let i = 0; i < 4; i++) w.u8(parseInt(s.slice(6 - 2 * i, 8 - 2 * i), 16), "BCD counter");
    }
  }
}
