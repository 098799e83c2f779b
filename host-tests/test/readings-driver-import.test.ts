import { describe, expect, it } from "vitest";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { isElement, parseXmq, type XmqElement, type XmqNode } from "../../host/xmq.js";
import { importXmqDriver } from "../../host/driver-import.js";
import { validateDriver } from "../../firmware/meters/driver-schema.js";
import { UserDrivers } from "../../firmware/meters/user-drivers.js";
import { ReadingSession } from "../../firmware/meters/session.js";
import { TelegramDecoder } from "../../firmware/decoder/decoder.js";
import { fromHex } from "../../firmware/util/hex.js";
import { nodeCipher } from "../../host/aes-node.js";
import { checkSchema, type Schema } from "./schema-check.js";
import { corpusPaths, readCorpusLines } from "../bench/corpus.js";
import fc from "fast-check";
import { WmbusError } from "../../firmware/errors.js";

/**
 * `wmbus driver import` (host-tests/host/xmq.ts, driver-import.ts): the XMQ reader on the syntax of the format's
 * public description, errors with file, line and column, and the round trip on XMQ driver files written for
 * this test (host-tests/data/xmq): import → JSON → valid by the schema and the validator → the same reading as
 * the registry driver it describes, and the values wmbusmeters publishes for those telegrams (the corpus).
 */
const root = join(dirname(fileURLToPath(import.meta.url)), "../..");
const xmqFile = (name: string) => join(root, "host-tests/data/xmq", name);
const schema = JSON.parse(readFileSync(join(root, "docs/driver.schema.json"), "utf8")) as Schema;
const cli = join(root, "bin/wmbus.js");

type Json = { [k: string]: unknown };
interface CorpusLine { index: number; driver: string | null; key: string | null; telegram: string; prelude: string[]; expected: Json }

function corpus(driver: string): CorpusLine[] {
  const out: CorpusLine[] = [];
  for (const path of corpusPaths()) {
    for (const r of readCorpusLines(path) as unknown as CorpusLine[]) {
      if (r.driver === driver && r.key === null && r.prelude.length === 0 && r.expected !== null) out.push(r);
    }
  }
  return out;
}

const TS = "2024-05-01T12:00:00Z";
function read(hex: string, drivers?: UserDrivers): Json {
  const s = new ReadingSession(new TelegramDecoder({ cipher: nodeCipher() }));
  s.drivers = drivers;
  return s.read(fromHex(hex), { timestamp: TS, name: "m" }).reading as Json;
}

const el = (n: XmqNode | undefined): XmqElement => {
  expect(n !== undefined && isElement(n)).toBe(true);
  return n as XmqElement;
};

describe("XMQ reader", () => {
  it("reads elements, key = value, attributes, quotes of n quotes, entities, compound values and comments", () => {
    const text = [
      "// a line comment",
      "/* a block",
      "   comment */ car(speed=50km/h colour='dark red' spare) {",
      "    brand = 'Le roy'",
      "    empty = ''",
      "    said = '''it's 'fine' here'''",
      "    /** stars ** inside **/",
      "    text = ('one' &#10; 'two' &lt; &#x41;)",
      "    wheels { wheel = 1 wheel = 2 }",
      "    'free text' &amp;",
      "}",
    ].join("\n");
    const [car] = parseXmq(text, "t.xmq");
    const c = el(car);
    expect(c.name).toBe("car");
    expect([c.line, c.column]).toEqual([3, 15]);
    expect(c.attributes.map((a) => [a.name, a.value])).toEqual([["speed", "50km/h"], ["colour", "dark red"], ["spare", undefined]]);
    const kids = c.children;
    expect(kids.filter(isElement).map((e) => [e.name, e.value])).toEqual([
      ["brand", "Le roy"], ["empty", ""], ["said", "it's 'fine' here"], ["text", "one\ntwo<A"], ["wheels", undefined],
    ]);
    expect(el(kids[4]).children.filter(isElement).map((e) => e.value)).toEqual(["1", "2"]);
    expect(kids.filter((k) => !isElement(k)).map((k) => (k as { text: string }).text)).toEqual(["free text", "&"]);
  });

  it("reads double quotes as single ones: n of them enclose text with shorter runs, and each kind holds the other", () => {
    const text = [
      "a = \"x = -'0F', y.\"",
      "b = \"\"",
      "c = \"\"\"say \"hi\" twice\"\"\"",
      "d = 'it \"is\"'",
      "e = (\"one\" &#10; 'two')",
    ].join("\n");
    expect(parseXmq(text, "t.xmq").filter(isElement).map((e) => [e.name, e.value])).toEqual([
      ["a", "x = -'0F', y."], ["b", ""], ["c", 'say "hi" twice'], ["d", 'it "is"'], ["e", "one\ntwo"],
    ]);
    expect(() => parseXmq('x = "open', "t.xmq")).toThrow(/^t\.xmq:1:5: quote not closed \(expected "\)$/);
  });

  /** [text, message with file:line:column] */
  const BAD: [string, RegExp][] = [
    ["driver {\n  name = x\n", /^t\.xmq:3:1: unexpected end of file: an element is not closed with \}$/],
    ["driver {\n  info = 'no end\n}\n", /^t\.xmq:2:10: quote not closed \(expected '\)$/],
    ["a = &nbsp;", /^t\.xmq:1:5: unknown entity &"nbsp";$/],
    ["a {\n}\n}", /^t\.xmq:3:1: \} without an open element$/],
    ["a = (1)", /^t\.xmq:1:6: a compound value holds quotes and entities only, got "1"$/],
    ["/* open", /^t\.xmq:1:1: comment not closed \(expected \*\/\)$/],
    ["a = ", /^t\.xmq:1:5: unexpected end of file: expected a value$/],
    ["a(b=1", /^t\.xmq:1:1: attributes of a not closed with \)$/],
    ["x = 'it''s'", /^t\.xmq:1:8: a run of 2 quotes inside a quote of 1: quote with more$/],
  ];
  it.each(BAD)("refuses %j with the line and column", (text, message) => {
    expect(() => parseXmq(text, "t.xmq")).toThrow(message);
  });

  it("never fails otherwise than with a WmbusError naming line and column, on any text of XMQ's characters", () => {
    const piece = fc.constantFrom("a", "b_c", " ", "\n", "=", "{", "}", "(", ")", "'", "''", "'''", "&#10;", "&lt;", "&x", ";", "//", "/*", "*/", "1,2", '"', "\t");
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 40 }), (parts) => {
        try {
          parseXmq(parts.join(""), "f.xmq");
        } catch (e) {
          expect(e).toBeInstanceOf(WmbusError);
          expect((e as Error).message).toMatch(/^f\.xmq:\d+:\d+: /);
        }
      }),
      { numRuns: 500, seed: 14 },
    );
  });

  it("bounds nesting", () => {
    expect(() => parseXmq("a{".repeat(100) + "}".repeat(100), "t.xmq")).toThrow(/nested deeper than 64/);
  });
});

describe("wmbus driver import", () => {
  for (const name of ["aerius", "hydrus", "lansendw"]) {
    it(`round-trips ${name}.xmq: valid JSON that reads the corpus telegrams as the registry driver and wmbusmeters do`, () => {
      const { driver } = importXmqDriver(readFileSync(xmqFile(name + ".xmq"), "utf8"), name + ".xmq");
      const json = JSON.parse(JSON.stringify(driver)) as Json;
      expect(checkSchema(schema, json)).toEqual([]);
      expect(validateDriver(json).problems).toEqual([]);
      // the imported driver takes the registry driver's name, so it replaces it (docs/readings.md precedence)
      const user = UserDrivers.fromJson([json]).drivers;
      const lines = corpus(name);
      expect(lines.length).toBeGreaterThan(0);
      let checked = 0;
      for (const r of lines) {
        const builtIn = read(r.telegram);
        const imported = read(r.telegram, user);
        expect(builtIn.meter, `#${r.index}`).toBe(name);
        expect(imported, `#${r.index}`).toEqual(builtIn);
        // and the values wmbusmeters publishes for this telegram, where the registry driver gives them
        // (readings-corpus.test.ts lists its exceptions with their reasons)
        for (const [k, v] of Object.entries(r.expected)) {
          if (k === "_" || k === "timestamp" || k === "name" || JSON.stringify(builtIn[k]) !== JSON.stringify(v)) continue;
          expect(imported[k], `#${r.index} ${k}`).toEqual(v);
          checked++;
        }
      }
      expect(checked).toBeGreaterThanOrEqual(lines.length * 5);
    });
  }

  it("expands tariff ranges into one field each and turns a status lookup into a status field", () => {
    const { driver } = importXmqDriver(readFileSync(xmqFile("hydrus.xmq"), "utf8"), "hydrus.xmq");
    const fields = driver.fields as Json[];
    expect(fields.filter((f) => String(f.name).startsWith("total_tariff")).map((f) => [f.name, f.record])).toEqual([
      ["total_tariff1", "volume_tariff_1"], ["total_tariff2", "volume_tariff_2"],
      ["total_tariff1_at_date", "volume_storage_1_tariff_1"], ["total_tariff2_at_date", "volume_storage_1_tariff_2"],
    ]);
    expect(driver.status).toEqual([{
      name: "status", okText: "OK",
      parts: [{ tplStatus: true }, { fromRecord: { record: "error_flags" }, flags: { entries: [[0xffff0000, 0xffffffffffff, ""]], unknownPrefix: "ERROR_FLAGS_" } }],
    }]);
  });

  /** [what, change to aerius.xmq, message with line and column] */
  const BROKEN: [string, (s: string) => string, RegExp][] = [
    ["unknown vif_range", (s) => s.replace("vif_range = VolumeFlow", "vif_range = VolumeFlw"), /^bad\.xmq:27:17: vif_range "VolumeFlw" is not known to the importer$/],
    ["bad mvt", (s) => s.replace("mvt = DME,30,03", "mvt = DME,3G,03"), /^bad\.xmq:8:9: mvt: "3G" is not a hex byte$/],
    ["unknown field element", (s) => s.replace("quantity = Flow", "quantity = Flow\n            colour = red"), /^bad\.xmq:24:13: unknown field element colour$/],
    ["PointInTime as a unix timestamp", (s) => s.replace("            display_unit = datetime\n", "            display_unit = ut\n"), /^bad\.xmq:40:9: field target: a PointInTime field prints as date or datetime \(DateLT, DateTimeLT\), not "ut"$/],
    ["driver name the schema refuses", (s) => s.replace("name = aerius", "name = Aerius"), /^bad\.xmq:3:1: the converted driver is not valid: driver\.name: driver: expected a driver name/],
    ["syntax error", (s) => s.replace("info = 'Gas flow now.'", "info = &flow;"), /^bad\.xmq:24:20: unknown entity &"flow";$/],
  ];
  it.each(BROKEN)("refuses a file with %s, naming line and column", (_what, change, message) => {
    const text = change(readFileSync(xmqFile("aerius.xmq"), "utf8"));
    expect(() => importXmqDriver(text, "bad.xmq")).toThrow(message);
  });

  it("works from the command line: import > driver.json, then decode --drivers driver.json", () => {
    const imp = spawnSync("node", [cli, "driver", "import", xmqFile("aerius.xmq")], { encoding: "utf8" });
    expect(imp.stderr).toBe("");
    expect(imp.status).toBe(0);
    const dir = mkdtempSync(join(tmpdir(), "wmbus-import-"));
    const file = join(dir, "driver.json");
    writeFileSync(file, imp.stdout);
    const mine = { ...(JSON.parse(imp.stdout) as Json), name: "mygas", aliases: [] };
    writeFileSync(join(dir, "mine.json"), JSON.stringify([mine]));
    const hex = corpus("aerius")[0].telegram;
    const dec = spawnSync("node", [cli, "decode", hex, "--drivers", join(dir, "mine.json"), "--timestamp", TS], { encoding: "utf8" });
    expect(dec.status).toBe(0);
    const reading = (JSON.parse(dec.stdout) as { reading: Json }).reading;
    expect(reading).toEqual({ ...read(hex), meter: "mygas", name: "" });
    const bad = join(dir, "bad.xmq");
    writeFileSync(bad, "driver {\n  name = x\n  detect { mvt = DME,30 }\n}\n");
    const fail = spawnSync("node", [cli, "driver", "import", bad], { encoding: "utf8" });
    expect(fail.status).toBe(1);
    expect(fail.stdout).toBe("");
    expect(fail.stderr).toBe(`${bad}:3:12: mvt: expected MFR,VV,TT (manufacturer, version and type in hex), got "DME,30"\n`);
  });
});

/**
 * Library fields (`library { use = … }`): a driver that uses one reads it as wmbusmeters publishes it. The
 * truth is the corpus: for every corpus telegram (no key, no prelude) whose wmbusmeters output has fields named
 * like library fields, a driver that uses exactly those library fields must give the same values wherever it
 * gives one (a meter whose upstream driver makes such a field from its own manufacturer data gives none here).
 */
describe("wmbus driver import: library fields against the corpus", () => {
  const LIBRARY_NAMES = [
    "software_version", "model_version", "parameter_set", "firmware_version", "enhanced_id", "manufacturer", "fabrication_no",
    "meter_datetime", "meter_date", "meter_datetime_at_error", "total_m3", "target_m3", "total_kwh", "target_kwh",
    "total_forward_m3", "total_backward_m3", "access_counter", "consumption_hca", "target_hca", "battery_v", "on_time_h",
    "on_time_at_error_h", "operating_time_h", "volume_flow_m3h", "flow_return_temperature_difference_c", "flow_temperature_c",
    "return_temperature_c", "external_temperature_c", "actuality_duration_s",
  ];
  /** Values that differ, each with its reason; the test fails when one no longer differs. */
  const EXCEPT: readonly { index: number; field: string; why: string }[] = [
    { index: 69, field: "target_m3", why: "the upstream dme173 driver makes target_m3 itself (it uses total_m3, flow_temperature_c, total_backward_m3 only)" },
    { index: 140, field: "target_m3", why: "the upstream hydrus driver makes target_m3 itself, from another record than the library's volume at storage 1" },
    { index: 301, field: "target_m3", why: "the upstream qwaterv2 driver makes target_m3 from its manufacturer data (it uses total_m3, meter_datetime, enhanced_id only)" },
    { index: 303, field: "target_m3", why: "the upstream qwaterv2 driver makes target_m3 from its manufacturer data (it uses total_m3, meter_datetime, enhanced_id only)" },
    { index: 342, field: "target_m3", why: "the upstream uiws driver makes target_m3 itself (it uses total_m3, meter_datetime and two temperatures only)" },
    { index: 161, field: "target_kwh", why: "the upstream istaheat driver uses no library field: its target_kwh is its own record choice" },
    { index: 288, field: "target_kwh", why: "the upstream qheatv2 driver makes target_kwh from its manufacturer data (it uses meter_datetime, enhanced_id only)" },
    { index: 293, field: "target_kwh", why: "the upstream qheatv2 driver makes target_kwh from its manufacturer data (it uses meter_datetime, enhanced_id only)" },
    { index: 490, field: "total_m3", why: "readings-corpus.test.ts: the expected 6.548 is not in the telegram (its volume record is 5.648 m³)" },
    { index: 342, field: "meter_datetime", why: "readings-corpus.test.ts: the century bits of the type F date-time give 2126 (EN 13757-3 Annex A); wmbusmeters ignores them" },
  ];

  it("gives the corpus values wherever it gives a value, save the listed exceptions", () => {
    let same = 0;
    const differs: string[] = [];
    for (const path of corpusPaths()) {
      for (const r of readCorpusLines(path) as unknown as CorpusLine[]) {
        if (r.key !== null || r.prelude.length > 0 || r.expected === null) continue;
        const use = Object.keys(r.expected).filter((k) => LIBRARY_NAMES.includes(k));
        if (use.length === 0) continue;
        const { driver } = importXmqDriver(`driver {\n  name = libcheck\n  library { use = ${use.join(",")} }\n}\n`, "lib.xmq");
        const s = new ReadingSession(new TelegramDecoder({ cipher: nodeCipher() }));
        s.drivers = new UserDrivers([driver as never]);
        const reading = s.read(fromHex(r.telegram), { driver: "libcheck", timestamp: TS }).reading as Json;
        for (const k of use) {
          const got = reading[k], want = r.expected[k];
          if (got === undefined) continue;
          const equal = typeof got === "number" && typeof want === "number" ? Math.abs(got - want) <= 1e-9 * Math.max(1, Math.abs(want)) : JSON.stringify(got) === JSON.stringify(want);
          if (equal) same++;
          else differs.push(`${r.index} ${k}`);
        }
      }
    }
    expect(differs.sort()).toEqual(EXCEPT.map((e) => `${e.index} ${e.field}`).sort());
    expect(same).toBeGreaterThan(600);
  });

  it("requires the combinables a match adds, reads text by its record, reads wmbusmeters' point-in-time units, counts placeholders with an offset, and names the TPL status bits as it does", () => {
    const text = [
      "driver {",
      "  name = shapes",
      "  manufacturer = Someone",
      "  model = x1",
      "  link_mode = T1",
      "  library { use = 'software_version|(2/3/help)' use = status-tpl-only }",
      "  mfct_tpl_status_bits { default_message = OK map { name = SOILED value = 0x20 test = set } }",
      "  fields {",
      "    field { name = total_production quantity = Energy match { measurement_type = Instantaneous vif_range = AnyEnergyVIF add_combinable = BackwardFlow } }",
      "    field { name = set quantity = Text match { measurement_type = Instantaneous vif_range = Date storage_nr = 1 } }",
      "    field { name = stamp quantity = Text match { measurement_type = Instantaneous vif_range = DateTime } }",
      "    field { name = billed quantity = PointInTime display_unit = DateLT match { measurement_type = Instantaneous vif_range = Date storage_nr = 2 } }",
      "    field { name = read quantity = PointInTime match { measurement_type = Instantaneous vif_range = DateTime } }",
      "    field { name = 'used_{storage_counter-1counter}_ago' quantity = Volume match { measurement_type = Instantaneous vif_range = Volume storage_nr = 2,3 } }",
      "    field { name = ratio quantity = Dimensionless vif_scaling = None match { difvifkey = 05FF09 } }",
      "    field { name = count quantity = Dimensionless vif_scaling = None match { difvifkey = 04FF0A } }",
      "  }",
      "}",
    ].join("\n");
    const { driver } = importXmqDriver(text, "shapes.xmq");
    expect(driver.fields).toEqual([
      { name: "software_version", record: "software_version", valueType: "readable" },
      { name: "total_production", unit: "kwh", record: "energy_backward_flow" },
      { name: "set", record: "date_storage_1", valueType: "date_raw" },
      { name: "stamp", record: "date_time", valueType: "datetime_s" },
      { name: "billed", unit: "date", record: "date_storage_2", valueType: "date" },
      { name: "read", unit: "datetime", record: "date_time", valueType: "datetime" },
      { name: "used_1_ago", unit: "m3", record: "volume_storage_2" },
      { name: "used_2_ago", unit: "m3", record: "volume_storage_3" },
      { name: "ratio", unit: "counter", header: "05FF09" },
      { name: "count", unit: "counter", header: "04FF0A", valueType: "int" },
    ]);
    // the table names only bit 5: the standard bits keep their names
    expect(driver.status).toEqual([{ name: "status", parts: [{ tplStatus: true, flags: { entries: [[0x20, "SOILED"]], unknownPrefix: "UNKNOWN_" } }] }]);
    // a lookup injected into the library's status field, with vif_scaling = Auto inside its match
    const injected = importXmqDriver(text.replace("  fields {", [
      "  fields {",
      "    field { name = mfct_status quantity = Text attributes = INJECT_INTO_STATUS,HIDE match { vif_scaling = Auto vif_range = ErrorFlags }",
      "      lookup { name = ERR map_type = BitToString map { name = JAM value = 0x01 test = Set } } }",
    ].join("\n")), "shapes.xmq").driver.status as Json[];
    expect(injected).toHaveLength(1);
    expect((injected[0].parts as Json[])[1]).toEqual({ fromRecord: { record: "error_flags" }, flags: { entries: [[1, "JAM"]], unknownPrefix: "ERR_" } });
    // a table that names a standard bit names the whole byte
    const whole = importXmqDriver(text.replace("value = 0x20", "value = 0x04"), "shapes.xmq").driver.status as Json[];
    const part = (whole[0].parts as Json[])[0];
    expect(part.tplStatusTable).toEqual(part.flags);
  });
});

describe("wmbus driver import --partial", () => {
  const text = [
    "driver {",
    "  name = halfway",
    "  library { use = total_m3,status-tpl-only }",
    "  fields {",
    "    field { name = leak quantity = Text attributes = INJECT_INTO_STATUS,HIDE match { difvifkey = 02FD17 }",
    "      lookup { name = LEAK map_type = BitToString map { name = LEAKING value = 0x01 test = Set } } }",
    "    field { name = flow quantity = Flow match { measurement_type = Instantaneous vif_range = VolumeFlow } }",
    "    field { name = age quantity = Time calculate = 'raw_counter * 1h' }",
    "    field { name = valve quantity = Text match { difvifkey = 01FD1B } lookup { name = VALVE map_type = BitToString map { name = OPEN value = 0x01 test = Set } } }",
    "  }",
    "}",
  ].join("\n");

  it("refuses a field it cannot convert by default, and with --partial leaves it out, naming it, and the status fields that may need it", () => {
    expect(() => importXmqDriver(text, "half.xmq")).toThrow(/^half\.xmq:8:5: field age: no match \(fields computed by formulas are not supported\)$|^half\.xmq:8:\d+: unknown field element calculate$/);
    const { driver, warnings } = importXmqDriver(text, "half.xmq", { partial: true });
    expect((driver.fields as Json[]).map((f) => f.name)).toEqual(["total", "flow"]);
    // the TPL-only status stays; the one with the injected lookup and the valve lookup go, since the left-out
    // field might have fed them (an "OK" where the meter reports a fault)
    expect(driver.status).toEqual([]);
    expect(warnings).toHaveLength(3);
    expect(warnings[0]).toMatch(/^half\.xmq:8:\d+: .*\(field left out\)$/);
    expect(warnings.slice(1).sort()).toEqual([
      "half.xmq:8:5: status field status left out: fields of this driver are left out, and its flags may come from them",
      "half.xmq:8:5: status field valve left out: fields of this driver are left out, and its flags may come from them",
    ]);
    // with nothing left out, both status fields are kept, the valve one printed only when its record is there
    const whole = importXmqDriver(text.replace(/ *field \{ name = age[^\n]*\n/, ""), "half.xmq", { partial: true });
    expect(whole.warnings).toEqual([]);
    expect((whole.driver.status as Json[]).map((x) => [x.name, x.onlyWhenPresent])).toEqual([["status", undefined], ["valve", true]]);
  });

  it("works from the command line: exit 0, the left-out field named on stderr", () => {
    const dir = mkdtempSync(join(tmpdir(), "wmbus-partial-"));
    const file = join(dir, "half.xmq");
    writeFileSync(file, text);
    const strict = spawnSync("node", [cli, "driver", "import", file], { encoding: "utf8" });
    expect(strict.status).toBe(1);
    const partial = spawnSync("node", [cli, "driver", "import", "--partial", file], { encoding: "utf8" });
    expect(partial.status).toBe(0);
    expect((JSON.parse(partial.stdout) as Json).name).toBe("halfway");
    expect(partial.stderr.split("\n").filter((l) => l.startsWith("note: ")).length).toBe(3);
  });
});

