/**
 * Duty-cycle budget of the 868 MHz SRD sub-bands a wM-Bus repeater sends in (docs/repeater.md).
 *
 * Numbers (ERC/REC 70-03 Annex 1, as harmonised by Commission Decision (EU) 2017/1483 and EN 300 220-2;
 * restated in docs/repeater.md):
 *   - 868.000–868.600 MHz (S1 at 868.30 MHz): 25 mW e.r.p., duty cycle ≤ 1 %;
 *   - 868.700–869.200 MHz (T1 and C1 at 868.95 MHz): 25 mW e.r.p., duty cycle ≤ 0.1 %;
 * unless the device uses LBT + AFA, which this repeater does not. The duty cycle is Σ Ton / Tobs with Tobs a
 * continuous one-hour period (ERC/REC 70-03 "duty cycle categories"), so the budget is 3.6 s of airtime per
 * rolling hour at 868.95 MHz and 36 s at 868.3 MHz.
 *
 * Time on air: preamble + sync + body chips at the mode's chip rate (EN 13757-4: T and C 100 kcps, S 32.768
 * kcps; T 3-of-6 = 12 chips per byte, S Manchester 16, C NRZ 8 plus the 16-chip format word).
 */
import type { FrameFormat, PhyMode } from "../phy/sync.js";
import { SYNC } from "../phy/sync.js";

export type SubBand = "868.0-868.6" | "868.7-869.2";

/** The sub-band a mode's channel lies in. */
export function subBandOf(mode: PhyMode): SubBand {
  return mode === "S" ? "868.0-868.6" : "868.7-869.2";
}

/** Maximum duty cycle per sub-band (fraction). */
const DUTY_CYCLE_LIMIT: Readonly<Record<SubBand, number>> = Object.freeze({ "868.0-868.6": 0.01, "868.7-869.2": 0.001 });
/** Observation period Tobs. */
const DUTY_CYCLE_WINDOW_MS = 3_600_000;

const CHIP_RATE: Readonly<Record<PhyMode, number>> = Object.freeze({ T: 100_000, C: 100_000, S: 32_768 });
const CHIPS_PER_BYTE: Readonly<Record<PhyMode, number>> = Object.freeze({ T: 12, C: 8, S: 16 });
/** Postamble chips sent after the frame (EN 13757-4: 2..8 chips; we count the longest). */
const POSTAMBLE_CHIPS = 8;

/** Time on air of one frame (`length` bytes incl. L and CRCs) in ms, with the mode's minimum preamble. */
export function airtimeMs(mode: PhyMode, format: FrameFormat, length: number): number {
  const s = SYNC[mode];
  const chips = 2 * s.minPreamblePairs + s.syncChips + (mode === "C" ? 16 : 0) + length * CHIPS_PER_BYTE[mode] + POSTAMBLE_CHIPS;
  void format; // both formats send the same chips per byte; the format word is counted above
  return (chips * 1000) / CHIP_RATE[mode];
}

/** Airtime used per sub-band over the last hour; refuses what would exceed the limit. */
export class DutyCycleBudget {
  readonly #limit: Record<SubBand, number>;
  readonly #window: number;
  /** Per sub-band: [start ms, airtime ms] of each transmission within the window, oldest first. */
  readonly #used: Record<SubBand, [number, number][]> = { "868.0-868.6": [], "868.7-869.2": [] };

  constructor(o: { limits?: Partial<Record<SubBand, number>>; windowMs?: number } = {}) {
    this.#limit = { ...DUTY_CYCLE_LIMIT, ...(o.limits ?? {}) };
    this.#window = o.windowMs ?? DUTY_CYCLE_WINDOW_MS;
  }

  /** Airtime (ms) used in `band` in the window ending at `now`. */
  used(band: SubBand, now: number): number {
    const list = this.#used[band];
    while (list.length && list[0][0] <= now - this.#window) list.shift();
    let sum = 0;
    for (const [, ms] of list) sum += ms;
    return sum;
  }

  /** Airtime allowed per window in `band`. */
  budget(band: SubBand): number {
    return this.#limit[band] * this.#window;
  }

  /** True when `airtime` more ms in `band` at `now` stays within the limit. */
  allows(band: SubBand, now: number, airtime: number): boolean {
    return this.used(band, now) + airtime <= this.budget(band);
  }

  record(band: SubBand, now: number, airtime: number): void {
    this.#used[band].push([now, airtime]);
  }
}
