/**
 * What a radio must send for one frame in one link mode (EN 13757-4; docs/radio.md "Transmit"): carrier, chip
 * rate, FSK deviation, and the chip stream of phy/on-air.ts split the way a packet radio sends it:
 *
 *   [preamble bytes the radio makes itself] [16-chip sync word from its sync register] [payload from its FIFO]
 *
 * The chip stream (n × `01`, the mode's sync, the coded frame, postamble) is byte aligned for every mode: T
 * 38 + 10 chips of preamble and sync, 12 per byte and a 4- or 8-chip postamble; C 32 + 16 + 16, 8 per byte, 8;
 * S 2·n + 18 with n = 15 or 279, 16 per byte, 8. Its first ⌊2n / 8⌋ bytes are whole `01010101` preamble bytes.
 * The radio makes `preambleBytes` of them (CC1101 NUM_PREAMBLE can only be 2, 3, 4, 6, 8, 12, 16 or 24 bytes:
 * the driver picks the largest that fits); the next two chip bytes become the sync word, everything after is
 * payload. So T (19 pairs) is 4 preamble bytes + sync 0x543D + 3-of-6 frame; C is 4 + 0x543D + `54 CD`/`54 3D`
 * + NRZ frame; S2 / T2 downlink (15 pairs) is 3 + 0x5476 + `96` + Manchester frame (the S sync
 * `000111011010010110` preceded by `010101` reads 0x547696); S1 (279 pairs) with a 24-byte radio preamble
 * sends sync 0x5555 and the remaining 43 preamble bytes from the FIFO.
 *
 * A radio's own preamble may start with `1` (the CC1101's is `1010…`, SWRS061 §15.2): the chips stay
 * alternating except at the one junction with the sync word, which a receiver searching for the 16-bit sync
 * word does not see.
 *
 * Deviation (nominal, EN 13757-4 mode tables as restated in docs/protocol.md §1.1 and docs/bidirectional.md):
 * S and T ±50 kHz, C meter→other ±45 kHz, C other→meter ±25 kHz. Frequencies and chip rates: phy/modes.ts.
 */
import { fail } from "../errors.js";
import type { FrameFormat } from "../vocabulary.js";
import { linkMode, type LinkModeName } from "./modes.js";
import { encodeOnAir } from "./on-air.js";

/** Nominal FSK deviation of the transmitter per link mode, Hz (docs/radio.md "Transmit"). */
export function txDeviationHz(mode: LinkModeName): number {
  if (mode === "C2-down") return 25_000;
  if (mode === "C1" || mode === "C2") return 45_000;
  return 50_000;
}

export interface TxPlan {
  mode: LinkModeName;
  frequencyHz: number;
  chipRate: number;
  deviationHz: number;
  /** Alternating-chip bytes the radio generates before its sync word. */
  preambleBytes: number;
  /** The 16 chips after them (first chip = bit 15): the radio's sync word. */
  syncWord: number;
  /** Everything after the sync word, 8 chips a byte, first chip in bit 7: what the radio's FIFO sends. */
  payload: Uint8Array;
  /** Whole chip stream length and its time on air at the nominal chip rate. */
  chipCount: number;
  airtimeUs: number;
}

/**
 * The transmission of `frame` (L first, DLL CRCs of `format` included) in `mode`. `radioPreamble(n)` returns
 * how many of the n whole preamble bytes the radio makes itself (at most n, at least 1).
 */
export function planTransmission(mode: LinkModeName, format: FrameFormat, frame: Uint8Array, radioPreamble: (wholeBytes: number) => number): TxPlan {
  const m = linkMode(mode);
  if (!m.formats.includes(format)) fail("bad_argument", `mode ${mode} has no frame format ${format}`);
  if (frame.length < 10 || frame.length > 290) fail("bad_length", `frame of ${frame.length} bytes: 10..290 expected`);
  const pairs = m.minPreamblePairs ?? 16;
  const air = encodeOnAir(m.phy, format, frame, { preamblePairs: pairs });
  if (air.chipCount % 8 !== 0) fail("bad_length", `mode ${mode}: ${air.chipCount} chips are not byte aligned`);
  const whole = (2 * pairs) >> 3;
  const pre = radioPreamble(whole);
  if (!Number.isInteger(pre) || pre < 1 || pre > whole) fail("bad_argument", `radio preamble of ${pre} bytes: 1..${whole}`);
  const bytes = air.chips;
  return {
    mode,
    frequencyHz: m.frequencyHz,
    chipRate: m.chipRate,
    deviationHz: txDeviationHz(mode),
    preambleBytes: pre,
    syncWord: (bytes[pre] << 8) | bytes[pre + 1],
    payload: bytes.slice(pre + 2),
    chipCount: air.chipCount,
    airtimeUs: Math.round((air.chipCount * 1_000_000) / m.chipRate),
  };
}
