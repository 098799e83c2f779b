import { SingleKey } from "../../firmware/security/key-store.js";
import { describe, expect, it } from "vitest";
import { fromHex } from "../../firmware/util/hex.js";
import { TelegramDecoder } from "../../firmware/decoder/decoder.js";
import { makeReading } from "../../firmware/meters/reading.js";
import { addConversions } from "../../firmware/meters/units.js";
import { prios } from "../../firmware/meters/drivers/izar.js";
import { nodeCipher } from "../../host/aes-node.js";
import { loadCorpus } from "./corpus-helpers.js";

const TS = "2024-05-01T12:00:00Z";
const corpus = loadCorpus();

/**
 * PRIOS written a second, independent way: the register as an array of 32 bits (index = bit number),
 * shifted one bit at a time, feedback = r31 ⊕ r11 ⊕ r2 ⊕ r1, key byte = bits 7..0 after 8 shifts.
 */
function priosReference(frame: Uint8Array, ci: number, start: number, end: number, key: number): number[] {
  const word = (at: number) => frame[at] * 0x1000000 + frame[at + 1] * 0x10000 + frame[at + 2] * 0x100 + frame[at + 3];
  const s = (key ^ word(2) ^ word(6) ^ word(ci)) >>> 0;
  const bits: number[] = [];
  for (let i = 0; i < 32; i++) bits.push(Math.floor(s / 2 ** i) % 2);
  const out: number[] = [];
  for (let p = start; p < end; p++) {
    for (let k = 0; k < 8; k++) {
      const fb = bits[31] ^ bits[11] ^ bits[2] ^ bits[1];
      bits.pop();
      bits.unshift(fb);
    }
    let kb = 0;
    for (let i = 7; i >= 0; i--) kb = kb * 2 + bits[i];
    out.push(frame[p] ^ kb);
  }
  return out;
}

describe("PRIOS (Diehl IZAR) descrambling", () => {
  const izarFrames = corpus.filter((r) => (r.driver === "izar" || r.driver === "izarv2") && r.expected !== null);

  it("agrees with a bit-array reference and yields the 0x4B check byte for every IZAR corpus frame", () => {
    expect(izarFrames.length).toBeGreaterThanOrEqual(10);
    const keysUsed = new Set<number>();
    for (const r of izarFrames) {
      const t = new TelegramDecoder().decode(fromHex(r.telegram)).telegram;
      const ci = t.aplStart - 1;
      const got = prios(t.bytes, ci, t.aplStart + 4, t.aplEnd);
      expect(got, `#${r.index}`).toBeDefined();
      expect(got![0]).toBe(0x4b);
      const key = [0xdfd109e8, 0xb71f0ae8].find((k) => priosReference(t.bytes, ci, t.aplStart + 4, t.aplStart + 5, k)[0] === 0x4b)!;
      keysUsed.add(key);
      expect(Array.from(got!)).toEqual(priosReference(t.bytes, ci, t.aplStart + 4, t.aplEnd, key));
    }
    expect(keysUsed.size).toBe(2); // both default installation keys occur in the corpus
  });

  it("gives up (undefined) when no default key yields the check byte", () => {
    const f = fromHex("1944A511780779194820A121170013355F8EDB2D03C6912B1E37");
    expect(prios(f, 10, 15, f.length)?.[0]).toBe(0x4b);
    f[2] ^= 0x80; // register bit 31 feeds the first key byte: another manufacturer, no 0x4B
    expect(prios(f, 10, 15, f.length)).toBeUndefined();
  });
});

describe("Apator NA-1 block layout", () => {
  it("historic value = total − volume since, its time = meter clock − age (corpus #36)", () => {
    const r = corpus.find((x) => x.index === 36)!;
    const t = new TelegramDecoder().decode(fromHex(r.telegram)).telegram;
    const reading = makeReading(t, { timestamp: TS, driver: "apatorna1", cipher: nodeCipher(), keys: new SingleKey(r.key!) });
    expect(reading).toMatchObject({
      total_m3: 687.361, historic_m3: 662.325, historic_age_h: 351, meter_datetime: "2024-10-15 12:23", historic_datetime: "2024-09-30 21:23",
    });
    expect(makeReading(t, { timestamp: TS, driver: "apatorna1" }).total_m3).toBeUndefined(); // no key, no block
  });
});

describe("reading options from the meter configuration", () => {
  const kam = corpus.find((x) => x.index === 418)!;
  const t = new TelegramDecoder().decode(fromHex(kam.telegram)).telegram;

  it("conversions add the same value in another unit and never overwrite a driver field", () => {
    const r = makeReading(t, { timestamp: TS, conversions: ["l", "f", "gj"] });
    expect(r).toMatchObject({ total_m3: 6.408, total_l: 6408, flow_temperature_c: 127, flow_temperature_f: 260.6 });
    const out: Record<string, unknown> = { total_energy_consumption_kwh: 1000, total_energy_consumption_gj: 7, x: "a_m3" };
    addConversions(out, ["gj", "mj"]);
    expect(out).toEqual({ total_energy_consumption_kwh: 1000, total_energy_consumption_gj: 7, total_energy_consumption_mj: 3600, x: "a_m3" });
  });

  it("extra constant fields are added, header keys cannot be replaced", () => {
    const r = makeReading(t, { timestamp: TS, extra: { floor: "5", id: "forged", timestamp: "x" } });
    expect(r.floor).toBe("5");
    expect(r.id).toBe("76348799");
    expect(r.timestamp).toBe(TS);
  });

  it("fieldOrigin names the data record each field came from", () => {
    const r = makeReading(t, { timestamp: TS, fieldOrigin: true });
    const names = t.records.map((x) => x.name);
    expect(names[r.total_m3_field as number]).toBe("volume");
    expect(names[r.target_m3_field as number]).toBe("volume_storage_1");
  });

  it("calculate converts from the record, so a value that rounds to 0 kW is exact in J/h (corpus #621)", () => {
    const h = corpus.find((x) => x.index === 621)!;
    const t2 = new TelegramDecoder().decode(fromHex(h.telegram)).telegram;
    const r = makeReading(t2, { timestamp: TS, driver: "hydrocalm4", calculate: { heat_jh: "power_kw", heat_w: "power_kw", nothing_jh: "no_such_field" } });
    expect(r.power_kw).toBe(0);
    expect(r.heat_jh).toBe(1);
    expect(r.heat_w).toBe(0.000278); // 1/3600 W, rounded to 6 decimals
    expect(r.nothing_jh).toBeUndefined();
    expect(r.power_kw_field).toBeUndefined(); // origins stay internal unless fieldOrigin is asked for
  });
});
