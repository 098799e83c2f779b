/**
 * Diehl / Sappel IZAR RC 868 water meters (CI A1–A3). Four plain header bytes follow the CI
 * (period, battery, alarm bits), then a payload whitened with Diehl's PRIOS scrambler (the algorithm
 * is written down in docs/readings.md, "Provenance"). Payload: check byte 0x4B, total (l, LE),
 * last month total (l), last month date (type G).
 */
import type { Driver, FieldValue, MfctContext, Reading } from "../types.js";
import { dateG, le } from "../bytes.js";
import { deepFreeze } from "../../util/freeze.js";

/**
 * The two published default PRIOS installation keys (each the XOR of the two 32-bit halves in
 * which they are usually quoted). Meters with an individual key cannot be read without it.
 */
const DEFAULT_INSTALLATION_KEYS: readonly number[] = deepFreeze([0xdfd109e8, 0xb71f0ae8]);

/** Feedback taps of the 32-bit shift register: bits 31, 11, 2 and 1. */
const TAPS = 0x80000806;

/** The first payload byte of every correctly unscrambled IZAR frame. */
const CHECK_BYTE = 0x4b;

/** Parity (XOR of all bits) of a 32-bit word. */
function parity32(x: number): number {
  x ^= x >>> 16;
  x ^= x >>> 8;
  x ^= x >>> 4;
  x ^= x >>> 2;
  x ^= x >>> 1;
  return x & 1;
}

/** Four frame bytes as one big-endian 32-bit word. */
function word(b: Uint8Array, at: number): number {
  return ((b[at] << 24) | (b[at + 1] << 16) | (b[at + 2] << 8) | b[at + 3]) >>> 0;
}

/**
 * Register start value: the installation key XOR three big-endian words of the frame, the M-field and the
 * first two ID bytes (bytes 2..5), the rest of the A-field (6..9), and the CI with the next three bytes.
 */
function seed(frame: Uint8Array, ci: number, installationKey: number): number {
  return (installationKey ^ word(frame, 2) ^ word(frame, 6) ^ word(frame, ci)) >>> 0;
}

/**
 * XORs bytes [start, end) with the PRIOS keystream: before each byte the register is shifted left
 * eight times, each time shifting in the parity of its tapped bits; the low byte is the key byte.
 */
function unscramble(frame: Uint8Array, start: number, end: number, register: number): Uint8Array {
  const out = new Uint8Array(end - start);
  let r = register;
  for (let i = 0; i < out.length; i++) {
    for (let k = 0; k < 8; k++) r = ((r << 1) | parity32(r & TAPS)) >>> 0;
    out[i] = frame[start + i] ^ (r & 0xff);
  }
  return out;
}

/**
 * Unscrambles frame bytes [start, end) (frame without CRCs: L C M(2) ID(4) V T CI …) with the first
 * default installation key whose result starts with the check byte; undefined when none does.
 */
export function prios(frame: Uint8Array, ci: number, start: number, end: number): Uint8Array | undefined {
  if (ci + 4 > frame.length || start >= end) return undefined;
  for (const key of DEFAULT_INSTALLATION_KEYS) {
    const out = unscramble(frame, start, end, seed(frame, ci, key));
    if (out[0] === CHECK_BYTE) return out;
  }
  return undefined;
}

interface IzarData {
  total: number;
  /** Absent in short frames (no billing block). */
  lastMonth?: number;
  lastMonthDate?: string | null;
  batteryYears: number;
  periodS: number;
  prevLeak: boolean;
  alarmBits: number;
}

function izarData(c: MfctContext): IzarData | undefined {
  const t = c.t;
  const tpl = t.tpl;
  if (!tpl || t.aplStart < 1) return undefined;
  const ci = t.aplStart - 1; // offset of the CI byte
  const h = t.bytes.subarray(t.aplStart, t.aplStart + 4);
  const p = prios(t.bytes, ci, t.aplStart + 4, t.aplEnd);
  if (p === undefined || p.length < 5 || h.length < 3) return undefined;
  const billing = p.length >= 11;
  return {
    total: le(p, 1, 4) / 1000,
    lastMonth: billing ? le(p, 5, 4) / 1000 : undefined,
    lastMonthDate: billing ? dateG(p, 9) : undefined,
    batteryYears: (h[1] & 0x1f) / 2,
    periodS: 1 << ((h[0] & 0x07) + 2),
    prevLeak: (h[0] & 0x10) !== 0,
    alarmBits: h[2],
  };
}

/**
 * Sappel meters print their number as letter, 2-digit year, two letters, 6-digit serial. The A-field
 * packs it: bits 0..28 of the id = year × 10^6 + serial; id bits 29..31, the version and the type
 * byte continue a bit string of three 5-bit letters (A = 1).
 */
function sappelNumber(c: MfctContext & { d: string }): void {
  const a = c.t.dll?.address;
  if (!a || a.manufacturer !== "SAP") return;
  const id = le(a.bytes, 2, 4);
  const low = id % 536870912; // 2^29
  const hi = Math.floor(id / 536870912) + a.version * 8 + a.deviceType * 2048;
  const letter = (n: number): string => String.fromCharCode(64 + (n % 32));
  const yy = Math.floor(low / 1000000);
  const serial = "" + (low % 1000000);
  c.out.prefix = letter(Math.floor(hi / 1024)) + (yy < 10 ? "0" : "") + yy + letter(Math.floor(hi / 32)) + letter(hi);
  c.out.serial_number = "000000".slice(serial.length) + serial;
  c.out[c.d === "izarv2" ? "manufacture_y" : "manufacture_year"] = "" + (2000 + yy);
}

/** izarv2 alarm bits of the plain header word (bits 13..23). */
const IZARV2_ALARMS: readonly (readonly [number, string])[] = deepFreeze([
  [0x002000, "METER_BLOCKED"], [0x004000, "PREV_LEAKAGE"], [0x008000, "LEAKAGE"], [0x010000, "PREV_MECHANICAL_FRAUD"],
  [0x020000, "MECHANICAL_FRAUD"], [0x040000, "PREV_SENSOR_FRAUD"], [0x080000, "SENSOR_FRAUD"], [0x100000, "SUBMARINE"],
  [0x200000, "OVERFLOW"], [0x400000, "UNDERFLOW"], [0x800000, "BACK_FLOW"],
]);

/**
 * izar alarm texts from the plain header bytes h0..h2: current alarms (h1 bits 7, 5; h2 bits 7, 6, 5, 4, 3, 1),
 * or "general_alarm" when h0 bit 7 is set with any of them; previous alarms (h1 bit 6, h2 bits 2, 0).
 * Names joined by commas, "no_alarm" when none.
 */
const IZAR_CURRENT: readonly (readonly [number, number, string])[] = deepFreeze([
  [1, 0x80, "leakage"], [1, 0x20, "meter_blocked"], [2, 0x80, "back_flow"], [2, 0x40, "underflow"], [2, 0x20, "overflow"],
  [2, 0x10, "submarine"], [2, 0x08, "sensor_fraud"], [2, 0x02, "mechanical_fraud"],
]);
const IZAR_PREVIOUS: readonly (readonly [number, number, string])[] = deepFreeze([[1, 0x40, "leakage"], [2, 0x04, "sensor_fraud"], [2, 0x01, "mechanical_fraud"]]);

function izarAlarms(h: Uint8Array, current: boolean): FieldValue {
  if (h.length < 3) return null;
  const names: string[] = [];
  for (const [i, bit, name] of current ? IZAR_CURRENT : IZAR_PREVIOUS) if ((h[i] & bit) !== 0) names.push(name);
  if (names.length === 0) return "no_alarm";
  return current && (h[0] & 0x80) !== 0 ? "general_alarm" : names.join(",");
}

function put(out: Reading, names: readonly [string, string, string, string, string], d: IzarData): void {
  out[names[0]] = d.total;
  if (d.lastMonth !== undefined) out[names[1]] = d.lastMonth;
  if (d.lastMonthDate !== undefined) out[names[2]] = d.lastMonthDate;
  out[names[3]] = d.batteryYears;
  out[names[4]] = d.periodS;
}


export const IZAR: readonly Driver[] = Object.freeze([
  {
    name: "izar",
    detect: [], // claims no triple (wmbusmeters moved them to izarv2): chosen only when configured
    media: "water",
    swappedAddress: true,
    fields: [],
    status: [],
    decode(c) {
      sappelNumber({ ...c, d: "izar" });
      const d = izarData(c);
      if (!d) return;
      put(c.out, ["total_m3", "last_month_total_m3", "last_month_measure_date", "remaining_battery_life_y", "transmit_period_s"], d);
      const h = c.t.bytes.subarray(c.t.aplStart, c.t.aplStart + 3);
      c.out.current_alarms = izarAlarms(h, true);
      c.out.previous_alarms = izarAlarms(h, false);
    },
  },
  {
    name: "izarv2",
    detect: [{ manufacturer: "HYD", version: 0x85, deviceType: 0x07 }, { manufacturer: "SAP", deviceType: 0x15 }, { manufacturer: "SAP", deviceType: 0x04 }, { manufacturer: "SAP", version: 0x00, deviceType: 0x07 }, { manufacturer: "DME", version: 0x78, deviceType: 0x07 }, { manufacturer: "DME", version: 0x78, deviceType: 0x06 }, { manufacturer: "HYD", version: 0x86, deviceType: 0x07 }],
    media: "water",
    swappedAddress: true,
    fields: [],
    status: [{ name: "status", parts: [] }],
    decode(c) {
      sappelNumber({ ...c, d: "izarv2" });
      const d = izarData(c);
      if (!d) return;
      put(c.out, ["total_m3", "target_m3", "target_date", "battery_y", "transmit_period_s"], d);
      const raw = le(c.t.bytes, c.t.aplStart, 3); // the 3 plain header bytes as one little-endian word
      for (const [bit, name] of IZARV2_ALARMS) if ((raw & bit) !== 0) c.flags.push(name);
    },
  },
]);
