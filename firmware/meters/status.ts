/**
 * Status fields: flag names from the TPL STS byte (EN 13757-7 table 5), error-flag records and
 * manufacturer bytes, printed sorted and space-separated, or "OK" when no flag is set.
 */
import type { DataRecord } from "../application/record.js";
import type { Telegram } from "../decoder/telegram.js";
import { readByteField } from "./bytes.js";
import { dataInt, findRecord } from "./fields.js";
import type { FlagTable, Reading, StatusField, StatusPart } from "./types.js";

const HEX = "0123456789ABCDEF";

/** Hex without leading zeros ("800", "C0", "1"). */
export function hexMin(v: number): string {
  if (v === 0) return "0";
  let s = "";
  while (v > 0) {
    s = HEX[v % 16] + s;
    v = Math.floor(v / 16);
  }
  return s;
}

/** Standard STS bits 0..4; bits 5..7 are manufacturer specific. */
export const STS_STD: FlagTable = {
  e: [
    [0x03, 0x01, "BUSY"],
    [0x03, 0x02, "ERROR"],
    [0x03, 0x03, "ALARM"],
    [0x04, "POWER_LOW"],
    [0x08, "PERMANENT_ERROR"],
    [0x10, "TEMPORARY_ERROR"],
  ],
};

/** Bitwise AND / NOT that stay exact above 2^31 (status words of up to 48 bits). */
function and(a: number, b: number): number {
  if (a < 0x80000000 && b < 0x80000000) return a & b;
  let r = 0, p = 1;
  while (a > 0 && b > 0) {
    if (a % 2 === 1 && b % 2 === 1) r += p;
    a = Math.floor(a / 2);
    b = Math.floor(b / 2);
    p *= 2;
  }
  return r;
}

/** Flag names of word `v` by `table`; leftover bits as `rest` + hex. */
export function flagNames(v: number, table: FlagTable, out: string[]): void {
  let known = 0;
  for (const e of table.e) {
    const mask = e[0];
    const value = e.length === 3 ? e[1] : mask;
    const name = e.length === 3 ? e[2] : e[1];
    known += mask - and(known, mask); // known |= mask
    if (and(v, mask) === value) out.push(name);
  }
  const left = v - and(v, known);
  const rest = table.rest ?? "UNKNOWN_";
  if (left !== 0 && rest !== "") out.push(rest + hexMin(left));
}

/** Adds the flags of one source; false when the source is absent. */
function partFlags(p: StatusPart, t: Telegram, records: readonly DataRecord[], mfct: Uint8Array, done: { [n: string]: string[] }, out: string[]): boolean {
  if (p.sts) {
    const sts = t.tpl?.sts;
    if (sts === undefined) return false;
    flagNames(sts & 0x1f, p.stsTable ?? STS_STD, out);
    const m = sts & 0xe0;
    if (m !== 0) flagNames(m, p.flags ?? { e: [] }, out);
    return true;
  }
  if (p.of !== undefined) {
    const f = done[p.of];
    if (f) for (const x of f) out.push(x);
    return f !== undefined;
  }
  let v: number | undefined;
  if (p.rec) {
    const r = findRecord(p.rec, records);
    if (r === undefined) return false;
    v = dataInt(r);
  } else if (p.bytes) {
    const x = readByteField(p.bytes, mfct);
    if (typeof x === "number") v = x;
  }
  if (v === undefined) return false;
  flagNames(v, p.flags ?? { e: [], rest: "ERROR_FLAGS_" }, out);
  return true;
}

/** Sorted, de-duplicated flags joined by spaces; `ok` when there are none. */
export function joinFlags(flags: readonly string[], ok: string): string {
  const s = flags.filter((f, i) => f !== "" && flags.indexOf(f) === i).sort();
  return s.length === 0 ? ok : s.join(" ");
}

/** The default: "status" from the STS byte and the standard error-flags record. */
export const DEFAULT_STATUS: readonly StatusField[] = [
  { n: "status", parts: [{ sts: true }, { rec: { n: "", r: "error_flags" } }] },
];

/** Fills the status fields; `extra` flags (from manufacturer decoders) join the first field. */
export function applyStatus(
  fields: readonly StatusField[], t: Telegram, records: readonly DataRecord[], mfct: Uint8Array, extra: readonly string[], out: Reading,
): void {
  const done: { [n: string]: string[] } = {};
  fields.forEach((f, i) => {
    const flags: string[] = i === 0 ? extra.slice() : [];
    let found = false;
    for (const p of f.parts) if (partFlags(p, t, records, mfct, done, flags)) found = true;
    done[f.n] = flags;
    if (found || !f.need) out[f.n] = joinFlags(flags, f.ok ?? "OK");
  });
}
