/**
 * Device BlockStorage on NVS (`preference`), as fixed-size binary chunks: domain `domain`, keys
 * "b0", "b1", … Each NVS set is atomic (ESP-IDF NVS writes an entry completely or not at all), so
 * a power cut loses at most the chunks not yet written of the write in progress, which the ring's
 * record CRC detects. NVS spreads the writes over its pages (wear levelling). Sizing: the default
 * 24 KB NVS partition is shared with the settings (device/storage-preference.ts); a buffer of
 * more than a few KB wants its own larger nvs partition (docs/uplinks.md).
 */
import Preference from "moddable:preference";
import { checkRange, type BlockStorage } from "../uplink/block-storage.js";

export class PreferenceBlockStorage implements BlockStorage {
  readonly size: number;

  /** `domain` at most 15 characters (NVS namespace); chunkBytes at most 4000 (NVS blob limit here). */
  constructor(readonly domain: string, readonly chunks: number, readonly chunkBytes = 1024) {
    if (domain.length === 0 || domain.length > 15) throw new RangeError(`NVS domain "${domain}" must have 1..15 characters`);
    if (!(chunkBytes > 0 && chunkBytes <= 4000) || !(chunks > 0)) throw new RangeError(`bad NVS buffer geometry ${chunks}×${chunkBytes}`);
    this.size = chunks * chunkBytes;
  }

  #chunk(i: number): Uint8Array {
    const v = Preference.get(this.domain, "b" + i);
    const out = new Uint8Array(this.chunkBytes).fill(0xff);
    if (v instanceof ArrayBuffer) out.set(new Uint8Array(v).subarray(0, this.chunkBytes));
    return out;
  }

  read(offset: number, length: number): Uint8Array {
    checkRange(this, offset, length);
    const out = new Uint8Array(length);
    let done = 0;
    while (done < length) {
      const at = offset + done;
      const i = Math.floor(at / this.chunkBytes);
      const from = at - i * this.chunkBytes;
      const n = Math.min(length - done, this.chunkBytes - from);
      out.set(this.#chunk(i).subarray(from, from + n), done);
      done += n;
    }
    return out;
  }

  write(offset: number, data: Uint8Array): void {
    checkRange(this, offset, data.length);
    let done = 0;
    while (done < data.length) {
      const at = offset + done;
      const i = Math.floor(at / this.chunkBytes);
      const from = at - i * this.chunkBytes;
      const n = Math.min(data.length - done, this.chunkBytes - from);
      const chunk = this.#chunk(i);
      chunk.set(data.subarray(done, done + n), from);
      Preference.set(this.domain, "b" + i, chunk.buffer as ArrayBuffer);
      done += n;
    }
  }
}
