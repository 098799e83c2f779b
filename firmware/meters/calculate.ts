/**
 * Calculated fields from the meter configuration: `{"heat_jh": "power_kw"}` adds `heat_jh`, the value
 * of the record behind `power_kw` converted into the new field's unit suffix. The conversion starts
 * from the record, not from the printed field, so a value that rounds to 0 in one unit (1 J/h =
 * 0.000000278 kW) is exact in the other.
 */
import type { DataRecord } from "../application/record.js";
import { convert } from "./units.js";
import type { Reading } from "./types.js";

export type Calculations = { readonly [field: string]: string };

/** `origin` maps "<field>_field" to the record index the field came from (see applyRules). */
export function applyCalculations(calc: Calculations, records: readonly DataRecord[], origin: Reading, out: Reading): void {
  for (const name of Object.keys(calc)) {
    const at = origin[calc[name] + "_field"];
    const rec = typeof at === "number" ? records[at] : undefined;
    if (rec === undefined || typeof rec.value !== "number") continue;
    const cut = name.lastIndexOf("_");
    const v = cut > 0 ? convert(rec.value, rec.unit, name.slice(cut + 1)) : undefined;
    if (v !== undefined) out[name] = v;
  }
}
