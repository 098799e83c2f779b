/**
 * The security layer with the portable @noble/ciphers backend, bundled by esbuild straight from the
 * TypeScript sources, runs under the real XS engine (xsnap) and reproduces the standard vectors.
 * The xsnap CLI is built at install (host-tests/xs/build-xsnap-cli.mjs); without it this test fails, never skips.
 */
import { describe, expect, it } from "vitest";
import { fileURLToPath } from "node:url";
import { dirname, join } from "node:path";
import { runUnderXs, writeTempModule } from "../xs/xsnap.js";

const root = join(dirname(fileURLToPath(import.meta.url)), "../..");
const src = (p: string) => JSON.stringify(join(root, p));

const ENTRY = `
import { fromHex as h, toHex as x } from ${src("firmware/util/hex.ts")};
import * as S from ${src("firmware/security/index.ts")};
import { nobleCipher } from ${src("host-tests/support/aes-noble.ts")};
const c = nobleCipher();
const out = {};
const nk = h("2b7e151628aed2a6abf7158809cf4f3c");
const np = h("6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e5130c81c46a35ce411e5fbc1191a0a52eff69f2445df4f9b17ad2b417be66c3710");
out.cbc = x(S.cbcEncrypt(c, nk, h("000102030405060708090a0b0c0d0e0f"), np));
out.ctr = x(S.ctrXor(c, nk, h("f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff"), np));
out.cmac64 = x(S.cmac(c, nk, np));
out.cmac0 = x(S.cmac(c, nk, np, 0, 0));
const k0 = h("000102030405060708090A0B0C0D0E0F");
const std8 = h("530824484433221103378E80753A63665544330A31900F002C25B30A0000AF5D74DF73A600D97278563412931533037500200710" +
  "9058475F4BC91DF878B80A1B0F98B629024AAC727942BFC549233C0140829B93");
const keys = S.mode7Keys(c, k0, std8.subarray(26, 30), std8.subarray(39, 43));
out.kenc = x(keys.kenc);
out.mac = x(S.aflMacCompute(c, keys.kmac, { mcl: std8[25], mcr: std8.subarray(26, 30) }, std8, 38));
out.mode7 = x(S.mode7Decrypt(c, keys.kenc, std8, 52, 2), 52);
const std1 = h("294493444433221155087288776655934455080004100500DFE2A782146D1513581CD2F83F3904015B19");
out.mode5 = x(S.mode5Decrypt(c, k0, S.mode5IvFromLongHeader(std1.subarray(11, 19), std1[19]), std1, 23, 1), 23);
const jm1 = h("24442D2C692845631B168D3050209CD621B006B1140AEF4953AE5B86FAFC0B00E70705B846");
const icb = S.ellIcb(jm1.subarray(2, 4), jm1.subarray(4, 10), jm1[11], jm1.subarray(13, 17));
out.ell = x(S.ellDecrypt(c, h("4E5508544202058100DFEFA06B0934A5"), icb, jm1, 17), 17);
try { S.ellDecrypt(c, h("4E5508544202058100DFEFA06B0934AF"), icb, jm1, 17); } catch (e) { out.wrong = e.code; }
const ks = new S.KeyStore();
ks.set("63452869", "4E5508544202058100DFEFA06B0934A5", "KAM");
out.ks = JSON.stringify(ks) + String(ks) + x(ks.lookup("63452869", "KAM"));
const g = new S.ReplayGuard();
g.accept("m", "acc", 250);
out.replay = [g.check("m", "acc", 250), g.check("m", "acc", 3), JSON.stringify(g)].join(" ");
print(JSON.stringify(out));
`;

describe("security under XS (xsnap, @noble/ciphers backend)", () => {
  it("reproduces NIST, RFC 4493 and OMS vectors", async () => {
    const entry = writeTempModule("security-entry.ts", ENTRY);
    const text = (await runUnderXs(entry)).trim().split("\n").pop()!;
    const out = JSON.parse(text) as Record<string, string>;
    expect(out).toEqual({
      cbc: "7649ABAC8119B246CEE98E9B12E9197D5086CB9B507219EE95DB113A917678B273BED6B8E3C1743B7116E69E222295163FF1CAA1681FAC09120ECA307586E1A7",
      ctr: "874D6191B620E3261BEF6864990DB6CE9806F66B7970FDFF8617187BB9FFFDFF5AE4DF3EDBD5D35E5B4F09020DB03EAB1E031DDA2FBE03D1792170A0F3009CEE",
      cmac64: "51F0BEBF7E3B9D92FC49741779363CFE",
      cmac0: "BB1D6929E95937287FA37D129B756746",
      kenc: "ECCF39D475D730B8284FDFDC1995D52F",
      mac: "AF5D74DF73A600D9",
      mode7: "2F2F0C1427048502046D32371F1502FD1700002F2F2F2F2F2F2F2F2F2F2F2F2F",
      mode5: "2F2F0B6E341200426CFE044B6E563402015B19",
      ell: "132B7802FF2000000413803C070044139F380700",
      wrong: "wrong_key",
      ks: '[{"id":"63452869","manufacturer":"KAM","key_set":true}]KeyStore(1 key)4E5508544202058100DFEFA06B0934A5',
      replay: 'replayed ok {"version":1,"meters":[{"meter":"m","acc":250}]}',
    });
  }, 60_000);
});
