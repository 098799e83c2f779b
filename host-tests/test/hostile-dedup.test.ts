/**
 * #15 dedup sized for the worst channel: T1/C1 at 100 kchip/s carries ≤ ~125 short telegrams/s, so a 30 s window
 * holds ≤ 3 750 distinct telegrams. A repeater copy 29 s after the original with 3 000 other telegrams between
 * must still be a duplicate: one reading.
 */
import { describe, expect, it } from "vitest";
import { DedupWindow } from "../../firmware/gateway/dedup.js";
import { frameA, gatewayWith, radio, spoofFrame } from "../fuzz/hostile-frames.js";

describe("dedup at full channel load", () => {
  it("a repeater copy 29 s later with 3 000 telegrams between → one reading", () => {
    const { gateway, hub, clock } = gatewayWith({ meters: [{ id: "12345678" }] });
    const t0 = clock.now();
    const original = frameA("004493157856341233037A100000000C1312345678");
    const copy = frameA("004493157856341233037A100001000C1312345678"); // TPL CFG H bit set by the repeater
    expect(gateway.handleFrame(radio(original))).toBe("reading");
    for (let i = 0; i < 3000; i++) {
      clock.advanceTo(t0 + Math.floor(((i + 1) * 28_000) / 3000));
      gateway.handleFrame(radio(spoofFrame(0x20000000 + i)));
    }
    clock.advanceTo(t0 + 29_000);
    expect(gateway.handleFrame(radio(copy))).toBe("duplicate");
    expect(hub.readings).toHaveLength(1);
    expect(gateway.stats().duplicates).toBe(1);
  });

  it("holds a full window of a saturated channel (125 telegrams/s × 30 s) in fixed memory", () => {
    const d = new DedupWindow();
    expect(d.capacity).toBeGreaterThanOrEqual(125 * 30);
    const bytes = d.bytes;
    for (let i = 0; i < 3750; i++) expect(d.isDuplicate("T" + i, i * 8)).toBe(false);
    for (let i = 0; i < 3750; i++) expect(d.isDuplicate("T" + i, 29_999)).toBe(true); // the oldest is 29.999 s old
    expect(d.evictedInWindow).toBe(0);
    // then 100 000 more distinct ids: the table never grows and counts what it had to forget inside the window
    for (let i = 0; i < 100_000; i++) d.isDuplicate("U" + i, 30_000 + i);
    expect(d.size).toBeLessThanOrEqual(d.capacity);
    expect(d.bytes).toBe(bytes);
    expect(d.evictedInWindow).toBeGreaterThan(0);
  });

  it("forgets after the window and never confuses ids on a long run", () => {
    const d = new DedupWindow({ windowMs: 1000, capacity: 64 });
    let dups = 0;
    for (let i = 0; i < 200_000; i++) if (d.isDuplicate("id" + i, i * 20)) dups++;
    expect(dups).toBe(0);
    expect(d.isDuplicate("id199999", 199_999 * 20 + 999)).toBe(true);
    expect(d.isDuplicate("id199999", 199_999 * 20 + 1000)).toBe(false);
  });
});
