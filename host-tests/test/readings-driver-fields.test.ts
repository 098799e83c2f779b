import { describe, expect, it } from "vitest";
import { parseRecordHeader, type RecordShape } from "../../firmware/application/record-shape.js";
import type { AplItem, RecordFields } from "../../firmware/application/record-encode.js";
import { TelegramDecoder } from "../../firmware/decoder/decoder.js";
import { encodeTelegram } from "../../firmware/encoder/encode.js";
import { addressBytes } from "../../firmware/link/dll-encode.js";
import { DRIVERS } from "../../firmware/meters/drivers/index.js";
import { ReadingSession } from "../../firmware/meters/session.js";
import { DEFAULT_STATUS } from "../../firmware/meters/status.js";
import type { ByteField, Driver, FieldRule, Reading } from "../../firmware/meters/types.js";
import { fromHex, toHex } from "../../firmware/util/hex.js";
import { publishedTests, readPublished } from "./published-helpers.js";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * Every driver gives every field it defines (issue 14): for each driver of the table,
 *
 * 1. one telegram (or, where the records exceed one frame's 255 bytes, a few read in order by one session, as a
 *    meter that spreads its records over several telegrams is read) built with our encoder from the driver's own definitions — a data record for every field rule
 *    (by record name, VIF bytes or exact header, with its storage, tariff and sub-unit; the nth record when the
 *    rule asks for it), the manufacturer byte blocks, the TPL status — read with that driver configured, must
 *    give every field of the rules, blocks and status fields, with the value the encoder put in (numbers in the
 *    field's unit, dates as written; fields with a lookup or a transform only need a value);
 * 2. the fields wmbusmeters prints in its published examples for the driver (host-tests/data/wmbusmeters-driver-tests.json,
 *    whose values readings-published.test.ts checks) that the rules do not cover — the manufacturer layouts read by
 *    decode functions — must all come from one example telegram.
 *
 * 3. every field wmbusmeters' XMQ definition of the driver prints (host-tests/data/wmbusmeters-driver-fields.json,
 *    names with unit suffix) is one of them: a field of the rules, blocks or status, or given by an example.
 *
 * Fields that cannot be produced so are listed below with the reason; an entry no longer needed fails.
 */

/** A record's name split into the quantity (with labels) and its storage, tariff, sub-unit and function. */
interface NameParts {
  base: string;
  storage: number;
  tariff: number;
  subunit: number;
  fn?: "maximum" | "minimum" | "error";
}

function splitName(name: string): NameParts {
  const m = /^(.*?)(?:_storage_(\d+))?(?:_tariff_(\d+))?(?:_subunit_(\d+))?(_max|_min|_error)?$/.exec(name)!;
  const fn = m[5] === "_max" ? "maximum" : m[5] === "_min" ? "minimum" : m[5] === "_error" ? "error" : undefined;
  return { base: m[1], storage: Number(m[2] ?? 0), tariff: Number(m[3] ?? 0), subunit: Number(m[4] ?? 0), fn };
}

/**
 * VIBs by the record name they give (quantity and labels, no storage etc.): primary VIFs, FD and FB codes, each
 * also with one VIFE, and manufacturer VIFEs (FF xx) after them. Found by parsing the VIB, so the names are the
 * decoder's own (EN 13757-3 tables), not a second copy of them.
 */
class VibCatalog {
  readonly #byBase = new Map<string, RecordShape[]>();
  #level = 0;

  find(base: string, unit?: string): RecordShape | undefined {
    for (;;) {
      const hit = (this.#byBase.get(base) ?? []).find((s) => unit === undefined || s.info.unit === unit);
      if (hit !== undefined || this.#level === 3) return hit;
      this.#grow();
    }
  }

  #add(vib: number[]): void {
    const bytes = Uint8Array.from([0x04, ...vib]);
    let s: RecordShape;
    try {
      s = parseRecordHeader(bytes, 0, bytes.length);
    } catch {
      return;
    }
    if (s.vib === null) return;
    const base = s.name;
    const list = this.#byBase.get(base) ?? [];
    if (list.length < 4) list.push(s);
    this.#byBase.set(base, list);
  }

  #firsts(): number[][] {
    const out: number[][] = [];
    for (let v = 0; v < 0x7b; v++) out.push([v]);
    for (let x = 0; x < 0x80; x++) out.push([0xfd, x], [0xfb, x]);
    return out;
  }

  #grow(): void {
    this.#level++;
    const withExt = (v: number[]): number[] => (v.length === 1 ? [v[0] | 0x80] : [v[0], v[1] | 0x80]);
    if (this.#level === 1) for (const v of this.#firsts()) this.#add(v);
    else if (this.#level === 2) for (const v of this.#firsts()) for (let e = 0; e < 0x80; e++) this.#add([...withExt(v), e]);
    else for (const v of this.#firsts()) for (let e = 0; e < 0x80; e++) this.#add([...withExt(v), 0xff, e]), this.#add([...withExt(v), 0xfc, e]);
  }
}

const CATALOG = new VibCatalog();

/** Literal unit factors (SI definitions) from a record unit to a field unit suffix. */
const UNIT_FACTOR: { [from: string]: { [to: string]: number } } = {
  m3: { m3: 1, l: 1000 },
  Wh: { kwh: 1e-3, mwh: 1e-6, gj: 3.6e-6, mj: 3.6e-3 },
  J: { kwh: 1 / 3.6e6, mwh: 1 / 3.6e9, gj: 1e-9, mj: 1e-6 },
  W: { kw: 1e-3, w: 1 },
  "J/h": { kw: 1 / 3.6e6, w: 1 / 3600 },
  "m3/h": { m3h: 1, lh: 1000 },
  "m3/min": { m3h: 60, lh: 60000 },
  "m3/s": { m3h: 3600, lh: 3.6e6 },
  C: { c: 1 },
  K: { c: 1, k: 1 },
  bar: { bar: 1 },
  V: { v: 1 },
  A: { a: 1 },
  s: { s: 1, min: 1 / 60, h: 1 / 3600, d: 1 / 86400 },
  min: { s: 60, min: 1, h: 1 / 60, d: 1 / 1440 },
  h: { s: 3600, min: 60, h: 1, d: 1 / 24 },
  d: { s: 86400, min: 1440, h: 24, d: 1, y: 1 / 365.2425 },
  kg: { kg: 1 },
  "%": { pct: 1, rh: 1 },
};

/** What a built record should read as: a number in the record unit, a date text, or just "a value". */
interface Expect {
  /** Exactly this value. */
  value?: unknown;
  number?: number;
  unit?: string;
  text?: string;
}

const DATE_G = Uint8Array.of(0x31, 0x35); // 2025-05-17: day 17 | year bits, month 5 | year bits
const DATE_F = Uint8Array.of(34, 12, 0x31, 0x35); // 2025-05-17 12:34

/** Data for a record header: a distinct number, a date, or bytes, as the header's kind and data field allow. */
function recordFor(shape: RecordShape, parts: Omit<NameParts, "base">, serial: number, keepDataField: boolean): { record: RecordFields; expect: Expect } {
  const dif = shape.dif;
  const vib = shape.bytes.subarray(1 + dif.difes.length);
  const head = { function: parts.fn, storage: parts.storage, tariff: parts.tariff, subunit: parts.subunit, vib };
  const vif = shape.vib!.vif & 0x7f;
  const df = dif.dif & 0x0f;
  if (!keepDataField || df === 2 || df === 4) {
    if (shape.info.kind === "date" && vif === 0x6c && (!keepDataField || df === 2)) return { record: { ...head, dataField: 2, data: DATE_G }, expect: { text: "2025-05-17" } };
    if (shape.info.kind === "date" && vif === 0x6d && (!keepDataField || df === 4)) return { record: { ...head, dataField: 4, data: DATE_F }, expect: { text: "2025-05-17 12:34" } };
  }
  if (!keepDataField && shape.info.kind === "id") return { record: { ...head, dataField: 0x0c, value: 12345678 + serial }, expect: {} };
  const dataField = keepDataField ? df : 4;
  if (dataField === 0x0d) return { record: { ...head, dataField, data: Uint8Array.of(4, 0x41 + (serial % 26), 0x42, 0x43, 0x44) }, expect: {} };
  if (dataField === 0) return { record: { ...head, dataField }, expect: {} };
  const raw = dataField === 1 || dataField === 9 ? 10 + (serial % 80) : 1000 + 37 * serial;
  const exp = shape.info.exponent;
  const numeric = shape.info.kind === "num" || shape.info.kind === "unsigned";
  return { record: { ...head, dataField, value: raw * 10 ** exp, exponent: exp }, expect: numeric ? { number: raw * 10 ** exp, unit: shape.info.unit } : {} };
}

/** The header a rule picks, as a shape plus storage/tariff/sub-unit; undefined when no VIB gives its record name. */
function ruleHeader(rule: FieldRule): { shape: RecordShape; parts: Omit<NameParts, "base"> } | undefined {
  if (rule.header !== undefined) {
    const b = fromHex(rule.header);
    const shape = parseRecordHeader(b, 0, b.length);
    return { shape, parts: { storage: shape.dif.storage, tariff: shape.dif.tariff, subunit: shape.dif.subunit, fn: shape.dif.function === "instantaneous" ? undefined : shape.dif.function } };
  }
  if (rule.vifBytes !== undefined) {
    const b = fromHex("04" + rule.vifBytes);
    const shape = parseRecordHeader(b, 0, b.length);
    return { shape, parts: { storage: rule.storage ?? 0, tariff: rule.tariff ?? 0, subunit: rule.subunit ?? 0 } };
  }
  for (const name of typeof rule.record === "string" ? [rule.record] : rule.record ?? []) {
    const { base, ...parts } = splitName(name);
    // a plain-text unit (VIF 7C): length and ASCII characters follow the VIF
    const text = Uint8Array.of(0x04, 0x7c, 3, 0x6d, 0x70, 0x70);
    const shape = base === "plain_text_unit" ? parseRecordHeader(text, 0, text.length) : CATALOG.find(base, rule.recordUnit);
    if (shape !== undefined) return { shape, parts };
  }
  return undefined;
}

function fieldName(r: { name: string; unit?: string }): string {
  return r.unit ? `${r.name}_${r.unit}` : r.name;
}

/** The manufacturer-byte fields of a block, and a block of bytes that carries them (signature, then a pattern). */
function blockBytes(fields: readonly ByteField[], minSize: number, signature: string | undefined): Uint8Array {
  let n = minSize;
  for (const f of fields) n = Math.max(n, f.offset + f.size);
  const b = new Uint8Array(n);
  for (let i = 0; i < n; i++) b[i] = 0x11; // valid BCD, a valid type G date (2008-01-17 … ), a non-zero integer
  if (signature) b.set(fromHex(signature), 0);
  return b;
}

interface Built {
  /** Every number the built records carry, in their record units (a rule may find another record than its own). */
  numbers: Expect[];
  /** One telegram; more when the records do not fit one frame (L ≤ 255), read in that order by one session. */
  telegrams: Uint8Array[];
  /** Field → what it should read as. */
  fields: Map<string, Expect>;
  /** Fields whose rules could not be given a record, with the reason. */
  unbuilt: Map<string, string>;
}

/** A telegram for driver `d` that carries a record for each of its fields (first rule of each field name). */
function build(d: Driver): Built {
  const fields = new Map<string, Expect>();
  const unbuilt = new Map<string, string>();
  const apl: AplItem[] = [];
  const numbers: Expect[] = [];
  let serial = 0;
  for (const rule of d.fields) {
    const name = fieldName(rule);
    if (fields.has(name)) continue;
    const h = ruleHeader(rule);
    if (h === undefined) {
      if (!unbuilt.has(name)) unbuilt.set(name, `no VIB gives record ${JSON.stringify(rule.record)}`);
      continue;
    }
    unbuilt.delete(name);
    let rec: { record: RecordFields; expect: Expect } | undefined;
    for (let i = 0; i <= (rule.occurrence ?? 0); i++) {
      rec = recordFor(h.shape, h.parts, serial++, rule.header !== undefined);
      apl.push({ kind: "record", record: rec.record });
      if (rec.expect.number !== undefined) numbers.push(rec.expect);
    }
    const e = rec!.expect;
    const plain = rule.transform === undefined && rule.lookup === undefined && rule.factor === undefined && rule.divisor === undefined;
    fields.set(name, plain && (rule.valueType === undefined || rule.valueType === "num" || (e.text !== undefined && /date/.test(rule.valueType))) ? e : {});
  }
  for (const block of d.blocks ?? []) {
    const bytes = blockBytes(block.fields, block.minSize ?? 1, block.signature);
    if (block.fromRecord) {
      const h = ruleHeader(block.fromRecord)!;
      apl.push({ kind: "record", record: { ...recordFor(h.shape, h.parts, 0, false).record, dataField: 0x0d, data: Uint8Array.of(bytes.length, ...bytes), value: undefined } });
    } else apl.push({ kind: "raw", bytes: Uint8Array.of(0x0f, ...bytes) });
    for (const f of block.fields) fields.set(fieldName(f), {}); // a block's value wins over the rules' (types.ts)
  }
  const extra = MANUFACTURER_BYTES[d.name];
  if (extra !== undefined) {
    apl.push({ kind: "raw", bytes: fromHex(extra.bytes) });
    for (const [f, v] of Object.entries(extra.fields)) fields.set(f, { value: v });
  }
  for (const s of d.status ?? DEFAULT_STATUS) if (!s.onlyWhenPresent) fields.set(s.name, {});
  const k = d.detect[0] ?? { manufacturer: "ABC" };
  const one = (x: number | readonly number[] | undefined, dflt: number) => (x === undefined ? dflt : typeof x === "number" ? x : x[0]);
  const address = addressBytes(k.manufacturer, "12345678", one(k.version, 1), one(k.deviceType, 7));
  const telegrams: Uint8Array[] = [];
  const frame = (items: AplItem[]) => encodeTelegram({ dll: { c: 0x44, address }, tpl: { ci: one(k.ciField, 0x7a), acc: telegrams.length + 1, sts: 0 }, apl: items });
  let part: AplItem[] = [];
  for (const item of apl) {
    if (part.length > 0 && frame([...part, item]).length > 240) {
      telegrams.push(frame(part));
      part = [];
    }
    part.push(item);
  }
  telegrams.push(frame(part));
  return { telegrams, fields, unbuilt, numbers };
}

/**
 * Manufacturer areas (after a 0F DIF) that decode functions read, written from the layout facts in docs/readings.md,
 * with the fields they must give. They are appended to the built telegram of the driver.
 */
const MANUFACTURER_BYTES: { readonly [driver: string]: { bytes: string; fields: { readonly [field: string]: unknown } } } = {
  hydrodigit: {
    // contents 97: battery code 0B, fraud type 80 + date 24-(0)5-17, leak date 24-06-01, backflow 1234 l, 12 monthly volumes
    bytes: "0F97" + "0B" + "80240517" + "240601" + "D2040000" + "E80300" + "D00700" + "B80B00" + "A00F00" + "881300" + "701700" + "581B00" + "401F00" + "282300" + "102700" + "F82A00" + "FFFFFF",
    fields: {
      contents: "BACKFLOW BATTERY_VOLTAGE FRAUD_DATE LEAK_DATE MONTHLY_DATA", voltage_v: 3.2, fraud_type: "MAGNETIC_FRAUD_ATTEMPT", fraud_date: "2024-05-17",
      leak_date: "2024-06-01", backflow_m3: 1.234, January_total_m3: 10, February_total_m3: 20, March_total_m3: 30, April_total_m3: 40, May_total_m3: 50,
      June_total_m3: 60, July_total_m3: 70, August_total_m3: 80, September_total_m3: 90, October_total_m3: 100, November_total_m3: 110, December_total_m3: 0,
    },
  },
};

/** Fields of the rules, blocks and status fields that a built telegram cannot give, with the reason. */
const NOT_BUILDABLE: { readonly [driver: string]: { readonly [field: string]: string } } = {};

/** Published fields (outside the rules) that no single published example gives together, with the reason. */
const NOT_IN_ONE_EXAMPLE: { readonly [driver: string]: { readonly [field: string]: string } } = {};

/**
 * Drivers whose wmbusmeters definition prints fields ours does not define yet (issue 14 item 1): how many, and
 * why. The count must be exact, so it fails (to be lowered or removed) as soon as one of them is added. None left
 * (abbb23 and iem3000 were the last, completed from the current definitions).
 */
const NOT_DEFINED: { readonly [driver: string]: { readonly missing: number; readonly why: string } } = {
};

const HEADER_KEYS = new Set(["_", "media", "meter", "name", "id", "timestamp", "device", "rssi_dbm"]);

function close(a: number, b: number): boolean {
  return Math.abs(a - b) <= 1e-6 * Math.max(1, Math.abs(a), Math.abs(b));
}

/** Whether a field's value is what the encoder put in (or, without an expectation, any value). */
function sensible(got: unknown, e: Expect, fieldUnit: string | undefined, numbers: readonly Expect[]): string | undefined {
  if (got === undefined) return "missing";
  if ("value" in e) return got === e.value || (typeof got === "number" && typeof e.value === "number" && close(got, e.value)) ? undefined : `expected ${JSON.stringify(e.value)}, got ${JSON.stringify(got)}`;
  if (e.text !== undefined) return typeof got === "string" && got.startsWith(e.text.slice(0, 10)) ? undefined : `expected ${e.text}, got ${JSON.stringify(got)}`;
  if (e.number !== undefined && fieldUnit !== undefined && e.unit !== undefined) {
    const f = UNIT_FACTOR[e.unit]?.[fieldUnit];
    if (f === undefined) return typeof got === "number" && Number.isFinite(got) ? undefined : `expected a number, got ${JSON.stringify(got)}`;
    if (typeof got !== "number") return `expected ${e.number * f} (${e.number} ${e.unit}), got ${JSON.stringify(got)}`;
    // its own record's value, or that of another built record the rule also matches (the first one wins)
    if (close(got, e.number * f) || numbers.some((x) => x.unit === e.unit && close(got, x.number! * f))) return undefined;
    return `expected ${e.number * f} (${e.number} ${e.unit}) or another built record's value, got ${got}`;
  }
  return undefined;
}

describe("every driver gives every field it defines", () => {
  const built = new Map<string, { b: Built; reading: Reading; problems: string[] }>();
  for (const d of DRIVERS) {
    const b = build(d);
    const session = new ReadingSession(new TelegramDecoder());
    let reading: Reading = {};
    for (const t of b.telegrams) reading = session.read(t, { driver: d.name, timestamp: "2025-05-17T12:34:00Z" }).reading;
    const problems: string[] = [];
    const units = new Map<string, string | undefined>();
    for (const r of d.fields) units.set(fieldName(r), r.unit);
    for (const [field, e] of b.fields) {
      const p = sensible(reading[field], e, units.get(field), b.numbers);
      if (p !== undefined && NOT_BUILDABLE[d.name]?.[field] === undefined) problems.push(`${d.name} ${field}: ${p}`);
    }
    for (const [field, why] of b.unbuilt) if (NOT_BUILDABLE[d.name]?.[field] === undefined) problems.push(`${d.name} ${field}: ${why}`);
    built.set(d.name, { b, reading, problems });
  }

  it("a telegram built from each driver's definitions gives every field of its rules, blocks and status", () => {
    const all = [...built.values()].flatMap((x) => x.problems);
    const fields = [...built.values()].reduce((n, x) => n + x.b.fields.size, 0);
    console.log(`built telegrams: ${built.size} drivers, ${fields} fields of rules, blocks and status, ${all.length} not given`);
    expect(all).toEqual([]);
  });

  // fields wmbusmeters prints outside our rules: the fewest any one telegram (example or built) leaves out, per driver
  const tests = publishedTests();
  const readings = readPublished(tests);
  const notInOne = new Map<string, string[]>();
  const bare: string[] = [];
  let counted = 0;
  for (const d of DRIVERS) {
    const names = new Set([d.name, ...(d.aliases ?? [])]);
    const mine = tests.map((t, i) => ({ t, r: readings[i] })).filter((x) => names.has(x.t.driver));
    const ruleFields = built.get(d.name)!.b.fields;
    const wanted = new Set<string>();
    for (const x of mine) for (const f of Object.keys(x.t.expected)) if (!HEADER_KEYS.has(f) && !ruleFields.has(f)) wanted.add(f);
    if (wanted.size === 0) {
      if ([...ruleFields.keys()].every((f) => f === "status" || f === "current_status")) bare.push(d.name);
      continue;
    }
    counted += wanted.size;
    let best: string[] = [...wanted].filter((f) => built.get(d.name)!.reading[f] === undefined);
    for (const x of mine) {
      const missing = [...wanted].filter((f) => x.r[f] === undefined);
      if (missing.length < best.length) best = missing;
    }
    notInOne.set(d.name, best);
  }

  it("one published example (or the built telegram) gives every other field wmbusmeters prints for the driver", () => {
    const problems: string[] = [];
    for (const [driver, missing] of notInOne) for (const f of missing) if (NOT_IN_ONE_EXAMPLE[driver]?.[f] === undefined) problems.push(`${driver} ${f}`);
    console.log(`fields outside the rules, from published examples: ${counted}; drivers checked with no field but status: ${bare.join(", ") || "none"}`);
    expect(problems).toEqual([]);
  });

  it("defines every field wmbusmeters' driver definition prints", () => {
    const file = join(dirname(fileURLToPath(import.meta.url)), "../data/wmbusmeters-driver-fields.json");
    const upstream = (JSON.parse(readFileSync(file, "utf8")) as { drivers: { [d: string]: string[] } }).drivers;
    const problems: string[] = [];
    let n = 0;
    for (const [driver, names] of Object.entries(upstream)) {
      const x = built.get(driver);
      const d = DRIVERS.find((y) => y.name === driver);
      const printed = new Set<string>([...(x?.b.fields.keys() ?? []), ...Object.keys(x?.reading ?? {}), ...(d?.status ?? DEFAULT_STATUS).map((s) => s.name)]);
      for (const t of tests.map((t, i) => ({ t, r: readings[i] })).filter((y) => y.t.driver === driver || y.t.expected.meter === driver)) for (const f of Object.keys(t.r)) printed.add(f);
      const missing = names.filter((f) => !printed.has(f));
      n += names.length;
      const gap = NOT_DEFINED[driver];
      if (gap === undefined) for (const f of missing) problems.push(`${driver} ${f}`);
      else if (missing.length !== gap.missing) problems.push(`${driver}: ${missing.length} fields not defined, listed as ${gap.missing}: ${missing.join(" ")}`);
    }
    const open = Object.values(NOT_DEFINED).reduce((k, g) => k + g.missing, 0);
    console.log(`wmbusmeters' driver definitions: ${n} printed fields of ${Object.keys(upstream).length} drivers, ${n - open} defined here, ${open} listed as not yet`);
    expect(problems).toEqual([]);
  });

  it("lists only fields that still need it", () => {
    const stale: string[] = [];
    for (const [driver, list] of Object.entries(NOT_BUILDABLE)) {
      const x = built.get(driver);
      for (const field of Object.keys(list)) {
        if (x === undefined || (x.b.fields.has(field) && x.reading[field] !== undefined && !x.b.unbuilt.has(field))) stale.push(`${driver} ${field}`);
      }
    }
    for (const [driver, list] of Object.entries(NOT_IN_ONE_EXAMPLE)) {
      for (const field of Object.keys(list)) if (!(notInOne.get(driver) ?? []).includes(field)) stale.push(`${driver} ${field}`);
    }
    expect(stale).toEqual([]);
  });

  it("the built telegrams decode to what was built (a test of the builder)", () => {
    const d = DRIVERS.find((x) => x.name === "kamwater")!;
    const b = build(d);
    expect(b.telegrams.length).toBe(1);
    const res = new TelegramDecoder().decode(b.telegrams[0]);
    expect(res.ok).toBe(true);
    expect(toHex(b.telegrams[0]).slice(2, 4)).toBe("44");
    expect(res.telegram.records.length).toBeGreaterThan(5);
  });
});
