/**
 * VIF extension table FB: the code byte after VIF 0xFB (EN 13757-3:2018 §6.4.5, table 14).
 * Units are converted to base units (MWh → Wh with exponent + 6, GJ → J, kVAR → VAR, t → kg …).
 * 0x22..0x27 (US gallons) and 0x58..0x73 (°F) were used until 2004 and are reserved now;
 * all codes not listed are reserved.
 */
import { expandTable, type VifEntry } from "./vif-tables.js";
import { deepFreeze } from "../util/freeze.js";

const FB_VIFS: readonly VifEntry[] = deepFreeze([
  { from: 0x00, to: 0x01, q: "energy", unit: "Wh", exp: 5 }, // 10^(n-1) MWh
  { from: 0x02, to: 0x03, q: "reactive_energy", unit: "VARh", exp: 3 }, // 10^n kVARh
  { from: 0x04, to: 0x05, q: "apparent_energy", unit: "VAh", exp: 3 }, // 10^n kVAh
  { from: 0x08, to: 0x09, q: "energy", unit: "J", exp: 8 }, // 10^(n-1) GJ
  { from: 0x0c, to: 0x0f, q: "energy", unit: "cal", exp: 5 }, // 10^(nn-1) MCal
  { from: 0x10, to: 0x11, q: "volume", unit: "m3", exp: 2 }, // 10^(n+2) m3
  { from: 0x14, to: 0x17, q: "reactive_power", unit: "VAR", exp: 0 }, // 10^(nn-3) kVAR
  { from: 0x18, to: 0x19, q: "mass", unit: "kg", exp: 5 }, // 10^(n+2) t
  { from: 0x1a, to: 0x1b, q: "relative_humidity", unit: "%", exp: -1 }, // 10^(n-1) %
  { from: 0x20, to: 0x20, q: "volume", unit: "ft3", exp: 0 },
  { from: 0x21, to: 0x21, q: "volume", unit: "ft3", exp: -1 },
  { from: 0x28, to: 0x29, q: "power", unit: "W", exp: 5 }, // 10^(n-1) MW
  { from: 0x2a, to: 0x2a, q: "phase_angle_voltage_voltage", unit: "deg" },
  { from: 0x2b, to: 0x2b, q: "phase_angle_voltage_current", unit: "deg" },
  { from: 0x2c, to: 0x2f, q: "frequency", unit: "Hz", exp: -3 }, // 10^(nn-3) Hz
  { from: 0x30, to: 0x31, q: "power", unit: "J/h", exp: 8 }, // 10^(n-1) GJ/h
  { from: 0x34, to: 0x37, q: "apparent_power", unit: "VA", exp: 0 }, // 10^(nn-3) kVA
  { from: 0x68, to: 0x68, q: "hca_rating_factor_k", unit: "", kind: "bin12" }, // resulting rating factor K, 2^-12
  { from: 0x69, to: 0x69, q: "hca_rating_factor_kq", unit: "", kind: "bin12" }, // thermal output rating factor Kq, 2^-12
  { from: 0x74, to: 0x77, q: "temperature_limit", unit: "C", exp: -3 }, // cold / warm temperature limit
  { from: 0x78, to: 0x7f, q: "cumulative_max_power", unit: "W", exp: -3 }, // 10^(nnn-3) W
]);

export const FB_TABLE = deepFreeze(expandTable(FB_VIFS));
