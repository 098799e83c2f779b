import { describe, expect, it } from "vitest";
import { byName, one, recs, recsAt, summary } from "./apl-helpers.js";

/** APL records of the standard examples in the standards' vectors (plaintexts where encrypted). */
describe("STD-1 (CEN/TR 17167 F.2) plaintext APL", () => {
  const r = recs("2F2F0B6E341200426CFE044B6E563402015B19");

  it("decodes the four records after the 2F2F check bytes", () => {
    expect(summary(r)).toEqual([
      ["hca", 1234, ""],
      ["date_storage_1", "2007-04-30", ""],
      ["hca_storage_1", 23456, ""],
      ["flow_temperature", 25, "C"],
    ]);
  });

  it("reports offsets, header and data bytes", () => {
    expect(r.map((x) => [x.offset, x.header, x.data])).toEqual([
      [2, "0B6E", "341200"],
      [7, "426C", "FE04"],
      [11, "4B6E", "563402"],
      [16, "015B", "19"],
    ]);
    expect(r[1]).toMatchObject({ dif: 0x42, vif: 0x6c, vifes: [], storage: 1, tariff: 0, subunit: 0, function: "instantaneous", quantity: "date", exponent: 0 });
    expect(r[3]).toMatchObject({ quantity: "flow_temperature", unit: "C", exponent: 0 });
  });
});

const STD2_PLAIN = "2F2F0C1427048502046D32371F1502FD1700002F2F2F2F2F2F2F2F2F2F2F2F2F";

describe("STD-2 / STD-3 / STD-8 plaintext APL (gas meter)", () => {
  const r = recs(STD2_PLAIN);

  it("scales 02850427 × 10^-2 m3 without float noise", () => {
    expect(r[0]).toMatchObject({ name: "volume", unit: "m3", exponent: -2, data: "27048502" });
    expect(Object.is(r[0].value, 28504.27)).toBe(true);
  });

  it("decodes type F date-time and error flags; trailing fillers are skipped", () => {
    expect(summary(r)).toEqual([
      ["volume", 28504.27, "m3"],
      ["date_time", "2008-05-31 23:50", ""],
      ["error_flags", 0, ""],
    ]);
  });
});

describe("STD-4 (OMS Annex N.2.2) wired M-Bus long frame", () => {
  const hex = "6820206808FD7278563412931533032A0000000C1427048502046D32371F1502FD1700008916";

  it("decodes the records between the 12-byte long header and the checksum", () => {
    // 68 L L 68 C A CI = 7 bytes, long header 12 bytes; L (0x20) counts C … last data byte.
    const r = recsAt(hex, 19, 4 + 0x20);
    expect(summary(r)).toEqual([
      ["volume", 28504.27, "m3"],
      ["date_time", "2008-05-31 23:50", ""],
      ["error_flags", 0, ""],
    ]);
    expect(r.map((x) => x.offset)).toEqual([19, 25, 31]);
  });
});

describe("STD-6 (OMS Annex N.5.3) plaintext with unencrypted tail", () => {
  it("decodes HCA, date and the customer location from the plain tail", () => {
    const r = recs("2F2F0B6E341200426CFE044B6E5634020CFD1078563412");
    expect(summary(r)).toEqual([
      ["hca", 1234, ""],
      ["date_storage_1", "2007-04-30", ""],
      ["hca_storage_1", 23456, ""],
      ["customer_location", "12345678", ""],
    ]);
    expect(r[3]).toMatchObject({ vif: 0xfd, vifes: [0x10] });
  });
});

describe("STD-7 (OMS Annex N.5.4) unencrypted tail", () => {
  it("decodes customer location and fabrication number as digit strings", () => {
    expect(byName(recs("0CFD10785634120C7844332211"))).toEqual({
      customer_location: "12345678",
      fabrication_number: "11223344",
    });
  });
});

describe("STD-10 (EN 13757-3:2018 table C.2) plain-text VIF with VIFEs", () => {
  const r = one("0CFCA273046C61676926084275");

  it("reads VIFEs, then the reversed unit, then the BCD value", () => {
    expect(r).toMatchObject({
      header: "0CFCA273046C616769",
      data: "26084275",
      vif: 0xfc,
      vifes: [0xa2, 0x73],
      quantity: "plain_text_unit",
      text_unit: "igal",
      unit: "igal/h",
      exponent: -3,
      labels: ["per_hour"],
      name: "plain_text_unit_per_hour",
    });
    // raw BCD 75420826, VIFE 0x73 = × 10^-3
    expect(Object.is(r.value, 75420.826)).toBe(true);
  });

  it("reads VIF 7C with the length byte right after it (libmbus example)", () => {
    expect(one("027C0257500A00")).toMatchObject({ text_unit: "PW", unit: "PW", value: 10, header: "027C025750" });
  });
});

describe("EX-1 (exmbus ELL decrypt) decrypted APL", () => {
  it("decodes FB reactive energy with correction factor and backward-flow energy", () => {
    const r = recs("04050000000004FB8275CF0C000004853CCC0F000004FB82F53C0900000001FD1700");
    expect(summary(r)).toEqual([
      ["energy", 0, "Wh"],
      ["reactive_energy", 327900, "VARh"], // 3279 × 10^0 kVARh × 10^-1 (VIFE 75)
      ["energy_backward_flow", 404400, "Wh"], // 4044 × 10^2 Wh
      ["reactive_energy_backward_flow", 900, "VARh"],
      ["error_flags", 0, ""],
    ]);
    expect(r[1]).toMatchObject({ vif: 0xfb, vifes: [0x82, 0x75], exponent: 2 });
    expect(r[2].labels).toEqual(["backward_flow"]);
  });
});
