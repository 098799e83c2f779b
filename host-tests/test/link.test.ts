import { describe, expect, it } from "vitest";
import { fromHex, toHex } from "../../firmware/util/hex.js";
import { crc16 } from "../../firmware/link/crc16.js";
import { addFrameACrc, addFrameBCrc, frameALength, stripDllCrc } from "../../firmware/link/frame-format.js";
import { manufacturerCode, manufacturerValue } from "../../firmware/link/manufacturer.js";
import { parseWired, buildWiredLong } from "../../firmware/link/wired.js";
import { WmbusError } from "../../firmware/errors.js";

const ascii = (s: string) => Uint8Array.from(s, (c) => c.charCodeAt(0));

describe("CRC-16/EN-13757 (standard vectors CRC-1…4)", () => {
  it.each([
    ["CRC-1", toHex(ascii("123456789")), 0xc2b7],
    ["CRC-2", "01FD1F01", 0xcc22],
    ["CRC-3", "01FD1F00", 0xf147],
    ["CRC-4", "EE449ACE010000802307", 0xaabc],
  ])("%s", (_id, hex, crc) => {
    expect(crc16(fromHex(hex))).toBe(crc);
  });
  it("STD-1 block 1 CRC is 6CB1", () => expect(crc16(fromHex("29449344443322115508"))).toBe(0x6cb1));
});

describe("hex input", () => {
  it("accepts spaces and _ | # separators", () => {
    expect(toHex(fromHex("2e 44_93|15#78 56"))).toBe("2E4493157856");
  });
  it("rejects non-hex with a typed error naming the character", () => {
    expect(() => fromHex("2E4G")).toThrowError(/not a hex digit: 'G'/);
    try { fromHex("2E4"); } catch (e) { expect((e as WmbusError).code).toBe("bad_hex"); }
  });
});

describe("M-field (protocol §2.6)", () => {
  it.each([["ELS", 0x1593], ["KAM", 0x2c2d], ["QDS", 0x4493], ["RAD", 0x4824]])("%s = %s", (code, v) => {
    expect(manufacturerCode(v as number)).toBe(code);
    expect(manufacturerValue(code as string)).toBe(v);
  });
  it("masks bit 15", () => expect(manufacturerCode(0x8000 | 0x1593)).toBe("ELS"));
});

describe("DLL CRCs, frame formats A and B", () => {
  const std1OnAir = "29449344443322115508 6CB1 7288776655934455080004100500DFE2 27F9 A782146D1513581CD2F83F3904015B19 6109";
  const std1Stripped = "294493444433221155087288776655934455080004100500DFE2A782146D1513581CD2F83F3904015B19";

  it("STD-1: frame A with CRCs is detected and stripped", () => {
    const s = stripDllCrc(fromHex(std1OnAir));
    expect(s.kind).toBe("A");
    expect(toHex(s.bytes)).toBe(std1Stripped);
    expect(toHex(addFrameACrc(fromHex(std1Stripped)))).toBe(toHex(fromHex(std1OnAir)));
    expect(frameALength(0x29)).toBe(fromHex(std1OnAir).length);
  });

  it("WM-7: frame A with 8 block CRCs", () => {
    const hex = "734414867CC30B0003030D58A00EDF0700DC41343CEA390306FF0A0D44EADF07000DDF07000DDF07000DDF07000E44F9DF07000EDF07000EDF07000EDF07000E931EDF07000DDF07000DDF07000DDF0700035A4500000000374F0B20000000000000243412B31C07050C12280000000000002C002302062F19080F2F000000000000DCF5";
    const s = stripDllCrc(fromHex(hex));
    expect(s.kind).toBe("A");
    expect(s.bytes.length).toBe(0x73 + 1);
  });

  it.each([
    ["WM-6: frame B, L ≤ 127, single CRC", "2F46C5141731425431087A0A0B00002F2F046D28344535036E000000426C5E34436E000000317F1A346D00335B340186", 0x2d],
    [
      "WM-5: frame B with two CRCs (L = C2 → BE)",
      "C244C5140443054300048C200E900F002C25895E02003B0877D31DA840B17A0E009007100F8FAD4C4E61400DA4F3B1F7E273CC4C5C07F93CD20B237345DB39F9A98F8415E1C4B7A25C86E4C22D05C3352FA7E2E5627031F14643063F1DC8FE2C32459B6F02E4234B447B18E4BFDA8C4DA9B1EDE6CF29D0B2122A3E8B9DEEBEE3E6DBE6617B4E709EC6B595179CB01C2C0BDE6723A345B708652880C114A58DA07C73AD9EB8ACB17FA0A88F19BC84CB1FC56672DE8A9603FD0C05010002FD0B2111F60B",
      0xbe,
    ],
  ] as const)("%s", (_name, hex, l) => {
    const s = stripDllCrc(fromHex(hex));
    expect(s.kind).toBe("B");
    expect(s.bytes[0]).toBe(l);
    expect(s.bytes.length).toBe(l + 1);
    expect(toHex(addFrameBCrc(s.bytes))).toBe(hex);
  });

  it("a frame without CRCs passes as-is; surplus bytes are a trailer", () => {
    const s = stripDllCrc(fromHex("0E4493157856341233037A2A000000" + "89"));
    expect(s.kind).toBe("none");
    expect(s.trailing).toBe(1);
  });

  it("a damaged CRC frame is bad_crc when the format is forced, truncated when L promises more", () => {
    const b = fromHex(std1OnAir);
    b[b.length - 1] ^= 1;
    expect(() => stripDllCrc(b, "A")).toThrowError(WmbusError);
    expect(() => stripDllCrc(fromHex("2E4493"))).toThrowError(/L-field says 46 bytes/);
  });
});

describe("wired M-Bus (EN 13757-2)", () => {
  it("STD-4 long frame: checksum 89, C 08, A FD", () => {
    const f = parseWired(fromHex("6820206808FD7278563412931533032A0000000C1427048502046D32371F1502FD1700008916"));
    expect(f).toMatchObject({ kind: "long", c: 0x08, a: 0xfd });
  });
  it("short frame and ACK", () => {
    expect(parseWired(fromHex("105BFE5916"))).toEqual({ kind: "short", c: 0x5b, a: 0xfe });
    expect(parseWired(fromHex("E5"))).toEqual({ kind: "ack" });
  });
  it("bad checksum is bad_crc with the offset of CS", () => {
    try {
      parseWired(fromHex("6820206808FD7278563412931533032A0000000C1427048502046D32371F1502FD1700008816"));
      expect.unreachable();
    } catch (e) {
      expect((e as WmbusError).code).toBe("bad_crc");
      expect((e as WmbusError).offset).toBe(36);
    }
  });
  it("buildWiredLong is the inverse", () => {
    const hex = "6820206808FD7278563412931533032A0000000C1427048502046D32371F1502FD1700008916";
    const b = fromHex(hex);
    expect(toHex(buildWiredLong(0x08, 0xfd, b.subarray(6, b.length - 2)))).toBe(hex);
  });
});
