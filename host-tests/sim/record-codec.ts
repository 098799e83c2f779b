/**
 * The meter side of a data record's value: reads and writes the raw integer of an integer or BCD record
 * (EN 13757-3 §6.3, Table 4: DIF data field 1–4, 6, 7 = 8…64-bit binary, 9–C, E = 2…12 BCD digits), so the
 * simulated meters can advance a counter in place. Independent of the decoder on purpose: the test oracle
 * must not reuse the code it checks.
 */

/** Data bytes of a DIF data-field code, for the codes a counter can use; undefined otherwise. */
const INT_BYTES: { readonly [code: number]: number } = { 1: 1, 2: 2, 3: 3, 4: 4, 6: 6, 7: 8 };
const BCD_BYTES: { readonly [code: number]: number } = { 9: 1, 0xa: 2, 0xb: 3, 0xc: 4, 0xe: 6 };

export interface ValueCoding {
  kind: "int" | "bcd";
  bytes: number;
}

export function valueCoding(dif: number): ValueCoding | undefined {
  const code = dif & 0x0f;
  if (INT_BYTES[code] !== undefined) return { kind: "int", bytes: INT_BYTES[code] };
  if (BCD_BYTES[code] !== undefined) return { kind: "bcd", bytes: BCD_BYTES[code] };
  return undefined;
}

/** The raw integer at `at` (LE; two's complement for int; undefined for non-decimal BCD digits). */
export function readRaw(buf: Uint8Array, at: number, c: ValueCoding): number | undefined {
  let v = 0;
  if (c.kind === "int") {
    for (let i = c.bytes - 1; i >= 0; i--) v = v * 256 + buf[at + i];
    const top = 2 ** (8 * c.bytes);
    return buf[at + c.bytes - 1] & 0x80 ? v - top : v;
  }
  for (let i = c.bytes - 1; i >= 0; i--) {
    const b = buf[at + i];
    if ((b >> 4) > 9 || (b & 15) > 9) return undefined;
    v = v * 100 + (b >> 4) * 10 + (b & 15);
  }
  return v;
}

/** Writes `raw` (non-negative for BCD) at `at`; throws when it does not fit. */
export function writeRaw(buf: Uint8Array, at: number, c: ValueCoding, raw: number): void {
  if (!Number.isInteger(raw)) throw new Error(`record value must be an integer, got ${raw}`);
  if (c.kind === "int") {
    const top = 2 ** (8 * c.bytes);
    if (raw < -top / 2 || raw >= top / 2) throw new Error(`${raw} does not fit ${c.bytes} bytes`);
    let v = raw < 0 ? raw + top : raw;
    for (let i = 0; i < c.bytes; i++) {
      buf[at + i] = v % 256;
      v = Math.floor(v / 256);
    }
    return;
  }
  if (raw < 0 || raw >= 10 ** (2 * c.bytes)) throw new Error(`${raw} does not fit ${2 * c.bytes} BCD digits`);
  let v = raw;
  for (let i = 0; i < c.bytes; i++) {
    const two = v % 100;
    buf[at + i] = (Math.floor(two / 10) << 4) | (two % 10);
    v = Math.floor(v / 100);
  }
}
