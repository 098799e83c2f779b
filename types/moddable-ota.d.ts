/*
 * `ota` (imported as "moddable:ota"). Written by this project.
 * Describes: build/devices/esp32/modules/ota/ota.js and ota.c (manifest
 * build/devices/esp32/modules/ota/manifest.json, preloaded; ESP32 only).
 *
 * Facts from ota.c: the constructor calls esp_ota_get_next_update_partition and esp_ota_begin with
 * OTA_WITH_SEQUENTIAL_WRITES (erase as it goes; the dictionary argument is not read) and throws
 * "no update parition" / "begin failed"; write() takes any readable buffer (ArrayBuffer or view) and
 * calls esp_ota_write ("write failed"); cancel() ends the handle without switching; complete() calls
 * esp_ota_end (which validates the image) and esp_ota_set_boot_partition, throwing "bad state",
 * "end failed" or "can't change boot partition". The partition table must have two app slots
 * (ota_0/ota_1) and otadata.
 */
declare module "moddable:ota" {
  export default class OTA {
    constructor(options?: { byteLength?: number });
    write(data: ArrayBuffer | ArrayBufferView): void;
    cancel(): void;
    complete(): void;
  }
}
