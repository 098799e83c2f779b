import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { bcdValue, readBcd, readInt, scaleDecimalString, scaleNumber } from "../../firmware/application/datatypes.js";
import { fromHex } from "../../firmware/util/hex.js";
import { one, recs } from "./apl-helpers.js";

describe("scaling (value = raw × 10^exponent, no Math.pow, no float noise)", () => {
  it("divides by the exact power of ten for negative exponents", () => {
    expect(Object.is(scaleNumber(2850427, -2), 28504.27)).toBe(true);
    expect(scaleNumber(1234, -1)).toBe(123.4);
    expect(scaleNumber(5, -3)).toBe(0.005);
    expect(scaleNumber(7880, 4)).toBe(78800000);
    expect(scaleNumber(-1371, -2)).toBe(-13.71);
    expect(scaleNumber(3, -30)).toBe(3e-30);
  });

  it("equals the decimal literal for any integer and exponent −1 … −12", () => {
    fc.assert(
      fc.property(fc.integer({ min: -(2 ** 47), max: 2 ** 47 }), fc.integer({ min: 1, max: 12 }), (raw, k) => {
        expect(scaleNumber(raw, -k)).toBe(Number(`${raw}e-${k}`));
      }),
    );
  });

  it("scales decimal strings digit-exactly", () => {
    expect(scaleDecimalString("1330927310113874706", 1)).toBe("13309273101138747060");
    expect(scaleDecimalString("9223372036854775807", -3)).toBe("9223372036854775.807");
    expect(scaleDecimalString("-9223372036854775800", -3)).toBe("-9223372036854775.8");
    expect(scaleDecimalString("12", -4)).toBe("0.0012");
    expect(scaleDecimalString("0", 3)).toBe("0");
  });
});

describe("integers (type B signed, type C unsigned)", () => {
  it("reads 8 … 64-bit little-endian two's complement", () => {
    const b = fromHex("FF FFFF7F 000000000080 FFFFFFFFFFFFFFFF FFFFFFFFFFFFFF7F");
    expect(readInt(b, 0, 1, true)).toBe(-1);
    expect(readInt(b, 0, 1, false)).toBe(255);
    expect(readInt(b, 1, 3, true)).toBe(0x7fffff);
    expect(readInt(b, 4, 6, true)).toBe(-(2 ** 47));
    expect(readInt(b, 10, 8, true)).toBe(-1);
    expect(readInt(b, 10, 8, false)).toBe("18446744073709551615");
    expect(readInt(b, 18, 8, true)).toBe("9223372036854775807");
  });

  it("keeps 64-bit values that fit in 2^53 as numbers", () => {
    expect(readInt(fromHex("FFFFFFFFFFFF1F00"), 0, 8, true)).toBe(2 ** 53 - 1);
    expect(readInt(fromHex("0100000000000000"), 0, 8, true)).toBe(1);
    expect(readInt(fromHex("0000000000002000"), 0, 8, true)).toBe("9007199254740992");
  });

  it("records of every integer width", () => {
    expect(one("0113FF").value).toBe(-0.001);
    expect(one("0213FEFF").value).toBe(-0.002);
    expect(one("0313FFFF7F").value).toBe(8388.607);
    expect(one("0613000000000080").value).toBe(-140737488355.328);
    expect(one("0713FFFFFFFFFFFFFF7F")).toMatchObject({ value: "9223372036854775.807", exponent: -3 });
  });
});

describe("BCD (type A)", () => {
  it("is little endian, negative with a top nibble F", () => {
    expect(bcdValue(readBcd(fromHex("27048502"), 0, 4))).toBe(2850427);
    expect(bcdValue(readBcd(fromHex("4000F0"), 0, 3))).toBe(-40);
    expect(one("0B5E4000F0")).toMatchObject({ value: -4, exponent: -1 });
    expect(one("09FD0E12").value).toBe(12);
  });

  it("non-decimal digits give null with an error, the bytes stay in data", () => {
    const r = one("0C13FFFFFFFF");
    expect(r).toMatchObject({ value: null, data: "FFFFFFFF", exponent: -3 });
    expect(r.error).toContain("FFFFFFFF");
    expect(one("0B3BDDBDEB").value).toBeNull();
  });

  it("identification numbers keep leading zeros", () => {
    expect(one("0E78134525820100").value).toBe("000182254513");
    expect(one("0C7800000001").value).toBe("01000000");
  });
});

describe("32-bit real (type H)", () => {
  it("decodes IEEE 754 LE and scales it", () => {
    expect(one("052B0000C03F")).toMatchObject({ quantity: "power", unit: "W", value: 1.5, exponent: 0 });
    expect(one("05FF3A0000C0FF")).toMatchObject({ value: null, error: "real value is not finite" });
  });
});

describe("LVAR (EN 13757-3 §6.3.4)", () => {
  it("text, ISO 8859-1, last character first", () => {
    expect(one("0DFD0F05312E302E32").value).toBe("2.0.1");
    expect(one("0DFD110672656C6CFC4D").value).toBe("Müller");
  });

  it("positive and negative BCD sized LVAR − C0 / D0 bytes (exmbus: C1 10 = 10, D2 3412 = −1234)", () => {
    expect(one("0D13C110")).toMatchObject({ value: 0.01, data: "C110", exponent: -3 });
    expect(one("0D13D23412")).toMatchObject({ value: -1.234, data: "D23412" });
    expect(one("0D78C412345678").value).toBe("78563412");
  });

  it("binary numbers E0 … EF, longer binaries F0 … F6 as hex", () => {
    expect(one("0D13E2E803").value).toBe(1);
    expect(one("0D13E0").value).toBe(0);
    const f0 = one("0D13F0" + "00112233445566778899AABBCCDDEEFF");
    expect(f0.value).toBe("00112233445566778899AABBCCDDEEFF");
    expect(one("0D13F5" + "00".repeat(48)).data.length).toBe(2 + 96);
    expect(one("0D13F6" + "11".repeat(64)).value).toBe("11".repeat(64));
  });

  it("data containers (FD 3B, FD 76) use LVAR as a plain byte count", () => {
    expect(one("0DFD76C3ABCDEF" + "00".repeat(0xc3 - 3)).data.length).toBe(2 + 2 * 0xc3);
  });

  it("manufacturer-specific VIF keeps LVAR bytes as hex", () => {
    expect(one("0DFF5F03414243").value).toBe("414243");
  });
});

describe("dates and times (types G, F, I, J)", () => {
  it("type G date", () => {
    expect(one("426CFF0C").value).toBe("2007-12-31");
    expect(one("026CFFFF")).toMatchObject({ value: null, data: "FFFF" });
  });

  it("type F date-time, invalid (IV) gives null with the decoded text in the error", () => {
    expect(one("046D32371F15").value).toBe("2008-05-31 23:50");
    const iv = one("046DAB117811");
    expect(iv.value).toBeNull();
    expect(iv.error).toContain("2011-01-24 17:43");
    expect(one("046DFFFFFFFF").value).toBeNull();
  });

  it("type I (6 bytes) and type J (3 bytes) by data length", () => {
    expect(one("066D38220C8F2300").value).toBe("2020-03-15 12:34:56");
    expect(one("066D38A20C8F2300").value).toBeNull(); // IV in byte 1
    expect(one("036D38220C").value).toBe("12:34:56");
  });

  it("date VIFEs turn any quantity into a date (VIFE 39 start date)", () => {
    expect(one("02EC39FF0C")).toMatchObject({ value: "2007-12-31", labels: ["start_date"], name: "date_start_date", unit: "" });
    expect(one("029339FF0C")).toMatchObject({ quantity: "volume", value: "2007-12-31", exponent: 0 });
  });

  it("type K / L and LVAR dates (type M) stay hex", () => {
    expect(one("04FD7201020304").value).toBe("01020304");
    expect(one("0D6D0412345678")).toMatchObject({ value: "12345678", data: "0412345678" });
  });
});

describe("recs helper sanity", () => {
  it("empty APL gives no records", () => {
    expect(recs("")).toEqual([]);
    expect(recs("2F2F2F")).toEqual([]);
  });
});
