/**
 * Meters whose telegrams carry only standard records with the usual names (total, target, …):
 * Sontex Supercom 587, Diehl (DME 07), Elster / Elster-Raab EV200, Emerlin 868, Wehrle,
 * Apator OP-041A, Techem radio 4 (long header), Actaris link.
 */
import type { Driver, FieldRule } from "../types.js";

const TOTAL: FieldRule = { n: "total", u: "m3", r: "volume" };
const TARGET: FieldRule = { n: "target", u: "m3", r: "volume_storage_1" };
const TARGET_DATE: FieldRule = { n: "target_date", r: "date_storage_1", as: "date" };

export const SIMPLE: readonly Driver[] = Object.freeze([
  {
    name: "supercom587",
    detect: [{ m: "SON", v: 0x3c, t: 0x06 }, { m: "SON", v: 0x3c, t: 0x07 }],
    fields: [TOTAL, { n: "software_version", r: "software_version", as: "rhex" }],
  },
  { name: "dme_07", detect: [{ m: "DME", v: 0x7b, t: 0x07 }], fields: [TOTAL] },
  { name: "ev200", detect: [{ m: "ELR", v: 0x0d, t: 0x07 }], fields: [TOTAL, TARGET], status: [] },
  {
    name: "emerlin868",
    detect: [{ m: "ELR", v: 0x11, t: 0x37 }, { m: "ELR", v: 0x12, t: 0x37 }],
    fields: [TOTAL, TARGET, { n: "target_date", r: "date_storage_1", as: "date_raw" }],
    status: [],
  },
  { name: "weh_07", detect: [{ m: "WEH", v: 0xfe, t: 0x07 }, { m: "WEH", v: 0x03, t: 0x07 }], fields: [TOTAL, TARGET, TARGET_DATE], status: [] },
  {
    name: "op041a",
    detect: [{ m: "APA", v: 0x1a, t: 0x07 }],
    fields: [TOTAL, { n: "meter_datetime", r: "date_time", as: "datetime" }],
    status: [],
  },
  { name: "mkradio4a", detect: [{ m: "HYD", v: 0xfe, t: 0x06 }, { m: "TCH", v: 0x95, t: 0x37 }], fields: [TARGET, TARGET_DATE], status: [] },
  { name: "actislink", detect: [{ m: "ALK", v: 0x04, t: 0x07 }], fields: [TOTAL], status: [] },
]);
