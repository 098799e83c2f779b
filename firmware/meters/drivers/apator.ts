/**
 * Apator: AT-WMBUS-16-2 / -162 water meters (apator162) send their registers in manufacturer
 * data after a 0F DIF (or, encrypted, after the 2F2F check bytes with a leading 80 byte):
 * a 5-byte header, 2 bytes, then registers id + data. Register lengths as the corpus shows them.
 */
import type { Driver, FieldRule, MfctContext } from "../types.js";
import { series } from "./history.js";
import { le } from "../bytes.js";
import { deepFreeze } from "../../util/freeze.js";

/** Register id → data length; 0x70–0x7F carry 1 byte + (id & 15) + 1 four-byte values. */
const APATOR162_REGISTERS: { readonly [id: number]: number } = deepFreeze({
  0x10: 4, 0x40: 6, 0x41: 7, 0x43: 2, 0x44: 3, 0x80: 10, 0x81: 10, 0x83: 10, 0x84: 10, 0x87: 10, 0xa0: 4, 0xf0: 4,
});

function registerLength(id: number): number | undefined {
  if (id >= 0x70 && id <= 0x7f) return 1 + 4 * ((id & 15) + 1);
  return APATOR162_REGISTERS[id];
}

/** The register area: after 0F, or (encrypted frames) the APL after the 2F2F bytes and one more byte. */
function apator162Area(c: MfctContext): Uint8Array {
  if (c.mfct.length > 0) return c.mfct;
  const t = c.t;
  let p = t.aplStart;
  while (p < t.aplEnd && t.bytes[p] === 0x2f) p++;
  return t.bytes.subarray(p + 1, t.aplEnd);
}

function decodeApator162(c: MfctContext): void {
  const b = apator162Area(c);
  let p = 7;
  while (p < b.length) {
    const id = b[p];
    const n = registerLength(id);
    if (n === undefined || p + 1 + n > b.length) return;
    if (id === 0x10) c.out.total_m3 = le(b, p + 1, 4) / 1000;
    p += 1 + n;
  }
}

/**
 * Apator NA-1 (CI A0/A1): ACC, a flags byte (bit 0 summer time), then one AES-128 block,
 * CBC-decrypted with IV = A-field (8 bytes) + ACC × 8. Plaintext layout, as the corpus shows it
 * (8 telegrams of one meter, every field checked against the meter's printed values):
 *
 * | bytes | content |
 * |---|---|
 * | 0 | check byte |
 * | 1 low nibble, 2, 3 | total volume in litres (20 bits: byte 3 · 4096 + byte 2 · 16 + nibble) |
 * | 5..8 | meter clock: seconds since 2000-01-01 00:00 (LE), printed as sent (local time) |
 * | 9, 10 bits 7..2 | age of the historic value in hours (byte 9 + 256 · (byte 10 >> 2)) |
 * | 10 bits 1..0, 11..13 | volume since the historic value in litres ((bytes 11..13 << 2) + bits 1..0) |
 * | 15 bit 7 | minimum-flow flag of the historic value |
 *
 * The historic value is total − that volume; its time is the meter clock − the age.
 */
function decodeApatorNa1(c: MfctContext): void {
  const m = c.mfct;
  const a = c.t.dll?.address;
  if (!c.aesDecrypt || !a || m.length < 18) return;
  const x = c.aesDecrypt(m.subarray(2, 18));
  const p = new Uint8Array(16);
  for (let i = 0; i < 16; i++) p[i] = x[i] ^ (i < 8 ? a.bytes[i] : m[0]);
  const totalL = p[3] * 4096 + p[2] * 16 + (p[1] & 0x0f);
  const clockS = le(p, 5, 4);
  const ageH = p[9] + 256 * (p[10] >> 2);
  const sinceL = le(p, 11, 3) * 4 + (p[10] & 3);
  c.out.historic_m3 = (totalL - sinceL) / 1000;
  c.out.historic_datetime = minutesText(clockS - ageH * 3600);
  c.out.historic_age_h = ageH;
  c.out.meter_datetime = minutesText(clockS);
  c.out.total_m3 = totalL / 1000;
  c.out.current_status = "OK";
  c.out.frame_status = m[1] & 0x01 ? "SUMMER_TIME" : "OK";
  c.out.historic_status = p[15] & 0x80 ? "MINIMUM_FLOW" : "OK";
}

/** 2000-01-01 00:00 as milliseconds since 1970 (a literal: no time-zone or engine dependence). */
const Y2000_MS = 946684800000;

/** Seconds since 2000-01-01 as "YYYY-MM-DD HH:MM" (calendar arithmetic only, no time zone). */
function minutesText(s: number): string {
  const iso = new Date(Y2000_MS + s * 1000).toISOString();
  return iso.slice(0, 10) + " " + iso.slice(11, 16);
}

const AMIPLUS_FIELDS: readonly FieldRule[] = [
  { name: "total_energy_consumption", unit: "kwh", record: "energy" },
  { name: "total_energy_production", unit: "kwh", record: "energy_backward_flow" },
  { name: "current_power_consumption", unit: "kw", record: "power" },
  { name: "current_power_production", unit: "kw", record: "power_backward_flow" },
  { name: "max_power_consumption", unit: "kw", record: "power_max" },
  { name: "voltage_at_phase_1", unit: "v", record: "voltage_phase_l1" },
  { name: "voltage_at_phase_2", unit: "v", record: "voltage_phase_l2" },
  { name: "voltage_at_phase_3", unit: "v", record: "voltage_phase_l3" },
  { name: "device_datetime", record: "date_time", valueType: "datetime" },
  ...series(4, (i) => "total_energy_consumption_tariff_" + i, "kwh", (i) => "energy_tariff_" + i),
  ...series(4, (i) => "total_energy_production_tariff_" + i, "kwh", (i) => "energy_backward_flow_tariff_" + i),
];

/**
 * Apator E-ITN 30 allocators (CI A0; CI B6 frames carry 16 more bytes first): [0..1] season start,
 * [3..4] previous value, [5..6] date of the last error (day bits 0..4, month 5..8, year 9..15),
 * [7..8] current value, [9..10] current date, [11..12] / [13..14] previous / current average room
 * temperature (1/256 °C).
 */
function decodeApatorEitn(c: MfctContext): void {
  const all = c.mfct;
  const b = c.t.tpl?.ci === 0xb6 && all.length >= 31 ? all.subarray(16) : all;
  if (b.length < 15) return;
  c.out.current_hca = le(b, 7, 2);
  c.out.previous_hca = le(b, 3, 2);
  c.out.current_date = packedDate(le(b, 9, 2));
  c.out.esb_date = packedDate(le(b, 5, 2));
  c.out.temp_room_avg_c = le(b, 13, 2) / 256;
  c.out.temp_room_prev_avg_c = le(b, 11, 2) / 256;
}

function packedDate(v: number): string {
  const m = (v >> 5) & 15, d = v & 31;
  return `${2000 + (v >> 9)}-${m < 10 ? "0" : ""}${m}-${d < 10 ? "0" : ""}${d}`;
}

/** Apator 08 / 17.2 (CI A0): the first 4 bytes count thirds of a litre (08) or of a m³ (17.2). */
const thirds = (div: number) => (c: MfctContext): void => {
  if (c.mfct.length >= 4) c.out.total_m3 = le(c.mfct, 0, 4) / div;
};

export const APATOR: readonly Driver[] = Object.freeze([
  { name: "apator08", detect: [{ manufacturer: "APT", version: 0x03, deviceType: 0x03 }, { manufacturer: "APT", version: 0x0f, deviceType: 0x0f }], fields: [], status: [], decode: thirds(3000) },
  { name: "apator172", detect: [{ manufacturer: "APT", version: 0x04, deviceType: 0x11 }], media: "water", fields: [], status: [], decode: thirds(3) },
  {
    name: "apatoreitn",
    detect: [{ manufacturer: "APA", version: 0x04, deviceType: 0x08 }, { manufacturer: "APT", version: 0x04, deviceType: 0x08 }],
    fields: [],
    status: [],
    decode: decodeApatorEitn,
  },
  {
    name: "amiplus",
    detect: [{ manufacturer: "APA", version: 0x02, deviceType: 0x02 }, { manufacturer: "DEV", version: 0x02, deviceType: 0x37 }, { manufacturer: "DEV", version: 0x00, deviceType: 0x02 }, { manufacturer: "DEV", version: 0x01, deviceType: 0x02 }, { manufacturer: "NES", version: 0x03, deviceType: 0x02 }, { manufacturer: "APA", version: 0x01, deviceType: 0x02 }, { manufacturer: "APT", version: 0x01, deviceType: 0x02 }],
    fields: AMIPLUS_FIELDS,
    status: [],
  },
  {
    name: "apatorna1",
    detect: [{ manufacturer: "APA", version: 0x14, deviceType: 0x07 }],
    fields: [],
    status: [],
    decode: decodeApatorNa1,
  },
  {
    name: "apator162",
    detect: [{ manufacturer: "APA", version: 0x05, deviceType: 0x06 }, { manufacturer: "APA", version: 0x05, deviceType: 0x07 }],
    fields: [],
    status: [],
    decode: decodeApator162,
  },
]);
