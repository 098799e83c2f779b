/**
 * The services that differ between the device and the host, as interfaces. Core modules import
 * only these types and receive an implementation from the caller; nothing here imports Node or
 * Moddable, so this file is safe everywhere (host, xsnap, device preload).
 *
 * Device implementations (Moddable SDK, never run on the host):
 *   - BlockCipher   -> ./aes-crypt.ts          (`crypt` BlockCipher "AES", native C)
 *   - TimeService   -> ./time.ts               (Time.microseconds, Date, Timer; the wall clock set by SNTP, ./clock.ts)
 *   - KeyValueStore -> ./storage-preference.ts (`preference`, ESP-IDF NVS)
 * Host / test implementations: ./memory-store.ts, host/aes-node.ts, host-tests/support/aes-noble.ts.
 */

import type { TimeService } from "../vocabulary.js";
export type { TimeService } from "../vocabulary.js";

/** AES-128 single-block primitive; defined by the security layer, re-exported here. */
export type { BlockCipher } from "../security/block-cipher.js";

/** The wall-clock part of the time service (firmware/vocabulary.ts TimeService.now). */
export type Clock = Pick<TimeService, "now">;

/**
 * A small persistent string map for settings and keys (not for data written often: on the device
 * every set/delete is a flash write). Keys are any non-empty string; values any string.
 */
export interface KeyValueStore {
  /** The stored value, or undefined when `key` is absent. */
  get(key: string): string | undefined;
  /** Stores `value` under `key`, replacing any earlier value. */
  set(key: string, value: string): void;
  /** Removes `key`; removing an absent key is not an error. */
  delete(key: string): void;
}
