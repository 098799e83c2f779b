/**
 * Techem radio meters (CI A0–A2, manufacturer-specific APL). Common layout:
 * [0] status, [1..2] billing date (day bits 0..4, month 5..8, year 9..15 + 2000),
 * [3..] billing-period value, [5..6] current date (day bits 4..8, month 9..12; the year is the
 * one after the billing date unless the day comes later in the same year), [7..] current-period
 * value. Totals are billing value + current value.
 */
import type { Driver, MfctContext } from "../types.js";
import { le } from "../bytes.js";
import { pad2 } from "../../application/datatypes.js";

function techemDates(b: Uint8Array): { prev: string; cur: string } {
  const p = le(b, 1, 2);
  const py = 2000 + (p >> 9), pm = (p >> 5) & 15, pd = p & 31;
  const c = le(b, 5, 2);
  const cm = (c >> 9) & 15, cd = (c >> 4) & 31;
  const cy = cm * 100 + cd > pm * 100 + pd ? py : py + 1;
  return { prev: `${py}-${pad2(pm)}-${pad2(pd)}`, cur: `${cy}-${pad2(cm)}-${pad2(cd)}` };
}

/** FHKV data III: 2-byte values; room and radiator temperatures (1/100 °C), one byte later in version 0x94. */
function decodeFhkvDataIII(c: MfctContext): void {
  const b = c.mfct;
  if (b.length < 13) return;
  const d = techemDates(b);
  c.out.current_hca = le(b, 7, 2);
  c.out.current_date = d.cur;
  c.out.previous_hca = le(b, 3, 2);
  c.out.previous_date = d.prev;
  const t = c.t.meter?.version === 0x94 ? 10 : 9;
  if (b.length >= t + 4) {
    c.out.temp_room_c = le(b, t, 2) / 100;
    c.out.temp_radiator_c = le(b, t + 2, 2) / 100;
  }
}

/** Heat meters: 3-byte values in kWh (compact V) or MJ (vario 4.51). */
function heatDecoder(mj: boolean) {
  const inMj = mj; // const: xsl aliases a captured parameter ("no const", docs/moddable-build.md §2)
  return (c: MfctContext): void => {
    const b = c.mfct;
    if (b.length < 10) return;
    const prev = le(b, 3, 3), cur = le(b, 7, 3);
    const kwh = (v: number): number => (inMj ? v / 3.6 : v);
    c.out.total_kwh = kwh(prev + cur);
    c.out.current_kwh = kwh(cur);
    c.out.previous_kwh = kwh(prev);
    if (inMj) {
      c.out.total_gj = (prev + cur) / 1000;
      c.out.current_gj = cur / 1000;
      c.out.previous_gj = prev / 1000;
    }
  };
}

/** Water meters (radio 3 / 4): 2-byte values in 0.1 m³. */
function waterDecoder(dates: boolean) {
  const withDates = dates; // const: see heatDecoder
  return (c: MfctContext): void => {
    const b = c.mfct;
    if (b.length < 9) return;
    const prev = le(b, 3, 2), cur = le(b, 7, 2);
    c.out.total_m3 = (prev + cur) / 10;
    c.out.target_m3 = prev / 10;
    if (withDates) {
      const d = techemDates(b);
      c.out.current_date = d.cur;
      c.out.prev_date = d.prev;
    }
  };
}

/**
 * Smoke detector TSD2: status byte (00 none, 01 smoke, other values STATUS_<hex>), then the billing date.
 * A payload too short for both is a decoding error: the status says so and the date is null (as wmbusmeters prints).
 */
function decodeTsd2(c: MfctContext): void {
  const b = c.mfct;
  if (b.length < 3) {
    c.flags.push("DECODING_ERROR_payload");
    c.out.prev_date = null;
    return;
  }
  c.flags.push(b[0] === 0x01 ? "SMOKE" : b[0] === 0 ? "" : "STATUS_" + b[0].toString(16).toUpperCase());
  c.out.prev_date = techemDates(b).prev;
}

export const TECHEM: readonly Driver[] = Object.freeze([
  { name: "tsd2", detect: [{ manufacturer: "TCH", version: 0x76, deviceType: 0xf0 }], media: "smoke detector", fields: [], status: [{ name: "status", parts: [] }], decode: decodeTsd2 },
  {
    name: "fhkvdataiii",
    detect: [{ manufacturer: "TCH", version: 0x69, deviceType: 0x80 }, { manufacturer: "TCH", version: 0x94, deviceType: 0x80 }],
    media: "heat cost allocator",
    fields: [],
    status: [],
    decode: decodeFhkvDataIII,
  },
  { name: "compact5", detect: [{ manufacturer: "TCH", version: 0x45, deviceType: 0x04 }, { manufacturer: "TCH", version: 0x45, deviceType: 0xc3 }, { manufacturer: "TCH", version: 0x22, deviceType: 0x43 }, { manufacturer: "TCH", version: 0x45, deviceType: 0x43 }, { manufacturer: "TCH", version: 0x39, deviceType: 0x43 }], media: "heat", fields: [], status: [], decode: heatDecoder(false) },
  { name: "vario451", detect: [{ manufacturer: "TCH", version: 0x27, deviceType: 0x04 }, { manufacturer: "TCH", version: 0x27, deviceType: 0xc3 }], media: "heat", fields: [], status: [], decode: heatDecoder(true) },
  { name: "mkradio3", detect: [{ manufacturer: "TCH", version: 0x74, deviceType: 0x62 }, { manufacturer: "TCH", version: 0x74, deviceType: 0x72 }], media: "warm water", fields: [], status: [], decode: waterDecoder(true) },
  { name: "mkradio4", detect: [{ manufacturer: "TCH", version: 0x95, deviceType: 0x62 }, { manufacturer: "TCH", version: 0x70, deviceType: 0x62 }, { manufacturer: "TCH", version: 0x95, deviceType: 0x72 }, { manufacturer: "TCH", version: 0x70, deviceType: 0x72 }], media: "warm water", fields: [], status: [], decode: waterDecoder(false) },
]);
