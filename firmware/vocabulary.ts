/**
 * The shared vocabulary: types every layer uses, at the bottom of the import graph (it imports nothing).
 * A module in any firmware folder may import this file; it never imports a firmware folder.
 */

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
