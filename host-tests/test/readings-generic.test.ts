import { describe, expect, it } from "vitest";
import { fromHex } from "../../firmware/util/hex.js";
import { TelegramDecoder } from "../../firmware/decoder/decoder.js";
import { makeReading } from "../../firmware/meters/reading.js";
import { nodeCipher } from "../../host/aes-node.js";
import { corpusPaths, readCorpusLines } from "../bench/corpus.js";

/**
 * The generic OMS reading (issue 14): with its driver removed, every plaintext telegram of both corpus files
 * that carries OMS data records still gives named, unit-suffixed values. Telegrams whose APL is a
 * manufacturer's own layout (only a 0F/1F block, or a proprietary APL) carry no OMS record to name.
 */
const HEADER: { readonly [k: string]: true } = { _: true, media: true, meter: true, name: true, id: true, timestamp: true, status: true };

/** Plaintext telegrams whose "records" are not OMS records: listed with the reason. */
const NOT_OMS: { readonly [index: number]: string } = {
  53: "BFW 240 radio: a proprietary APL follows 2F 2F; the bytes parse as records only by accident (all values invalid)",
};

interface Case {
  index: number;
  driver: string | null;
  fields: string[];
  records: number;
}

function genericReadings(): Case[] {
  const out: Case[] = [];
  const dec = new TelegramDecoder({ cipher: nodeCipher() });
  for (const path of corpusPaths()) {
    for (const r of readCorpusLines(path)) {
      const key = r.key ?? undefined;
      for (const p of r.prelude) dec.decode(fromHex(p), { key });
      const t = dec.decode(fromHex(r.telegram), { key }).telegram;
      if (t.payloadState === "encrypted" || t.payloadState === "none") continue;
      const oms = t.records.filter((x) => x.quantity !== "manufacturer_data").length;
      if (oms === 0) continue;
      const reading = makeReading(t, { driver: "unknown", timestamp: "2024-05-01T12:00:00Z" });
      out.push({ index: r.index, driver: r.driver, records: oms, fields: Object.keys(reading).filter((k) => !HEADER[k]) });
    }
  }
  return out;
}

describe("generic OMS reading", () => {
  const cases = genericReadings();

  it("gives named values for every plaintext corpus telegram with OMS records, its driver removed", () => {
    expect(cases.length).toBeGreaterThan(450);
    const empty = cases.filter((c) => c.fields.length === 0 && NOT_OMS[c.index] === undefined).map((c) => `#${c.index} ${c.driver}`);
    expect(empty).toEqual([]);
    const stale = Object.keys(NOT_OMS).filter((i) => !cases.some((c) => c.index === Number(i) && c.fields.length === 0));
    expect(stale).toEqual([]);
    const fields = cases.reduce((n, c) => n + c.fields.length, 0);
    const records = cases.reduce((n, c) => n + c.records, 0);
    console.log(`generic reading: ${cases.length} telegrams, ${fields} named values from ${records} OMS records`);
  });

  it("names records by quantity, storage, tariff and unit suffix", () => {
    // Eltako DSZ15DM (corpus #85): tariff energies, manufacturer-extended phase values, a raw counter
    const dec = new TelegramDecoder();
    const t = dec.decode(
      fromHex(
        "689292680800723612452394150102CD0000008C1004688902008C1104688902008C2004000000008C21040000000002FDC9FF01EE0002FDDBFF01100002ACFF0120008240ACFF010A0002FDC9FF02EF0002FDDBFF02110002ACFF0224008240ACFF02070002FDC9FF03EE0002FDDBFF030E0002ACFF031C008240ACFF03060002FF68010002ACFF0062008240ACFF00190001FF1300F416",
      ),
    ).telegram;
    const r = makeReading(t, { driver: "unknown", timestamp: "2024-05-01T12:00:00Z" });
    expect(r.energy_tariff_1_kwh).toBe(289.68);
    expect(r.energy_storage_2_tariff_1_kwh).toBe(289.68);
    expect(r.voltage_vife_01_v).toBe(238);
    expect(r.current_vife_02_a).toBe(1.7);
    expect(r.power_vife_00_kw).toBe(0.98);
    expect(r.power_vife_00_subunit_1_kw).toBe(0.25);
  });
});
