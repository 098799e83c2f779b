/**
 * AES modes over the injected BlockCipher, per backend: NIST SP 800-38A F.2.1/F.2.2 (CBC-AES128),
 * F.5.1/F.5.2 (CTR-AES128), RFC 4493 §4 (AES-CMAC), plus property tests against node:crypto's own
 * CBC/CTR and noble's CMAC as independent references.
 */
import { createCipheriv } from "node:crypto";
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { cmac as nobleCmac } from "@noble/ciphers/aes.js";
import { fromHex, toHex } from "../../firmware/util/hex.js";
import { WmbusError } from "../../firmware/errors.js";
import { cbcDecrypt, cbcEncrypt, cmac, cmacSubkeys, constantTimeEqual, ctrXor } from "../../firmware/security/modes.js";
import { AES_BACKENDS } from "../support/aes-backends.js";

const h = fromHex;
const NIST_KEY = h("2b7e151628aed2a6abf7158809cf4f3c");
const NIST_PLAIN = h(
  "6bc1bee22e409f96e93d7e117393172a ae2d8a571e03ac9c9eb76fac45af8e51 30c81c46a35ce411e5fbc1191a0a52ef f69f2445df4f9b17ad2b417be66c3710",
);
const NIST_CBC_IV = h("000102030405060708090a0b0c0d0e0f");
const NIST_CBC = "7649ABAC8119B246CEE98E9B12E9197D5086CB9B507219EE95DB113A917678B273BED6B8E3C1743B7116E69E222295163FF1CAA1681FAC09120ECA307586E1A7";
const NIST_CTR_ICB = h("f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff");
const NIST_CTR = "874D6191B620E3261BEF6864990DB6CE9806F66B7970FDFF8617187BB9FFFDFF5AE4DF3EDBD5D35E5B4F09020DB03EAB1E031DDA2FBE03D1792170A0F3009CEE";

function code(f: () => unknown): string | undefined {
  try {
    f();
  } catch (e) {
    return e instanceof WmbusError ? e.code : "not a WmbusError: " + String(e);
  }
  return undefined;
}

const key16 = fc.uint8Array({ minLength: 16, maxLength: 16 });

describe.each(AES_BACKENDS)("AES modes with %s", (_name, cipher) => {
  it("FIPS 197 / SP 800-38A ECB block (F.1.1 first block)", () => {
    expect(toHex(cipher.encryptBlock(NIST_KEY, NIST_PLAIN.subarray(0, 16)))).toBe("3AD77BB40D7A3660A89ECAF32466EF97");
    expect(toHex(cipher.decryptBlock(NIST_KEY, h("3AD77BB40D7A3660A89ECAF32466EF97")))).toBe("6BC1BEE22E409F96E93D7E117393172A");
  });

  it("does not modify its inputs and returns fresh arrays", () => {
    const key = NIST_KEY.slice();
    const blk = NIST_PLAIN.slice(0, 16);
    const a = cipher.encryptBlock(key, blk);
    const b = cipher.encryptBlock(key, blk);
    expect(a).not.toBe(b);
    a[0] ^= 1;
    expect(toHex(b)).toBe("3AD77BB40D7A3660A89ECAF32466EF97");
    expect(toHex(blk)).toBe(toHex(NIST_PLAIN.subarray(0, 16)));
    expect(toHex(key)).toBe(toHex(NIST_KEY));
    // an unaligned subarray view works too
    const buf = new Uint8Array(17);
    buf.set(blk, 1);
    expect(toHex(cipher.encryptBlock(key, buf.subarray(1)))).toBe("3AD77BB40D7A3660A89ECAF32466EF97");
  });

  it("SP 800-38A F.2.1 CBC-AES128.Encrypt", () => {
    expect(toHex(cbcEncrypt(cipher, NIST_KEY, NIST_CBC_IV, NIST_PLAIN))).toBe(NIST_CBC);
  });

  it("SP 800-38A F.2.2 CBC-AES128.Decrypt", () => {
    expect(toHex(cbcDecrypt(cipher, NIST_KEY, NIST_CBC_IV, h(NIST_CBC)))).toBe(toHex(NIST_PLAIN));
  });

  it("CBC over a sub-range returns only that range", () => {
    const buf = new Uint8Array(3 + 64 + 5);
    buf.set(h(NIST_CBC), 3);
    expect(toHex(cbcDecrypt(cipher, NIST_KEY, NIST_CBC_IV, buf, 3, 67))).toBe(toHex(NIST_PLAIN));
  });

  it("SP 800-38A F.5.1 / F.5.2 CTR-AES128 (counter carries from byte 15 into byte 14)", () => {
    expect(toHex(ctrXor(cipher, NIST_KEY, NIST_CTR_ICB, NIST_PLAIN))).toBe(NIST_CTR);
    expect(toHex(ctrXor(cipher, NIST_KEY, NIST_CTR_ICB, h(NIST_CTR)))).toBe(toHex(NIST_PLAIN));
    expect(toHex(NIST_CTR_ICB)).toBe("F0F1F2F3F4F5F6F7F8F9FAFBFCFDFEFF"); // ICB untouched
    // partial last block is truncated
    expect(toHex(ctrXor(cipher, NIST_KEY, NIST_CTR_ICB, NIST_PLAIN, 0, 21))).toBe(NIST_CTR.slice(0, 42));
  });

  it("RFC 4493 §4 subkeys", () => {
    const { k1, k2 } = cmacSubkeys(cipher, NIST_KEY);
    expect(toHex(k1)).toBe("FBEED618357133667C85E08F7236A8DE");
    expect(toHex(k2)).toBe("F7DDAC306AE266CCF90BC11EE46D513B");
  });

  it.each([
    [0, "BB1D6929E95937287FA37D129B756746"],
    [16, "070A16B46B4D4144F79BDD9DD04A287C"],
    [40, "DFA66747DE9AE63030CA32611497C827"],
    [64, "51F0BEBF7E3B9D92FC49741779363CFE"],
  ])("RFC 4493 §4 AES-CMAC example, length %i", (len, mac) => {
    expect(toHex(cmac(cipher, NIST_KEY, NIST_PLAIN, 0, len))).toBe(mac);
    // truncation keeps the most significant bytes (SP 800-38B §6.2 step 7)
    expect(toHex(cmac(cipher, NIST_KEY, NIST_PLAIN, 0, len, 8))).toBe(mac.slice(0, 16));
    expect(toHex(cmac(cipher, NIST_KEY, NIST_PLAIN, 0, len, 2))).toBe(mac.slice(0, 4));
  });

  it("rejects bad keys, IVs, ranges and partial CBC blocks with WmbusError", () => {
    expect(code(() => cbcEncrypt(cipher, new Uint8Array(15), NIST_CBC_IV, NIST_PLAIN))).toBe("bad_key");
    expect(code(() => cbcEncrypt(cipher, NIST_KEY, new Uint8Array(8), NIST_PLAIN))).toBe("bad_argument");
    expect(code(() => cbcDecrypt(cipher, NIST_KEY, NIST_CBC_IV, NIST_PLAIN, 0, 20))).toBe("bad_argument");
    expect(code(() => ctrXor(cipher, NIST_KEY, NIST_CTR_ICB, NIST_PLAIN, 10, 100))).toBe("bad_argument");
    expect(code(() => cmac(cipher, NIST_KEY, NIST_PLAIN, 0, 16, 17))).toBe("bad_argument");
    expect(code(() => cmac(cipher, NIST_KEY, NIST_PLAIN, 0, 16, 0))).toBe("bad_argument");
  });

  it("CBC round trip and agreement with node:crypto aes-128-cbc (property)", () => {
    fc.assert(
      fc.property(key16, key16, fc.integer({ min: 0, max: 8 }).chain((n) => fc.uint8Array({ minLength: 16 * n, maxLength: 16 * n })), (key, iv, data) => {
        const c = cbcEncrypt(cipher, key, iv, data);
        const ref = createCipheriv("aes-128-cbc", key, iv).setAutoPadding(false);
        const want = Buffer.concat([ref.update(data), ref.final()]);
        expect(toHex(c)).toBe(toHex(want));
        expect(toHex(cbcDecrypt(cipher, key, iv, c))).toBe(toHex(data));
      }),
      { numRuns: 150 },
    );
  });

  it("CTR is an involution and agrees with node:crypto aes-128-ctr (property)", () => {
    fc.assert(
      fc.property(key16, key16, fc.uint8Array({ maxLength: 300 }), (key, icb, data) => {
        const c = ctrXor(cipher, key, icb, data);
        const ref = createCipheriv("aes-128-ctr", key, icb);
        expect(toHex(c)).toBe(toHex(Buffer.concat([ref.update(data), ref.final()])));
        expect(toHex(ctrXor(cipher, key, icb, c))).toBe(toHex(data));
      }),
      { numRuns: 150 },
    );
  });

  it("CMAC agrees with @noble/ciphers cmac for any length (property)", () => {
    fc.assert(
      fc.property(key16, fc.uint8Array({ maxLength: 100 }), fc.integer({ min: 1, max: 16 }), (key, data, len) => {
        const want = nobleCmac(data, key);
        expect(toHex(cmac(cipher, key, data, 0, data.length, len))).toBe(toHex(want.subarray(0, len)));
      }),
      { numRuns: 200 },
    );
  });
});

describe("AES backends agree", () => {
  it("node:crypto and @noble/ciphers give the same block results (property)", () => {
    const [[, a], [, b]] = AES_BACKENDS;
    fc.assert(
      fc.property(key16, key16, (key, block) => {
        expect(toHex(a.encryptBlock(key, block))).toBe(toHex(b.encryptBlock(key, block)));
        expect(toHex(a.decryptBlock(key, block))).toBe(toHex(b.decryptBlock(key, block)));
      }),
      { numRuns: 300 },
    );
  });

  it("key caches stay correct when more keys are used than they hold", () => {
    const keys = Array.from({ length: 20 }, (_, i) => new Uint8Array(16).fill(i));
    const block = new Uint8Array(16).fill(0xa5);
    const [[, a], [, b]] = AES_BACKENDS;
    for (let round = 0; round < 3; round++) {
      for (const k of keys) {
        const ref = createCipheriv("aes-128-ecb", k, null).setAutoPadding(false).update(block);
        expect(toHex(a.encryptBlock(k, block))).toBe(toHex(ref));
        expect(toHex(b.encryptBlock(k, block))).toBe(toHex(ref));
        expect(toHex(a.decryptBlock(k, ref))).toBe(toHex(block));
        expect(toHex(b.decryptBlock(k, ref))).toBe(toHex(block));
      }
    }
  });
});

describe("constantTimeEqual", () => {
  it("compares contents and lengths", () => {
    expect(constantTimeEqual(h("0102"), h("0102"))).toBe(true);
    expect(constantTimeEqual(h(""), h(""))).toBe(true);
    expect(constantTimeEqual(h("0102"), h("0103"))).toBe(false);
    expect(constantTimeEqual(h("0102"), h("010200"))).toBe(false);
    expect(constantTimeEqual(h("8102"), h("0102"))).toBe(false);
  });

  it("equals byte-wise equality (property)", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 20 }), fc.uint8Array({ maxLength: 20 }), (a, b) => {
        expect(constantTimeEqual(a, b)).toBe(toHex(a) === toHex(b));
        expect(constantTimeEqual(a, a.slice())).toBe(true);
      }),
    );
  });
});
