/**
 * Device Clock: `Date.now()`, which follows the system clock that `Time.set()` sets (the SDK's
 * setup/network runs SNTP at boot when `ssid=` is given; the gateway may call SNTP itself).
 * Device only: imports "moddable:time".
 */
import Time from "moddable:time";
import type { Clock } from "../platform/services.js";

/** 2023-01-03T05:01:11Z: the SDK's own "clock looks unset" threshold (build/devices/esp32/setup/network.js). */
export const CLOCK_VALID_AFTER_MS = 1_672_722_071_000;

export class DeviceClock implements Clock {
  now(): number {
    return Date.now();
  }

  /** False until the clock has been set (after boot it counts from 1970). */
  isSet(): boolean {
    return Date.now() > CLOCK_VALID_AFTER_MS;
  }

  /** Sets the system clock, e.g. from an SNTP result in seconds since 1970. */
  setSeconds(seconds: number): void {
    Time.set(seconds);
  }

  /** Monotonic milliseconds since boot; wraps (signed 32-bit), so compare with `elapsedSince`. */
  ticks(): number {
    return Time.ticks;
  }

  /** Milliseconds from an earlier `ticks()` value to now, correct across the wrap. */
  elapsedSince(start: number): number {
    return Time.delta(start);
  }
}
