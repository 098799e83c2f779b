/**
 * #15 counted loss: buffer records failing their check at start-up (a write torn by a power cut, a corrupted
 * byte) are counted in `dropped`, once, and the count survives restarts.
 */
import { describe, expect, it } from "vitest";
import { MemoryBlockStorage } from "../../firmware/uplink/block-storage.js";
import { RecordRing } from "../../firmware/uplink/ring-buffer.js";

const text = (s: string) => new TextEncoder().encode(s);
const AREA = 24; // two 12-byte commit slots, then the records (ring-buffer.ts layout)

describe("ring buffer losses are counted", () => {
  it("a corrupted pending record is dropped and counted at start-up, once", () => {
    const st = new MemoryBlockStorage(4096);
    const ring = RecordRing.open(st);
    ring.append(text("one")); // record = 10 + 3 bytes
    ring.append(text("two"));
    ring.append(text("three"));
    st.bytes[AREA + 13 + 8] ^= 0x01; // a payload byte of the second record
    const again = RecordRing.open(st);
    expect(again.peek(10).map((r) => new TextDecoder().decode(r.payload))).toEqual(["one", "three"]);
    expect(again.stats().dropped).toBe(1);
    expect(RecordRing.open(st).stats().dropped).toBe(1); // counted once, persisted
  });

  it("a write torn by a power cut is counted", () => {
    const st = new MemoryBlockStorage(4096);
    const ring = RecordRing.open(st);
    ring.append(text("one"));
    const full = new MemoryBlockStorage(4096);
    full.bytes.set(st.bytes);
    RecordRing.open(full).append(text("second record"));
    // the power cut: only the first 12 bytes of the second record reached storage
    st.bytes.set(full.bytes.subarray(AREA + 13, AREA + 13 + 12), AREA + 13);
    const after = RecordRing.open(st);
    expect(after.pending).toBe(1);
    expect(after.stats().dropped).toBe(1);
  });

  it("acknowledged records that decay are not losses", () => {
    const st = new MemoryBlockStorage(4096);
    const ring = RecordRing.open(st);
    ring.append(text("one"));
    ring.ack(ring.append(text("two")));
    st.bytes[AREA + 8] ^= 0x01;
    expect(RecordRing.open(st).stats().dropped).toBe(0);
  });

  it("a record found corrupted when read is counted once across restarts", () => {
    const st = new MemoryBlockStorage(4096);
    const ring = RecordRing.open(st);
    ring.append(text("one"));
    ring.append(text("two"));
    st.bytes[AREA + 8] ^= 0x01;
    expect(ring.peek(10)).toHaveLength(1);
    expect(ring.stats().dropped).toBe(1);
    expect(RecordRing.open(st).stats().dropped).toBe(1);
  });
});

describe("dedup evictions are shown", () => {
  it("a dedup table too small for the channel counts what it forgot in the gateway stats", async () => {
    const { Gateway } = await import("../../firmware/gateway/gateway.js");
    const { parseConfig } = await import("../../firmware/gateway/config.js");
    const { MemoryHub } = await import("../../host/gateway-memory-hub.js");
    const { SimClock } = await import("../sim/gateway-runner.js");
    const { radio, spoofFrame } = await import("../fuzz/hostile-frames.js");
    const clock = new SimClock(0);
    const g = new Gateway({ config: parseConfig({}).config, clock, hub: new MemoryHub(0), dedup: { capacity: 16 } });
    for (let i = 0; i < 40; i++) g.handleFrame(radio(spoofFrame(0x30000000 + i)));
    expect(g.stats().dedupEvicted).toBe(24);
    expect(g.status().stats).toMatchObject({ dedupEvicted: 24 });
  });
});
