/**
 * The wired M-Bus segment `npm start` polls (docs/wired.md): three slaves in the simulated building's basement,
 * their telegrams built with the project's encoder from plain values (EN 13757-3 records, CI 72 long header), and
 * an old meter answering with the fixed data structure example of the M-Bus documentation (MBDOC48 p. 35,
 * restated in docs/wired.md). The matching meter settings are `BUILDING_BUS_METERS`.
 */
import { encodeTelegram } from "../../../firmware/encoder/encode.js";
import type { RecordFields } from "../../../firmware/application/record-encode.js";
import { addressBytes } from "../../../firmware/link/dll-encode.js";
import { fromHex } from "../../../firmware/util/hex.js";
import type { SimSlaveOptions } from "./segment.js";

const rec = (vib: string, value: number, exponent: number, dataField = 4): RecordFields => ({ dataField, vib: fromHex(vib), value, exponent });

/** A CI 72 RSP_UD of the meter with these DLL-order address fields and records. */
function rspUd(a: number, man: string, id: string, version: number, medium: number, acc: number, records: RecordFields[]): Uint8Array {
  return encodeTelegram({
    wired: { c: 0x08, a },
    tpl: { ci: 0x72, address: addressBytes(man, id, version, medium), acc, sts: 0, cfg: 0 },
    apl: records.map((record) => ({ kind: "record" as const, record })),
  });
}

/** The slaves: a heat meter (primary 5), a water meter (secondary address only), the fixed-structure meter (7). */
export function buildingBusSlaves(): SimSlaveOptions[] {
  return [
    {
      name: "heat meter 20240001",
      primary: 5,
      secondary: { id: "20240001", manufacturer: 0x2c2d, version: 0x1a, medium: 0x04 },
      telegrams: [rspUd(5, "KAM", "20240001", 0x1a, 0x04, 0x21, [
        rec("06", 12_345_000, 3), // energy 12345 kWh (VIF 06: Wh × 10³)
        rec("14", 678.9, -2), // volume 678.9 m³ (VIF 14: m³ × 10⁻²)
        rec("5B", 61, 0, 1), // flow temperature 61 °C
        rec("5F", 42, 0, 1), // return temperature 42 °C
      ])],
    },
    {
      name: "water meter 20240002",
      primary: 0, // unconfigured primary address: reachable by its secondary address only
      secondary: { id: "20240002", manufacturer: 0x2c2d, version: 0x1b, medium: 0x07 },
      telegrams: [rspUd(0, "KAM", "20240002", 0x1b, 0x07, 0x11, [rec("13", 123.456, -3)])], // 123.456 m³
      delayMs: 40,
    },
    {
      name: "old water meter 12345678 (fixed data structure)",
      primary: 7,
      telegrams: [fromHex("6813136808057378563412" + "0A00E97E0100000035010000" + "3C16")],
    },
  ];
}

/** Settings entries for the slaves above (gateway config `meters[]`, docs/wired.md), polled every 5 minutes. */
export const BUILDING_BUS_METERS: readonly Record<string, unknown>[] = [
  { id: "20240001", name: "Heat meter (wired)", driver: "auto", wired: { primary: 5, interval_s: 300 } },
  { id: "20240002", name: "Cold water (wired)", driver: "auto", wired: { secondary: "20240002", interval_s: 300 } },
  { id: "12345678", name: "Old water meter (wired)", driver: "auto", wired: { primary: 7, interval_s: 300 } },
];
