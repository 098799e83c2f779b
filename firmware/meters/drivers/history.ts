/** Helpers for monthly history registers: storage n holds the value n months (or n−1) back. */
import type { FieldRule, Reading } from "../types.js";
import { deepFreeze } from "../../util/freeze.js";

function pad2(n: number): string {
  return n < 10 ? "0" + n : "" + n;
}

/** "00".."99". */
const PAD2: readonly string[] = deepFreeze(Array.from({ length: 100 }, (_, k) => pad2(k)));

const DAYS = deepFreeze([31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]);

function monthDays(y: number, m: number): number {
  return m === 2 && ((y % 4 === 0 && y % 100 !== 0) || y % 400 === 0) ? 29 : DAYS[m - 1];
}

/**
 * "YYYY-MM-DD" n months before `date` (after, for negative n): the same day of month, or the last day of the month when
 * `date` is a month end (billing dates).
 */
export function monthsBack(date: string, n: number): string {
  let y: number, m: number, d: number;
  const c0 = date.charCodeAt(0) - 48, c1 = date.charCodeAt(1) - 48, c2 = date.charCodeAt(2) - 48, c3 = date.charCodeAt(3) - 48;
  const c5 = date.charCodeAt(5) - 48, c6 = date.charCodeAt(6) - 48, c8 = date.charCodeAt(8) - 48, c9 = date.charCodeAt(9) - 48;
  if (
    c0 >= 0 && c0 <= 9 && c1 >= 0 && c1 <= 9 && c2 >= 0 && c2 <= 9 && c3 >= 0 && c3 <= 9 &&
    c5 >= 0 && c5 <= 9 && c6 >= 0 && c6 <= 9 && c8 >= 0 && c8 <= 9 && c9 >= 0 && c9 <= 9
  ) {
    // "YYYY-MM-DD…" (the readings' date form): digits read straight, as parseInt reads them (separators not looked at)
    y = c0 * 1000 + c1 * 100 + c2 * 10 + c3;
    m = c5 * 10 + c6;
    d = c8 * 10 + c9;
  } else {
    y = parseInt(date.substr(0, 4), 10);
    m = parseInt(date.substr(5, 2), 10);
    d = parseInt(date.substr(8, 2), 10);
  }
  const monthEnd = m >= 1 && m <= 12 && d === monthDays(y, m);
  m -= n;
  while (m < 1) {
    m += 12;
    y--;
  }
  while (m > 12) {
    m -= 12;
    y++;
  }
  if (monthEnd || d > monthDays(y, m)) d = monthDays(y, m);
  return y + "-" + (m >= 0 && m < 100 ? PAD2[m] : pad2(m)) + "-" + (d >= 0 && d < 100 ? PAD2[d] : pad2(d));
}

/** Rules `name(i)` ← record `rec(i + offset)` for i = 1..count. */
export function series(count: number, name: (i: number) => string, u: string | undefined, rec: (i: number) => string): FieldRule[] {
  const out: FieldRule[] = [];
  for (let i = 1; i <= count; i++) out.push(u === undefined ? { name: name(i), record: rec(i) } : { name: name(i), unit: u, record: rec(i) });
  return out;
}

/**
 * history_N_date = the date in `dateField` (N + shift) months back, for every
 * consumption_at_history_N_m3 present.
 */
export function historyDates(out: Reading, dateField: string, count: number, shift = 0): void {
  const d = out[dateField];
  if (typeof d !== "string" || d.length < 10) return;
  for (let i = 1; i <= count; i++) {
    if (out["consumption_at_history_" + i + "_m3"] !== undefined) out["history_" + i + "_date"] = monthsBack(d, i + shift);
  }
}
