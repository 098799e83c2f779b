/**
 * Device PartitionService on the SDK's `ota` module (ESP-IDF esp_ota_*; types/moddable-ota.d.ts lists what
 * each call does and throws). begin() opens the next app slot, complete() validates it (esp_ota_end) and makes
 * it the boot slot; settings live in NVS and are not touched. The two app slots come from the SDK: its ota
 * manifest defines `ota.autosplit`, and mcconfig (tools/mcmanifest.js) then splits the default 0x3F0000 factory
 * partition into otadata (0x2000), ota_0 (0x1F0000) and ota_1 (0x1FE000). Device only; type-checked, run
 * only in simulation.
 */
import OTA from "moddable:ota";
import type { PartitionService } from "../web/ota.js";

export class DeviceOtaPartition implements PartitionService {
  #ota?: OTA;

  /** `capacity`: the smaller app slot of the split above (0x1F0000 = 1984 KiB). */
  constructor(readonly capacity = 0x1f0000) {}

  begin(): void {
    this.#ota?.cancel();
    this.#ota = new OTA();
  }

  write(bytes: Uint8Array): void {
    if (!this.#ota) throw new Error("bad state");
    this.#ota.write(bytes);
  }

  cancel(): void {
    this.#ota?.cancel();
    this.#ota = undefined;
  }

  complete(): void {
    if (!this.#ota) throw new Error("bad state");
    const ota = this.#ota;
    this.#ota = undefined;
    ota.complete();
  }
}
