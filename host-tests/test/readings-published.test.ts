import { describe, expect, it } from "vitest";
import { pct, sameValue } from "../bench/readings-table.js";
import { publishedTests, readPublished } from "./published-helpers.js";

/**
 * Readings vs the examples wmbusmeters publishes with its drivers (host-tests/data/wmbusmeters-driver-tests.json:
 * telegram, arguments and the JSON wmbusmeters prints; docs/readings.md "Published driver examples"). Unlike the
 * corpus (../shared, not in users' clones) this data ships with the repository and is taken at a newer upstream
 * commit. The examples of one driver file are read in one session, in their order, as wmbusmeters' own test runs
 * them (one process per file). Every expected field must match except those listed with their reason; an entry
 * that is no longer needed fails the last test.
 */

interface Gap {
  /** The example: its telegram's first hex digits (unique in the data file, checked below). */
  at: string;
  /** Fields; all of the example's fields when left out. */
  fields?: readonly string[];
  why: string;
}

/**
 * Fields we print otherwise on purpose or that the bytes cannot give: the same telegrams as the entries of
 * readings-corpus.test.ts (the corpus holds these examples too), with the same reasons.
 */
const EXCEPTIONS: readonly Gap[] = [
  { at: "1E468B050100000004077A010010", fields: ["total_m3"], why: "security mode 2 (DES-CBC) payload: the gateway implements the OMS AES modes 5 and 7 only" },
  {
    at: "35442D2C6666666633028D207080",
    fields: ["total_reactive_energy_consumption_kvarh", "total_reactive_energy_production_kvarh", "total_apparent_energy_consumption_kvah", "total_apparent_energy_production_kvah"],
    why: "em24 reactive energy FB 82 75: VIFE 75 is the multiplicative correction 10^-1 (EN 13757-3 combinable VIFEs); wmbusmeters ignores it",
  },
  { at: "6644242328001081640E72665674", why: "no key: encrypted mode 5 payload and the example's arguments give none (the upstream JSON came from a run with the meter's key)" },
  { at: "534424232004256092687A370045", why: "no key: encrypted payload and the example's arguments give none (the upstream JSON came from a run with the meter's key)" },
  { at: "5E442D2C47060183400D7A160050", fields: ["name"], why: "the JSON was printed by a run without a configured meter name (name \"\", its own reception time); the arguments name the meter 303_heat_cool" },
  {
    at: "3244372C763081233C168D2057D2",
    fields: ["flow_m3h", "status"],
    why: "compact frame whose full-frame CRC is that of the full frame before it (flow 0000); with its own flow 2300 the rebuilt frame's CRC fails, so the frame is refused (EN 13757-3 Annex G); wmbusmeters does not check that CRC",
  },
  { at: "6E44496A6407336199077A361260", fields: ["meter_datetime"], why: "type F date-time 22 48 41 36: the hundred-year bits give 2126 by EN 13757-3 Annex A; wmbusmeters ignores them" },
  { at: "374493444836351218067AC70000", fields: ["meter_datetime"], why: "not in the frame: the date-time record lies beyond the L-field (EN 13757-4: the frame ends there)" },
];

/** Keys that are not telegram content: the time of the upstream run. */
const NOT_CONTENT = new Set(["timestamp"]);

describe("readings vs wmbusmeters' published driver examples", () => {
  const tests = publishedTests();
  const readings = readPublished(tests);
  const mismatches: { test: number; field: string; expected: unknown; got: unknown }[] = [];
  let fields = 0;
  const drivers = new Set<string>();
  tests.forEach((t, i) => {
    drivers.add(t.driver);
    for (const [f, want] of Object.entries(t.expected)) {
      if (NOT_CONTENT.has(f)) continue;
      fields++;
      if (!sameValue(want, readings[i][f])) mismatches.push({ test: i, field: f, expected: want, got: readings[i][f] });
    }
  });
  const covers = (g: Gap, m: { test: number; field: string }) => tests[m.test].telegram.startsWith(g.at) && (g.fields === undefined || g.fields.includes(m.field));
  const listed = (m: { test: number; field: string }) => EXCEPTIONS.some((g) => covers(g, m));

  it("prints the match rate", () => {
    const ok = fields - mismatches.length;
    const okReadings = tests.filter((_, i) => !mismatches.some((m) => m.test === i)).length;
    console.log(
      `published examples: ${tests.length} telegrams of ${drivers.size} driver names; readings matching whole ${okReadings}/${tests.length} (${pct(okReadings, tests.length)} %), ` +
        `fields ${ok}/${fields} (${pct(ok, fields)} %), listed exceptions ${mismatches.filter(listed).length}`,
    );
    expect(tests.length).toBeGreaterThan(350);
  });

  it("gives every expected field except the listed ones", () => {
    const bad = mismatches.filter((m) => !listed(m));
    expect(bad.map((m) => `[${m.test}] ${tests[m.test].driver} ${tests[m.test].name} ${m.field}: expected ${JSON.stringify(m.expected)} got ${JSON.stringify(m.got)}`)).toEqual([]);
  });

  it("lists only exceptions that still exist", () => {
    const stale: string[] = [];
    for (const g of EXCEPTIONS) {
      const n = tests.filter((t) => t.telegram.startsWith(g.at)).length;
      if (n !== 1) stale.push(`${g.at}: names ${n} examples`);
      const hit = mismatches.filter((m) => covers(g, m));
      if (hit.length === 0) stale.push(`${g.at} (${g.why})`);
      else if (g.fields) for (const f of g.fields) if (!hit.some((m) => m.field === f)) stale.push(`${g.at} ${f}`);
    }
    expect(stale).toEqual([]);
  });
});
