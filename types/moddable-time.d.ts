/*
 * `time` (imported as "moddable:time"). Written by this project.
 * Describes: modules/base/time/time.js and modules/base/time/esp/*.c (preloaded by
 * build/devices/esp32/manifest.json).
 */
declare module "moddable:time" {
  const Time: {
    /** Sets the system clock (seconds since 1970); `Date.now()` follows it. */
    set(seconds: number): void;
    /** Milliseconds since boot: a signed 32-bit value that wraps; compare only with `delta`. */
    readonly ticks: number;
    /**
     * Microseconds since boot (esp_timer_get_time on ESP32), a non-wrapping double; only when the project
     * includes $(MODDABLE)/modules/base/microseconds/manifest.json (modules/base/microseconds/microseconds.js).
     */
    readonly microseconds?: number;
    /** `end - start` in ms, correct across the wrap of `ticks`; `end` defaults to now. */
    delta(start: number, end?: number): number;
    /** Offset from UTC in seconds (used by local-time Date methods only). */
    timezone: number;
    /** Daylight saving offset in seconds. */
    dst: number;
  };
  export default Time;
}
