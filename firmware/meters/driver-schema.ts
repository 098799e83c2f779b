/**
 * User drivers: driver definitions that come as JSON (the gateway settings' "drivers", the CLI's --drivers file,
 * `wmbus driver import`) instead of compiled tables. The published schema is docs/driver.schema.json; this
 * validator checks the same rules plus those a JSON schema cannot say (sizes in bytes, masks of one run of
 * bits, a status field copying an earlier one), and turns a definition into a Driver (types.ts) built at run
 * time: only the keys below are copied, texts and numbers are checked, nothing of the input object is kept.
 *
 * Pure and bounded: every list, text and the JSON size of each definition and of all of them have limits
 * (USER_DRIVER_LIMITS), measured with a walk that stops at the limit, so a hostile settings text costs at most
 * the limit. Never throws: each problem names the definition (index and name), the entry (field index and
 * name) and the key, e.g. `drivers[1].fields[3].unit: driver "mywater", field "total": …`.
 * Code cannot come from JSON: a user driver has no `transform` and no manufacturer `decode`.
 */
import type { ByteBlock, ByteField, Detect, Driver, FieldRule, FlagEntry, FlagTable, StatusField, StatusPart, ValueType } from "./types.js";
import { deepFreeze } from "../util/freeze.js";
import {
  Check, DRIVER_KEYS, DRIVER_NAME_RE, ENCODINGS, FIELD_NAME_RE, MANUFACTURER_RE, RECORD_NAME_RE, RESERVED, TEXT_RE, UNIT_RE,
  USER_DRIVER_LIMITS, VALUE_TYPES, isObj, jsonSize, kind, type DriverProblem, type Obj,
} from "./driver-check.js";

export { USER_DRIVER_LIMITS, type DriverProblem } from "./driver-check.js";

const L = USER_DRIVER_LIMITS;

/** One value 0..255 or a list of them (detection). */
function byteOrList(c: Check, v: unknown, path: string, who: string): number | number[] | undefined {
  if (typeof v === "number") return c.int(v, path, who, 0, 255);
  const list = c.list(v, path, who, 1, L.detectValues, "values 0..255");
  if (list === undefined) return undefined;
  const out: number[] = [];
  for (let i = 0; i < list.length; i++) {
    const x = c.int(list[i], `${path}[${i}]`, who, 0, 255);
    if (x !== undefined) out.push(x);
  }
  return out.length === list.length ? out : undefined;
}

function detectEntry(c: Check, raw: unknown, path: string, who: string): Detect | undefined {
  const o = c.obj(raw, path, who, "a detection entry");
  if (!o) return undefined;
  const before = c.problems.length;
  c.keys(o, DRIVER_KEYS.detect, path, who);
  const m = c.text(o.manufacturer, path + ".manufacturer", who, MANUFACTURER_RE, 3, "a three-letter manufacturer code (A-Z)");
  const d: { manufacturer: string; version?: number | number[]; deviceType?: number | number[]; ciField?: number | number[] } = { manufacturer: m ?? "" };
  for (const k of ["version", "deviceType", "ciField"] as const) {
    if (o[k] === undefined) continue;
    const v = byteOrList(c, o[k], path + "." + k, who);
    if (v !== undefined) d[k] = v;
  }
  return c.problems.length === before ? d : undefined;
}

/**
 * A field rule (`named`: an output field; otherwise a record selector of a block or status part, whose name
 * may be left out).
 */
function fieldRule(c: Check, raw: unknown, path: string, who: string, named: boolean): FieldRule | undefined {
  const o = c.obj(raw, path, who, named ? "a field" : "a record selector");
  if (!o) return undefined;
  const before = c.problems.length;
  c.keys(o, DRIVER_KEYS.field, path, who);
  const r: { -readonly [K in keyof FieldRule]: FieldRule[K] } = { name: "" };
  if (named || (o.name !== undefined && o.name !== "")) {
    const n = c.text(o.name, path + ".name", who, FIELD_NAME_RE, L.fieldNameLength, "a field name (a-z, 0-9, _)");
    if (n !== undefined) r.name = n;
  }
  if (o.unit !== undefined) r.unit = c.text(o.unit, path + ".unit", who, UNIT_RE, 8, "a unit suffix (a-z, 0-9, e.g. \"m3\", \"kwh\")");
  if (o.record !== undefined) {
    if (typeof o.record === "string") r.record = c.text(o.record, path + ".record", who, RECORD_NAME_RE, L.recordNameLength, "a record name (a-z, 0-9, _)");
    else {
      const list = c.list(o.record, path + ".record", who, 1, L.records, "record names");
      if (list) {
        const names: string[] = [];
        for (let i = 0; i < list.length; i++) {
          const n = c.text(list[i], `${path}.record[${i}]`, who, RECORD_NAME_RE, L.recordNameLength, "a record name (a-z, 0-9, _)");
          if (n !== undefined) names.push(n);
        }
        r.record = names;
      }
    }
  }
  if (o.vifBytes !== undefined) r.vifBytes = c.hex(o.vifBytes, path + ".vifBytes", who);
  if (o.storage !== undefined) r.storage = c.int(o.storage, path + ".storage", who, 0, 0xffffffff);
  if (o.tariff !== undefined) r.tariff = c.int(o.tariff, path + ".tariff", who, 0, 0xfffff);
  if (o.subunit !== undefined) r.subunit = c.int(o.subunit, path + ".subunit", who, 0, 0x3ff);
  if (o.header !== undefined) r.header = c.hex(o.header, path + ".header", who);
  if (o.recordUnit !== undefined) r.recordUnit = c.text(o.recordUnit, path + ".recordUnit", who, TEXT_RE, 16, "a record unit (e.g. \"Wh\", \"J\", \"m3\")");
  if (o.occurrence !== undefined) r.occurrence = c.int(o.occurrence, path + ".occurrence", who, 0, 255);
  if (o.valueType !== undefined) {
    const v = o.valueType;
    if (typeof v === "string" && (VALUE_TYPES as readonly string[]).indexOf(v) >= 0) r.valueType = v as ValueType;
    else c.add(path + ".valueType", who, `expected one of ${VALUE_TYPES.join(", ")}, got ${kind(v)}`);
  }
  if (o.factor !== undefined) r.factor = c.num(o.factor, path + ".factor", who, true);
  if (o.divisor !== undefined) r.divisor = c.num(o.divisor, path + ".divisor", who, true);
  if (o.lookup !== undefined) {
    const t = c.obj(o.lookup, path + ".lookup", who, "a table of codes and texts");
    if (t) {
      const keys = Object.keys(t);
      if (keys.length > L.lookupEntries) c.add(path + ".lookup", who, `expected at most ${L.lookupEntries} codes, got ${keys.length}`);
      else {
        const table: { [code: number]: string } = Object.create(null) as { [code: number]: string };
        for (const k of keys) {
          if (!/^(?:0|[1-9][0-9]{0,9})$/.test(k)) c.add(path + ".lookup", who, `expected codes as whole numbers, got ${kind(k)}`);
          else {
            const s = c.text(t[k], `${path}.lookup.${k}`, who, TEXT_RE, L.textLength, "a text");
            if (s !== undefined) table[Number(k)] = s;
          }
        }
        r.lookup = table;
      }
    }
  }
  for (const k of ["always", "nullWhenInvalid", "overwrite"] as const) if (o[k] !== undefined) r[k] = c.bool(o[k], path + "." + k, who);
  if (o.record === undefined && o.vifBytes === undefined && o.header === undefined) c.add(path, who, "give the record by one of record, vifBytes, header");
  if ((o.storage !== undefined || o.tariff !== undefined || o.subunit !== undefined) && o.vifBytes === undefined) {
    c.add(path, who, "storage, tariff and subunit select records together with vifBytes (record names carry them already)");
  }
  return c.problems.length === before ? r : undefined;
}

/** 2^n - 1 (one run of low bits), as ByteField.mask and the code that applies it expect. */
function isLowMask(v: number): boolean {
  let x = v + 1;
  while (x > 1 && x % 2 === 0) x /= 2;
  return x === 1;
}

function byteField(c: Check, raw: unknown, path: string, who: string, named: boolean): ByteField | undefined {
  const o = c.obj(raw, path, who, "a byte field");
  if (!o) return undefined;
  const before = c.problems.length;
  c.keys(o, DRIVER_KEYS.byteField, path, who);
  const f: { -readonly [K in keyof ByteField]: ByteField[K] } = { name: "", offset: 0, size: 1 };
  if (named || (o.name !== undefined && o.name !== "")) f.name = c.text(o.name, path + ".name", who, FIELD_NAME_RE, L.fieldNameLength, "a field name (a-z, 0-9, _)") ?? "";
  if (o.unit !== undefined) f.unit = c.text(o.unit, path + ".unit", who, UNIT_RE, 8, "a unit suffix (a-z, 0-9)");
  f.offset = c.int(o.offset, path + ".offset", who, -4096, 4096) ?? 0;
  let enc: ByteField["encoding"];
  if (o.encoding !== undefined) {
    if (typeof o.encoding === "string" && (ENCODINGS as readonly string[]).indexOf(o.encoding) >= 0) f.encoding = enc = o.encoding as ByteField["encoding"];
    else c.add(path + ".encoding", who, `expected one of ${ENCODINGS.join(", ")}, got ${kind(o.encoding)}`);
  }
  // numbers are exact up to 6 bytes; hex texts up to 32 bytes; dates have their own sizes
  f.size = c.int(o.size, path + ".size", who, 1, enc === "hex" ? 32 : 6) ?? 1;
  if (enc === "dateG" && o.size !== 2) c.add(path + ".size", who, "a type G date is 2 bytes");
  if (enc === "dateF" && o.size !== 4) c.add(path + ".size", who, "a type F date-time is 4 bytes");
  if (o.shift !== undefined) f.shift = c.int(o.shift, path + ".shift", who, 0, 47);
  if (o.mask !== undefined) {
    const m = c.int(o.mask, path + ".mask", who, 1, 0xffffffffffff);
    if (m !== undefined && !isLowMask(m)) c.add(path + ".mask", who, `expected a mask of low bits (1, 3, 7, 15, …), got ${m}`);
    else f.mask = m;
  }
  if (o.divisor !== undefined) f.divisor = c.num(o.divisor, path + ".divisor", who, true);
  if (o.factor !== undefined) f.factor = c.num(o.factor, path + ".factor", who, true);
  if (o.vifOffset !== undefined) f.vifOffset = c.int(o.vifOffset, path + ".vifOffset", who, 0, 4096);
  if (o.noValue !== undefined) f.noValue = c.num(o.noValue, path + ".noValue", who, false);
  return c.problems.length === before ? f : undefined;
}

function block(c: Check, raw: unknown, path: string, who: string): ByteBlock | undefined {
  const o = c.obj(raw, path, who, "a byte block");
  if (!o) return undefined;
  const before = c.problems.length;
  c.keys(o, DRIVER_KEYS.block, path, who);
  const b: { -readonly [K in keyof ByteBlock]: ByteBlock[K] } = { fields: [] };
  if (o.fromRecord !== undefined) b.fromRecord = fieldRule(c, o.fromRecord, path + ".fromRecord", who, false);
  if (o.minSize !== undefined) b.minSize = c.int(o.minSize, path + ".minSize", who, 1, 4096);
  if (o.signature !== undefined) b.signature = c.hex(o.signature, path + ".signature", who);
  const list = c.list(o.fields, path + ".fields", who, 1, L.byteFields, "byte fields");
  const fields: ByteField[] = [];
  if (list) {
    for (let i = 0; i < list.length; i++) {
      const f = list[i];
      const label = isObj(f) && typeof f.name === "string" && FIELD_NAME_RE.test(f.name) && f.name.length <= L.fieldNameLength ? ` "${f.name}"` : "";
      const x = byteField(c, f, `${path}.fields[${i}]`, `${who}, byte field ${i}${label}`, true);
      if (x) fields.push(x);
    }
  }
  b.fields = fields;
  return c.problems.length === before ? b : undefined;
}

function flagTable(c: Check, raw: unknown, path: string, who: string): FlagTable | undefined {
  const o = c.obj(raw, path, who, "a flag table");
  if (!o) return undefined;
  const before = c.problems.length;
  c.keys(o, DRIVER_KEYS.flags, path, who);
  const entries: FlagEntry[] = [];
  const list = c.list(o.entries, path + ".entries", who, 0, L.flagEntries, "flag entries");
  if (list) {
    for (let i = 0; i < list.length; i++) {
      const at = `${path}.entries[${i}]`;
      const e = list[i];
      if (!Array.isArray(e) || (e.length !== 2 && e.length !== 3)) {
        c.add(at, who, `expected [mask, name] or [mask, value, name], got ${kind(e)}`);
        continue;
      }
      const mask = c.int(e[0], at + "[0]", who, 0, 0xffffffffffff);
      const value = e.length === 3 ? c.int(e[1], at + "[1]", who, 0, 0xffffffffffff) : undefined;
      const name = c.text(e[e.length - 1], `${at}[${e.length - 1}]`, who, TEXT_RE, L.textLength, "a flag name (printable text)");
      if (mask === undefined || name === undefined || (e.length === 3 && value === undefined)) continue;
      entries.push(e.length === 3 ? [mask, value!, name] : [mask, name]);
    }
  }
  const t: { -readonly [K in keyof FlagTable]: FlagTable[K] } = { entries };
  if (o.unknownPrefix !== undefined) t.unknownPrefix = c.text(o.unknownPrefix, path + ".unknownPrefix", who, TEXT_RE, L.textLength, "a flag name prefix (printable text)");
  if (o.decimalCodes !== undefined) t.decimalCodes = c.bool(o.decimalCodes, path + ".decimalCodes", who);
  return c.problems.length === before ? t : undefined;
}

function statusPart(c: Check, raw: unknown, path: string, who: string, earlier: readonly string[]): StatusPart | undefined {
  const o = c.obj(raw, path, who, "a status part");
  if (!o) return undefined;
  const before = c.problems.length;
  c.keys(o, DRIVER_KEYS.statusPart, path, who);
  const sources = ["tplStatus", "fromRecord", "fromBytes", "copyOf"].filter((k) => o[k] !== undefined);
  if (sources.length !== 1) c.add(path, who, `give exactly one of tplStatus, fromRecord, fromBytes, copyOf (got ${sources.length === 0 ? "none" : sources.join(", ")})`);
  const p: { -readonly [K in keyof StatusPart]: StatusPart[K] } = {};
  if (o.tplStatus !== undefined) {
    if (o.tplStatus !== true) c.add(path + ".tplStatus", who, `expected true, got ${kind(o.tplStatus)}`);
    else p.tplStatus = true;
  }
  if (o.tplStatusTable !== undefined) {
    if (o.tplStatus !== true) c.add(path + ".tplStatusTable", who, "only with tplStatus");
    p.tplStatusTable = flagTable(c, o.tplStatusTable, path + ".tplStatusTable", who);
  }
  if (o.fromRecord !== undefined) p.fromRecord = fieldRule(c, o.fromRecord, path + ".fromRecord", who, false);
  if (o.fromBytes !== undefined) p.fromBytes = byteField(c, o.fromBytes, path + ".fromBytes", who, false);
  if (o.copyOf !== undefined) {
    const n = c.text(o.copyOf, path + ".copyOf", who, FIELD_NAME_RE, L.fieldNameLength, "the name of an earlier status field");
    if (n !== undefined && earlier.indexOf(n) < 0) c.add(path + ".copyOf", who, `no earlier status field is named "${n}"`);
    p.copyOf = n;
  }
  if (o.flags !== undefined) p.flags = flagTable(c, o.flags, path + ".flags", who);
  return c.problems.length === before ? p : undefined;
}

function statusField(c: Check, raw: unknown, path: string, who: string, earlier: readonly string[]): StatusField | undefined {
  const o = c.obj(raw, path, who, "a status field");
  if (!o) return undefined;
  const before = c.problems.length;
  c.keys(o, DRIVER_KEYS.status, path, who);
  const name = c.text(o.name, path + ".name", who, FIELD_NAME_RE, L.fieldNameLength, "a field name (a-z, 0-9, _)") ?? "";
  const parts: StatusPart[] = [];
  const list = c.list(o.parts, path + ".parts", who, 0, L.statusParts, "status parts");
  if (list) for (let i = 0; i < list.length; i++) {
    const p = statusPart(c, list[i], `${path}.parts[${i}]`, `${who}, part ${i}`, earlier);
    if (p) parts.push(p);
  }
  const s: { -readonly [K in keyof StatusField]: StatusField[K] } = { name, parts };
  if (o.okText !== undefined) s.okText = c.text(o.okText, path + ".okText", who, TEXT_RE, L.textLength, "a text");
  if (o.onlyWhenPresent !== undefined) s.onlyWhenPresent = c.bool(o.onlyWhenPresent, path + ".onlyWhenPresent", who);
  return c.problems.length === before ? s : undefined;
}

/** A name shown in messages: only when it is a valid driver or field name (never a long or odd text). */
function label(v: unknown, re: RegExp, max: number): string {
  return typeof v === "string" && v.length <= max && re.test(v) ? ` "${v}"` : "";
}

/** Validates one definition; `path` names it ("drivers[2]"). The driver is deeply frozen (built at run time). */
export function validateDriver(raw: unknown, path = "driver"): { driver?: Driver; problems: DriverProblem[] } {
  const c = new Check();
  const driver = checkDriver(c, raw, path);
  return driver ? { driver: deepFreeze(driver), problems: c.problems } : { problems: c.problems };
}

function checkDriver(c: Check, raw: unknown, path: string): Driver | undefined {
  const who0 = "driver" + (isObj(raw) ? label(raw.name, DRIVER_NAME_RE, L.nameLength) : "");
  const o = c.obj(raw, path, who0, "a driver definition");
  if (!o) return undefined;
  const size = jsonSize(o, L.driverBytes);
  if (size > L.driverBytes) {
    c.add(path, who0, `the definition is over ${L.driverBytes} characters of JSON; refused`);
    return undefined;
  }
  const before = c.problems.length;
  c.keys(o, DRIVER_KEYS.driver, path, who0);
  const name = c.text(o.name, path + ".name", who0, DRIVER_NAME_RE, L.nameLength, "a driver name (a-z, 0-9, _, -, starting with a letter)");
  if (name !== undefined && RESERVED.indexOf(name) >= 0) c.add(path + ".name", who0, `"${name}" is reserved`);
  const who = who0;
  const d: { -readonly [K in keyof Driver]: Driver[K] } = { name: name ?? "", detect: [], fields: [] };
  if (o.aliases !== undefined) {
    const list = c.list(o.aliases, path + ".aliases", who, 0, L.aliases, "alias names");
    if (list) {
      const out: string[] = [];
      for (let i = 0; i < list.length; i++) {
        const a = c.text(list[i], `${path}.aliases[${i}]`, who, DRIVER_NAME_RE, L.nameLength, "an alias (a-z, 0-9, _, -, starting with a letter)");
        if (a !== undefined && RESERVED.indexOf(a) >= 0) c.add(`${path}.aliases[${i}]`, who, `"${a}" is reserved`);
        else if (a !== undefined) out.push(a);
      }
      d.aliases = out;
    }
  }
  const det = c.list(o.detect, path + ".detect", who, 0, L.detect, "detection entries");
  if (det) {
    const out: Detect[] = [];
    for (let i = 0; i < det.length; i++) {
      const e = detectEntry(c, det[i], `${path}.detect[${i}]`, `${who}, detection entry ${i}`);
      if (e) out.push(e);
    }
    d.detect = out;
  }
  if (o.media !== undefined) d.media = c.text(o.media, path + ".media", who, TEXT_RE, L.textLength, "a media text");
  for (const k of ["addressFromEnhancedId", "swappedAddress", "ownPayload"] as const) if (o[k] !== undefined) d[k] = c.bool(o[k], path + "." + k, who);
  const fields = c.list(o.fields, path + ".fields", who, 0, L.fields, "fields");
  if (fields) {
    const out: FieldRule[] = [];
    for (let i = 0; i < fields.length; i++) {
      const f = fields[i];
      const fl = isObj(f) ? label(f.name, FIELD_NAME_RE, L.fieldNameLength) : "";
      const r = fieldRule(c, f, `${path}.fields[${i}]`, `${who}, field ${i}${fl}`, true);
      if (r) out.push(r);
    }
    d.fields = out;
  }
  if (o.blocks !== undefined) {
    const list = c.list(o.blocks, path + ".blocks", who, 0, L.blocks, "byte blocks");
    if (list) {
      const out: ByteBlock[] = [];
      for (let i = 0; i < list.length; i++) {
        const b = block(c, list[i], `${path}.blocks[${i}]`, `${who}, block ${i}`);
        if (b) out.push(b);
      }
      d.blocks = out;
    }
  }
  if (o.status !== undefined) {
    const list = c.list(o.status, path + ".status", who, 0, L.statusFields, "status fields");
    if (list) {
      const out: StatusField[] = [];
      const names: string[] = [];
      for (let i = 0; i < list.length; i++) {
        const s = list[i];
        const sl = isObj(s) ? label(s.name, FIELD_NAME_RE, L.fieldNameLength) : "";
        const x = statusField(c, s, `${path}.status[${i}]`, `${who}, status field ${i}${sl}`, names);
        if (x) {
          out.push(x);
          names.push(x.name);
        }
      }
      d.status = out;
    }
  }
  return c.problems.length === before ? d : undefined;
}

/**
 * Validates a list of definitions (the settings' "drivers"). A definition with a problem is left out; the
 * others are kept. Names must differ from each other (a user driver may take a built-in driver's name: it
 * replaces that driver). The JSON size of all definitions together is bounded too.
 */
export function validateDrivers(raw: unknown, path = "drivers"): { drivers: Driver[]; problems: DriverProblem[] } {
  const c = new Check();
  const drivers: Driver[] = [];
  if (raw === undefined || raw === null) return { drivers, problems: c.problems };
  const list = c.list(raw, path, "", 0, L.drivers, "driver definitions");
  if (!list) return { drivers, problems: c.problems };
  let total = 0;
  const names: string[] = [];
  for (let i = 0; i < list.length; i++) {
    const at = `${path}[${i}]`;
    // only the definitions kept count towards the total; one over the per-definition limit is refused by checkDriver
    const size = jsonSize(list[i], L.driverBytes);
    if (size <= L.driverBytes && total + size > L.totalBytes) {
      const who = "driver" + (isObj(list[i]) ? label((list[i] as Obj).name, DRIVER_NAME_RE, L.nameLength) : "");
      c.add(at, who, `with this one, the definitions kept would be over ${L.totalBytes} characters of JSON together; refused`);
      continue;
    }
    const d = checkDriver(c, list[i], at);
    if (!d) continue;
    const clash = [d.name, ...(d.aliases ?? [])].filter((n) => names.indexOf(n) >= 0);
    if (clash.length > 0) {
      c.add(at + ".name", `driver "${d.name}"`, `the name "${clash[0]}" is already taken by an earlier definition; refused`);
      continue;
    }
    names.push(d.name, ...(d.aliases ?? []));
    total += size;
    drivers.push(deepFreeze(d));
  }
  return { drivers, problems: c.problems };
}
