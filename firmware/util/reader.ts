import { fail } from "../errors.js";

/**
 * Bounds-checked little-endian cursor over a byte buffer. Every read past `end` throws a
 * WmbusError("truncated") naming the field and the offset, so no decoder can read past the buffer.
 */
export class Reader {
  readonly buf: Uint8Array;
  pos: number;
  end: number;
  constructor(buf: Uint8Array, pos = 0, end = buf.length) {
    this.buf = buf;
    this.pos = pos;
    this.end = end;
  }
  get remaining(): number {
    return this.end - this.pos;
  }
  need(n: number, what: string): void {
    if (this.pos + n > this.end) {
      fail("truncated", `${what}: needs ${n} byte(s) at offset ${this.pos}, only ${this.end - this.pos} left`, this.pos);
    }
  }
  u8(what = "byte"): number {
    this.need(1, what);
    return this.buf[this.pos++];
  }
  peek(): number {
    this.need(1, "byte");
    return this.buf[this.pos];
  }
  u16(what = "16-bit field"): number {
    this.need(2, what);
    const b = this.buf, p = this.pos;
    this.pos += 2;
    return b[p] | (b[p + 1] << 8);
  }
  u32(what = "32-bit field"): number {
    this.need(4, what);
    const b = this.buf, p = this.pos;
    this.pos += 4;
    return (b[p] | (b[p + 1] << 8) | (b[p + 2] << 16) | (b[p + 3] << 24)) >>> 0;
  }
  bytes(n: number, what = "bytes"): Uint8Array {
    this.need(n, what);
    const out = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }
  skip(n: number, what = "bytes"): void {
    this.need(n, what);
    this.pos += n;
  }
}
