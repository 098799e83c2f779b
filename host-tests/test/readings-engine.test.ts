import { describe, expect, it } from "vitest";
import { fromHex } from "../../firmware/util/hex.js";
import { TelegramDecoder } from "../../firmware/decoder/decoder.js";
import { makeReading } from "../../firmware/meters/reading.js";
import { ReadingSession } from "../../firmware/meters/session.js";
import { convert, round6 } from "../../firmware/meters/units.js";
import { normalizeDate } from "../../firmware/meters/fields.js";
import { monthsBack } from "../../firmware/meters/drivers/history.js";
import { flagNames, joinFlags, STS_STD } from "../../firmware/meters/status.js";
import { DRIVERS, driverByName } from "../../firmware/meters/drivers/index.js";
import { prios } from "../../firmware/meters/drivers/izar.js";
import { nodeCipher } from "../../host/aes-node.js";
import { loadCorpus } from "./corpus-helpers.js";
import { corpusPath, readCorpusLines } from "../bench/corpus.js";

const TS = "2024-05-01T12:00:00Z";
const IPERL = "1E44AE4C9956341268077A360010002F2F0413181E0000023B00002F2F2F2F";
const KAMWATER_ENC = "2A442D2C998734761B168D2091D37CAC21E1D68CDAFFCD3DC452BD802913FF7B1706CA9E355D6C2701CC24";

function decode(hex: string, key?: string) {
  return new TelegramDecoder({ cipher: nodeCipher() }).decode(fromHex(hex), key ? { key } : {});
}

describe("units and values", () => {
  it("converts with literal factors and rounds to 6 decimals", () => {
    expect(convert(42420000000, "J", "kwh")).toBeCloseTo(11783.3333333, 6);
    expect(round6(42420000000 / 3600000)).toBe(11783.333333);
    expect(convert(1900, "W", "kw")).toBe(1.9);
    expect(convert(4999, "d", "y")).toBeCloseTo(13.686797, 6);
    expect(convert(5, "", "hca")).toBe(5);
    expect(convert(5, "m3", "kwh")).toBeUndefined();
    expect(round6(-0.0000001)).toBe(0);
    expect(round6(3e-6 + 1e-12)).toBe(3e-6);
  });

  it("rolls month/day 0 back like a calendar and steps months", () => {
    expect(normalizeDate("2000-00-00")).toBe("1999-11-30");
    expect(normalizeDate("2024-03-00")).toBe("2024-02-29");
    expect(normalizeDate("2024-03-05")).toBe("2024-03-05");
    expect(monthsBack("2024-11-30", 9)).toBe("2024-02-29");
    expect(monthsBack("2022-09-23", 1)).toBe("2022-08-23");
    expect(monthsBack("2019-10-31", -4)).toBe("2020-02-29");
  });

  it("names status bits and keeps unknown ones", () => {
    const out: string[] = [];
    flagNames(0xcb, STS_STD, out);
    expect(joinFlags(out, "OK")).toBe("ALARM PERMANENT_ERROR UNKNOWN_C0");
    expect(joinFlags([], "OK")).toBe("OK");
    expect(joinFlags(["B", "A", "B", ""], "OK")).toBe("A B");
    expect(joinFlags([""], "OK")).toBe("OK");
    expect(joinFlags(["X"], "OK")).toBe("X");
  });

  it("names the bits of status words above 2^31 exactly (no 32-bit AND)", () => {
    const table = { entries: [[0x100000000, "HIGH"], [0x3, 0x2, "LOW_TWO"], [0x80000000, "BIT31"]] as const, unknownPrefix: "REST_" };
    const out: string[] = [];
    flagNames(0x180000012, table, out);
    expect(out).toEqual(["HIGH", "LOW_TWO", "BIT31", "REST_10"]);
    const small: string[] = [];
    flagNames(0x12, table, small); // a small word through the same table
    expect(small).toEqual(["LOW_TWO", "REST_10"]);
  });
});

describe("makeReading", () => {
  it("detects the driver and prints header, fields, timestamp and rssi in order", () => {
    const r = makeReading(decode(IPERL).telegram, { name: "Sink", timestamp: TS, rssi_dbm: -71 });
    expect(r).toEqual({
      _: "telegram", media: "water", meter: "iperl", name: "Sink", id: "12345699",
      total_m3: 7.704, max_flow_m3h: 0, timestamp: TS, rssi_dbm: -71,
    });
    expect(Object.keys(r)[0]).toBe("_");
    expect(Object.keys(r).slice(-2)).toEqual(["timestamp", "rssi_dbm"]);
  });

  it("names standard records with the generic driver for an unknown driver name", () => {
    const r = makeReading(decode(IPERL).telegram, { driver: "not_a_driver", timestamp: TS });
    expect(r.meter).toBe("not_a_driver");
    expect(r.total_m3).toBe(7.704);
    expect(r.volume_flow_m3h).toBe(0);
    expect(r.status).toBe("OK");
  });

  it("reports a wrong key and prints no fields of an encrypted payload", () => {
    const raw = fromHex(KAMWATER_ENC);
    const res = decode(KAMWATER_ENC, "00000000000000000000000000000000");
    const r = makeReading(res.telegram, { timestamp: TS, error: res.error, raw });
    expect(r.error).toBe("decryption failed, please check key");
    expect(r.telegram).toBe(KAMWATER_ENC);
    expect(r.total_m3).toBeUndefined();
    const ok = decode(KAMWATER_ENC, "28F64A24988064A079AA2C807D6102AE");
    expect(makeReading(ok.telegram, { timestamp: TS }).total_m3).toBe(6.408);
  });

  it("keeps a meter's previous values in a session", () => {
    const s = new ReadingSession(new TelegramDecoder({ cipher: nodeCipher() }));
    // Qundis Q water (configured as qwater; detection gives qwaterv2 as wmbusmeters does): CI 7A frame with
    // flow and error date, then a CI 78 frame without them
    s.read(fromHex("394493444836351218067AC70000200C13911900004C1391170000426CBF2CCC081391170000C2086CBF2C02BB560000326CFFFF046D1E02DE21"), { timestamp: TS, driver: "qwater" });
    const { reading } = s.read(
      fromHex("47449344483635121806780DFF5F350082DA0000600107C113FFFF48200000BF2C91170000DF2120200000008001000000060019001000160018000D001300350017002F046D370CC422"),
      { timestamp: TS, driver: "qwater" },
    );
    expect(reading.meter).toBe("qwater");
    expect(reading.total_m3).toBe(2.048);
    expect(reading.volume_flow_m3h).toBe(0);
    expect(reading.error_date).toBeNull();
  });

  it("does not lend one meter's fields to another meter with the same id", () => {
    // Four meters of the corpus share id 66666666: an ELV room sensor, a Kamstrup electricity meter, a Qundis water
    // meter and a Kamstrup heat meter (both corpus files). Read in turn through one session, as `wmbus decode --jsonl`
    // does with the corpus, each must give the reading it gives alone: the heat meter must not show the water
    // meter's total_m3 or the electricity meter's kWh.
    const all = [...loadCorpus(), ...readCorpusLines(corpusPath().replace(/wmbus-telegrams\.jsonl$/, "wmbus-telegrams-more.jsonl"))];
    const same = all.filter((r) => r.telegram.includes("66666666") && r.prelude.length === 0);
    const session = new ReadingSession(new TelegramDecoder({ cipher: nodeCipher() }));
    const drivers = new Set<unknown>();
    for (const r of same) {
      const key = r.key !== null && r.key.length === 32 ? r.key : undefined;
      const shared = session.read(fromHex(r.telegram), { timestamp: TS, key }).reading;
      if (shared.id !== "66666666") continue;
      const alone = new ReadingSession(new TelegramDecoder({ cipher: nodeCipher() })).read(fromHex(r.telegram), { timestamp: TS, key }).reading;
      expect(shared).toEqual(alone);
      drivers.add(shared.meter);
    }
    expect([...drivers].sort()).toEqual(["cma12w", "em24", "kamheat", "qwaterv2"]);
  });
});

describe("drivers", () => {
  it("have unique names and resolve by name", () => {
    const names = DRIVERS.map((d) => d.name);
    expect(new Set(names).size).toBe(names.length);
    for (const n of names) expect(driverByName(n)?.name).toBe(n);
  });

  it("descramble a PRIOS payload to the 0x4B check byte", () => {
    const f = fromHex("1944A511780779194820A121170013355F8EDB2D03C6912B1E37");
    const p = prios(f, 10, 15, f.length);
    expect(p?.[0]).toBe(0x4b);
    expect(p && p[1] | (p[2] << 8)).toBe(4366);
  });
});
