/**
 * The offline buffer ring (firmware/uplink/ring-buffer.ts): fill/drain, wrap, drop-oldest, torn
 * writes at every byte offset, reopen after a reboot, order and exactly-once.
 */
import { describe, expect, it } from "vitest";
import { MemoryBlockStorage, type BlockStorage } from "../../firmware/uplink/block-storage.js";
import { RecordRing } from "../../firmware/uplink/ring-buffer.js";

const enc = new TextEncoder();
const dec = new TextDecoder();
const text = (n: number, pad = 20) => enc.encode(`reading-${n}-`.padEnd(pad, "x"));
const num = (p: Uint8Array) => Number(/^reading-(\d+)-/.exec(dec.decode(p))![1]);

/** Storage that loses power after `budget` more bytes: the write in progress stops there. */
class PowerCutStorage implements BlockStorage {
  budget = Infinity;
  constructor(readonly inner: MemoryBlockStorage) {}
  get size() {
    return this.inner.size;
  }
  read(offset: number, length: number) {
    return this.inner.read(offset, length);
  }
  write(offset: number, data: Uint8Array) {
    if (data.length <= this.budget) {
      this.budget -= data.length;
      this.inner.write(offset, data);
      return;
    }
    this.inner.write(offset, data.subarray(0, this.budget));
    this.budget = 0;
    throw new Error("power cut");
  }
}

/** Drains the ring in batches, acknowledging each, and returns the payload numbers in order. */
function drain(ring: RecordRing, batch = 3): number[] {
  const out: number[] = [];
  for (;;) {
    const recs = ring.peek(batch);
    if (recs.length === 0) return out;
    out.push(...recs.map((r) => num(r.payload)));
    ring.ack(recs[recs.length - 1].seq);
  }
}

describe("RecordRing", () => {
  it("fills and drains in order, each record once, and stays empty after reopen", () => {
    const mem = new MemoryBlockStorage(1024);
    const ring = RecordRing.open(mem);
    for (let i = 0; i < 20; i++) ring.append(text(i));
    expect(ring.pending).toBe(20);
    expect(drain(ring)).toEqual([...Array(20).keys()]);
    expect(RecordRing.open(mem).pending).toBe(0);
  });

  it("assigns increasing sequence numbers that continue after a reopen", () => {
    const mem = new MemoryBlockStorage(512);
    const ring = RecordRing.open(mem);
    const a = ring.append(text(1));
    const b = ring.append(text(2));
    ring.ack(b);
    const again = RecordRing.open(mem);
    expect(again.append(text(3))).toBe(b + 1);
    expect(b).toBe(a + 1);
  });

  it("wraps around the area many times without losing or repeating records", () => {
    const mem = new MemoryBlockStorage(300);
    let ring = RecordRing.open(mem);
    const seen: number[] = [];
    let n = 0;
    for (let round = 0; round < 60; round++) {
      const k = 1 + (round % 4);
      for (let i = 0; i < k; i++) ring.append(text(n++, 15 + ((n * 7) % 23)));
      if (round % 5 === 0) ring = RecordRing.open(mem); // reboot now and then
      seen.push(...drain(ring, 2));
    }
    expect(seen).toEqual([...Array(n).keys()]);
    expect(ring.stats().dropped).toBe(0);
  });

  it("drops the oldest records when full and counts them (also after reopen)", () => {
    const mem = new MemoryBlockStorage(24 + 10 * 30);
    const ring = RecordRing.open(mem);
    for (let i = 0; i < 25; i++) ring.append(text(i, 20)); // 30 bytes each: 10 fit
    const st = ring.stats();
    expect(st.pending).toBe(10);
    expect(st.dropped).toBe(15);
    const reopened = RecordRing.open(mem);
    expect(reopened.stats().dropped).toBe(15);
    expect(drain(reopened)).toEqual([...Array(10).keys()].map((i) => i + 15));
  });

  it("wraps to the start when a record does not fit before the end, dropping only pending records it overwrites", () => {
    const mem = new MemoryBlockStorage(24 + 100);
    const ring = RecordRing.open(mem);
    // 3 records of 30 bytes at 0, 30, 60; the 4th (30) does not fit in the last 10 → wraps to 0.
    for (let i = 0; i < 3; i++) ring.append(text(i, 20));
    ring.append(text(3, 20));
    expect(drain(RecordRing.open(mem))).toEqual([1, 2, 3]);
    // Overwriting delivered records drops nothing; overwriting pending ones drops the oldest.
    const mem2 = new MemoryBlockStorage(24 + 100);
    const r2 = RecordRing.open(mem2);
    for (let i = 0; i < 4; i++) r2.append(text(i, 15)); // 25 bytes each: fills 0..100
    r2.ack(2); // records 0 and 1 (seq 1, 2) delivered
    r2.append(text(4, 15)); // wraps to 0 over delivered record 0: nothing dropped
    r2.append(text(5, 15)); // over delivered record 1: nothing dropped
    expect(r2.stats().dropped).toBe(0);
    r2.append(text(6, 40)); // 50 bytes at 50: drops records 2 and 3 (the oldest)
    expect(r2.stats().dropped).toBe(2);
    expect(drain(RecordRing.open(mem2))).toEqual([4, 5, 6]);
  });

  it("erases the oldest records left before the end when wrapping, so they never come back", () => {
    const mem = new MemoryBlockStorage(24 + 100);
    const ring = RecordRing.open(mem);
    ring.append(text(0, 50)); // 60 bytes at 0
    ring.append(text(1, 20)); // 30 bytes at 60 (ends at 90)
    ring.ack(1); // record 0 delivered
    ring.append(text(2, 40)); // 50 bytes: does not fit at 90 → wraps to 0 (over delivered 0)
    // record 1 (at 60) is now the oldest pending; the next write at 50 overlaps it → dropped.
    ring.append(text(3, 20));
    expect(ring.stats().dropped).toBe(1);
    expect(drain(RecordRing.open(mem))).toEqual([2, 3]);
  });

  it("survives a power cut at every byte of an append: old records intact, the new one all or nothing", () => {
    const base = new MemoryBlockStorage(24 + 120);
    const setup = RecordRing.open(base);
    for (let i = 0; i < 3; i++) setup.append(text(i, 20)); // 0..90
    setup.ack(1);
    const rec = text(3, 30); // 40 bytes: wraps to 0, over delivered record 0 and part of record 1
    // The append first commits the drop of record 1 (12 bytes), then writes the 40-byte record.
    const COMMIT = 12;
    for (let cut = 0; cut <= COMMIT + 40; cut++) {
      const mem = new MemoryBlockStorage(base.size);
      mem.bytes.set(base.bytes);
      const storage = new PowerCutStorage(mem);
      const ring = RecordRing.open(storage);
      storage.budget = cut;
      let completed = true;
      try {
        ring.append(rec);
      } catch {
        completed = false;
      }
      expect(completed, `cut ${cut}`).toBe(cut >= COMMIT + 40);
      const after = RecordRing.open(mem);
      const got = drain(after, 10);
      // Record 1 starts at byte 30 of the area: it survives unless the cut write reached it.
      const expected = completed ? [2, 3] : cut - COMMIT > 30 ? [2] : [1, 2];
      expect(got, `cut ${cut}`).toEqual(expected);
      // The ring keeps working after the reboot, in order.
      after.append(text(9, 20));
      expect(drain(RecordRing.open(mem)), `cut ${cut}`).toEqual([9]);
    }
  });

  it("survives a power cut while acknowledging: the ack is kept or the records come again, never lost", () => {
    for (let cut = 0; cut <= 12; cut++) {
      const mem = new MemoryBlockStorage(512);
      const storage = new PowerCutStorage(mem);
      const ring = RecordRing.open(storage);
      for (let i = 0; i < 5; i++) ring.append(text(i));
      ring.ack(2);
      storage.budget = cut;
      let completed = true;
      try {
        ring.ack(4);
      } catch {
        completed = false;
      }
      const got = drain(RecordRing.open(mem));
      expect(got, `cut ${cut}`).toEqual(completed ? [4] : [2, 3, 4]);
    }
  });

  it("drops and counts a pending record corrupted after it was written, never returning it", () => {
    const mem = new MemoryBlockStorage(512);
    const ring = RecordRing.open(mem);
    for (let i = 0; i < 3; i++) ring.append(text(i));
    mem.bytes[24 + 30 + 12] ^= 0x40; // a payload byte of the second record (records are 30 bytes)
    expect(drain(ring)).toEqual([0, 2]);
    expect(ring.stats().dropped).toBe(1);
  });

  it("ignores garbage and rejects records larger than the area", () => {
    const mem = new MemoryBlockStorage(256);
    for (let i = 0; i < 256; i++) mem.bytes[i] = (i * 131 + 7) & 0xff;
    const ring = RecordRing.open(mem);
    expect(ring.pending).toBe(0);
    expect(() => ring.append(new Uint8Array(ring.maxPayload + 1))).toThrow(/exceeds/);
    ring.append(text(1));
    expect(drain(RecordRing.open(mem))).toEqual([1]);
  });
});
