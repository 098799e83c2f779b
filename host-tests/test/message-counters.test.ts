/**
 * The mode 7 message counters kept across restarts (firmware/gateway/message-counters.ts): every counter handed
 * out is higher than all before it, restarts and failed store writes included, with one store write per
 * reserved block, and hostile stored values are refused without a crash.
 */
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { COUNTER_RESERVE, COUNTERS_KEY, MAX_MCR, MessageCounters } from "../../firmware/gateway/message-counters.js";
import { MemoryKeyValueStore } from "../../firmware/platform/memory-store.js";
import type { KeyValueStore } from "../../firmware/platform/services.js";

/** A store that counts its writes and can be made to fail them (a full or broken flash). */
class CountingStore implements KeyValueStore {
  readonly inner = new MemoryKeyValueStore();
  writes = 0;
  failing = false;
  get(key: string): string | undefined {
    return this.inner.get(key);
  }
  set(key: string, value: string): void {
    if (this.failing) throw new Error("flash write failed");
    this.writes++;
    this.inner.set(key, value);
  }
  delete(key: string): void {
    this.inner.delete(key);
  }
}

describe("MessageCounters", () => {
  it("counts from 1 per meter, writing the store once per reserved block", () => {
    const store = new CountingStore();
    const c = new MessageCounters({ store });
    const got = Array.from({ length: 3 * COUNTER_RESERVE }, () => c.next("11223344"));
    expect(got).toEqual(Array.from({ length: 3 * COUNTER_RESERVE }, (_, i) => i + 1));
    expect(store.writes).toBe(3);
    expect(c.next("55667788")).toBe(1); // another meter has its own counter
    expect(JSON.parse(store.get(COUNTERS_KEY)!)).toEqual({ "11223344": 3 * COUNTER_RESERVE, "55667788": COUNTER_RESERVE });
  });

  it("never hands out a counter twice across restarts, whatever the pattern of commands and restarts", () => {
    fc.assert(
      fc.property(fc.array(fc.record({ meter: fc.constantFrom("a", "b", "c"), restart: fc.boolean(), reserve: fc.integer({ min: 1, max: 8 }) }), { maxLength: 200 }), (steps) => {
        const store = new MemoryKeyValueStore();
        let c = new MessageCounters({ store, reserve: 4 });
        const last = new Map<string, number>();
        for (const s of steps) {
          if (s.restart) c = new MessageCounters({ store, reserve: s.reserve });
          const n = c.next(s.meter);
          expect(n).toBeGreaterThan(last.get(s.meter) ?? 0);
          last.set(s.meter, n);
        }
      }),
    );
  });

  it("a failed store write hands out no counter, and the next one is still new", () => {
    const store = new CountingStore();
    const c = new MessageCounters({ store, reserve: 2 });
    expect([c.next("m"), c.next("m")]).toEqual([1, 2]);
    store.failing = true;
    expect(() => c.next("m")).toThrow(/flash write failed/);
    expect(() => c.next("m")).toThrow(/flash write failed/);
    store.failing = false;
    expect(c.next("m")).toBe(3);
    // a restart after that resumes above the block stored for 3
    expect(new MessageCounters({ store, reserve: 2 }).next("m")).toBe(5);
  });

  it("an unreadable stored value is reported and taken as empty; a readable one is kept for the other meters", () => {
    for (const text of ["{", "[]", "null", '"x"']) {
      const store = new MemoryKeyValueStore();
      store.set(COUNTERS_KEY, text);
      const c = new MessageCounters({ store });
      expect(c.problem).toMatch(/not readable/);
      expect(c.next("m")).toBe(1);
      expect(JSON.parse(store.get(COUNTERS_KEY)!)).toEqual({ m: COUNTER_RESERVE }); // the bad value is replaced
    }
    const store = new MemoryKeyValueStore();
    store.set(COUNTERS_KEY, JSON.stringify({ good: 100, bad: -1, worse: "7", huge: MAX_MCR + 1 }));
    const c = new MessageCounters({ store });
    expect(c.problem).toMatch(/is not a counter/);
    expect(c.next("good")).toBe(101);
    expect(c.next("bad")).toBe(1);
  });

  it("refuses to pass the 32-bit MCR", () => {
    const store = new MemoryKeyValueStore();
    store.set(COUNTERS_KEY, JSON.stringify({ m: MAX_MCR - 1 }));
    const c = new MessageCounters({ store });
    expect(c.next("m")).toBe(MAX_MCR);
    expect(() => c.next("m")).toThrow(/largest value/);
  });

  it("a full table drops meters no longer configured, and refuses a new meter when every one is still kept", () => {
    const store = new MemoryKeyValueStore();
    const configured = new Set(["a", "b"]);
    const c = new MessageCounters({ store, maxMeters: 2, isKept: (id) => configured.has(id) });
    expect([c.next("a"), c.next("b")]).toEqual([1, 1]);
    expect(() => c.next("x")).toThrow(/no room/);
    configured.delete("a");
    expect(c.next("x")).toBe(1);
    expect(Object.keys(JSON.parse(store.get(COUNTERS_KEY)!)).sort()).toEqual(["b", "x"]);
    expect(c.next("b")).toBe(2);
  });
});
