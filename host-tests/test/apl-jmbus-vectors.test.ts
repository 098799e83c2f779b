import { describe, expect, it } from "vitest";
import { byName, one, recs, recsAt, summary } from "./apl-helpers.js";

/** jMBus vectors (the standards' vectors JM-1 … JM-7): plaintext APLs and plain telegrams. */
describe("JM-1 decrypted APL (Kamstrup, CI 78)", () => {
  it("gives 474.24 m3 and st1 473.247 m3", () => {
    const r = recs("02FF2000000413803C070044139F380700");
    expect(summary(r)).toEqual([
      ["manufacturer_specific_vife_20", 0, ""],
      ["volume", 474.24, "m3"],
      ["volume_storage_1", 473.247, "m3"],
    ]);
  });
});

describe("JM-3 plaintext APL (ZRI, CI 72)", () => {
  it("decodes volumes, date, DIFE storage 2 and error flags 0x0400", () => {
    const r = recs("2F2F0C1394040000026C572A4C13740200008C01132503000002FD1700042F2F");
    expect(summary(r)).toEqual([
      ["volume", 0.494, "m3"],
      ["date", "2018-10-23", ""],
      ["volume_storage_1", 0.274, "m3"],
      ["volume_storage_2", 0.325, "m3"],
      ["error_flags", 0x0400, ""],
    ]);
    expect(r[3]).toMatchObject({ dif: 0x8c, storage: 2, header: "8C0113" });
  });
});

describe("JM-4 plaintext APL (VariableDataStructureTest)", () => {
  const r = recs("2F2F0C13889999994C1388999999CC101311000000426C1F2C3B3BDDBDEB02FD74C800025A10012F2F2F2F2F2F2F2F2F");

  it("decodes tariff 1 via DIFE, and the record names", () => {
    expect(summary(r)).toEqual([
      ["volume", 99999.988, "m3"],
      ["volume_storage_1", 99999.988, "m3"],
      ["volume_storage_1_tariff_1", 0.011, "m3"],
      ["date_storage_1", "2016-12-31", ""],
      ["volume_flow_error", null, "m3/h"],
      ["remaining_battery_life", 200, "d"],
      ["flow_temperature", 27.2, "C"],
    ]);
    expect(r[0].dif).toBe(0x0c);
  });

  it("keeps BCD with non-decimal digits as null with an error and the raw bytes", () => {
    expect(r[4]).toMatchObject({ function: "error", data: "DDBDEB", value: null, exponent: -3 });
    expect(r[4].error).toMatch(/BCD/);
  });
});

describe("JM-6 plain telegrams", () => {
  it("GeneralTests p1: CI 72, error flags = 1 (trailing RSSI byte cut by L)", () => {
    const hex = "2644333003000000011B72030000003330011B542000002F2F02FD1701002F2F2F2F2F2F2F2F2F80";
    expect(summary(recsAt(hex, 23, 0x26 + 1))).toEqual([["error_flags", 1, ""]]);
  });

  it("GeneralTests p2: energy 0, volume 0, on time, BCD temperatures", () => {
    const hex = "2C44A7320613996707047A2A1000202F2F0C06000000000C14000000000C22381701000B5A1702000B5E1702006E";
    expect(summary(recsAt(hex, 15, 0x2c + 1))).toEqual([
      ["energy", 0, "Wh"],
      ["volume", 0, "m3"],
      ["on_time", 11738, "h"],
      ["flow_temperature", 21.7, "C"],
      ["return_temperature", 21.7, "C"],
    ]);
  });

  it("GeneralTests p3: external temperature −13.71 °C, FB 1A humidity, software version text", () => {
    const hex =
      "6044961599030023021B7A2B0000202F2F0265A5FA426566FA8201655FFA22650DFA1265C9FA6265FBF95265F2FA02FB1ACC0242FB1A0B038201FB1A040322FB1A850212FB1A270362FB1A810252FB1A380302FD1B30830DFD0F05312E302E310F";
    const r = recsAt(hex, 15, 0x60 + 1);
    expect(r[0]).toMatchObject({ name: "external_temperature", value: -13.71, unit: "C", exponent: -2 });
    expect(byName(r)).toMatchObject({
      external_temperature_storage_1: -14.34,
      external_temperature_storage_2: -14.41,
      external_temperature_min: -15.23,
      external_temperature_max: -13.35,
      external_temperature_storage_1_min: -15.41,
      external_temperature_storage_1_max: -12.94,
      relative_humidity: 71.6,
      relative_humidity_storage_1: 77.9,
      relative_humidity_storage_2: 77.2,
      relative_humidity_min: 64.5,
      relative_humidity_max: 80.7,
      relative_humidity_storage_1_min: 64.1,
      relative_humidity_storage_1_max: 82.4,
      digital_input: 0x8330,
      software_version: "1.0.1",
    });
    const last = r[r.length - 1];
    expect(last).toMatchObject({ quantity: "manufacturer_data", dif: 0x0f, vif: null, value: null, data: "" });
  });

  it("MagneticSensorTest p1: 12-digit BCD HCA = 110", () => {
    const hex = "2644333015010100021D72150101003330021D880400402F2F0E6E1001000000002F2F2F2F2F2F6E";
    expect(summary(recsAt(hex, 23, 0x26 + 1))).toEqual([["hca", 110, ""]]);
  });

  it("MagneticSensorTest p2: error flags with VIFE 1D, access number 2300", () => {
    const hex = "2644333015010100021D72150101003330021D790400002F2F02FD971D000004FD08FC0800002F49";
    const r = recsAt(hex, 23, 0x26 + 1);
    expect(summary(r)).toEqual([
      ["error_flags", 0, ""],
      ["access_number", 2300, ""],
    ]);
    expect(r[0]).toMatchObject({ vifes: [0x97, 0x1d], labels: ["standard_conformant"] });
  });

  it("BCDNegativeTempTest: BCD 4000F0 = −40 → −4.0 °C", () => {
    const hex = "2C44A7320613996707047A821000202F2F0C06000000000C14000000000C22224101000B5A4102000B5E4000F05E";
    const r = recsAt(hex, 15, 0x2c + 1);
    expect(byName(r)).toEqual({ energy: 0, volume: 0, on_time: 14122, flow_temperature: 24.1, return_temperature: -4 });
    expect(r[4].data).toBe("4000F0");
  });

  it("WMbusDemoMessageTest msg1: dates, invalid date in error state, type L", () => {
    const hex = "2C446532821851582C067AE1000000046D1906D9180C1334120000426CBF1C4C1300000000326CFFFF01FD7300";
    const r = recsAt(hex, 15, 0x2c + 1);
    expect(summary(r)).toEqual([
      ["date_time", "2014-08-25 06:25", ""],
      ["volume", 1.234, "m3"],
      ["date_storage_1", "2013-12-31", ""],
      ["volume_storage_1", 0, "m3"],
      ["date_error", null, ""],
      ["listening_window", "00", ""],
    ]);
    expect(r[4]).toMatchObject({ function: "error", data: "FFFF" });
  });
});

describe("JM-7 DataRecordParserTest single records", () => {
  it("64-bit integers: −1 and a value beyond 2^53 (as a decimal string)", () => {
    expect(one("0704FFFFFFFFFFFFFFFF")).toMatchObject({ quantity: "energy", unit: "Wh", exponent: 1, value: -10 });
    // raw 1330927310113874706 × 10^1 Wh
    expect(one("07041223344556677812")).toMatchObject({ exponent: 1, value: "13309273101138747060" });
  });

  it("32-bit integers", () => {
    expect(one("0403e4050000")).toMatchObject({ quantity: "energy", unit: "Wh", exponent: 0, value: 1508 });
    expect(one("0403ffffffff")).toMatchObject({ value: -1 });
  });

  it("exponents of energy and volume, sub-unit via DIFE 40", () => {
    expect(one("0407c81e0000")).toMatchObject({ quantity: "energy", unit: "Wh", exponent: 4, value: 78800000 });
    expect(one("0415febf0000")).toMatchObject({ quantity: "volume", unit: "m3", exponent: -1, value: 4915 });
    expect(one("844015f8bf0000")).toMatchObject({ exponent: -1, value: 4914.4, subunit: 1, storage: 0, name: "volume_subunit_1" });
  });

  it("on time, operating time, temperatures", () => {
    expect(one("042238090000")).toMatchObject({ quantity: "on_time", unit: "h", value: 2360 });
    expect(one("04263d070000")).toMatchObject({ quantity: "operating_time", unit: "h", value: 1853 });
    expect(one("025a7902")).toMatchObject({ quantity: "flow_temperature", exponent: -1, value: 63.3 });
    expect(one("025ea601")).toMatchObject({ quantity: "return_temperature", exponent: -1, value: 42.2 });
    expect(one("0262d300")).toMatchObject({ quantity: "temperature_difference", unit: "K", exponent: -1, value: 21.1 });
  });

  it("type F date-time 2011-01-24 17:43", () => {
    expect(one("046d2b117811")).toMatchObject({ quantity: "date_time", value: "2011-01-24 17:43", exponent: 0 });
  });
});
