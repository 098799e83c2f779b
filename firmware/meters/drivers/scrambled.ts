/**
 * Meters whose payload is a proprietary byte layout (facts from wmbusmeters' driver definitions, see
 * docs/readings.md): Techem radio 3a water meters (CI A2 APL) and B METERS RFM-TX1 (a payload obscured
 * with the access number and a 16-row table).
 */
import type { Driver, MfctContext } from "../types.js";
import { le } from "../bytes.js";
import { deepFreeze } from "../../util/freeze.js";
import { pad2 } from "../../application/datatypes.js";

const MONTHS = deepFreeze(["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]);

/**
 * mkradio3a APL: [0..1] ?, [2..3] current date (day bits 0..4, month 5..8, year 9..15 + 2000), [4..6] total
 * in 0.1 m³, [7] ?, then 12 history words (each followed by one byte) at 8 + 3k. Word k holds two half-month
 * amounts (low byte, high byte) in 0.1 m³. Before the 16th of a month the month k amount is the high byte
 * of word k−1 plus the low byte of word k, from the 16th on the two bytes of word k. Month 0 is the one just
 * ended (target); last_<month> is the amount of that calendar month.
 */
function decodeMkradio3a(c: MfctContext): void {
  const b = c.mfct;
  if (b.length < 8 + 3 * 12) return;
  const raw = le(b, 2, 2);
  const day = raw & 31, month = (raw >> 5) & 15, year = raw >> 9;
  const early = day <= 15;
  const rel: number[] = [];
  for (let k = 0; k < 12; k++) {
    const lo = b[8 + 3 * k], hi = b[9 + 3 * k];
    const prevHi = k === 0 ? 0 : b[9 + 3 * (k - 1)];
    rel.push(early ? (k === 0 ? lo : prevHi + lo) : lo + hi);
  }
  c.out.total_m3 = le(b, 4, 3) / 10;
  c.out.target_m3 = rel[0] / 10;
  c.out.target_date = `${2000 + year}-${pad2(month)}-${pad2(day)}`;
  if (month < 1 || month > 12) return;
  for (let m = 1; m <= 12; m++) c.out["last_" + MONTHS[m - 1] + "_m3"] = rel[(((month - m) % 12) + 12) % 12] / 10;
}

/** RFM-TX1 table: per row (access number & 15), the bytes XORed into data bytes 0..3 besides the access number. */
const RFMTX1_ROWS: readonly (readonly [number, number, number, number])[] = deepFreeze([
  [122, 16, 26, 10], [112, 19, 34, 19], [185, 11, 142, 153], [121, 7, 74, 22],
  [7, 154, 203, 105], [50, 161, 57, 14], [156, 126, 96, 153], [180, 196, 128, 163],
  [10, 206, 25, 3], [240, 5, 165, 134], [22, 152, 17, 94], [12, 201, 125, 162],
  [74, 72, 228, 31], [119, 46, 138, 232], [189, 120, 87, 140], [57, 111, 40, 5],
]);

function bcdByte(v: number): number {
  return (v >> 4) * 10 + (v & 15);
}

/**
 * RFM-TX1 (TPL configuration 0x1006, short header): the access number is the key byte; APL bytes 2..5 are
 * the total (4 BCD bytes, litres, least significant first) each XORed with the key byte and the table value
 * of its position; APL bytes 13..18 the meter time as BCD ss mm hh DD MM YY.
 */
function decodeRfmtx1(c: MfctContext): void {
  const t = c.t;
  const tpl = t.tpl;
  if (tpl === undefined || tpl.acc === undefined || t.bytes.length < tpl.payloadOffset + 19) return;
  const p = tpl.payloadOffset;
  const key = tpl.acc;
  const row = RFMTX1_ROWS[key & 15];
  let total = 0, scale = 1;
  for (let i = 0; i < 4; i++) {
    total += bcdByte(t.bytes[p + 2 + i] ^ key ^ row[i]) * scale;
    scale *= 100;
  }
  c.out.total_m3 = total / 1000;
  const f = (i: number) => pad2(bcdByte(t.bytes[p + 13 + i]));
  c.out.meter_datetime = `20${f(5)}-${f(4)}-${f(3)} ${f(2)}:${f(1)}`;
}

export const SCRAMBLED: readonly Driver[] = Object.freeze([
  { name: "mkradio3a", detect: [{ manufacturer: "TCH", version: 0x50, deviceType: 0x72 }], media: "cold water", fields: [], status: [], decode: decodeMkradio3a },
  { name: "rfmtx1", detect: [{ manufacturer: "BMT", version: 0x05, deviceType: 0x07 }], fields: [], status: [], ownPayload: true, decode: decodeRfmtx1 },
]);
