/** Helpers for monthly history registers: storage n holds the value n months (or n−1) back. */
import type { FieldRule, Reading } from "../types.js";
import { deepFreeze } from "../../util/freeze.js";
import { PAD2, pad2 } from "../../application/datatypes.js";

const DAYS = deepFreeze([31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]);

function monthDays(y: number, m: number): number {
  return m === 2 && ((y % 4 === 0 && y % 100 !== 0) || y % 400 === 0) ? 29 : DAYS[m - 1];
}

/**
 * "YYYY-MM-DD" n months before `date` (after, for negative n): the same day of month, or the last day of the month when
 * `date` is a month end (billing dates).
 */
export function monthsBack(date: string, n: number): string {
  let y = parseInt(date.substr(0, 4), 10);
  let m = parseInt(date.substr(5, 2), 10);
  let d = parseInt(date.substr(8, 2), 10);
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
