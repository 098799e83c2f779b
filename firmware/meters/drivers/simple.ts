/**
 * Meters whose telegrams carry only standard records with the usual names (total, target, …):
 * Sontex Supercom 587, Diehl (DME 07), Elster / Elster-Raab EV200, Emerlin 868, Wehrle,
 * Apator OP-041A, Techem radio 4 (long header), Actaris link.
 */
import type { Driver, FieldRule } from "../types.js";

const TOTAL: FieldRule = { name: "total", unit: "m3", record: "volume" };
const TARGET: FieldRule = { name: "target", unit: "m3", record: "volume_storage_1" };
const TARGET_DATE: FieldRule = { name: "target_date", record: "date_storage_1", valueType: "date" };

export const SIMPLE: readonly Driver[] = Object.freeze([
  {
    name: "supercom587",
    detect: [{ manufacturer: "SON", version: 0x3c, deviceType: 0x06 }, { manufacturer: "SON", version: 0x3c, deviceType: 0x07 }],
    fields: [TOTAL, { name: "software_version", record: "software_version", valueType: "rhex" }],
  },
  { name: "dme_07", detect: [{ manufacturer: "DME", version: 0x7b, deviceType: 0x07 }], fields: [TOTAL] },
  { name: "ev200", detect: [{ manufacturer: "ELR", version: 0x0d, deviceType: 0x07 }], fields: [TOTAL, TARGET], status: [] },
  {
    name: "emerlin868",
    detect: [{ manufacturer: "ELR", version: 0x11, deviceType: 0x37 }, { manufacturer: "ELR", version: 0x12, deviceType: 0x37 }],
    fields: [TOTAL, TARGET, { name: "target_date", record: "date_storage_1", valueType: "date_raw" }],
    status: [],
  },
  { name: "weh_07", detect: [{ manufacturer: "WEH", version: 0xfe, deviceType: 0x07 }, { manufacturer: "WEH", version: 0x03, deviceType: 0x07 }], fields: [TOTAL, TARGET, TARGET_DATE], status: [] },
  {
    name: "op041a",
    detect: [{ manufacturer: "APA", version: 0x1a, deviceType: 0x07 }],
    fields: [TOTAL, { name: "meter_datetime", record: "date_time", valueType: "datetime" }],
    status: [],
  },
  { name: "mkradio4a", detect: [{ manufacturer: "HYD", version: 0xfe, deviceType: 0x06 }, { manufacturer: "TCH", version: 0x95, deviceType: 0x37 }], fields: [TARGET, TARGET_DATE], status: [] },
  { name: "actislink", detect: [{ manufacturer: "ALK", version: 0x04, deviceType: 0x07 }], fields: [TOTAL], status: [] },
]);
