/*
 * `timer` (imported as "moddable:timer"). Written by this project.
 * Describes: modules/base/timer/timer.js and modules/base/timer/mc/*.c (preloaded by
 * build/devices/esp32/manifest.json). Callbacks run on the JavaScript thread with the timer as their
 * argument. A one-shot timer is freed after it fires; clearing it afterwards is harmless.
 */
declare module "moddable:timer" {
  /** Opaque host object returned by set/repeat (the brand exists only for the type checker). */
  export interface TimerId {
    readonly __brand: "moddable:timer";
  }
  export type TimerCallback = (timer: TimerId) => void;

  const Timer: {
    /** Immediate (no delay), one-shot after `delay` ms, or repeating every `repeat` ms after `delay`. */
    set(callback: TimerCallback, delay?: number, repeat?: number): TimerId;
    /** Repeats every `interval` ms. */
    repeat(callback: TimerCallback, interval: number): TimerId;
    /** Re-arms `timer`; with no delay it is unscheduled (kept, not freed). */
    schedule(timer: TimerId, delay?: number, repeat?: number): void;
    /** Cancels and frees; accepts undefined and null. */
    clear(timer: TimerId | undefined | null): void;
    /** Blocks the JavaScript thread for `ms` milliseconds (use sparingly, e.g. radio reset pulses). */
    delay(ms: number): void;
  };
  export default Timer;
}
