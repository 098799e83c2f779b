/**
 * The shared vocabulary: types every layer uses, at the bottom of the import graph (it imports nothing).
 * A module in any firmware folder may import this file; it never imports a firmware folder.
 */

/** wM-Bus physical modes a receiver hears: T1, C1, S1 (EN 13757-4 §6–§8). */
export type PhyMode = "T" | "C" | "S";

/** DLL frame format: A (CRC per block of 10/16 bytes) or B (one or two CRCs), EN 13757-4 §5.2. */
export type FrameFormat = "A" | "B";

/** What a receiver listens to: T1 and C1 together (one sync word family), or S1. */
export type RadioListen = "TC" | "S";

/** The radio chips the gateway drives. */
export type RadioKind = "sx1262" | "cc1101";

/** Who a meter is: its 8-digit id (as `link/dll.ts` prints it) and its three-letter manufacturer code. */
export interface MeterIdentity {
  readonly id: string;
  readonly manufacturer: string;
}

/**
 * Where keys come from. One provider is injected once (into the decoder, and through it into the readings)
 * and answers for every use of a key: OMS security (ELL, TPL mode 5/7) and manufacturer-specific decryption
 * in the readings (e.g. Apator NA-1). Implemented by `security/key-store.ts` (the gateway's configured keys)
 * and `security/key-store.ts` `singleKey` (one key given for one telegram, as on the CLI).
 */
export interface KeyProvider {
  /**
   * A fresh copy of the meter's 16-byte AES-128 key, which the caller wipes after use, or undefined when no key
   * is configured. Throws WmbusError "bad_key" when a key was given for the meter but is malformed.
   */
  keyFor(meter: MeterIdentity): Uint8Array | undefined;
}

/**
 * Counts the two passes over a frame that should each happen once per frame (issue 13: "strip once, carry
 * forward"): DLL CRC checks-and-strips, and CI-chain walks. Injected by a test or a bench; production code
 * passes none.
 */
export interface PassCounter {
  crcStrips: number;
  chainWalks: number;
}

/**
 * The one time service: a monotonic clock for intervals and timeouts, the wall clock for time stamps, and timers.
 * Each layer takes the part it needs (`Pick<TimeService, …>`): the gateway the wall clock, the supervisor ticks
 * and repeat timers, the uplinks one-shot timers. Device: device/time.ts; host: the simulators' schedulers.
 */
export interface TimeService {
  /** Monotonic milliseconds since an arbitrary origin (may be fractional); never wraps, never jumps. */
  ticks(): number;
  /** Wall-clock milliseconds since 1970-01-01T00:00:00Z (on the device meaningless until SNTP has run). */
  now(): number;
  /** Calls `callback` once after `ms`; returns a handle for `clear`. */
  set(callback: () => void, ms: number): unknown;
  /** Calls `callback` every `ms`; returns a handle for `clear`. */
  repeat(callback: () => void, ms: number): unknown;
  clear(handle: unknown): void;
}

/**
 * What a radio driver needs of the time service: one-shot timers, the monotonic clock (`ticks`, ms, may be
 * fractional) and a short busy-wait in µs (reset pulses, BUSY polling; a simulator advances its time instead).
 */
export interface RadioTimers extends Pick<TimeService, "ticks" | "set" | "clear"> {
  delayMicros(us: number): void;
}
