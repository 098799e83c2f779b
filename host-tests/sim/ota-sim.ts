/**
 * A simulated ESP32 app partition pair for the OTA flow on the host: the inactive slot receives the bytes
 * (begin erases it, as esp_ota_begin does), complete() makes it the next boot slot, cancel() leaves the running
 * slot as the boot one. Mirrors the SDK's `ota` module states: write or complete without begin throws "bad state".
 */
import type { PartitionService } from "../../firmware/web/ota.js";

export class SimulatedPartition implements PartitionService {
  #slot: Uint8Array;
  #length = 0;
  #open = false;
  /** "running" until an update completes, then "updated" (next boot runs the new slot). */
  boot: "running" | "updated" = "running";
  readonly log: string[] = [];

  constructor(readonly capacity = 0x1e0000) {
    this.#slot = new Uint8Array(0);
  }

  begin(): void {
    this.#slot = new Uint8Array(this.capacity);
    this.#length = 0;
    this.#open = true;
    this.log.push("begin");
  }

  write(bytes: Uint8Array): void {
    if (!this.#open) throw new Error("bad state");
    if (this.#length + bytes.length > this.capacity) throw new Error("write failed");
    this.#slot.set(bytes, this.#length);
    this.#length += bytes.length;
  }

  cancel(): void {
    this.#open = false;
    this.log.push("cancel");
  }

  complete(): void {
    if (!this.#open) throw new Error("bad state");
    this.#open = false;
    this.boot = "updated";
    this.log.push("complete");
  }

  /** The bytes written to the slot by the last update. */
  image(): Uint8Array {
    return this.#slot.slice(0, this.#length);
  }
}
