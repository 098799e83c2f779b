import { describe, expect, it } from "vitest";
import { compareCorpus, pct } from "../bench/readings-table.js";

/**
 * Issue "Readings": our reading vs wmbusmeters' expected JSON for every corpus record that has one
 * (timestamp masked, numbers within 1e-9 relative). Goals asserted here: ≥ 95 % of numeric fields and
 * ≥ 90 % of all fields. The per-driver table of the 20 largest drivers is printed; reaching 100 % on each
 * of them is still open work.
 */
describe("readings vs the corpus", () => {
  it("meets the field-coverage goals", () => {
    const c = compareCorpus();
    const top = [...c.drivers].sort((a, b) => b.records - a.records).slice(0, 20);
    for (const d of top) console.log(`${d.driver.padEnd(14)} ${String(d.records).padStart(3)} records  fields ${pct(d.fieldsOk, d.fields)}  numeric ${pct(d.numericOk, d.numeric)}`);
    console.log(`ALL fields ${c.fieldsOk}/${c.fields} = ${pct(c.fieldsOk, c.fields)}, numeric ${c.numericOk}/${c.numeric} = ${pct(c.numericOk, c.numeric)}`);
    expect(c.fields).toBeGreaterThan(5000);
    expect(c.numericOk / c.numeric).toBeGreaterThanOrEqual(0.95);
    expect(c.fieldsOk / c.fields).toBeGreaterThanOrEqual(0.9);
  });
});
