/**
 * How a settings problem names a setting or a value without quoting what may be a secret
 * (docs/reliability.md): a value typed into the wrong field may be a key or a password, so only name-like
 * texts are quoted; anything else is told by its kind and length. Also the "did you mean" hint.
 */

export const HEX_RE = /^[0-9A-Fa-f]*$/;

/**
 * What a wrong value is, without quoting it: a value typed into the wrong field may be a key or a password
 * (docs/reliability.md), so a problem says its kind and length only ("a text of 32 hex digits").
 */
export function describe(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "a list";
  if (typeof v !== "string") return "a " + typeof v;
  if (v === "") return "an empty text";
  if (HEX_RE.test(v)) return `a text of ${v.length} hex digit${v.length === 1 ? "" : "s"}`;
  return `a text of ${v.length} character${v.length === 1 ? "" : "s"}, not all hex`;
}

/** Edit distance (insert, delete, substitute), case-insensitive; for "did you mean" hints. */
function distance(a: string, b: string): number {
  a = a.toLowerCase();
  b = b.toLowerCase();
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) row[j] = Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = row;
  }
  return prev[b.length];
}

/** The known name closest to `name` when it is close enough to be a typo (≤ 1/3 of its letters, at least 2). */
export function nearestName(name: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestD = Infinity;
  for (const k of known) {
    const d = distance(name, k);
    if (d < bestD) { bestD = d; best = k; }
  }
  return bestD <= Math.max(2, Math.floor(name.length / 3)) ? best : undefined;
}

/** True when `v` looks like a name (a setting or driver name), not like a key or a password. */
function looksLikeName(v: string): boolean {
  return /^[A-Za-z_][A-Za-z0-9_-]{0,31}$/.test(v) && !(HEX_RE.test(v) && v.length >= 12);
}

/** A setting name as shown in a problem: itself when it looks like a name, else only its kind (it may be a key). */
export function shownName(name: string): string {
  return looksLikeName(name) ? name : `(${describe(name)})`;
}

/** A name-like value quoted (`"kamstrp"`), anything else by kind and length only (`a text of 32 hex digits`). */
export function shownValue(v: unknown): string {
  return typeof v === "string" && looksLikeName(v) ? JSON.stringify(v) : describe(v);
}
