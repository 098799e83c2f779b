/**
 * firmware/device/aes-crypt.ts (device AES on the SDK's `crypt` BlockCipher) against a fake
 * `moddable:crypt` built on node:crypto that is as strict as modCrypt.c: key and data must be whole
 * ArrayBuffers, keys 16/24/32 bytes, one block per call, and a key schedule is recomputed on every
 * change of direction (counted here).
 */
import { createCipheriv, createDecipheriv } from "node:crypto";
import { beforeEach, describe, expect, it, vi } from "vitest";

const fake = vi.hoisted(() => {
  const stats = { instances: 0, schedules: 0 };
  class BlockCipher {
    readonly #key: Uint8Array;
    #direction: "enc" | "dec" | undefined;
    constructor(name: string, key: ArrayBuffer) {
      if (name !== "AES") throw new Error("unsupported cipher");
      if (!(key instanceof ArrayBuffer)) throw new TypeError("key: not an ArrayBuffer");
      if (![16, 24, 32].includes(key.byteLength)) throw new Error("bad key size");
      this.#key = new Uint8Array(key.slice(0));
      stats.instances++;
    }
    #run(direction: "enc" | "dec", data: ArrayBuffer): ArrayBuffer {
      if (!(data instanceof ArrayBuffer)) throw new TypeError("data: not an ArrayBuffer");
      if (data.byteLength < 16) throw new Error("bad size");
      if (this.#direction !== direction) {
        this.#direction = direction;
        stats.schedules++;
      }
      const algo = `aes-${this.#key.length * 8}-ecb`;
      const c = direction === "enc" ? createCipheriv(algo, this.#key, null) : createDecipheriv(algo, this.#key, null);
      c.setAutoPadding(false);
      return new Uint8Array(c.update(new Uint8Array(data, 0, 16))).buffer;
    }
    encrypt(data: ArrayBuffer): ArrayBuffer {
      return this.#run("enc", data);
    }
    decrypt(data: ArrayBuffer): ArrayBuffer {
      return this.#run("dec", data);
    }
  }
  return { stats, BlockCipher };
});

vi.mock("moddable:crypt", () => ({ BlockCipher: fake.BlockCipher }));

const { ModdableAes } = await import("../../firmware/device/aes-crypt.js");
const { fromHex, toHex } = await import("../../firmware/util/hex.js");
const { WmbusError } = await import("../../firmware/errors.js");

// FIPS-197 appendix C.1 (AES-128).
const KEY = fromHex("000102030405060708090a0b0c0d0e0f");
const PLAIN = fromHex("00112233445566778899aabbccddeeff");
const CIPHER = "69C4E0D86A7B0430D8CDB78070B4C55A";

beforeEach(() => {
  fake.stats.instances = 0;
  fake.stats.schedules = 0;
});

describe("ModdableAes", () => {
  it("gives the FIPS-197 C.1 result both ways", () => {
    const aes = new ModdableAes();
    expect(toHex(aes.encryptBlock(KEY, PLAIN))).toBe(CIPHER);
    expect(toHex(aes.decryptBlock(KEY, fromHex(CIPHER)))).toBe(toHex(PLAIN));
  });

  it("accepts subarray views, leaves its inputs alone and returns fresh arrays", () => {
    const aes = new ModdableAes();
    const keyBuf = new Uint8Array(40);
    keyBuf.set(KEY, 7);
    const blockBuf = new Uint8Array(40);
    blockBuf.set(PLAIN, 21);
    const key = keyBuf.subarray(7, 23);
    const block = blockBuf.subarray(21, 37);
    const a = aes.encryptBlock(key, block);
    const b = aes.encryptBlock(key, block);
    expect(toHex(a)).toBe(CIPHER);
    expect(a).not.toBe(b);
    expect(a.length).toBe(16);
    expect(a.byteOffset).toBe(0);
    expect(toHex(key)).toBe(toHex(KEY));
    expect(toHex(block)).toBe(toHex(PLAIN));
  });

  it("keeps one native cipher per key and direction, so the key schedule is computed once each", () => {
    const aes = new ModdableAes();
    for (let i = 0; i < 10; i++) {
      aes.encryptBlock(KEY, PLAIN);
      aes.decryptBlock(KEY, PLAIN);
    }
    expect(fake.stats.instances).toBe(2);
    expect(fake.stats.schedules).toBe(2);
  });

  it("keeps the most recently used keys only, and rebuilds an evicted one correctly", () => {
    const aes = new ModdableAes(2);
    const keys = [1, 2, 3].map((n) => KEY.map((b) => b ^ n));
    const expected = keys.map((k) => toHex(aes.encryptBlock(k, PLAIN)));
    expect(fake.stats.instances).toBe(3);
    aes.encryptBlock(keys[2], PLAIN); // cached
    aes.encryptBlock(keys[1], PLAIN); // cached
    expect(fake.stats.instances).toBe(3);
    expect(toHex(aes.encryptBlock(keys[0], PLAIN))).toBe(expected[0]); // evicted: new instance
    expect(fake.stats.instances).toBe(4);
    aes.clear();
    aes.encryptBlock(keys[1], PLAIN);
    expect(fake.stats.instances).toBe(5);
  });

  it("rejects wrong key and block sizes with the security layer's errors", () => {
    const aes = new ModdableAes();
    const code = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        return e instanceof WmbusError ? e.code : String(e);
      }
    };
    expect(code(() => aes.encryptBlock(new Uint8Array(15), PLAIN))).toBe("bad_key");
    expect(code(() => aes.decryptBlock(new Uint8Array(32), PLAIN))).toBe("bad_key");
    expect(code(() => aes.encryptBlock(KEY, new Uint8Array(17)))).toBe("bad_argument");
    expect(fake.stats.instances).toBe(0);
  });

  it("never shows key bytes in JSON", () => {
    const aes = new ModdableAes();
    aes.encryptBlock(KEY, PLAIN);
    expect(JSON.stringify({ aes })).toBe('{"aes":"ModdableAes"}');
  });
});
