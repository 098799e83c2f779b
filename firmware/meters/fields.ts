/**
 * Field rules: pick a data record and turn its value into a reading field.
 */
import type { DataRecord } from "../application/record.js";
import { READING_HEADER_FIELDS, type FieldRule, type FieldValue, type Reading } from "./types.js";
import { conversionFactors, convert, round6 } from "./units.js";
import { dateF, dateG } from "./bytes.js";
import { fromHex } from "../util/hex.js";
import { recordDataBytes, recordDataLength, recordVibHex } from "../application/records.js";
import type { ReadingPlans } from "./plans.js";
import type { RecordShape } from "../application/record-shape.js";
import { RecordIndex } from "./record-index.js";
import { pad2 } from "../application/datatypes.js";

/** VIF + VIFE bytes of a record as hex (the header without DIF and DIFEs). */
export const vibHex = recordVibHex;

/** Data bytes of a record as hex, without the LVAR length byte. */
function dataHex(r: DataRecord): string {
  return (r.dif & 0x0f) === 0x0d && r.data.length >= 2 ? r.data.slice(2) : r.data;
}

/** The record's data bytes, LVAR length byte skipped (the bytes dataHex spells), as a view: no hex spelt and parsed back. */
export function dataBytes(r: DataRecord): Uint8Array {
  const b = recordDataBytes(r);
  return (r.dif & 0x0f) === 0x0d && b.length >= 1 ? b.subarray(1) : b;
}

/** Unsigned little-endian integer of the record's data bytes, LVAR byte skipped (at most 6 bytes are exact). */
export function dataInt(r: DataRecord): number {
  const b = recordDataBytes(r);
  const from = (r.dif & 0x0f) === 0x0d && b.length >= 1 ? 1 : 0;
  let v = 0;
  for (let i = b.length - 1; i >= from; i--) v = v * 256 + b[i];
  return v;
}

const DAYS: readonly number[] = Object.freeze([31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]);

/**
 * Month 0 / day 0 roll back like a calendar does (2000-00-00 → 1999-11-30), the way wmbusmeters
 * prints such dates; other dates pass unchanged.
 */
export function normalizeDate(s: string): string {
  if (s.length < 10 || (s.substr(5, 2) !== "00" && s.substr(8, 2) !== "00")) return s;
  let y = parseInt(s.substr(0, 4), 10), m = parseInt(s.substr(5, 2), 10), d = parseInt(s.substr(8, 2), 10);
  if (m === 0) {
    m = 12;
    y--;
  }
  if (d === 0) {
    m--;
    if (m === 0) {
      m = 12;
      y--;
    }
    const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
    d = m === 2 && leap ? 29 : DAYS[m - 1];
  }
  return `${y}-${pad2(m)}-${pad2(d)}` + s.slice(10);
}

/**
 * Type G dates whose 7-bit year is beyond 99 print as 2000 + year (as wmbusmeters does). The data bytes are read
 * without spelling the record's hex (records.ts recordDataBytes).
 */
function farYear(rec: DataRecord): string | undefined {
  if (recordDataLength(rec) !== 2) return undefined;
  const b = recordDataBytes(rec);
  const y = ((b[0] & 0xe0) >> 5) | ((b[1] & 0xf0) >> 1);
  return y > 99 ? (dateG(b, 0) ?? undefined) : undefined;
}

function asDate(v: FieldValue, rec: DataRecord, raw: boolean): FieldValue {
  const far = farYear(rec);
  if (far !== undefined) return far;
  if (typeof v !== "string" || v.length < 10) return v;
  return raw ? v.slice(0, 10) : normalizeDate(v.slice(0, 10));
}

function asDatetime(v: FieldValue, rec: DataRecord, seconds: boolean): FieldValue {
  if (v === null && rec.data.length === 8 && rec.data !== "FFFFFFFF") v = dateF(fromHex(rec.data), 0); // IV bit set
  if (typeof v !== "string") return v;
  if (v.length === 10) return normalizeDate(v) + " 00:00";
  return !seconds && v.length > 16 ? v.slice(0, 16) : v;
}

function reversedHex(h: string): string {
  let x = "";
  for (let i = h.length - 2; i >= 0; i -= 2) x += h.substr(i, 2);
  return x;
}

/**
 * Identification data as text: integer or LVAR data (DIF data field 1–4, 6, 7, D) whose bytes after the
 * leading zero bytes are all in 0x14..0x7E read last byte first as characters; other data as reversed hex.
 */
function readableText(rec: DataRecord): string {
  const h = dataHex(rec);
  const t = rec.dif & 0x0f;
  if (t === 0 || t === 5 || (t >= 8 && t !== 0x0d)) return reversedHex(h);
  const b = fromHex(h);
  let i = 0;
  while (i < b.length && b[i] === 0) i++;
  if (i === b.length) return reversedHex(h);
  let s = "";
  for (let k = i; k < b.length; k++) {
    if (b[k] < 20 || b[k] > 126) return reversedHex(h);
    s = String.fromCharCode(b[k]) + s;
  }
  return s;
}

/** The value a rule gives for a record (null record: the rule's "no data" value). */
export function ruleValue(rule: FieldRule, rec: DataRecord | null): FieldValue {
  if (rec === null) {
    const none = rule.transform ? rule.transform(null, null) : null;
    return typeof none === "number" ? round6(none) : none;
  }
  let v: FieldValue = rec.value;
  const as = rule.valueType;
  if (as === undefined && typeof v === "number") {
    // the common case first: a number converted into the field unit (the switch's default branch)
    if (rule.unit !== undefined) {
      const c = convert(v, rec.unit, rule.unit);
      if (c !== undefined) v = c;
    }
  } else switch (as) {
    case "date":
    case "date_raw":
      v = asDate(v, rec, rule.valueType === "date_raw");
      break;
    case "datetime":
    case "datetime_s":
      v = asDatetime(v, rec, rule.valueType === "datetime_s");
      break;
    case "hex":
      v = dataHex(rec);
      break;
    case "rhex":
      v = reversedHex(dataHex(rec));
      break;
    case "readable":
      v = readableText(rec);
      break;
    case "int":
      v = dataInt(rec);
      break;
    case "str":
      v = v === null ? null : String(v);
      break;
    default:
      if (typeof v === "string" && rule.valueType === "num") v = Number(v);
      if (typeof v === "number" && rule.unit !== undefined) {
        const c = convert(v, rec.unit, rule.unit);
        if (c !== undefined) v = c;
      }
  }
  if (typeof v === "number" && rule.factor !== undefined) v = v * rule.factor;
  if (typeof v === "number" && rule.divisor !== undefined) v = v / rule.divisor;
  if (rule.lookup && typeof v === "number") v = rule.lookup[v] ?? "UNKNOWN_" + v;
  if (rule.transform) v = rule.transform(v, rec);
  return typeof v === "number" ? round6(v) : v;
}

function fieldName(rule: { name: string; unit?: string }): string {
  return rule.unit ? rule.name + "_" + rule.unit : rule.name;
}

/**
 * The engine's own copy of a property name: a name built by concatenation (name + "_" + unit) is a new string
 * each time, and V8 looks up such a key in its string table on every property access; the key that
 * Object.keys gives back is the canonical one, which property caches take directly. Field names are
 * worked out once per rule list, so this runs once per name.
 */
function propertyKey(s: string): string {
  const o: { [k: string]: number } = {};
  o[s] = 0;
  return Object.keys(o)[0];
}

/**
 * Output field names of a list of rules (field rules, byte fields): spelt once per list when `plans` is given
 * (drivers are constant data), else spelt now.
 */
export function fieldNames(list: readonly { name: string; unit?: string }[], plans?: ReadingPlans): string[] {
  if (plans === undefined) return list.map((f) => propertyKey(fieldName(f)));
  return plans.names.get(list) ?? plans.keep(plans.names, list, list.map((f) => propertyKey(fieldName(f))));
}

/** What applyRules needs to know about a rule list, worked out once per list (drivers are constant data). */
export interface RulePlan {
  /** Output field name per rule. */
  names: string[];
  /** Some rules pick records by VIB alone: index the records by VIB too. */
  vibIndex: boolean;
  /**
   * Per rule, bits: PLAIN_NUMBER when its number values go through unit conversion, factor and divisor only (no
   * value type but "num", no lookup, no transform): with a pick, such a value is v × mul / div × factor / divisor,
   * rounded; DROP_NULL when a record whose value is null (an invalid number, e.g. BCD FFFF) gives no field: a
   * number rule that is not `always` and not `nullWhenInvalid` (an invalid date prints as null).
   */
  bits: Uint8Array;
  /** Per rule: factor and divisor (1 when the rule has none; × 1 and / 1 are exact). */
  scale: Float64Array;
  /**
   * Per rule, the record unit its last picked number came in and the conversion [mul, div] from it into the
   * rule's unit (units.ts conversionFactors): records of one rule nearly always have one unit, so this is kept
   * with the rule list, not with each frame format's picks (which come and go when many formats are heard).
   */
  convUnit: (string | undefined)[];
  conv: Float64Array;
}

/** RulePlan.bits. */
const PLAIN_NUMBER = 1;
const DROP_NULL = 2;
/**
 * The rule gives way to a field already in `out`: it does not say `overwrite`, and an earlier rule of the list has
 * its field name or the name is one of the reading's header fields. Other rules find their field absent
 * (applyRules starts from a reading that has only header fields), so they do not look it up: most rules are such,
 * and on Node that missing-key look-up was the costliest step of a rule.
 */
const YIELDS = 4;

function rulePlan(rules: readonly FieldRule[], plans: ReadingPlans | undefined): RulePlan {
  const known = plans?.rules.get(rules);
  if (known !== undefined) return known;
  let vibRules = 0;
  for (const r of rules) if (r.vifBytes !== undefined && r.record === undefined && r.header === undefined) vibRules++;
  const bits = new Uint8Array(rules.length);
  const scale = new Float64Array(2 * rules.length);
  for (let i = 0; i < rules.length; i++) {
    const r = rules[i];
    const num = r.valueType === undefined || r.valueType === "num";
    bits[i] = (num && r.lookup === undefined && r.transform === undefined ? PLAIN_NUMBER : 0) | (num && !r.always && !r.nullWhenInvalid ? DROP_NULL : 0);
    scale[2 * i] = r.factor ?? 1;
    scale[2 * i + 1] = r.divisor ?? 1;
  }
  const names = fieldNames(rules, plans);
  for (let i = 0; i < rules.length; i++) {
    let first = READING_HEADER_FIELDS[names[i]] !== true;
    for (let k = 0; first && k < i; k++) first = names[k] !== names[i];
    if (!first && !rules[i].overwrite) bits[i] |= YIELDS;
  }
  const convUnit = new Array<string | undefined>(rules.length).fill(undefined);
  const plan: RulePlan = { names, vibIndex: vibRules > 0, bits, scale, convUnit, conv: new Float64Array(2 * rules.length) };
  return plans === undefined ? plan : plans.keep(plans.rules, rules, plan);
}

/**
 * Which record each rule of a list takes (record index; -1: none; UNPICKED: not looked up yet) in the telegrams
 * of one frame format. A rule picks its record by what the record's shape says (name, header, VIB, storage,
 * tariff, sub-unit, unit), so a pick holds for every telegram whose records have the same shapes
 * (Telegram.recordShapes). Each pick is looked up the first time its rule needs a record.
 */
export interface RulePicks {
  rules: readonly FieldRule[];
  at: Int16Array;
  /** The rules that can give a field (liveRules; first all), worked out again after each telegram that made a new pick. */
  live: Int16Array;
  /** The status fields (status.ts) whose record parts `statusAt` picks for, one entry per part (UNPICKED first). */
  statusOf?: readonly unknown[];
  statusAt?: Int16Array;
  /** The byte blocks (reading.ts) whose records `blockAt` picks for, one entry per block. */
  blocksOf?: readonly unknown[];
  blockAt?: Int16Array;
}

export const UNPICKED = -2;

/** The picks of `rules` for records of these shapes, kept in `plans` per shape list (new ones all UNPICKED). */
function rulePicks(rules: readonly FieldRule[], shapes: readonly RecordShape[], plans: ReadingPlans): RulePicks {
  const known = plans.picks.get(shapes);
  if (known !== undefined && known.rules === rules) return known;
  // small arrays per entry: entries come and go when more frame formats are heard than plans.pickEntries
  const at = new Int16Array(rules.length).fill(UNPICKED);
  const live = new Int16Array(rules.length);
  for (let i = 0; i < live.length; i++) live[i] = i;
  return plans.keep(plans.picks, shapes, { rules, at, live, statusOf: undefined, statusAt: undefined, blocksOf: undefined, blockAt: undefined }, plans.pickEntries);
}

/**
 * Applies the rules in order; the first rule that yields a field wins unless a later one says `overwrite`.
 * With `origin`, each field's source record index is noted there under "<field>_field". `plans` keeps the
 * work done per rule list (names, VIB index) for the next telegram, and with `shapes` (Telegram.recordShapes)
 * which record each rule takes in telegrams of that frame format. Returns those picks (undefined without `shapes`),
 * for the status fields of the same telegram (status.ts applyStatus).
 */
export function applyRules(
  rules: readonly FieldRule[], records: readonly DataRecord[] | RecordIndex, out: Reading, origin?: Reading, plans?: ReadingPlans,
  shapes?: readonly RecordShape[],
): RulePicks | undefined {
  const index = records instanceof RecordIndex ? records : new RecordIndex(records);
  const plan = rulePlan(rules, plans);
  const names = plan.names;
  const bits = plan.bits;
  const all = index.records;
  const kept = shapes !== undefined && plans !== undefined && shapes.length === all.length ? rulePicks(rules, shapes, plans) : undefined;
  if (kept === undefined) {
    // no picks: each rule looks its record up
    if (plan.vibIndex) index.withVibIndex();
    for (let i = 0; i < rules.length; i++) {
      const rule = rules[i];
      const name = names[i];
      if ((bits[i] & YIELDS) !== 0 && out[name] != null) continue; // != null: undefined or null
      const rec = index.find(rule);
      if (rec === undefined) {
        if (rule.always && out[name] === undefined) out[name] = ruleValue(rule, null);
        continue;
      }
      if (rec.value === null && (bits[i] & DROP_NULL) !== 0) continue;
      out[name] = ruleValue(rule, rec);
      if (origin) origin[name + "_field"] = index.records.indexOf(rec);
    }
    return undefined;
  }
  // the same steps with the picks of this frame format, over the rules that can give a field
  const picks = kept.at, live = kept.live;
  const scale = plan.scale, conv = plan.conv, convUnit = plan.convUnit;
  const n = live.length;
  let picked = false;
  for (let k = 0; k < n; k++) {
    const i = live[k];
    const rule = rules[i];
    const name = names[i];
    if ((bits[i] & YIELDS) !== 0 && out[name] != null) continue; // != null: undefined or null
    let j = picks[i];
    if (j === UNPICKED) {
      if (plan.vibIndex) index.withVibIndex();
      j = picks[i] = index.findAt(rule);
      picked = true;
    }
    if (j < 0) {
      if (rule.always && out[name] === undefined) out[name] = ruleValue(rule, null);
      continue;
    }
    const rec = all[j];
    const v = rec.value;
    if ((bits[i] & PLAIN_NUMBER) !== 0 && typeof v === "number") {
      // ruleValue's steps for a number, with the conversion from the record's unit kept with the rule
      const c = 2 * i;
      if (convUnit[i] !== rec.unit) {
        conversionFactors(rec.unit, rule.unit, conv, c);
        convUnit[i] = rec.unit;
      }
      out[name] = round6((((v * conv[c]) / conv[c + 1]) * scale[c]) / scale[c + 1]);
      if (origin) origin[name + "_field"] = j;
      continue;
    }
    if (v === null && (bits[i] & DROP_NULL) !== 0) continue;
    out[name] = ruleValue(rule, rec);
    if (origin) origin[name + "_field"] = j;
  }
  if (picked) kept.live = liveRules(rules, picks);
  return kept;
}

/**
 * The rules of a list that can give a field in telegrams of one frame format: all but those that picked no
 * record (-1) and print nothing then (not `always`). Skipping those changes nothing: such a rule only reads `out`.
 */
function liveRules(rules: readonly FieldRule[], at: Int16Array): Int16Array {
  let n = 0;
  for (let i = 0; i < at.length; i++) if (at[i] !== -1 || rules[i].always) n++;
  const live = new Int16Array(n);
  n = 0;
  for (let i = 0; i < at.length; i++) if (at[i] !== -1 || rules[i].always) live[n++] = i;
  return live;
}
