/**
 * Finding the data record a field rule takes: by record name (the common case), a list of names, VIB bytes
 * with storage/tariff/sub-unit, or the header, the nth match in record order. RecordIndex indexes one
 * telegram's records for these look-ups; findRecord is the plain scan it must agree with (perf-equivalence).
 */
import type { DataRecord } from "../application/record.js";
import { recordVibHex } from "../application/records.js";
import type { FieldRule } from "./types.js";

function nameMatches(rule: FieldRule, rec: DataRecord): boolean {
  const r = rule.record;
  if (r === undefined) return true;
  if (typeof r === "string") return rec.name === r;
  for (const x of r) if (rec.name === x) return true;
  return false;
}

function ruleMatches(rule: FieldRule, rec: DataRecord): boolean {
  if (rule.header !== undefined && rec.header !== rule.header) return false;
  if (rule.vifBytes !== undefined) {
    if (recordVibHex(rec) !== rule.vifBytes) return false;
    if (rule.storage !== undefined && rec.storage !== rule.storage) return false;
    if (rule.tariff !== undefined && rec.tariff !== rule.tariff) return false;
    if (rule.subunit !== undefined && rec.subunit !== rule.subunit) return false;
  }
  if (rule.recordUnit !== undefined && rec.unit !== rule.recordUnit) return false;
  if (rule.record === undefined && rule.vifBytes === undefined && rule.header === undefined) return false;
  return nameMatches(rule, rec);
}

/**
 * The nth record the rule matches, by a scan. Readings go through RecordIndex.find, which indexes the named
 * rules and falls back to this scan for the rest (perf-equivalence checks both agree).
 */
export function findRecord(rule: FieldRule, records: readonly DataRecord[]): DataRecord | undefined {
  const i = findRecordAt(rule, records);
  return i < 0 ? undefined : records[i];
}

/** findRecord's record index (-1: none). */
function findRecordAt(rule: FieldRule, records: readonly DataRecord[]): number {
  let n = rule.occurrence ?? 0;
  for (let i = 0; i < records.length; i++) {
    if (!ruleMatches(rule, records[i])) continue;
    if (n === 0) return i;
    n--;
  }
  return -1;
}

/**
 * The records of one telegram indexed by record name, so a rule that names its record (`record`, the
 * common case) looks at the records of that name only instead of scanning them all. `first` maps a
 * name to its first record, `next[i]` is the next record with the same name as record i (-1: none).
 * The chains are built on the first look-up: a telegram whose rules were picked per frame format
 * (RulePicks) often needs none.
 */
const NO_CHAIN: readonly number[] = Object.freeze([]);

export class RecordIndex {
  readonly records: readonly DataRecord[];
  private first: Map<string, number> | undefined = undefined;
  private next: readonly number[] = NO_CHAIN; // set with `first` (an empty array per telegram would be made for nothing)
  /** The same chains by VIB hex, built on demand (withVibIndex). */
  private vibFirst?: Map<string, number>;
  private vibNext?: number[];

  constructor(records: readonly DataRecord[]) {
    this.records = records;
  }

  /** The name chains (built on first use). */
  private chains(): Map<string, number> {
    if (this.first !== undefined) return this.first;
    const records = this.records;
    const first = new Map<string, number>();
    const next = new Array<number>(records.length);
    for (let i = records.length - 1; i >= 0; i--) {
      const name = records[i].name;
      const f = first.get(name);
      next[i] = f === undefined ? -1 : f;
      first.set(name, i);
    }
    this.next = next;
    this.first = first;
    return first;
  }

  /** A rule with a list of record names: the nth record, in record order, that has one of them. */
  private findAnyName(rule: FieldRule, names: readonly string[]): number {
    const first = this.chains();
    const hits: number[] = [];
    for (let k = 0; k < names.length; k++) {
      const f = first.get(names[k]);
      for (let i = f === undefined ? -1 : f; i >= 0; i = this.next[i]) {
        if (rule.recordUnit === undefined || this.records[i].unit === rule.recordUnit) hits.push(i);
      }
    }
    if (hits.length > 1) hits.sort((a, b) => a - b);
    let n = rule.occurrence ?? 0;
    for (let k = 0; k < hits.length; k++) {
      if (k > 0 && hits[k] === hits[k - 1]) continue; // a name listed twice
      if (n === 0) return hits[k];
      n--;
    }
    return -1;
  }

  /** Also index the records by VIB hex, for rule lists with VIB rules. */
  withVibIndex(): void {
    if (this.vibFirst !== undefined) return;
    const first = new Map<string, number>();
    const next = new Array<number>(this.records.length);
    for (let i = this.records.length - 1; i >= 0; i--) {
      const vib = recordVibHex(this.records[i]);
      const f = first.get(vib);
      next[i] = f === undefined ? -1 : f;
      first.set(vib, i);
    }
    this.vibFirst = first;
    this.vibNext = next;
  }

  /** Same result as findRecord(rule, records). */
  find(rule: FieldRule): DataRecord | undefined {
    const i = this.findAt(rule);
    return i < 0 ? undefined : this.records[i];
  }

  /** find's record index (-1: none). */
  findAt(rule: FieldRule): number {
    const r = rule.record;
    if (typeof r !== "string" || rule.vifBytes !== undefined || rule.header !== undefined) return this.findOther(rule);
    let n = rule.occurrence ?? 0;
    const f = this.chains().get(r);
    for (let i = f === undefined ? -1 : f; i >= 0; i = this.next[i]) {
      if (rule.recordUnit !== undefined && this.records[i].unit !== rule.recordUnit) continue;
      if (n === 0) return i;
      n--;
    }
    return -1;
  }

  /** Rules that do not name one record: a list of names, by the VIB index when built, else a scan. */
  private findOther(rule: FieldRule): number {
    const r = rule.record;
    if (typeof r === "object" && rule.vifBytes === undefined && rule.header === undefined) return this.findAnyName(rule, r);
    if (this.vibFirst === undefined || rule.vifBytes === undefined || rule.record !== undefined || rule.header !== undefined) return findRecordAt(rule, this.records);
    let n = rule.occurrence ?? 0;
    const f = this.vibFirst.get(rule.vifBytes);
    for (let i = f === undefined ? -1 : f; i >= 0; i = this.vibNext![i]) {
      const rec = this.records[i];
      if (rule.storage !== undefined && rec.storage !== rule.storage) continue;
      if (rule.tariff !== undefined && rec.tariff !== rule.tariff) continue;
      if (rule.subunit !== undefined && rec.subunit !== rule.subunit) continue;
      if (rule.recordUnit !== undefined && rec.unit !== rule.recordUnit) continue;
      if (n === 0) return i;
      n--;
    }
    return -1;
  }
}

