/**
 * Diehl / Sappel IZAR RC 868 water meters (CI A1–A3). Five plain header bytes follow the CI
 * (period, battery, alarm bits), then a payload whitened with the PRIOS scrambler: a 32-bit
 * LFSR (taps 31, 11, 2, 1) seeded from a default installation key and the frame header; the
 * first unscrambled byte is 0x4B. Payload: check byte, total (l, LE), last month total (l),
 * last month date (type G).
 */
import type { Driver, FieldValue, MfctContext, Reading } from "../types.js";
import { dateG, le } from "../bytes.js";

/** Default PRIOS installation keys (two 32-bit halves each, combined by XOR). */
const PRIOS_KEYS: readonly (readonly [number, number])[] = [
  [0x39bc8a10, 0xe66d83f8],
  [0x51728910, 0xe66d83f8],
];

function be32(b: Uint8Array, p: number): number {
  return ((b[p] << 24) | (b[p + 1] << 16) | (b[p + 2] << 8) | b[p + 3]) >>> 0;
}

/** Unscrambles frame bytes [start, end) (frame without CRCs: L C M(2) ID(4) V T CI …). */
export function prios(frame: Uint8Array, ci: number, start: number, end: number): Uint8Array | undefined {
  if (ci + 4 > frame.length || start >= end) return undefined;
  for (const k of PRIOS_KEYS) {
    let key = (k[0] ^ k[1] ^ be32(frame, 2) ^ be32(frame, 6) ^ be32(frame, ci)) >>> 0;
    const out = new Uint8Array(end - start);
    for (let i = 0; i < out.length; i++) {
      for (let j = 0; j < 8; j++) {
        const bit = ((key >>> 1) ^ (key >>> 2) ^ (key >>> 11) ^ (key >>> 31)) & 1;
        key = ((key << 1) | bit) >>> 0;
      }
      out[i] = frame[start + i] ^ (key & 0xff);
    }
    if (out[0] === 0x4b) return out;
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
