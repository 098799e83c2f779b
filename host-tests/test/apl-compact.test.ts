import { describe, expect, it } from "vitest";
import { WmbusError } from "../../firmware/errors.js";
import { crc16 } from "../../firmware/link/crc16.js";
import { fromHex } from "../../firmware/util/hex.js";
import {
  decodeCompact,
  decodeFormatFrame,
  FormatCache,
  formatSignature,
  fullFrameCrc,
  learnFromFullFrame,
} from "../../firmware/application/compact.js";
import { parseRecords } from "../../firmware/application/records.js";
import { summary } from "./apl-helpers.js";
import { thrown } from "./helpers.js";


/** EN 13757-3:2018 Annex G.5 (STD-9): energy 123.4 Wh, volume 567.8 m3, power 901.2 W. */
describe("STD-9 full, format and compact frames (G.5.2, no TPL header)", () => {
  const full = fromHex("780202D20402152E16022A3423");
  const format = fromHex("6908313B02020215022A");
  const compact = fromHex("79313B42A6D2042E163423");
  const expected = [
    ["energy", 123.4, "Wh"],
    ["volume", 567.8, "m3"],
    ["power", 901.2, "W"],
  ];

  it("signature 0x3B31 over the headers, full-frame CRC 0xA642 over the records", () => {
    expect(formatSignature(fromHex("02 02 02 15 02 2A"))).toBe(0x3b31);
    expect(formatSignature(fromHex("040404843C042B04AB3C"))).toBe(0x8c13); // exmbus "old parser" vector
    expect(crc16(fromHex("0202D20402152E16022A3423"))).toBe(0xa642);
    const records = parseRecords(full, 1, full.length);
    expect(summary(records)).toEqual(expected);
    expect(fullFrameCrc(records)).toBe(0xa642);
  });

  it("learns from the full frame and decodes the compact frame", () => {
    const cache = new FormatCache();
    const learnt = learnFromFullFrame(full, 1, full.length, cache);
    expect(learnt.signature).toBe(0x3b31);
    expect(summary(learnt.records)).toEqual(expected);
    const r = decodeCompact(compact, 1, compact.length, cache);
    expect(summary(r)).toEqual(expected);
    // compact records carry the full frame's headers and the offsets of their data
    expect(r.map((x) => [x.offset, x.header, x.data])).toEqual([
      [5, "0202", "D204"],
      [7, "0215", "2E16"],
      [9, "022A", "3423"],
    ]);
  });

  it("learns from the format frame (length 08 = 2 + 6 header bytes)", () => {
    const cache = new FormatCache();
    const f = decodeFormatFrame(format, 1, format.length, cache);
    expect(f.signature).toBe(0x3b31);
    expect(f.headers).toEqual(fromHex("02020215022A"));
    expect(f.records.map((h) => h.name)).toEqual(["energy", "volume", "power"]);
    expect(summary(decodeCompact(compact, 1, compact.length, cache))).toEqual(expected);
  });

  it("G.5.3: the same with the short TPL header 01000000", () => {
    const fullS = fromHex("7A010000000202D20402152E16022A3423");
    const formatS = fromHex("6A0100000008313B02020215022A");
    const compactS = fromHex("7B01000000313B42A6D2042E163423");
    const a = new FormatCache();
    learnFromFullFrame(fullS, 5, fullS.length, a);
    expect(summary(decodeCompact(compactS, 5, compactS.length, a))).toEqual(expected);
    const b = new FormatCache();
    decodeFormatFrame(formatS, 5, formatS.length, b);
    expect(summary(decodeCompact(compactS, 5, compactS.length, b))).toEqual(expected);
  });

  it("names an unknown signature in hex", () => {
    const e = thrown(() => decodeCompact(compact, 1, compact.length, new FormatCache()));
    expect(e.code).toBe("unknown_format_signature");
    expect(e.message).toMatch(/^unknown format signature 0x3B31: /);
  });

  it("rejects corrupted compact data with bad_full_frame_crc", () => {
    const cache = new FormatCache();
    learnFromFullFrame(full, 1, full.length, cache);
    const bad = compact.slice();
    bad[6] ^= 0x01;
    const e = thrown(() => decodeCompact(bad, 1, bad.length, cache));
    expect(e.code).toBe("bad_full_frame_crc");
    expect(e.message).toContain("0xA642");
  });

  it("rejects a format frame whose signature is not the CRC of its headers", () => {
    const bad = format.slice();
    bad[2] ^= 0xff;
    expect(thrown(() => decodeFormatFrame(bad, 1, bad.length)).code).toBe("bad_crc");
    expect(thrown(() => decodeFormatFrame(fromHex("690A313B0202"), 1, 6)).code).toBe("truncated");
    expect(thrown(() => decodeFormatFrame(fromHex("6901"), 1, 2)).code).toBe("bad_length");
  });

  it("truncated compact data is a truncated error", () => {
    const cache = new FormatCache();
    learnFromFullFrame(full, 1, full.length, cache);
    expect(thrown(() => decodeCompact(compact, 1, compact.length - 1, cache)).code).toBe("truncated");
    expect(thrown(() => decodeCompact(compact, 1, 3, cache)).code).toBe("truncated");
  });
});

/** jmbus ShortTelegramTest (JM-5): DLL 10 bytes, ELL II (8D) 9 bytes, CI, APL; one trailing RSSI byte. */
describe("JM-5 Kamstrup compact frames (CI 79 after ELL 8D)", () => {
  function apl(hex: string) {
    const b = fromHex(hex);
    return { b, start: 20, end: b[0] + 1 };
  }

  it("pair 1: 0 records before the long frame, 13 after; signature 0x82DD, CRC 0x8392", () => {
    const long = apl(
      "5C442D2C06357260190C8D207B70032F21271D7802F9FF15011104061765000004EEFF07BFA8000004EEFF08D24F00000414B1FB000002FD170000026CE919426CFF184406F76400004414E8FA0000043B0B0000000259DB11025D1C0B5B",
    );
    const short = apl(
      "3F442D2C06357260190C8D207C71032F21255C79DD829283011117650000BFA80000D24F0000B1FB00000000E919FF18F7640000E8FA00000B000000DB111C0B5B",
    );
    const cache = new FormatCache();
    const e = thrown(() => decodeCompact(short.b, short.start, short.end, cache));
    expect(e.code).toBe("unknown_format_signature");
    expect(e.message).toContain("0x82DD");

    const learnt = learnFromFullFrame(long.b, long.start, long.end, cache);
    expect(learnt.signature).toBe(0x82dd);
    expect(fullFrameCrc(learnt.records)).toBe(0x8392);
    const r = decodeCompact(short.b, short.start, short.end, cache);
    expect(r.length).toBe(13);
    expect(summary(r)).toEqual([
      ["enhanced_identification_vife_15", "1101", ""], // binary-coded id: hex digits
      ["energy", 25879000, "Wh"],
      ["hca_vife_07", 43199, ""],
      ["hca_vife_08", 20434, ""],
      ["volume", 644.33, "m3"],
      ["error_flags", 0, ""],
      ["date", "2015-09-09", ""],
      ["date_storage_1", "2015-08-31", ""],
      ["energy_storage_1", 25847000, "Wh"],
      ["volume_storage_1", 642.32, "m3"],
      ["volume_flow", 0.011, "m3/h"],
      ["flow_temperature", 45.71, "C"],
      ["return_temperature", 28.44, "C"],
    ]);
  });

  it("pair 2: signature 0xD7C4, CRC 0xB088, 8 records with the long frame's values", () => {
    const long = apl(
      "40442D2C713785691C0C8D2066445050201E5E780406A60B000004FF074E11000004FF08130700000414C91A000002FD170000043B000000000259B10B025D67095B",
    );
    const short = apl("31442D2C713785691C0C8D2067585050202A4479C4D788B0A60B00004E11000013070000C91A0000000000000000B10B67095B");
    const cache = new FormatCache();
    const learnt = learnFromFullFrame(long.b, long.start, long.end, cache);
    expect(learnt.signature).toBe(0xd7c4);
    expect(fullFrameCrc(learnt.records)).toBe(0xb088);
    const expected = [
      ["energy", 2982000, "Wh"],
      ["manufacturer_specific_vife_07", 4430, ""],
      ["manufacturer_specific_vife_08", 1811, ""],
      ["volume", 68.57, "m3"],
      ["error_flags", 0, ""],
      ["volume_flow", 0, "m3/h"],
      ["flow_temperature", 29.93, "C"],
      ["return_temperature", 24.07, "C"],
    ];
    expect(summary(learnt.records)).toEqual(expected);
    expect(summary(decodeCompact(short.b, short.start, short.end, cache))).toEqual(expected);
  });
});

/** exmbus compact_frame_test.exs regressions (EX-2). */
describe("EX-2 compact frame regressions", () => {
  it("decrypted compact frame with the given format: signature 0x2274, rebuilt CRC 0x8DF5", () => {
    const headers = fromHex("040504FB827504853C04FB82F53C01FD17");
    const cache = new FormatCache();
    expect(cache.learn(headers)).toBe(0x2274);
    const apl = fromHex("79 7422 F58D 0B0B0000 5A0F0000 00000000 00000000 00");
    const r = decodeCompact(apl, 1, apl.length, cache);
    expect(summary(r)).toEqual([
      ["energy", 282700, "Wh"],
      ["reactive_energy", 393000, "VARh"],
      ["energy_backward_flow", 0, "Wh"],
      ["reactive_energy_backward_flow", 0, "VARh"],
      ["error_flags", 0, ""],
    ]);
    const rebuilt = fromHex("04050B0B000004FB82755A0F000004853C0000000004FB82F53C0000000001FD1700");
    expect(crc16(rebuilt)).toBe(0x8df5);
    expect(fullFrameCrc(r)).toBe(0x8df5);
  });

  it("compact frame with newer values than the full frame: CRC 0xFCA3 is over the rebuilt frame", () => {
    const full = fromHex("780306EB24004306E723000314285E00426CBF2C022D030001FF2100");
    const compact = fromHex("79E7F1A3FCED2400E723002E5E00BF2C0D0000");
    const cache = new FormatCache();
    const learnt = learnFromFullFrame(full, 1, full.length, cache);
    expect(learnt.signature).toBe(0xf1e7);
    expect(fullFrameCrc(learnt.records)).not.toBe(0xfca3);
    const r = decodeCompact(compact, 1, compact.length, cache);
    expect(summary(r)).toEqual([
      ["energy", 9453000, "Wh"],
      ["energy_storage_1", 9191000, "Wh"],
      ["volume", 241.1, "m3"],
      ["date_storage_1", "2021-12-31", ""],
      ["power", 1300, "W"],
      ["manufacturer_specific_vife_21", 0, ""],
    ]);
    expect(crc16(fromHex("0306ED24004306E7230003142E5E00426CBF2C022D0D0001FF2100"))).toBe(0xfca3);
    expect(fullFrameCrc(r)).toBe(0xfca3);
  });
});
