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
  lastMonth: number;
  lastMonthDate: string | null;
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
  if (p === undefined || p.length < 11 || h.length < 4) return undefined;
  return {
    total: le(p, 1, 4) / 1000,
    lastMonth: le(p, 5, 4) / 1000,
    lastMonthDate: dateG(p, 9),
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

const alarms = (bits: number, leak: boolean): FieldValue => (leak ? "leakage" : bits === 0 ? "no_alarm" : "alarm_" + bits);

function put(out: Reading, names: readonly [string, string, string, string, string], d: IzarData): void {
  out[names[0]] = d.total;
  out[names[1]] = d.lastMonth;
  out[names[2]] = d.lastMonthDate;
  out[names[3]] = d.batteryYears;
  out[names[4]] = d.periodS;
}

const DETECT = [
  { m: "SAP", ci: [0xa1, 0xa2, 0xa3] },
  { m: "DME", ci: [0xa1, 0xa2, 0xa3] },
  { m: "HYD", ci: [0xa1, 0xa2, 0xa3] },
];

export const IZAR: readonly Driver[] = [
  {
    name: "izar",
    detect: DETECT,
    media: "water",
    swappedAddress: true,
    fields: [],
    status: [],
    decode(c) {
      sappelNumber({ ...c, d: "izar" });
      const d = izarData(c);
      if (!d) return;
      put(c.out, ["total_m3", "last_month_total_m3", "last_month_measure_date", "remaining_battery_life_y", "transmit_period_s"], d);
      c.out.current_alarms = alarms(d.alarmBits, false);
      c.out.previous_alarms = alarms(0, d.prevLeak);
    },
  },
  {
    name: "izarv2",
    detect: [],
    media: "water",
    swappedAddress: true,
    fields: [],
    status: [{ n: "status", parts: [] }],
    decode(c) {
      sappelNumber({ ...c, d: "izarv2" });
      const d = izarData(c);
      if (!d) return;
      put(c.out, ["total_m3", "target_m3", "target_date", "battery_y", "transmit_period_s"], d);
      if (d.prevLeak) c.flags.push("PREV_LEAKAGE");
      if (d.alarmBits !== 0) c.flags.push("ALARM_" + d.alarmBits);
    },
  },
];
