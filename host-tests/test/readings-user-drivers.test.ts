import { describe, expect, it } from "vitest";
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { DRIVERS, driverByName } from "../../firmware/meters/drivers/index.js";
import { USER_DRIVER_LIMITS, validateDriver, validateDrivers } from "../../firmware/meters/driver-schema.js";
import { UserDrivers } from "../../firmware/meters/user-drivers.js";
import { Gateway } from "../../firmware/gateway/gateway.js";
import { parseConfig, problemText } from "../../firmware/gateway/config.js";
import { fromHex } from "../../firmware/util/hex.js";
import { MemoryHub } from "../../host/gateway-memory-hub.js";
import { SimClock } from "../sim/gateway-runner.js";
import { firmwarePreloadJs, runUnderXsPreloaded } from "../xs/preload-emulation.js";
import { checkSchema, type Schema } from "./schema-check.js";
import fc from "fast-check";

/**
 * User drivers (docs/readings.md "User drivers"): the published JSON schema (docs/driver.schema.json) and the
 * firmware validator (meters/driver-schema.ts) agree on valid and planted-invalid definitions; a user driver
 * from the settings changes the reading through the Gateway on Node and under XS; a broken one is refused
 * with a problem naming the definition, the entry and the key.
 */
const root = join(dirname(fileURLToPath(import.meta.url)), "../..");
const schema = JSON.parse(readFileSync(join(root, "docs/driver.schema.json"), "utf8")) as Schema;
type Json = { [k: string]: unknown };

/** Registry drivers that are data only (no transform, no decode): each must be a valid definition as JSON. */
function hasCode(v: unknown, depth = 0): boolean {
  if (typeof v === "function") return true;
  if (typeof v !== "object" || v === null || depth > 10) return false;
  return Object.values(v).some((x) => hasCode(x, depth + 1));
}
const DATA_DRIVERS = DRIVERS.filter((d) => !hasCode(d));

/** The aerius gas meter telegram of the corpus (DME, version 0x30, device type 0x03; plaintext). */
const AERIUS = "2E44A5119870659930037A060020052F2F0C933E842784060A3B00000A5A5901C4016D3B37DF2CCC01933E24032606";
/** A definition written for this test: the aerius meter's volume in litres and its temperature under new names. */
const MYGAS: Json = {
  name: "mygas",
  aliases: ["mygas_v2"],
  detect: [{ manufacturer: "DME", version: 0x30, deviceType: [0x03, 0x02] }],
  media: "gas",
  fields: [
    { name: "gas_total", unit: "l", record: ["volume", "volume_at_base_conditions"] },
    { name: "gas_temperature", unit: "c", record: ["flow_temperature", "external_temperature"] },
    { name: "billing_date", record: "date_time_storage_3", valueType: "date" },
  ],
  status: [{ name: "status", parts: [{ tplStatus: true }], okText: "FINE" }],
};

describe("driver schema and validator", () => {
  it("accept every data-only registry driver as JSON, and the validator gives it back unchanged", () => {
    expect(DATA_DRIVERS.length).toBeGreaterThan(60);
    for (const d of DATA_DRIVERS) {
      const json = JSON.parse(JSON.stringify(d)) as unknown;
      expect(checkSchema(schema, json), d.name).toEqual([]);
      const r = validateDriver(json, "driver");
      expect(r.problems, d.name).toEqual([]);
      expect(JSON.parse(JSON.stringify(r.driver)), d.name).toEqual(json);
    }
    expect(checkSchema(schema, MYGAS)).toEqual([]);
    expect(validateDriver(MYGAS).problems).toEqual([]);
  });

  /** [what, change to MYGAS, where the validator must point, text the message must hold, caught by the schema too] */
  const PLANTED: [string, (d: Json) => void, string, RegExp, boolean][] = [
    ["missing name", (d) => delete d.name, "driver.name", /expected a driver name/, true],
    ["name with capitals", (d) => (d.name = "MyGas"), "driver.name", /driver name/, true],
    ["reserved name", (d) => (d.name = "auto"), "driver.name", /reserved/, true],
    ["name too long", (d) => (d.name = "g".repeat(41)), "driver.name", /at most 40/, true],
    ["unknown driver key", (d) => (d.colour = "red"), "driver.colour", /unknown key "colour"/, true],
    ["old short key", (d) => ((d.fields as Json[])[0] = { n: "gas_total", u: "l", r: "volume" }), "driver.fields[0].n", /field 0: unknown key "n" \(the key is now "name"\)/, true],
    ["bad manufacturer", (d) => ((d.detect as Json[])[0].manufacturer = "dm"), "driver.detect[0].manufacturer", /detection entry 0: expected a three-letter manufacturer/, true],
    ["version out of range", (d) => ((d.detect as Json[])[0].version = 256), "driver.detect[0].version", /0\.\.255, got 256/, true],
    ["empty device type list", (d) => ((d.detect as Json[])[0].deviceType = []), "driver.detect[0].deviceType", /expected 1\.\.16/, true],
    ["field without record", (d) => ((d.fields as Json[])[1] = { name: "x", unit: "c" }), "driver.fields[1]", /field 1 "x": give the record by one of record, vifBytes, header/, true],
    ["bad unit", (d) => ((d.fields as Json[])[0].unit = "m³"), "driver.fields[0].unit", /field 0 "gas_total": expected a unit suffix/, true],
    ["bad value type", (d) => ((d.fields as Json[])[2].valueType = "time"), "driver.fields[2].valueType", /field 2 "billing_date": expected one of num, str/, true],
    ["zero divisor", (d) => ((d.fields as Json[])[0].divisor = 0), "driver.fields[0].divisor", /non-zero/, true],
    ["bad hex", (d) => ((d.fields as Json[])[0] = { name: "a", vifBytes: "13F" }), "driver.fields[0].vifBytes", /hex bytes/, true],
    ["storage without vifBytes", (d) => ((d.fields as Json[])[0].storage = 1), "driver.fields[0]", /storage, tariff and subunit select records together with vifBytes/, true],
    ["lookup code not a number", (d) => ((d.fields as Json[])[0].lookup = { one: "x" }), "driver.fields[0].lookup", /codes as whole numbers/, true],
    ["transform is code", (d) => ((d.fields as Json[])[0].transform = "x => x"), "driver.fields[0].transform", /code cannot come from a driver definition/, true],
    ["too many fields", (d) => (d.fields = Array.from({ length: 129 }, (_, i) => ({ name: "f" + i, record: "volume" }))), "driver.fields", /expected 0\.\.128 fields, got 129/, true],
    ["status part with two sources", (d) => ((d.status as Json[])[0].parts = [{ tplStatus: true, copyOf: "status" }]), "driver.status[0].parts[0]", /status field 0 "status", part 0: give exactly one of/, true],
    ["tplStatus false", (d) => ((d.status as Json[])[0].parts = [{ tplStatus: false }]), "driver.status[0].parts[0].tplStatus", /expected true/, true],
    ["flag entry of one item", (d) => ((d.status as Json[])[0].parts = [{ tplStatus: true, flags: { entries: [[4]] } }]), "driver.status[0].parts[0].flags.entries[0]", /\[mask, name\]/, true],
    ["flag name with a line break", (d) => ((d.status as Json[])[0].parts = [{ tplStatus: true, flags: { entries: [[4, "LOW\nBATTERY"]] } }]), "driver.status[0].parts[0].flags.entries[0][1]", /a flag name \(printable text\)/, true],
    ["byte field of 7 bytes", (d) => (d.blocks = [{ fields: [{ name: "x", offset: 0, size: 7 }] }]), "driver.blocks[0].fields[0].size", /byte field 0 "x": expected a whole number 1\.\.6/, true],
    ["type G date of 3 bytes", (d) => (d.blocks = [{ fields: [{ name: "x", offset: 0, size: 3, encoding: "dateG" }] }]), "driver.blocks[0].fields[0].size", /type G date is 2 bytes/, true],
    ["block without fields", (d) => (d.blocks = [{ minSize: 4, fields: [] }]), "driver.blocks[0].fields", /expected 1\.\.32 byte fields/, true],
    // what a JSON schema cannot say: the validator alone
    ["mask of two runs of bits", (d) => (d.blocks = [{ fields: [{ name: "x", offset: 0, size: 1, mask: 5 }] }]), "driver.blocks[0].fields[0].mask", /mask of low bits/, false],
    ["copyOf a later field", (d) => (d.status = [{ name: "status", parts: [{ copyOf: "errors" }] }, { name: "errors", parts: [{ tplStatus: true }] }]), "driver.status[0].parts[0].copyOf", /no earlier status field is named "errors"/, false],
    ["definition too large", (d) => (d.fields = Array.from({ length: 100 }, (_, i) => ({ name: "field_with_a_long_name_" + i, record: ["volume_storage_" + i, "energy_storage_" + i] }))), "driver", /over 6144 characters of JSON/, false],
  ];

  it.each(PLANTED)("refuse %s, naming the entry", (_what, change, path, message, schemaToo) => {
    const d = structuredClone(MYGAS);
    change(d);
    const r = validateDriver(d, "driver");
    expect(r.driver).toBeUndefined();
    const hit = r.problems.find((p) => p.path === path);
    expect(hit, JSON.stringify(r.problems)).toBeDefined();
    expect(hit!.message).toMatch(message);
    expect(hit!.message.startsWith("driver")).toBe(true);
    expect(checkSchema(schema, d).length > 0).toBe(schemaToo);
  });

  it("bound the list: count, names taken twice, total size", () => {
    const many = Array.from({ length: USER_DRIVER_LIMITS.drivers + 1 }, (_, i) => ({ ...MYGAS, name: "g" + i, aliases: [] }));
    expect(validateDrivers(many).problems[0].message).toMatch(/expected 0\.\.16 driver definitions, got 17/);
    const twice = validateDrivers([MYGAS, { ...MYGAS, aliases: [] }]);
    expect(twice.drivers).toHaveLength(1);
    expect(twice.problems.map((p) => p.path + ": " + p.message)).toEqual(['drivers[1].name: driver "mygas": the name "mygas" is already taken by an earlier definition; refused']);
    const big = (i: number): Json => ({ name: "big" + i, detect: [], fields: Array.from({ length: 50 }, (_, k) => ({ name: "f" + k, record: "volume_storage_" + k })) });
    const total = validateDrivers([big(0), big(1), big(2), big(3)]);
    expect(total.drivers.length).toBeLessThan(4);
    expect(total.problems.at(-1)!.message).toMatch(/with this one, the definitions kept would be over 8192 characters of JSON together; refused/);
    // a refused definition does not use up the budget: a small one after it is still kept
    const after = validateDrivers([big(0), big(1), big(2), big(3), { ...MYGAS }]);
    expect(after.drivers.map((d) => d.name)).toEqual([...total.drivers.map((d) => d.name), "mygas"]);
    // a hostile deep value costs at most the limit (the size walk stops) and is refused, not crashed on
    let deep: unknown = 1;
    for (let i = 0; i < 100000; i++) deep = [deep];
    expect(validateDriver({ ...MYGAS, fields: deep }).problems[0].message).toMatch(/over 6144 characters/);
  });
});

/** A corpus telegram through a Gateway configured with `settings` (a stripped frame, as a radio hands it over). */
function gatewayReading(settings: Json): { reading: Json; problems: string[] } {
  const { config, problems } = parseConfig(settings);
  const hub = new MemoryHub();
  const gw = new Gateway({ config, configProblems: problems, clock: new SimClock(Date.UTC(2024, 4, 1)), hub });
  const bytes = fromHex(AERIUS);
  expect(gw.handleFrame({ bytes, stripped: bytes, mode: "T", format: "A", rssiDbm: -60, receivedAt: 0 })).toBe("reading");
  return { reading: hub.readings[0].reading as Json, problems: problems.map(problemText) };
}

const METER = { id: "99657098", name: "gas", driver: "auto" };

describe("driver validator under hostile input", () => {
  it("never throws: any JSON in any place of a definition gives a driver or problems, as the schema decides", () => {
    const keys = ["name", "detect", "fields", "status", "blocks", "aliases", "media"];
    fc.assert(
      fc.property(fc.constantFrom(...keys), fc.nat(3), fc.jsonValue({ maxDepth: 4 }), (key, at, v) => {
        const d = structuredClone(MYGAS);
        const list = d[key];
        if (Array.isArray(list) && list.length > 0 && typeof list[at % list.length] === "object") (list[at % list.length] as Json)[["name", "record", "unit", "parts", "x"][at]] = v;
        else d[key] = v;
        const r = validateDriver(d);
        expect(r.driver !== undefined).toBe(r.problems.length === 0);
        for (const p of r.problems) expect(p.message.startsWith("driver")).toBe(true);
        // both agree (none of the validator-only rules, sizes, masks, copyOf, can come out of these changes)
        expect(checkSchema(schema, d).length === 0, JSON.stringify(r.problems)).toBe(r.driver !== undefined);
      }),
      { numRuns: 300, seed: 14 },
    );
  });
});

describe("user drivers in the settings", () => {
  it("change the reading through the Gateway: detection, configured name, alias, replacing a registry driver", () => {
    const before = gatewayReading({ meters: [METER] });
    expect(before.reading.meter).toBe("aerius");
    expect(before.reading.total_m3).toBe(6842.784);

    const detected = gatewayReading({ meters: [METER], drivers: [MYGAS] });
    expect(detected.problems).toEqual([]);
    expect(detected.reading).toMatchObject({ meter: "mygas", media: "gas", gas_total_l: 6842784, gas_temperature_c: 15.9, billing_date: "2022-12-31", status: "FINE" });
    expect(detected.reading.total_m3).toBeUndefined();
    // a configured registry driver still wins over a detected user driver, and a configured alias finds the user driver
    expect(gatewayReading({ meters: [{ ...METER, driver: "aerius" }], drivers: [MYGAS] }).reading.meter).toBe("aerius");
    expect(gatewayReading({ meters: [{ ...METER, driver: "mygas_v2" }], drivers: [{ ...MYGAS, detect: [] }] }).reading.gas_total_l).toBe(6842784);
    // a user driver named like a registry driver replaces it
    const replaced = gatewayReading({ meters: [{ ...METER, driver: "aerius" }], drivers: [{ ...MYGAS, name: "aerius", aliases: [], detect: [] }] });
    expect(replaced.reading).toMatchObject({ meter: "aerius", gas_total_l: 6842784 });
    expect(replaced.reading.total_m3).toBeUndefined();
    // same precedence: a less specific user entry (no version) loses to the registry's exact triple
    const vague = gatewayReading({ meters: [METER], drivers: [{ ...MYGAS, detect: [{ manufacturer: "DME", deviceType: 3 }] }] });
    expect(vague.reading.meter).toBe(driverByName("aerius")!.name);
    // the registry is untouched: a gateway without user drivers reads as before
    expect(gatewayReading({ meters: [METER] }).reading).toEqual({ ...before.reading });
  });

  it("refuse a broken definition with a problem naming it; the others and the meters still work", () => {
    const broken = { ...MYGAS, name: "brokengas", fields: [{ name: "gas_total", unit: "l", record: "volume" }, { name: "oops", unit: "m3", recrd: "volume" }] };
    const { config, problems } = parseConfig({ meters: [{ ...METER, driver: "brokengas" }], drivers: [broken, { ...MYGAS, detect: [] }] });
    const r = { problems: problems.map(problemText) };
    expect(r.problems).toContain('drivers[0].fields[1].recrd: driver "brokengas", field 1 "oops": unknown key "recrd" (known here: name, unit, record, vifBytes, storage, tariff, subunit, header, recordUnit, occurrence, valueType, factor, divisor, lookup, always, nullWhenInvalid, overwrite)');
    expect(r.problems).toContain('drivers[0].fields[1]: driver "brokengas", field 1 "oops": give the record by one of record, vifBytes, header');
    // the meter naming the refused driver is refused too (unknown driver), with a hint to the good one
    expect(r.problems.some((p) => p.startsWith('meters[0].driver: unknown driver "brokengas"'))).toBe(true);
    expect(config.meters).toEqual([]);
    expect(config.drivers!.map((d) => d.name)).toEqual(["mygas"]);
    // the good definition serves a meter that names it
    expect(gatewayReading({ meters: [{ ...METER, driver: "mygas" }], drivers: [broken, { ...MYGAS, detect: [] }] }).reading.gas_total_l).toBe(6842784);
  });

  it("give the same reading under XS (frozen preloaded registry, user drivers built at run time)", async () => {
    expect(existsSync(join(root, "build/firmware/gateway/gateway.js")), "run `npm run build` first").toBe(true);
    const built = (p: string) => JSON.stringify(join(root, "build", p));
    const settings = { meters: [METER], drivers: [MYGAS, { ...MYGAS, name: "brokengas", aliases: [], fields: [{ name: "x" }] }] };
    const node = gatewayReading(settings);
    const lines = await runUnderXsPreloaded(
      `import { fromHex } from ${built("firmware/util/hex.js")};
import { Gateway } from ${built("firmware/gateway/gateway.js")};
import { parseConfig, problemText } from ${built("firmware/gateway/config.js")};`,
      `const readings = [];
const hub = { submit: (r) => readings.push(r), gatewayStatus: () => {}, stats: () => ({}), close: () => {} };
const { config, problems } = parseConfig(${JSON.stringify(settings)});
const gw = new Gateway({ config, configProblems: problems, clock: { now: () => ${Date.UTC(2024, 4, 1)} }, hub });
const bytes = fromHex(${JSON.stringify(AERIUS)});
print(gw.handleFrame({ bytes, stripped: bytes, mode: "T", format: "A", rssiDbm: -60, receivedAt: 0 }));
print(JSON.stringify(readings[0].reading));
print(JSON.stringify(problems.map(problemText)));`,
      firmwarePreloadJs(root),
    );
    expect(lines[0]).toMatch(/^preload \d+ \d+$/);
    expect(lines.slice(1)).toEqual(["reading", JSON.stringify(node.reading), JSON.stringify(node.problems)]);
    expect(node.reading.meter).toBe("mygas");
    expect(node.problems).toEqual(['drivers[1].fields[0]: driver "brokengas", field 0 "x": give the record by one of record, vifBytes, header']);
  }, 60_000);

  it("live in an object made at run time: two sessions with different user drivers do not see each other's", () => {
    const a = UserDrivers.fromJson([MYGAS]).drivers;
    const b = UserDrivers.fromJson([]).drivers;
    expect(a.byName("mygas")?.name).toBe("mygas");
    expect(b.byName("mygas")).toBeUndefined();
    expect(driverByName("mygas")).toBeUndefined();
    expect(Object.isFrozen(a.list[0].fields[0])).toBe(true);
  });
});
