/**
 * CRC-16/EN-13757 (EN 13757-4 §4.2.3.6): poly 0x3D65, init 0, no reflection, xorout 0xFFFF.
 * Check value over "123456789" is 0xC2B7. Table driven: one lookup per byte, no allocation.
 * The native twin is firmware/native/wmbus_crc.c.
 */
const TABLE = /* @__PURE__ */ (() => {
  const t = new Uint16Array(256);
  for (let i = 0; i < 256; i++) {
    let c = i << 8;
    for (let k = 0; k < 8; k++) c = c & 0x8000 ? ((c << 1) ^ 0x3d65) & 0xffff : (c << 1) & 0xffff;
    t[i] = c;
  }
  return t;
})();

/** CRC over bytes [start, end). */
export function crc16(bytes: Uint8Array, start = 0, end = bytes.length): number {
  let crc = 0;
  for (let i = start; i < end; i++) crc = ((crc << 8) & 0xff00) ^ TABLE[((crc >> 8) ^ bytes[i]) & 0xff];
  return (crc ^ 0xffff) & 0xffff;
}
