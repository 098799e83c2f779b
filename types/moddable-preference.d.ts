/*
 * `preference` (imported as "moddable:preference"). Written by this project.
 * Describes: modules/files/preference/preference.js and modules/files/preference/esp32/modPreference.c
 * (ESP-IDF NVS; manifest modules/files/preference/manifest.json, preloaded).
 *
 * ESP32 limits (NVS): `domain` is the NVS namespace and `key` the NVS key, each at most 15
 * characters. String values are at most 4000 bytes including the terminating NUL. Numbers must be
 * integers (int32; "float unsupported" otherwise). Only ArrayBuffer is accepted as binary (a typed
 * array throws "unsupported type"). Every set and delete commits to flash.
 */
declare module "moddable:preference" {
  export type PreferenceValue = string | boolean | number | ArrayBuffer;

  const Preference: {
    set(domain: string, key: string, value: PreferenceValue): void;
    /** The stored value, or undefined when the domain or key does not exist. */
    get(domain: string, key: string): PreferenceValue | undefined;
    /** Deleting a missing key is not an error. */
    delete(domain: string, key: string): void;
    keys(domain: string): string[];
  };
  export default Preference;
}
