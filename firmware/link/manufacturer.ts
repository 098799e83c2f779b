/**
 * Letter by 5-bit value: codes outside A–Z (0 and 27–31) show as "?" rather than punctuation. An array of
 * one-letter strings, so that a look-up returns a string instead of making one (XS).
 */
const LETTERS: readonly string[] = Object.freeze("?ABCDEFGHIJKLMNOPQRSTUVWXYZ?????".split(""));

/**
 * M-field (EN 13757-4 §5.6, EN 62056-21 flag association): three letters A–Z packed 5 bits each,
 * sent little-endian. Bit 15 is masked off because some meters set it (e.g. "aPT").
 */
export function manufacturerCode(m: number): string {
  return LETTERS[(m >> 10) & 31] + LETTERS[(m >> 5) & 31] + LETTERS[m & 31];
}

/** Inverse of manufacturerCode, for the encoder and configuration. */
export function manufacturerValue(code: string): number {
  const up = code.toUpperCase();
  let v = 0;
  for (let i = 0; i < 3; i++) v = (v << 5) | ((up.charCodeAt(i) - 64) & 31);
  return v;
}
