/**
 * Host BlockStorage on one file of fixed size (the device uses flash). Writes go straight to the
 * file (positioned writes; fsync after each write when `sync` is set, for real power-loss safety).
 */
import { closeSync, existsSync, fstatSync, fsyncSync, ftruncateSync, openSync, readSync, writeSync } from "node:fs";
import { checkRange, type BlockStorage } from "../firmware/uplink/block-storage.js";

export class FileBlockStorage implements BlockStorage {
  readonly #fd: number;

  /** Opens `path`, creating it (erased: all 0xFF) with `size` bytes when it is absent or smaller. */
  constructor(readonly path: string, readonly size: number, readonly sync = false) {
    const fresh = !existsSync(path);
    this.#fd = openSync(path, fresh ? "w+" : "r+");
    const have = fstatSync(this.#fd).size;
    if (have < size) {
      ftruncateSync(this.#fd, size);
      const ff = Buffer.alloc(size - have, 0xff);
      writeSync(this.#fd, ff, 0, ff.length, have);
    }
  }

  read(offset: number, length: number): Uint8Array {
    checkRange(this, offset, length);
    const b = new Uint8Array(length);
    let done = 0;
    while (done < length) {
      const n = readSync(this.#fd, b, done, length - done, offset + done);
      if (n === 0) break;
      done += n;
    }
    return b;
  }

  write(offset: number, data: Uint8Array): void {
    checkRange(this, offset, data.length);
    let done = 0;
    while (done < data.length) done += writeSync(this.#fd, data, done, data.length - done, offset + done);
    if (this.sync) fsyncSync(this.#fd);
  }

  close(): void {
    closeSync(this.#fd);
  }
}
