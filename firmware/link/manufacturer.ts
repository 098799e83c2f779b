/** Codes already spelt: a gateway hears a few dozen manufacturers (bounded, emptied when full). */
const CODES = new Map<number, string>();
const CODES_MAX = 64;

/**
 * M-field (EN 13757-4 §5.6, EN 62056-21 flag association): three letters A–Z packed 5 bits each,
 * sent little-endian. Bit 15 is masked off because some meters set it (e.g. "aPT").
 */
export function manufacturerCode(m: number): string {
  const v = m & 0x7fff;
  let code = CODES.get(v);
  if (code === undefined) {
    const a = (v >> 10) & 31, b = (v >> 5) & 31, c = v & 31;
    code = letter(a) + letter(b) + letter(c);
    if (CODES.size >= CODES_MAX) CODES.clear();
    CODES.set(v, code);
  }
  return code;
}

/** Letters outside A–Z (codes 0 and 27–31) show as "?" rather than punctuation. */
function letter(n: number): string {
  return n >= 1 && n <= 26 ? String.fromCharCode(64 + n) : "?";
}

/** Inverse of manufacturerCode, for the encoder and configuration. */
export function manufacturerValue(code: string): number {
  const up = code.toUpperCase();
  let v = 0;
  for (let i = 0; i < 3; i++) v = (v << 5) | ((up.charCodeAt(i) - 64) & 31);
  return v;
}
