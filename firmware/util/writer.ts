import { fail } from "../errors.js";

/**
 * Little-endian byte builder, the encoder-side twin of Reader. Grows by doubling (a frame is at most a few
 * hundred bytes); `bytes()` returns a copy of what was written. `reserve(n)` writes n zero bytes and returns
 * their offset, for fields filled in later (L, CRCs, MACs, checksums).
 */
export class Writer {
  #buf: Uint8Array;
  length = 0;
  constructor(capacity = 64) {
    this.#buf = new Uint8Array(capacity);
  }
  #room(n: number): void {
    if (this.length + n <= this.#buf.length) return;
    let size = this.#buf.length * 2;
    while (size < this.length + n) size *= 2;
    const b = new Uint8Array(size);
    b.set(this.#buf.subarray(0, this.length));
    this.#buf = b;
  }
  u8(v: number, what = "byte"): this {
    if (!Number.isInteger(v) || v < 0 || v > 0xff) fail("bad_argument", `${what}: ${v} is not a byte`);
    this.#room(1);
    this.#buf[this.length++] = v;
    return this;
  }
  u16(v: number, what = "16-bit field"): this {
    if (!Number.isInteger(v) || v < 0 || v > 0xffff) fail("bad_argument", `${what}: ${v} is not a 16-bit value`);
    this.#room(2);
    this.#buf[this.length++] = v & 0xff;
    this.#buf[this.length++] = v >> 8;
    return this;
  }
  u32(v: number, what = "32-bit field"): this {
    if (!Number.isInteger(v) || v < 0 || v > 0xffffffff) fail("bad_argument", `${what}: ${v} is not a 32-bit value`);
    this.#room(4);
    for (let i = 0; i < 4; i++) this.#buf[this.length++] = (v >>> (8 * i)) & 0xff;
    return this;
  }
  put(b: Uint8Array, n = b.length, what = "bytes"): this {
    if (b.length !== n) fail("bad_argument", `${what} must be ${n} bytes, got ${b.length}`);
    this.#room(n);
    this.#buf.set(b, this.length);
    this.length += n;
    return this;
  }
  reserve(n: number): number {
    this.#room(n);
    const at = this.length;
    this.#buf.fill(0, at, at + n);
    this.length += n;
    return at;
  }
  /** Overwrites one byte already written (a length field known only later). */
  setU8(at: number, v: number, what = "byte"): void {
    if (at < 0 || at >= this.length) fail("bad_argument", `${what}: offset ${at} not written yet`);
    if (!Number.isInteger(v) || v < 0 || v > 0xff) fail("bad_argument", `${what}: ${v} is not a byte`);
    this.#buf[at] = v;
  }
  bytes(): Uint8Array {
    return this.#buf.slice(0, this.length);
  }
}
