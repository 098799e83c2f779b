import { describe, expect, it } from "vitest";
import { fromHex } from "../../firmware/util/hex.js";
import { decodeRecordData, parseRecordHeader } from "../../firmware/application/records.js";
import { one, recs, summary } from "./apl-helpers.js";

describe("DIF / DIFE (EN 13757-3 §6.3)", () => {
  it("storage = DIF.b6 | DIFE[3:0] << 1 …: DIF 84 + DIFE 01 is storage 2", () => {
    expect(one("84011300000000")).toMatchObject({ storage: 2, name: "volume_storage_2" });
    expect(one("C4011300000000")).toMatchObject({ storage: 3 });
  });

  it("tariff and sub-unit across several DIFEs", () => {
    // DIFE1 0xF5: subunit 1, tariff 3, storage 5; DIFE2 0x6A: subunit 1, tariff 2, storage 10
    const r = one("C4F56A1300000000");
    expect(r).toMatchObject({ storage: 1 + (5 << 1) + (10 << 5), tariff: 3 + (2 << 2), subunit: 1 + (1 << 1) });
    expect(r.name).toBe("volume_storage_331_tariff_11_subunit_3");
  });

  it("ten DIFEs give storage numbers beyond 32 bits", () => {
    const r = one("C4" + "8F".repeat(9) + "0F" + "1300000000");
    expect(r.storage).toBe(2 ** 41 - 1);
  });

  it("function field gives _max / _min / _error suffixes", () => {
    expect(summary(recs("141301000000241302000000341303000000"))).toEqual([
      ["volume_max", 0.001, "m3"],
      ["volume_min", 0.002, "m3"],
      ["volume_error", 0.003, "m3"],
    ]);
    expect(one("D4201300000000").name).toBe("volume_storage_1_tariff_2_max");
  });

  it("data fields 0 (no data) and 8 (selection) have no data bytes", () => {
    expect(summary(recs("00134813041301000000"))).toEqual([
      ["volume", null, "m3"],
      ["volume_storage_1", null, "m3"],
      ["volume", 0.001, "m3"],
    ]);
  });
});

describe("special DIFs", () => {
  it("0F: manufacturer data to the end, kept as bytes", () => {
    const r = recs("0413010000000FAABBCC2F");
    expect(r[1]).toMatchObject({ dif: 0x0f, vif: null, quantity: "manufacturer_data", name: "manufacturer_data", header: "0F", data: "AABBCC2F", value: "AABBCC2F", offset: 6 });
    expect(r.length).toBe(2);
  });

  it("1F: the same, labelled more_records_follow", () => {
    expect(one("1F0102")).toMatchObject({ quantity: "manufacturer_data", labels: ["more_records_follow"], data: "0102" });
  });

  it("2F fillers are skipped anywhere; 7F is a global readout request without VIF or data", () => {
    expect(summary(recs("2F7F2F0113052F"))).toEqual([
      ["global_readout", null, ""],
      ["volume", 0.005, "m3"],
    ]);
  });
});

describe("VIF tables", () => {
  it("primary table ranges and exponents", () => {
    const cases: [string, string, string, number][] = [
      ["0103", "energy", "Wh", 0],
      ["010B", "energy", "J", 3],
      ["0116", "volume", "m3", 0],
      ["011B", "mass", "kg", 0],
      ["0120", "on_time", "s", 0],
      ["0125", "operating_time", "min", 0],
      ["012E", "power", "W", 3],
      ["0133", "power", "J/h", 3],
      ["013E", "volume_flow", "m3/h", 0],
      ["0146", "volume_flow", "m3/min", -1],
      ["014F", "volume_flow", "m3/s", -2],
      ["0153", "mass_flow", "kg/h", 0],
      ["015A", "flow_temperature", "C", -1],
      ["015F", "return_temperature", "C", 0],
      ["0161", "temperature_difference", "K", -2],
      ["0166", "external_temperature", "C", -1],
      ["016B", "pressure", "bar", 0],
      ["0173", "averaging_duration", "d", 0],
      ["0174", "actuality_duration", "s", 0],
      ["017A", "bus_address", "", 0],
    ];
    for (const [hdr, quantity, unit, exponent] of cases) {
      expect(one(hdr + "07"), hdr).toMatchObject({ quantity, unit, exponent });
    }
  });

  it("FD table: error flags and digital I/O unsigned, voltage, current, durations", () => {
    expect(one("04FD17FFFFFFFF")).toMatchObject({ quantity: "error_flags", value: 4294967295 });
    expect(one("02FD1AFFFF")).toMatchObject({ quantity: "digital_output", value: 65535 });
    expect(one("01FD1B80")).toMatchObject({ quantity: "digital_input", value: 128 });
    expect(one("02FD48E600")).toMatchObject({ quantity: "voltage", unit: "V", exponent: -1, value: 23 });
    expect(one("01FD5905")).toMatchObject({ quantity: "current", unit: "A", exponent: -3, value: 0.005 });
    expect(one("01FD2602")).toMatchObject({ quantity: "storage_interval", unit: "h", value: 2 });
    expect(one("01FD7402")).toMatchObject({ quantity: "remaining_battery_life", unit: "d" });
    expect(one("01FD0102")).toMatchObject({ quantity: "credit", unit: "currency", exponent: -2, value: 0.02 });
  });

  it("FB table: MWh / GJ converted to base units, humidity, HCA rating factor (2^-12)", () => {
    expect(one("01FB0103")).toMatchObject({ quantity: "energy", unit: "Wh", exponent: 6, value: 3000000 });
    expect(one("01FB0903")).toMatchObject({ quantity: "energy", unit: "J", exponent: 9, value: 3e9 });
    expect(one("02FB1ACC02")).toMatchObject({ quantity: "relative_humidity", unit: "%", value: 71.6 });
    expect(one("02FB680010")).toMatchObject({ quantity: "hca_rating_factor_k", value: 1 });
    expect(one("01FB2E05")).toMatchObject({ quantity: "frequency", unit: "Hz", exponent: -1, value: 0.5 });
  });

  it("reserved codes do not throw: reserved_vif_XX names", () => {
    expect(one("016F05")).toMatchObject({ quantity: "reserved_vif_6F", value: 5 });
    expect(one("017D05").quantity).toBe("reserved_vif_7D");
    expect(one("01FD7A05").quantity).toBe("reserved_vif_fd_7A");
    expect(one("01FB4005").quantity).toBe("reserved_vif_fb_40");
    expect(one("01FB2305").quantity).toBe("reserved_vif_fb_23"); // US gallons, reserved since 2004
  });

  it("7E any VIF, 7F/FF manufacturer-specific with its VIFEs in the name", () => {
    expect(one("017E05").quantity).toBe("any_vif");
    expect(one("017F05")).toMatchObject({ quantity: "manufacturer_specific", name: "manufacturer_specific" });
    expect(one("04FF074E110000")).toMatchObject({ name: "manufacturer_specific_vife_07", value: 4430, labels: ["vife_07"] });
    expect(one("04FF8A0B01000000").name).toBe("manufacturer_specific_vife_0A_vife_0B");
  });
});

describe("combinable VIFEs", () => {
  it("labels that change the meaning go into the name", () => {
    expect(one("0493 3C 01000000".replace(/ /g, ""))).toMatchObject({ name: "volume_backward_flow", labels: ["backward_flow"] });
    expect(one("04933B01000000").name).toBe("volume_forward_flow");
    expect(one("04933E01000000").name).toBe("volume_at_base_conditions");
    expect(one("04AB2201000000")).toMatchObject({ name: "power_per_hour", unit: "W/h" });
    expect(one("04934801000000").name).toBe("volume_upper_limit");
    expect(one("01934905")).toMatchObject({ name: "volume_upper_limit_exceed_count", unit: "", exponent: 0, value: 5 });
    expect(one("01935205")).toMatchObject({ name: "volume_duration_of_first_lower_limit_exceed", unit: "h", value: 5 });
    expect(one("01937E05").name).toBe("volume_future_value");
  });

  it("multiplicative (70-77, 7D) and additive (78-7B) corrections apply to the value", () => {
    expect(one("019375 05")).toMatchObject({ exponent: -4, value: 0.0005 });
    expect(one("01937D05")).toMatchObject({ exponent: 0, value: 5 });
    expect(one("01937B05")).toMatchObject({ exponent: -3, value: 1.005 }); // 5 L + 10^0 m3
    expect(one("01937805").value).toBe(0.006); // 5 L + 10^-3 m3
    expect(one("01937505").labels).toBeUndefined();
  });

  it("record error codes become labels and the record error (name unchanged)", () => {
    const r = one("049316FFFFFFFF");
    expect(r).toMatchObject({ name: "volume", labels: ["record_error_data_overflow"], error: "record error: data_overflow" });
    expect(one("0E8400174952000000")).toMatchObject({ name: "energy", labels: ["record_error_none"], value: 5249170 });
  });

  it("FC extension of combinable VIFEs (phase, type C)", () => {
    expect(one("02FD C8 FC 01 E600".replace(/ /g, ""))).toMatchObject({ name: "voltage_phase_l1", value: 23 });
    expect(one("02ABFC11FFFF")).toMatchObject({ labels: ["type_c"], value: 65535, name: "power" });
  });

  it("compact profiles keep their LVAR payload as hex", () => {
    expect(one("8D04931E03010203")).toMatchObject({ name: "volume_compact_profile_with_register_numbers_storage_8", value: "010203" });
  });
});

describe("parseRecordHeader / decodeRecordData (for compact frames)", () => {
  it("splits header layout and data", () => {
    const b = fromHex("AA0C1427048502BB");
    const h = parseRecordHeader(b, 1, 7);
    expect(h).toMatchObject({ offset: 1, dataLength: 4, name: "volume" });
    expect(h.bytes).toEqual(fromHex("0C14"));
    const { record, next } = decodeRecordData(h, b, 3, 7);
    expect(next).toBe(7);
    expect(record).toMatchObject({ offset: 1, value: 28504.27, data: "27048502" });
  });

  it("LVAR headers report length −1; the data decode reads the LVAR byte", () => {
    const b = fromHex("0DFD0F05312E302E31");
    const h = parseRecordHeader(b, 0, b.length);
    expect(h.dataLength).toBe(-1);
    expect(decodeRecordData(h, b, 3, b.length)).toMatchObject({ next: 9, record: { value: "1.0.1" } });
  });
});
