/**
 * #15 soak slice (host-tests/fuzz/soak.ts; the script runs 24 h): the simulated building for 30 simulated
 * minutes with flipped bits, spoofed TPL ids and replays of encrypted meters sprinkled in. Every telegram of a
 * configured meter heard intact gives exactly one reading, and every frame ends in exactly one counter.
 */
import { describe, expect, it } from "vitest";
import { runSoak } from "../fuzz/soak.js";

describe("soak slice", () => {
  it("30 simulated minutes with faults: every reading once, counters add up", () => {
    const r = runSoak(0.5, 3);
    expect(r.expectedReadings).toBeGreaterThan(1000);
    expect(r.readings).toBe(r.expectedReadings);
    expect(r.missing).toBe(0);
    expect(r.uncounted).toBe(0);
    expect(r.faults.flipped + r.faults.spoofed + r.faults.replayed).toBeGreaterThan(50);
    expect(r.stats.badFrames).toBe(r.faults.flipped);
  }, 120_000);
});
