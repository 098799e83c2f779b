/**
 * Issue #18 item "fixed data structure": CI 0x73 / 0x77 in a wired frame is the EN 1434-3 fixed structure
 * (id, access number, status, medium/units, two counters), not a compact frame.
 * Vector: the M-Bus documentation rev. 4.8 example (p. 35), also libmbus test/test-frames/manual_frame2 and the
 * tmbus README: id 12345678, access number 10, water, counter 1 = 1 l, counter 2 = 135 l at the fixed date.
 */
import { describe, expect, it } from "vitest";
import { fromHex, toHex } from "../../firmware/util/hex.js";
import { TelegramDecoder } from "../../firmware/decoder/decoder.js";
import { makeReading } from "../../firmware/meters/reading.js";
import { Writer } from "../../firmware/util/writer.js";
import { writeFixedStructure } from "../../firmware/decoder/fixed-structure.js";
import { encodeTelegram } from "../../firmware/encoder/encode.js";
import { telegramFields } from "../../firmware/encoder/from-telegram.js";

const decode = (hex: string) => new TelegramDecoder().decode(fromHex(hex));
const MBDOC_P35 = "68131368080573785634120A00E97E01000000350100003C16";

describe("wired fixed data structure (CI 73/77)", () => {
  it("decodes the M-Bus documentation example: id, access number, medium, both counters with units", () => {
    const res = decode(MBDOC_P35);
    expect(res.ok).toBe(true);
    const t = res.telegram;
    expect(t.fixed).toMatchObject({ ci: 0x73, id: "12345678", acc: 10, status: 0, medium: 7, unit1: 0x29, unit2: 0x3e });
    expect(t.meter!.id).toBe("12345678");
    expect(t.meter!.deviceType).toBe(0x07);
    expect(t.records.map((r) => [r.name, r.value, r.unit])).toEqual([
      ["volume", 0.001, "m3"],
      ["volume_storage_1", 0.135, "m3"],
    ]);
    expect(t.compactSignature).toBeUndefined();
    const reading = makeReading(t, { timestamp: "2026-01-01T00:00:00Z" });
    expect(reading).toMatchObject({ id: "12345678", media: "water", total_m3: 0.001, target_m3: 0.135, status: "OK" });
  });

  it("binary counters (status bit 0), energy and volume units, power-low status", () => {
    // kWh (unit 05) in counter 1, m³ (unit 2C) in counter 2, medium heat (4 = 0b0100: bits 6,7 of unit 1 = 00, of unit 2 = 01)
    const w = new Writer();
    w.u8(0x73);
    writeFixedStructure(w, { ci: 0x73, id: "00112233", acc: 0x42, status: 0x05, medium: 4, unit1: 0x05, unit2: 0x2c }, 123456, 789);
    const body = w.bytes();
    expect(toHex(body)).toBe("73" + "33221100" + "42" + "05" + "05" + "6C" + "40E20100" + "15030000");
    const frame = encodeTelegram({ wired: { c: 0x08, a: 0x01 }, apl: [{ kind: "raw", bytes: body }] });
    const res = decode(toHex(frame));
    expect(res.ok).toBe(true);
    expect(res.telegram.records.map((r) => [r.name, r.value, r.unit])).toEqual([
      ["energy", 123456000, "Wh"],
      ["volume", 789, "m3"],
    ]);
    const reading = makeReading(res.telegram, { timestamp: "2026-01-01T00:00:00Z" });
    expect(reading).toMatchObject({ media: "heat", total_energy_consumption_kwh: 123456, total_m3: 789, status: "POWER_LOW" });
  });

  it("CI 77 is the same structure most significant byte first", () => {
    const lsb = fromHex(MBDOC_P35);
    const body = lsb.slice(6, 23);
    const msb = Uint8Array.of(0x77, ...body.subarray(1, 5).reverse(), body[5], body[6], body[8], body[7], ...body.subarray(9, 13).reverse(), ...body.subarray(13, 17).reverse());
    const res = decode(toHex(encodeTelegram({ wired: { c: 0x08, a: 0x05 }, apl: [{ kind: "raw", bytes: msb }] })));
    expect(res.ok).toBe(true);
    expect(res.telegram.fixed).toMatchObject({ id: "12345678", medium: 7 });
    expect(res.telegram.records.map((r) => r.value)).toEqual([0.001, 0.135]);
  });

  it("a short fixed structure is a truncated frame, a bad BCD digit an error on that counter only", () => {
    const short = encodeTelegram({ wired: { c: 0x08, a: 0x05 }, apl: [{ kind: "raw", bytes: fromHex("73785634120A00E97E0100") }] });
    expect(decode(toHex(short)).error!.code).toBe("truncated");
    const bad = fromHex(MBDOC_P35);
    bad[15] = 0x0a; // counter 1 LSB "0A": not a decimal digit
    const frame = encodeTelegram({ wired: { c: 0x08, a: 0x05 }, apl: [{ kind: "raw", bytes: bad.slice(6, 23) }] });
    const res = decode(toHex(frame));
    expect(res.ok).toBe(true);
    expect(res.telegram.records[0].value).toBeNull();
    expect(res.telegram.records[0].error).toMatch(/invalid BCD/);
    expect(res.telegram.records[1].value).toBe(0.135);
  });

  it("decode → encode gives the frame back", () => {
    const t = decode(MBDOC_P35).telegram;
    expect(toHex(encodeTelegram(telegramFields(t)))).toBe(MBDOC_P35);
  });
});
