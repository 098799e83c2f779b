/**
 * Byte-addressed persistent storage for the offline buffer. A write may be cut short by a power
 * loss at any byte (the ring buffer detects that by CRC), but bytes it did not reach keep their
 * old value. Device: ./block-storage-preference.ts (NVS chunks); host: host/uplink-file-storage.ts.
 */
export interface BlockStorage {
  /** Size in bytes; offsets run from 0 to size - 1. */
  readonly size: number;
  /** A copy of `length` bytes at `offset` (never-written bytes read as 0xFF, like erased flash). */
  read(offset: number, length: number): Uint8Array;
  /** Writes `data` at `offset`. Throws on an I/O failure (the caller counts it). */
  write(offset: number, data: Uint8Array): void;
}

export function checkRange(storage: BlockStorage, offset: number, length: number): void {
  if (!Number.isInteger(offset) || !Number.isInteger(length) || offset < 0 || length < 0 || offset + length > storage.size) {
    throw new RangeError(`storage access ${offset}+${length} outside 0..${storage.size}`);
  }
}

/** RAM storage for tests and for hosts that do not need persistence. */
export class MemoryBlockStorage implements BlockStorage {
  readonly bytes: Uint8Array;
  constructor(readonly size: number) {
    this.bytes = new Uint8Array(size).fill(0xff);
  }
  read(offset: number, length: number): Uint8Array {
    checkRange(this, offset, length);
    return this.bytes.slice(offset, offset + length);
  }
  write(offset: number, data: Uint8Array): void {
    checkRange(this, offset, data.length);
    this.bytes.set(data, offset);
  }
}
