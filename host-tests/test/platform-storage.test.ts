/**
 * firmware/device/storage-preference.ts against a fake `preference` module that enforces the
 * ESP32 NVS limits the real one has (modules/files/preference/esp32/modPreference.c + ESP-IDF NVS):
 * namespace and key names of at most 15 characters, strings of at most 4000 bytes with their NUL.
 * The fake can also "lose power" after a given number of writes.
 */
import { beforeEach, describe, expect, it, vi } from "vitest";

const nvs = vi.hoisted(() => {
  const state = {
    data: new Map<string, string | number | boolean | ArrayBuffer>(),
    writes: 0,
    /** Throw on the write with this number (simulated power cut); 0 = never. */
    cutAt: 0,
  };
  const utf8 = (s: string) => new TextEncoder().encode(s).length;
  const name = (domain: string, key: string) => {
    if (domain.length > 15 || key.length > 15 || domain.length === 0 || key.length === 0) throw new Error("nvs name too long");
    return domain + "\u0001" + key;
  };
  const write = () => {
    state.writes++;
    if (state.cutAt && state.writes >= state.cutAt) throw new Error("power cut");
  };
  const Preference = {
    set(domain: string, key: string, value: string | number | boolean | ArrayBuffer) {
      const n = name(domain, key);
      if (typeof value === "string" && utf8(value) + 1 > 4000) throw new Error("nvs set fail (string too long)");
      write();
      state.data.set(n, typeof value === "string" ? value.split("\0")[0] : value);
    },
    get(domain: string, key: string) {
      return state.data.get(name(domain, key));
    },
    delete(domain: string, key: string) {
      const n = name(domain, key);
      if (!state.data.has(n)) return;
      write();
      state.data.delete(n);
    },
    keys(domain: string) {
      return [...state.data.keys()].filter((k) => k.startsWith(domain + "\u0001")).map((k) => k.slice(domain.length + 1));
    },
  };
  return { state, Preference };
});

vi.mock("moddable:preference", () => ({ default: nvs.Preference }));

const { PreferenceStore, CHUNK_UNITS, MAX_PARTS, MAX_KEY_UNITS, slotBase } = await import("../../firmware/device/storage-preference.js");

beforeEach(() => {
  nvs.state.data.clear();
  nvs.state.writes = 0;
  nvs.state.cutAt = 0;
});

const text = (n: number, seed = 1) => {
  let s = "";
  const alphabet = "abcXYZ019 ,.;äöüß€😀\u{10348}";
  const chars = [...alphabet];
  for (let i = 0; s.length < n; i++) s += chars[(i * 7 + seed) % chars.length];
  return s.slice(0, n).replace(/[\ud800-\udbff]$/, "x"); // no dangling half pair at the end
};

describe("PreferenceStore", () => {
  it("round-trips short and long keys and values of every size, within the NVS limits", () => {
    const store = new PreferenceStore("wmbus");
    const keys = ["a", "meter/12345678/key", "k".repeat(MAX_KEY_UNITS), "ключ-😀"];
    const sizes = [0, 1, 100, CHUNK_UNITS - 300, CHUNK_UNITS, 2 * CHUNK_UNITS + 17, 5000];
    for (const key of keys) {
      for (const size of sizes) {
        const value = text(size, size + key.length);
        store.set(key, value);
        expect(store.get(key)).toBe(value);
      }
    }
    for (const [k, v] of nvs.state.data) {
      expect(k.length - "wmbus\u0001".length).toBeLessThanOrEqual(15);
      if (typeof v === "string") expect(new TextEncoder().encode(v).length + 1).toBeLessThanOrEqual(4000);
    }
  });

  it("never splits a surrogate pair across parts", () => {
    const store = new PreferenceStore();
    const value = "😀".repeat(CHUNK_UNITS * 2);
    store.set("emoji", value);
    expect(store.get("emoji")).toBe(value);
    for (const v of nvs.state.data.values()) {
      expect(typeof v === "string" && /[\ud800-\udbff]$/.test(v)).toBe(false);
    }
  });

  it("leaves only the parts of the current value after shrinking, and nothing after delete", () => {
    const store = new PreferenceStore();
    store.set("x", text(3 * CHUNK_UNITS));
    expect(nvs.state.data.size).toBe(4);
    store.set("x", "short");
    expect(nvs.state.data.size).toBe(1);
    expect(store.get("x")).toBe("short");
    store.delete("x");
    store.delete("x");
    expect(nvs.state.data.size).toBe(0);
    expect(store.get("x")).toBeUndefined();
  });

  it("does not write when the value is unchanged", () => {
    const store = new PreferenceStore();
    store.set("x", "same");
    const writes = nvs.state.writes;
    store.set("x", "same");
    expect(nvs.state.writes).toBe(writes);
  });

  it("keeps domains apart", () => {
    const a = new PreferenceStore("a");
    const b = new PreferenceStore("b");
    a.set("k", "1");
    b.set("k", "2");
    expect([a.get("k"), b.get("k")]).toEqual(["1", "2"]);
  });

  it("after a power cut at any write, reads the old or the new value, never a mix", () => {
    const before = text(2 * CHUNK_UNITS + 5, 3);
    const after = text(3 * CHUNK_UNITS + 9, 4);
    for (let cut = 1; cut < 20; cut++) {
      nvs.state.data.clear();
      nvs.state.cutAt = 0;
      nvs.state.writes = 0;
      const store = new PreferenceStore();
      store.set("k", before);
      nvs.state.cutAt = nvs.state.writes + cut;
      try {
        store.set("k", after);
      } catch {
        /* power cut */
      }
      nvs.state.cutAt = 0;
      const got = new PreferenceStore().get("k");
      expect(got === before || got === after, `cut at write ${cut}`).toBe(true);
      store.set("k", "x"); // a later write still works and cleans up
      expect(new PreferenceStore().get("k")).toBe("x");
      expect(nvs.state.data.size).toBe(1);
    }
  });

  it("after a power cut during delete, the key reads as absent and deleting again cleans up", () => {
    for (let cut = 1; cut < 6; cut++) {
      nvs.state.data.clear();
      nvs.state.cutAt = 0;
      nvs.state.writes = 0;
      const store = new PreferenceStore();
      store.set("k", text(3 * CHUNK_UNITS));
      nvs.state.cutAt = nvs.state.writes + cut;
      try {
        store.delete("k");
      } catch {
        /* power cut */
      }
      nvs.state.cutAt = 0;
      const again = new PreferenceStore();
      if (cut > 1) expect(again.get("k")).toBeUndefined();
      again.delete("k");
      expect(again.get("k")).toBeUndefined();
      expect(nvs.state.data.size).toBe(0);
    }
  });

  it("keeps keys whose hashes collide apart", () => {
    const seen = new Map<string, string>();
    let pair: [string, string] | undefined;
    for (let i = 0; !pair && i < 2_000_000; i++) {
      const key = "meter" + i;
      const base = slotBase(key);
      const other = seen.get(base);
      if (other) pair = [other, key];
      else seen.set(base, key);
    }
    expect(pair).toBeDefined();
    const [k1, k2] = pair!;
    const store = new PreferenceStore();
    store.set(k1, "one");
    store.set(k2, "two");
    expect([store.get(k1), store.get(k2)]).toEqual(["one", "two"]);
    store.delete(k1);
    expect([store.get(k1), store.get(k2)]).toEqual([undefined, "two"]);
    store.set(k1, "again");
    expect([store.get(k1), store.get(k2)]).toEqual(["again", "two"]);
  });

  it("rejects what NVS cannot hold", () => {
    const store = new PreferenceStore();
    expect(() => new PreferenceStore("a-domain-name-too-long")).toThrow(RangeError);
    expect(() => store.set("", "v")).toThrow(RangeError);
    expect(() => store.set("k".repeat(MAX_KEY_UNITS + 1), "v")).toThrow(RangeError);
    expect(() => store.set("k", "a\0b")).toThrow(RangeError);
    expect(() => store.set("k", "v".repeat(MAX_PARTS * CHUNK_UNITS))).toThrow(RangeError);
    expect(nvs.state.data.size).toBe(0);
  });
});
