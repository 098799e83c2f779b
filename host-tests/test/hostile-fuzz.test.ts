/**
 * #15 the fixed-seed slice of `npm run fuzz` (host-tests/fuzz/fuzz-core.ts): mutated corpus telegrams and random
 * bytes through decoder (with and without keys), readings and gateway; every input ends in a counted outcome
 * and none escapes as an exception. The full run (1 000 000 inputs) and its figures: docs/reliability.md.
 */
import { describe, expect, it } from "vitest";
import { runFuzz } from "../fuzz/fuzz-core.js";

describe("fuzz slice", () => {
  it("5 000 inputs, seed 1: no crash, every input counted at each stage", () => {
    const res = runFuzz({ seed: 1, count: 5000 });
    expect(res.crashes).toEqual([]);
    const sum = (prefix: string) => [...res.outcomes].filter(([k]) => k.startsWith(prefix)).reduce((a, [, n]) => a + n, 0);
    expect(sum("decode:")).toBe(5000);
    expect(sum("reading:")).toBe(5000);
    expect(sum("gateway:")).toBeGreaterThan(4000); // inputs of ≥ 10 bytes that fit a frame
    // the mutations reach deep: decoded telegrams, readings and refusals all occur
    for (const k of ["decode:ok", "decode:no_key", "decode:wrong_key", "decode:truncated", "gateway:reading", "gateway:unknown_meter", "gateway:decode_error"]) {
      expect(res.outcomes.get(k) ?? 0, k).toBeGreaterThan(0);
    }
  }, 60_000);
});
