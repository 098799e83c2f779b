/**
 * The radio driver's timers on the device (firmware/radio/radio.ts RadioTimers): Moddable `Timer` for
 * callbacks, `Time.microseconds` (esp_timer, 64-bit since boot, never wraps) for the clock and for short
 * busy-waits (SX1262 reset pulse and BUSY polling, CC1101 SRES settling: tens to hundreds of µs).
 * Device only: imports Moddable modules; the manifest includes modules/base/microseconds.
 */
import Time from "moddable:time";
import Timer, { type TimerId } from "moddable:timer";
import type { RadioTimers } from "../vocabulary.js";

/** Microseconds since boot; without the microseconds module, Time.ticks (ms, wraps after ~24 days). */
function micros(): number {
  const us = Time.microseconds;
  return us !== undefined ? us : Time.ticks * 1000;
}

export const deviceRadioTimers: RadioTimers = {
  ticks: () => micros() / 1000,
  set: (callback, ms) => Timer.set(() => callback(), Math.max(0, ms)),
  clear: (handle) => Timer.clear(handle as TimerId | undefined),
  delayMicros: (us) => {
    if (Time.microseconds === undefined) {
      Timer.delay(Math.ceil(us / 1000)); // ms granularity: longer than asked, never shorter
      return;
    }
    const end = micros() + us;
    while (micros() < end) {
      // busy-wait: the chip needs less time than a Timer tick (1 ms)
    }
  },
};
