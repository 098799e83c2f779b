/**
 * #15 power loss: writes to the uplink buffer torn at random points, with restarts (host-tests/fuzz/power-loss.ts).
 * Nothing invented, every loss counted in `dropped`, `dropped` not inflated.
 */
import { describe, expect, it } from "vitest";
import { powerLossRun } from "../fuzz/power-loss.js";

describe("power loss on the uplink buffer", () => {
  for (const seed of [1, 2, 3]) {
    it(`seed ${seed}: 400 torn writes and restarts keep the ring consistent and its losses counted`, () => {
      const r = powerLossRun(seed, 400);
      expect(r.violations).toEqual([]);
      expect(r.appended).toBeGreaterThan(1000);
      expect(r.delivered).toBeGreaterThan(100);
      expect(r.tornWrites).toBe(400);
    });
  }
});
