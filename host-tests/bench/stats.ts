/** Order statistics for the bench tables. */

/** Median (mean of the two middle values for an even count); NaN for an empty list. */
export function median(values: readonly number[]): number {
  if (values.length === 0) return NaN;
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length & 1 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Nearest-rank percentile (p in 0..100); NaN for an empty list. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return NaN;
  const s = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * s.length));
  return s[Math.min(rank, s.length) - 1];
}

export function sum(values: readonly number[]): number {
  let s = 0;
  for (const v of values) s += v;
  return s;
}

/** A number with thin-space-free thousands separators ("12 345"), or the text when not finite. */
export function fmt(v: number, digits = 0): string {
  if (!Number.isFinite(v)) return "n/a";
  const [i, f] = v.toFixed(digits).split(".");
  const neg = i.startsWith("-");
  const d = neg ? i.slice(1) : i;
  const grouped = d.replace(/\B(?=(\d{3})+(?!\d))/g, " ");
  return (neg ? "-" : "") + grouped + (f !== undefined ? "." + f : "");
}
