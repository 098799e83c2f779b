/**
 * Device-only bindings of wmbus_3of6.c and wmbus_manchester.c (glue: wmbus_3of6_xs.c). Same signatures and
 * results as the host twins decode3of6Into (firmware/phy/three-of-six.ts) and decodeManchesterInto
 * (firmware/phy/manchester.ts), restricted to whole buffers: pass subarrays for offsets.
 */
declare function native(name: string): (...args: any[]) => any;

const d36 = native("xs_wmbus_3of6_decode") as (chips: Uint8Array, out: Uint8Array, n: number) => number;
const dman = native("xs_wmbus_manchester_decode") as (chips: Uint8Array, out: Uint8Array, n: number) => number;

/** Decodes n bytes of 3-of-6 chips into out; -1 or the index of the first invalid symbol. */
export function decode3of6(chips: Uint8Array, out: Uint8Array, n: number): number {
  return d36(chips, out, n);
}

/** Decodes n Manchester coded bytes into out; -1 or the index of the first bad bit. */
export function decodeManchester(chips: Uint8Array, out: Uint8Array, n: number): number {
  return dman(chips, out, n);
}
