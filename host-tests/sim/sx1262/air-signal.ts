/**
 * What the SX1262 model hears: one transmission as the air model delivers it to a receiver, chips already
 * line coded (phy/on-air.ts) and already corrupted by the channel (bit errors). Overlapping transmissions are
 * separate signals; the chip decides which one it locks on and corrupts the bytes others overlap.
 */
export interface AirSignal {
  /** Simulated time in µs when the first chip starts. */
  startUs: number;
  /** Chips per second (100 000 for T/C, 32 768 for S). */
  chipRate: number;
  /** Carrier frequency in Hz. */
  frequencyHz: number;
  /** FSK deviation in Hz. */
  deviationHz: number;
  /** Received power at this receiver in dBm. */
  rssiDbm: number;
  /** Packed chips, first chip in bit 7 of byte 0. */
  chips: Uint8Array;
  chipCount: number;
}

export function signalEndUs(s: AirSignal): number {
  return s.startUs + (s.chipCount * 1e6) / s.chipRate;
}

/** Time at which chip index `i` starts (equivalently: chips before `i` have been received). */
export function chipTimeUs(s: AirSignal, i: number): number {
  return s.startUs + (i * 1e6) / s.chipRate;
}

export function chipAt(s: AirSignal, i: number): number {
  return (s.chips[i >> 3] >> (7 - (i & 7))) & 1;
}
