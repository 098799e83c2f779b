/**
 * Status fields: flag names from the TPL STS byte (EN 13757-7 table 5), error-flag records and
 * manufacturer bytes, printed sorted and space-separated, or "OK" when no flag is set.
 */
import type { Telegram } from "../telegram.js";
import type { DataRecord } from "../application/record.js";
import { recordDataLength } from "../application/records.js";
import { readByteField } from "./bytes.js";
import { dataInt, UNPICKED, type RulePicks } from "./fields.js";
import type { RecordIndex } from "./record-index.js";
import type { FlagTable, Reading, StatusField, StatusPart } from "./types.js";
import type { ReadingPlans } from "./plans.js";
import { deepFreeze } from "../util/freeze.js";

/** Manufacturer area: the APL of a manufacturer CI, or the bytes after a 0F/1F DIF. */
export function mfctArea(t: Telegram, records: readonly DataRecord[]): Uint8Array {
  if (t.manufacturerData) return t.manufacturerData;
  for (let i = 0; i < records.length; i++) {
    const r = records[i];
    if (r.quantity === "manufacturer_data" && r.vif === null) {
      const at = r.offset + 1;
      return t.bytes.subarray(at, at + recordDataLength(r)); // the length without spelling the data hex
    }
  }
  return new Uint8Array(0);
}

const HEX = "0123456789ABCDEF";

/** Hex without leading zeros ("800", "C0", "1"). */
function hexMin(v: number): string {
  if (v === 0) return "0";
  let s = "";
  while (v > 0) {
    s = HEX[v % 16] + s;
    v = Math.floor(v / 16);
  }
  return s;
}

/** Standard STS bits 0..4; bits 5..7 are manufacturer specific. */
export const STS_STD: FlagTable = deepFreeze({
  entries: [
    [0x03, 0x01, "BUSY"],
    [0x03, 0x02, "ERROR"],
    [0x03, 0x03, "ALARM"],
    [0x04, "POWER_LOW"],
    [0x08, "PERMANENT_ERROR"],
    [0x10, "TEMPORARY_ERROR"],
  ],
});

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

/**
 * A flag table split into parallel arrays once (tables are constant driver data), so that a status
 * word costs one pass of `&` per entry: no entry-shape tests and no running "known" mask per telegram.
 */
export interface FlagPlan {
  masks: number[];
  values: number[];
  names: string[];
  /** Union of all masks: the bits the table names. */
  known: number;
  /** Every mask fits in 31 bits, so plain `&` is exact for words below 2^31. */
  small: boolean;
  rest: string;
  /** The names a word of 0 gives: those of entries whose value is 0 (most tables have none). */
  zero: string[];
}

/** The plan of a flag table: kept in `plans` when given (see ReadingPlans), else worked out now. */
function flagPlan(table: FlagTable, plans: ReadingPlans | undefined): FlagPlan {
  const known = plans?.flags.get(table);
  if (known !== undefined) return known;
  const plan: FlagPlan = { masks: [], values: [], names: [], known: 0, small: true, rest: table.unknownPrefix ?? "UNKNOWN_", zero: [] };
  for (const e of table.entries) {
    const mask = e[0];
    plan.masks.push(mask);
    plan.values.push(e.length === 3 ? e[1] : mask);
    plan.names.push(e.length === 3 ? e[2] : e[1]);
    plan.known += mask - and(plan.known, mask); // known |= mask
    if (plan.values[plan.values.length - 1] === 0) plan.zero.push(plan.names[plan.names.length - 1]);
    if (mask >= 0x80000000) plan.small = false;
  }
  return plans === undefined ? plan : plans.keep(plans.flags, table, plan);
}

/** Flag names of word `v` by `table`; leftover bits as `rest` + hex. */
export function flagNames(v: number, table: FlagTable, out: string[], plans?: ReadingPlans): void {
  if (table.decimalCodes) return decimalNames(v, table, out);
  const plan = flagPlan(table, plans);
  if (v === 0) {
    // the common word: only entries whose value is 0 match, and no bit is left over
    const zero = plan.zero;
    for (let i = 0; i < zero.length; i++) out.push(zero[i]);
    return;
  }
  const masks = plan.masks;
  const small = plan.small && v < 0x80000000;
  for (let i = 0; i < masks.length; i++) {
    if ((small ? v & masks[i] : and(v, masks[i])) === plan.values[i]) out.push(plan.names[i]);
  }
  const left = v - (small ? v & plan.known : and(v, plan.known));
  if (left !== 0 && plan.rest !== "") out.push(plan.rest + hexMin(left));
}

/** Codes summed in decimal digits (FlagTable.decimal). */
function decimalNames(v: number, table: FlagTable, out: string[]): void {
  let d = parseInt(hexMin(v), 10);
  if (!(d >= 0)) d = v;
  for (const e of table.entries) {
    if (e.length === 2 && d >= e[0]) {
      out.push(e[1]);
      d -= e[0];
    }
  }
  if (d !== 0 && table.unknownPrefix !== "") out.push((table.unknownPrefix ?? "UNKNOWN_") + d);
}

const NO_FLAGS: FlagTable = deepFreeze({ entries: [] });
const ERROR_FLAGS: FlagTable = deepFreeze({ entries: [], unknownPrefix: "ERROR_FLAGS_" });

/**
 * Adds the flags of one source; false when the source is absent. `at[k]` is the record a record part picked in
 * telegrams of this frame format (see RulePicks; UNPICKED: look it up and keep it), `at` undefined: look it up.
 */
function partFlags(
  p: StatusPart, t: Telegram, records: RecordIndex, mfct: Uint8Array | undefined, done: { [n: string]: string[] } | undefined, out: string[],
  plans: ReadingPlans | undefined, at: Int16Array | undefined, k: number,
): boolean {
  if (p.tplStatus) {
    // The fixed structure's status shares bits 2..4 (power low, permanent/temporary error) with the TPL STS;
    // its bits 0..1 say how the counters are coded, not an application state (fixed-structure.ts).
    const sts = t.tpl?.sts ?? (t.fixed ? t.fixed.status & 0x1c : undefined);
    if (sts === undefined) return false;
    // STS_STD and ERROR_FLAGS name nothing for a word of 0 (no zero-valued entry): then they are not consulted
    if ((sts & 0x1f) !== 0 || p.tplStatusTable !== undefined) flagNames(sts & 0x1f, p.tplStatusTable ?? STS_STD, out, plans);
    const m = sts & 0xe0;
    if (m !== 0) flagNames(m, p.flags ?? NO_FLAGS, out, plans);
    return true;
  }
  if (p.copyOf !== undefined) {
    const f = done === undefined ? undefined : done[p.copyOf];
    if (f) for (const x of f) out.push(x);
    return f !== undefined;
  }
  let v: number | undefined;
  if (p.fromRecord) {
    let j = at === undefined ? UNPICKED : at[k];
    if (j === UNPICKED) {
      j = records.findAt(p.fromRecord);
      if (at !== undefined) at[k] = j;
    }
    if (j < 0) return false;
    v = dataInt(records.records[j]);
  } else if (p.fromBytes) {
    const x = readByteField(p.fromBytes, mfct ?? mfctArea(t, records.records));
    if (typeof x === "number") v = x;
  }
  if (v === undefined) return false;
  if (v !== 0 || p.flags !== undefined) flagNames(v, p.flags ?? ERROR_FLAGS, out, plans);
  return true;
}

/** Sorted, de-duplicated flags joined by spaces; `ok` when there are none. */
export function joinFlags(flags: readonly string[], ok: string): string {
  // most telegrams carry no flag or one: no filtering, sorting or joining for those
  if (flags.length === 0) return ok;
  if (flags.length === 1) return flags[0] === "" ? ok : flags[0];
  const s = flags.filter((f, i) => f !== "" && flags.indexOf(f) === i).sort();
  return s.length === 0 ? ok : s.join(" ");
}

/** The default: "status" from the STS byte and the standard error-flags record. */
export const DEFAULT_STATUS: readonly StatusField[] = deepFreeze([
  { name: "status", parts: [{ tplStatus: true }, { fromRecord: { name: "", record: "error_flags" } }] },
]);

/**
 * Fills the status fields; `extra` flags (from manufacturer decoders) join the first field. `records` is
 * the telegram's RecordIndex (reading.ts builds one for the field rules): error-flag records are found by name.
 * `mfct` is the manufacturer area (mfctArea) or undefined: then it is found when a part reads bytes. With `picks`
 * (the telegram's rule picks, fields.ts applyRules), the records of record parts are picked per frame format too.
 */
export function applyStatus(
  fields: readonly StatusField[], t: Telegram, records: RecordIndex, mfct: Uint8Array | undefined, extra: readonly string[], out: Reading, plans?: ReadingPlans,
  picks?: RulePicks,
): void {
  let at: Int16Array | undefined;
  if (picks !== undefined) {
    if (picks.statusOf !== fields) {
      let n = 0;
      for (let i = 0; i < fields.length; i++) n += fields[i].parts.length;
      picks.statusAt = new Int16Array(n).fill(UNPICKED);
      picks.statusOf = fields;
    }
    at = picks.statusAt;
  }
  // the flags of each field by name, for a later field's copyOf (none with a single field)
  const done: { [n: string]: string[] } | undefined = fields.length > 1 ? {} : undefined;
  let pos = 0;
  for (let i = 0; i < fields.length; i++) {
    const f = fields[i];
    const flags: string[] = i === 0 && extra.length > 0 ? extra.slice() : [];
    let found = false;
    for (let k = 0; k < f.parts.length; k++) if (partFlags(f.parts[k], t, records, mfct, done, flags, plans, at, pos++)) found = true;
    if (done !== undefined) done[f.name] = flags;
    if (found || !f.onlyWhenPresent) out[f.name] = joinFlags(flags, f.okText ?? "OK");
  }
}
