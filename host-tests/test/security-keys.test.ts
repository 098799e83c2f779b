/** KeyStore (keys never leak through describe/toJSON/toString/inspect/errors) and ReplayGuard. */
import { inspect } from "node:util";
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { WmbusError } from "../../firmware/errors.js";
import { toHex } from "../../firmware/util/hex.js";
import { KeyStore } from "../../firmware/security/key-store.js";
import { ReplayGuard, type CounterKind } from "../../firmware/security/replay.js";
import { AES_BACKENDS } from "../support/aes-backends.js";
import { thrown } from "./helpers.js";

const KEY = "4E5508544202058100DFEFA06B0934A5";
const KEY2 = "A1A1A1A1A1A1A1A1A1A1A1A1A1A1A1A1";


function leaks(text: string, key: string): boolean {
  const t = text.toUpperCase().replace(/[^0-9A-F]/g, "");
  const k = key.toUpperCase();
  // the whole key, or any 8-hex-digit slice of it
  for (let i = 0; i + 8 <= k.length; i += 2) if (t.includes(k.slice(i, i + 8))) return true;
  return t.includes(k);
}

describe("KeyStore", () => {
  it("stores and looks up by id, case-insensitively, returning copies", () => {
    const s = new KeyStore();
    s.set("63452869", KEY);
    expect(s.has("63452869")).toBe(true);
    expect(s.has("12345678")).toBe(false);
    const k = s.lookup("63452869")!;
    expect(toHex(k)).toBe(KEY);
    k.fill(0);
    expect(toHex(s.lookup("63452869")!)).toBe(KEY);
    s.set("000bc37c", KEY2.toLowerCase());
    expect(toHex(s.lookup("000BC37C")!)).toBe(KEY2);
    expect(s.size).toBe(2);
  });

  it("matches either of two addresses (TPL id first, DLL id second)", () => {
    const s = new KeyStore();
    s.set("49705932", KEY2); // JM-3 meter behind a ZRI radio converter 44002802
    expect(toHex(s.lookup("49705932", "ZRI", "44002802", "ZRI")!)).toBe(KEY2);
    expect(toHex(s.lookup("44002802", "ZRI", "49705932", "ZRI")!)).toBe(KEY2);
    expect(s.lookup("44002802", "ZRI")).toBeUndefined();
    s.set("44002802", KEY);
    expect(toHex(s.lookup("49705932", "ZRI", "44002802", "ZRI")!)).toBe(KEY2);
  });

  it("manufacturer-specific keys match only their manufacturer and win over wildcard keys", () => {
    const s = new KeyStore();
    s.set("12345678", KEY, "kam");
    expect(s.lookup("12345678", "KAM")).toBeDefined();
    expect(s.lookup("12345678", "ELS")).toBeUndefined();
    expect(s.lookup("12345678")).toBeUndefined();
    s.set("12345678", KEY2);
    expect(toHex(s.lookup("12345678", "KAM")!)).toBe(KEY);
    expect(toHex(s.lookup("12345678", "ELS")!)).toBe(KEY2);
    expect(s.describe()).toEqual([
      { id: "12345678", manufacturer: "KAM", key_set: true },
      { id: "12345678", manufacturer: null, key_set: true },
    ]);
    expect(s.delete("12345678", "KAM")).toBe(true);
    expect(toHex(s.lookup("12345678", "KAM")!)).toBe(KEY2);
    s.clear();
    expect(s.size).toBe(0);
    expect(s.has("12345678")).toBe(false);
  });

  it("rejects bad keys with bad_key and bad ids with bad_argument, never echoing the text", () => {
    const s = new KeyStore();
    for (const bad of [KEY.slice(0, 30), KEY + "00", KEY.slice(0, 31) + "G", "", "HalloWorldTestPW"]) {
      const e = thrown(() => s.set("63452869", bad));
      expect(e.code).toBe("bad_key");
      expect(e.message).toContain("63452869");
      const text = (e.message + JSON.stringify(e) + String(e)).toUpperCase();
      for (let i = 0; i + 8 <= bad.length; i++) expect(text).not.toContain(bad.slice(i, i + 8).toUpperCase());
    }
    // a key passed in the id slot by mistake is not echoed either
    const e = thrown(() => s.set(KEY, "63452869"));
    expect(e.code).toBe("bad_argument");
    expect(leaks(e.message + JSON.stringify(e) + (e.stack ?? ""), KEY)).toBe(false);
    expect(thrown(() => s.set("1234567", KEY)).code).toBe("bad_argument");
    expect(thrown(() => s.set("12345678", KEY, "KA1")).code).toBe("bad_argument");
    expect(s.size).toBe(0);
  });

  it("accepts surrounding white space around the hex key", () => {
    const s = new KeyStore();
    s.set("12345678", `  ${KEY}\n`);
    expect(toHex(s.lookup("12345678")!)).toBe(KEY);
  });

  it("never shows keys through describe, JSON, toString, template strings or util.inspect", () => {
    const s = new KeyStore();
    s.set("63452869", KEY, "KAM");
    s.set("12345678", KEY2);
    const texts = [
      JSON.stringify(s),
      JSON.stringify({ nested: s }),
      JSON.stringify(s.describe()),
      String(s),
      `${s}`,
      inspect(s, { showHidden: true, depth: 10 }),
      Object.keys(s).join(","),
      JSON.stringify(Object.getOwnPropertyNames(s)),
    ];
    for (const t of texts) {
      expect(leaks(t, KEY)).toBe(false);
      expect(t.toUpperCase()).not.toContain(KEY2);
    }
    expect(JSON.parse(JSON.stringify(s))).toEqual([
      { id: "63452869", manufacturer: "KAM", key_set: true },
      { id: "12345678", manufacturer: null, key_set: true },
    ]);
    expect(String(s)).toBe("KeyStore(2 keys)");
  });

  it("the AES backends do not show cached keys either", () => {
    const key = new Uint8Array(16).map((_, i) => 0xc0 + i);
    for (const [, cipher] of AES_BACKENDS) {
      cipher.encryptBlock(key, new Uint8Array(16));
      cipher.decryptBlock(key, new Uint8Array(16));
      const t = JSON.stringify(cipher) + inspect(cipher, { showHidden: true, depth: 10 }) + String(cipher);
      expect(t.toUpperCase()).not.toContain("C0C1C2C3");
      expect(t).not.toMatch(/192,\s*193,\s*194/);
    }
  });
});

describe("ReplayGuard", () => {
  it("32-bit MCR: strictly increasing", () => {
    const g = new ReplayGuard();
    expect(g.check("m1", "mcr", 2739)).toBe("ok");
    expect(g.accept("m1", "mcr", 2739)).toBe("ok");
    expect(g.check("m1", "mcr", 2739)).toBe("replayed");
    expect(g.check("m1", "mcr", 2738)).toBe("replayed");
    expect(g.check("m1", "mcr", 0)).toBe("replayed");
    expect(g.check("m1", "mcr", 2740)).toBe("ok");
    expect(g.check("m1", "mcr", 0xffffffff)).toBe("ok");
    expect(g.accept("m1", "mcr", 2738)).toBe("replayed");
    expect(g.last("m1", "mcr")).toBe(2739);
    // other meters and other counters are independent
    expect(g.check("m2", "mcr", 1)).toBe("ok");
    expect(g.check("m1", "acc", 1)).toBe("ok");
  });

  it("check() does not change state; accept() only moves forward", () => {
    const g = new ReplayGuard();
    g.check("m", "mcr", 10);
    expect(g.last("m", "mcr")).toBeUndefined();
    g.accept("m", "mcr", 10);
    g.accept("m", "mcr", 5);
    expect(g.last("m", "mcr")).toBe(10);
  });

  it("a finite 32-bit window treats a big backward jump as a counter reset", () => {
    const g = new ReplayGuard({ mcrWindow: 1000 });
    g.accept("m", "mcr", 50_000);
    expect(g.check("m", "mcr", 49_001)).toBe("replayed");
    expect(g.check("m", "mcr", 49_000)).toBe("ok");
    expect(g.accept("m", "mcr", 3)).toBe("ok");
    expect(g.last("m", "mcr")).toBe(3);
  });

  it("ELL SN: ENC bits 31..29 are masked off before comparing", () => {
    const g = new ReplayGuard();
    const sn = 0x21d69c20; // JM-1 SN bytes 20 9C D6 21, ENC = 1
    g.accept("kam", "sn", sn);
    expect(g.last("kam", "sn")).toBe(sn & 0x1fffffff);
    expect(g.check("kam", "sn", sn)).toBe("replayed");
    expect(g.check("kam", "sn", sn + 1)).toBe("ok");
    expect(g.check("kam", "sn", (sn & 0x1fffffff) >>> 0)).toBe("replayed");
  });

  it("8-bit ACC: wraps around 255 → 0; values within the window behind are replays", () => {
    const g = new ReplayGuard({ accWindow: 16 });
    g.accept("m", "acc", 250);
    expect(g.check("m", "acc", 250)).toBe("replayed");
    expect(g.check("m", "acc", 235)).toBe("replayed");
    expect(g.check("m", "acc", 234)).toBe("ok"); // 16 behind = beyond the window: a forward wrap
    expect(g.check("m", "acc", 251)).toBe("ok");
    expect(g.check("m", "acc", 3)).toBe("ok"); // wrapped forward
    expect(g.accept("m", "acc", 3)).toBe("ok");
    expect(g.check("m", "acc", 250)).toBe("replayed"); // 9 behind across the wrap
    expect(g.check("m", "acc", 244)).toBe("replayed"); // 15 behind
    expect(g.check("m", "acc", 243)).toBe("ok");
    expect(g.check("m", "acc", 4)).toBe("ok");
  });

  it("ACC property: replayed exactly when 0 ≤ (last − value) mod 256 < window", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 255 }), fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 255 }), (w, last, v) => {
        const g = new ReplayGuard({ accWindow: w });
        g.accept("m", "acc", last);
        expect(g.check("m", "acc", v)).toBe((last - v + 256) % 256 < w ? "replayed" : "ok");
      }),
    );
  });

  it("a replayed frame sequence is rejected after a state export/import round trip (JSON)", () => {
    const g = new ReplayGuard();
    g.accept("KAM.63452869", "sn", 0x21d69c20);
    g.accept("KAM.63452869", "acc", 0x50);
    g.accept("ELS.12345678", "mcr", 2739);
    const json = JSON.stringify(g);
    expect(JSON.parse(json)).toEqual(g.exportState());
    const g2 = new ReplayGuard();
    g2.importState(JSON.parse(json));
    expect(g2.size).toBe(2);
    expect(g2.check("KAM.63452869", "sn", 0x21d69c20)).toBe("replayed");
    expect(g2.check("KAM.63452869", "acc", 0x50)).toBe("replayed");
    expect(g2.check("ELS.12345678", "mcr", 2739)).toBe("replayed");
    expect(g2.check("ELS.12345678", "mcr", 2740)).toBe("ok");
    expect(g2.exportState()).toEqual(g.exportState());
  });

  it("importState validates and keeps the old state on error", () => {
    const g = new ReplayGuard();
    g.accept("m", "mcr", 5);
    for (const bad of [null, 3, { version: 2, meters: [] }, { version: 1 }, { version: 1, meters: [{ mcr: 1 }] }, { version: 1, meters: [{ meter: "x", acc: 256 }] }, { version: 1, meters: [{ meter: "x", mcr: -1 }] }, { version: 1, meters: [{ meter: "x", sn: "1" }] }]) {
      expect(thrown(() => g.importState(bad)).code).toBe("bad_argument");
    }
    expect(g.last("m", "mcr")).toBe(5);
    // "__proto__" as a meter name is just a name
    g.importState({ version: 1, meters: [{ meter: "__proto__", mcr: 9 }] });
    expect(g.last("__proto__", "mcr")).toBe(9);
    expect(JSON.parse(JSON.stringify(g)).meters[0].meter).toBe("__proto__");
  });

  it("keeps at most maxMeters, dropping the least recently accepted", () => {
    const g = new ReplayGuard({ maxMeters: 3 });
    for (const m of ["a", "b", "c"]) g.accept(m, "acc", 1);
    g.accept("a", "acc", 2); // a is now the most recent
    g.accept("d", "acc", 1);
    expect(g.size).toBe(3);
    expect(g.last("b", "acc")).toBeUndefined();
    expect(g.last("a", "acc")).toBe(2);
    expect(g.exportState().meters.map((m) => m.meter)).toEqual(["c", "a", "d"]);
    expect(g.forget("a")).toBe(true);
    expect(g.check("a", "acc", 2)).toBe("ok");
  });

  it("rejects out-of-range values and options", () => {
    const g = new ReplayGuard();
    const cases: [CounterKind, number][] = [["acc", 256], ["acc", -1], ["acc", 1.5], ["mcr", 2 ** 32], ["sn", -1]];
    for (const [k, v] of cases) expect(thrown(() => g.check("m", k, v)).code).toBe("bad_argument");
    expect(thrown(() => g.check("m", "xyz" as CounterKind, 1)).code).toBe("bad_argument");
    expect(thrown(() => new ReplayGuard({ accWindow: 0 })).code).toBe("bad_argument");
    expect(thrown(() => new ReplayGuard({ accWindow: 256 })).code).toBe("bad_argument");
    expect(thrown(() => new ReplayGuard({ mcrWindow: 0 })).code).toBe("bad_argument");
    expect(thrown(() => new ReplayGuard({ maxMeters: 0 })).code).toBe("bad_argument");
  });
});
