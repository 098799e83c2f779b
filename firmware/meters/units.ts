/**
 * Unit suffixes of reading fields and the conversions from record units (as the APL decoder
 * reports them after scaling) into them. value_out = value × mul / div, with literal factors
 * (no Math.pow), so Node and XS give the same double.
 */

import { deepFreeze } from "../util/freeze.js";

/** [record unit, field suffix, mul, div] */
type Conv = readonly [from: string, to: string, mul: number, div: number];

const CONVERSIONS: readonly Conv[] = deepFreeze([
  // energy
  ["Wh", "kwh", 1, 1000],
  ["J", "kwh", 1, 3600000],
  ["Wh", "mwh", 1, 1000000],
  ["J", "mwh", 1, 3600000000],
  ["Wh", "gj", 36, 10000000000],
  ["J", "gj", 1, 1000000000],
  ["Wh", "mj", 36, 10000],
  ["J", "mj", 1, 1000000],
  ["VARh", "kvarh", 1, 1000],
  ["Wh", "kvarh", 1, 1000], // meters that send reactive energy under an energy VIF with a sub-unit
  ["VAh", "kvah", 1, 1000],
  ["Wh", "kvah", 1, 1000], // apparent energy sent under an energy VIF with a sub-unit (ABB)
  // power
  ["W", "kw", 1, 1000],
  ["W", "w", 1, 1],
  ["W/month", "kw", 1, 1000], // maximum power of a month (VIFE "per month" on a power VIF)
  ["J/h", "kw", 1, 3600000],
  ["J/h", "w", 1, 3600],
  ["J/h", "jh", 1, 1],
  ["W", "jh", 3600, 1],
  ["VAR", "kvar", 1, 1000],
  ["VA", "kva", 1, 1000],
  // volume and flow
  ["m3", "m3", 1, 1],
  ["m3", "l", 1000, 1],
  ["m3/h", "m3h", 1, 1],
  ["m3/min", "m3h", 60, 1],
  ["m3/s", "m3h", 3600, 1],
  ["m3/h", "lh", 1000, 1],
  ["kg", "kg", 1, 1],
  ["kg/h", "kgh", 1, 1],
  // temperature, pressure, electrical
  ["C", "c", 1, 1],
  ["K", "c", 1, 1],
  ["K", "k", 1, 1],
  ["bar", "bar", 1, 1],
  ["V", "v", 1, 1],
  ["A", "a", 1, 1],
  ["Hz", "hz", 1, 1],
  ["%", "pct", 1, 1],
  ["%", "rh", 1, 1],
  ["dBm", "dbm", 1, 1],
  // time
  ["s", "s", 1, 1],
  ["min", "s", 60, 1],
  ["h", "s", 3600, 1],
  ["d", "s", 86400, 1],
  ["s", "min", 1, 60],
  ["min", "min", 1, 1],
  ["h", "min", 60, 1],
  ["d", "min", 1440, 1],
  ["s", "h", 1, 3600],
  ["min", "h", 1, 60],
  ["h", "h", 1, 1],
  ["d", "h", 24, 1],
  ["s", "d", 1, 86400],
  ["min", "d", 1, 1440],
  ["h", "d", 1, 24],
  ["d", "d", 1, 1],
  ["month", "d", 30.436875, 1],
  ["year", "d", 365.2425, 1],
  ["s", "y", 1, 31556952],
  ["min", "y", 1, 525949.2],
  ["h", "y", 1, 8765.82],
  ["d", "y", 1, 365.2425],
  ["month", "y", 1, 12],
  ["year", "y", 1, 1],
]);

/** Conversions by record unit, then by field suffix (objects without a prototype, so any unit text is safe). */
type ConvTable = { readonly [from: string]: { readonly [to: string]: Conv } | undefined };

/**
 * Two property look-ups with the unit strings as they are. A key built per call (from + ">" + to) is a new
 * string each time, which V8 must look up in its string table before it can find the property (measured: a
 * quarter of convert's time). Built once and frozen: on the device the table is preloaded into flash.
 */
const BY_UNIT: ConvTable = deepFreeze(conversionTable(CONVERSIONS));

function conversionTable(list: readonly Conv[]): ConvTable {
  const byUnit: { [from: string]: { [to: string]: Conv } } = Object.create(null);
  for (const c of list) {
    const to = byUnit[c[0]] ?? (byUnit[c[0]] = Object.create(null) as { [to: string]: Conv });
    to[c[1]] = c;
  }
  return byUnit;
}

/**
 * The factors convert uses from record unit `from` into field suffix `to`, as [mul, div] into `into` at `at`
 * (1, 1: the value passes unchanged, also when no conversion exists). Multiplying or dividing by 1 is exact, so
 * v × mul / div gives convert's double for every v.
 */
export function conversionFactors(from: string, to: string | undefined, into: Float64Array, at: number): void {
  const c = from === "" || to === undefined || to === "" ? undefined : BY_UNIT[from]?.[to];
  into[at] = c === undefined ? 1 : c[2];
  into[at + 1] = c === undefined ? 1 : c[3];
}

/**
 * Converts `v` (in record unit `from`) into field suffix `to`. Dimensionless records (unit "")
 * pass through for any suffix (hca, counter, nr …). Returns undefined when no conversion exists.
 */
export function convert(v: number, from: string, to: string): number | undefined {
  if (from === "" || to === "") return v;
  const c = BY_UNIT[from]?.[to];
  if (c === undefined) return undefined;
  let r = v;
  if (c[2] !== 1) r = r * c[2];
  if (c[3] !== 1) r = r / c[3];
  return r;
}

/**
 * Extra units a user may ask for next to the driver's own (wmbusmeters' "addconversions"):
 * [field suffix, extra suffix, mul, div, offset]: extra = value × mul / div + offset.
 */
const EXTRA_UNITS: readonly (readonly [from: string, to: string, mul: number, div: number, add: number])[] = deepFreeze([
  ["m3", "l", 1000, 1, 0],
  ["m3h", "lh", 1000, 1, 0],
  ["c", "f", 9, 5, 32],
  ["kwh", "gj", 36, 10000, 0],
  ["kwh", "mj", 36, 10, 0],
  ["kwh", "mwh", 1, 1000, 0],
  ["kw", "w", 1000, 1, 0],
]);

/**
 * Adds, for every numeric field with a suffix that converts into one of `units` ("l", "f", "gj" …),
 * the same value in that unit under the same name with the new suffix (total_m3 → total_l).
 * A field the driver already gives is not overwritten.
 */
export function addConversions(out: { [k: string]: unknown }, units: readonly string[]): void {
  for (const key of Object.keys(out)) {
    const v = out[key];
    if (typeof v !== "number") continue;
    const cut = key.lastIndexOf("_");
    if (cut <= 0) continue;
    const suffix = key.slice(cut + 1);
    for (const [from, to, mul, div, add] of EXTRA_UNITS) {
      const name = key.slice(0, cut + 1) + to;
      if (from !== suffix || units.indexOf(to) < 0 || out[name] !== undefined) continue;
      out[name] = (v * mul) / div + add;
    }
  }
}

/**
 * Rounds to 6 decimals (the precision of published readings, docs/readings.md). Multiplying and
 * dividing by the literal 1e6 is exact IEEE arithmetic, so every engine gives the same double.
 */
export function round6(v: number): number {
  // NaN, ±Infinity and magnitudes from 1e9 up pass unchanged (the negated tests are false for NaN); a negative
  // value is rounded by its magnitude, so halves round away from zero, and one that rounds to zero gives 0, not -0.
  // Written for few XS instructions: this runs for every number of a reading.
  if (v < 0) {
    if (!(v > -1e9)) return v;
    const r = Math.round(-v * 1000000) / 1000000;
    return r === 0 ? 0 : -r;
  }
  if (!(v < 1e9)) return v;
  return Math.round(v * 1000000) / 1000000;
}
