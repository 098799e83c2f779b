/**
 * The device's time service (firmware/vocabulary.ts TimeService). Device only: imports Moddable modules.
 *   ticks  `Time.microseconds` (esp_timer, 64-bit µs since boot, never wraps) in ms; without the microseconds
 *          module, `Time.ticks` unwrapped from its signed 32-bit range by accumulating deltas.
 *   now    `Date.now()`, the system clock SNTP sets (./clock.ts sets it).
 *   set / repeat / clear   Moddable `Timer`.
 */
import Time from "moddable:time";
import Timer, { type TimerId } from "moddable:timer";
import type { TimeService } from "../vocabulary.js";

/** Time.ticks is a wrapping signed 32-bit ms count: accumulate wrap-safe deltas into a monotonic value. */
function unwrappedTicks(): () => number {
  let last = Time.ticks;
  let total = 0;
  return () => {
    const t = Time.ticks;
    total += (t - last) | 0;
    last = t;
    return total;
  };
}

export function createDeviceTime(): TimeService {
  const fallback = unwrappedTicks();
  return {
    ticks: () => {
      const us = Time.microseconds;
      return us !== undefined ? us / 1000 : fallback();
    },
    now: () => Date.now(),
    set: (callback, ms) => Timer.set(() => callback(), Math.max(0, ms)),
    repeat: (callback, ms) => Timer.repeat(() => callback(), ms),
    clear: (handle) => Timer.clear(handle as TimerId | undefined),
  };
}
