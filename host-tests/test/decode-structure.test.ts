import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { fromHex } from "../../firmware/util/hex.js";
import { decodeTelegram } from "../../firmware/decoder/decode.js";
import { TelegramDecoder } from "../../firmware/decoder/decoder.js";
import { resultJson } from "../../firmware/decoder/json.js";
import { WmbusError } from "../../firmware/errors.js";
import { nodeCipher } from "../../host/aes-node.js";

const decode = (hex: string) => decodeTelegram(fromHex(hex));

describe("layer structure of the standard examples (no decryption)", () => {
  it("STD-5: ACC-NR + ELL 8C + CI 8B long header without APL", () => {
    const res = decode("194793444433221155378C20758B8877665593445508FF040000");
    expect(res.ok).toBe(true);
    const t = res.telegram;
    expect(t.dll!.cName).toBe("ACC_NR");
    expect(t.dll!.address).toMatchObject({ manufacturer: "QDS", id: "11223344", version: 0x55, deviceType: 0x37 });
    expect(t.ell).toMatchObject({ ci: 0x8c, cc: 0x20, acc: 0x75 });
    expect(t.ciChain).toEqual([0x8c, 0x8b]);
    expect(t.tpl!.address).toMatchObject({ id: "55667788", manufacturer: "QDS", deviceType: 0x08 });
    expect(t.tpl).toMatchObject({ acc: 0xff, sts: 0x04, cfg: 0 });
    expect(t.records).toEqual([]);
    expect(t.meter!.id).toBe("55667788");
  });

  it("STD-8: ELL 8E + AFL + CI 72 mode 7, fields parsed, no key → no_key naming the meter", () => {
    const res = decode(
      "53082448443322110337 8E80753A63665544330A31 900F002C25B30A0000AF5D74DF73A600D9 7278563412931533037500200710 9058475F4BC91DF878B80A1B0F98B629 024AAC727942BFC549233C0140829B93",
    );
    const t = res.telegram;
    expect(t.dll!.address).toMatchObject({ manufacturer: "RAD", id: "11223344", version: 3, deviceType: 0x37 });
    expect(t.ell!.receiver).toMatchObject({ manufacturer: "XYZ", id: "33445566", version: 0x0a, deviceType: 0x31 });
    expect(t.afl).toMatchObject({ afll: 0x0f, fcl: 0x2c00, fid: 0, moreFragments: false, mcl: 0x25, mcr: 2739 });
    expect(Buffer.from(t.afl!.mac!).toString("hex").toUpperCase()).toBe("AF5D74DF73A600D9");
    expect(t.tpl).toMatchObject({ securityMode: 7, encBlocks: 2, cfgExt: 0x10, acc: 0x75, sts: 0 });
    expect(t.tpl!.address).toMatchObject({ manufacturer: "ELS", id: "12345678", version: 0x33, deviceType: 3 });
    expect(t.ciChain).toEqual([0x8e, 0x90, 0x72]);
    expect(res.ok).toBe(false);
    expect(res.error!.code).toBe("no_key");
    expect(res.error!.message).toContain("12345678");
    expect(res.error!.message).toContain("ELS");
  });

  it("STD-2: mode 5 CI 7A, CFG 2520 (N=2, synchronous)", () => {
    const res = decode("2E4493157856341233037A2A0020255923C95AAA26D1B2E7493B013EC4A6F6D3529B520EDFF0EA6DEFC99D6D69EBF3");
    expect(res.telegram.tpl).toMatchObject({ acc: 0x2a, sts: 0, cfg: 0x2520, securityMode: 5, encBlocks: 2 });
    expect(res.error!.code).toBe("no_key");
    expect(res.telegram.payloadState).toBe("encrypted");
  });

  it("JM-1: ELL II with ENC=1 parses CC/ACC/SN", () => {
    const res = decode("24442D2C692845631B168D3050209CD621B006B1140AEF4953AE5B86FAFC0B00E70705B84689");
    expect(res.telegram.ell).toMatchObject({ ci: 0x8d, cc: 0x30, acc: 0x50, enc: 1 });
    expect(res.telegram.trailing).toBe(1);
    expect(res.error!.code).toBe("no_key");
  });

  it("STD-4 wired frame: address from the long header", () => {
    const out = resultJson(decode("6820206808FD7278563412931533032A0000000C1427048502046D32371F1502FD1700008916"));
    expect(out.frame).toMatchObject({ format: "mbus_long", manufacturer: "ELS", id: "12345678", version: "33", device_type: "03", ci: ["72"], mbus_address: 253 });
  });
});

describe("typed errors for malformed input", () => {
  it.each([
    ["", "empty"],
    ["2E44931578", "truncated"],
    ["0A4493157856341233030F", "unknown_ci"],
    ["0C44931578563412330372", "truncated"],
    ["054493157800", "bad_length"],
  ])("%s → %s", (hex, code) => {
    const res = decode(hex);
    expect(res.ok).toBe(false);
    expect(res.error!.code).toBe(code);
    expect(res.error).toBeInstanceOf(WmbusError);
  });

  it("a bad key argument is bad_key and never echoes the key", () => {
    const dec = new TelegramDecoder({ cipher: nodeCipher() });
    const res = dec.decode(fromHex("2E4493157856341233037A2A0020255923C95AAA26D1B2E7493B013EC4A6F6D3529B520EDFF0EA6DEFC99D6D69EBF3"), { key: "0102030405060708090A0B0C0D0E0F" });
    expect(res.error!.code).toBe("bad_key");
    expect(res.error!.message).not.toContain("0102030405");
  });

  it("fuzz: random bytes never throw and never yield a non-WmbusError", () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 0, maxLength: 300 }), (b) => {
        const res = decodeTelegram(b);
        if (!res.ok) expect(res.error).toBeInstanceOf(WmbusError);
      }),
      { numRuns: 3000 },
    );
  });

  it("fuzz: valid headers with random payloads (7A/72/78/8C/8D/90/79) never throw", () => {
    const ci = fc.constantFrom(0x7a, 0x72, 0x78, 0x8c, 0x8d, 0x90, 0x79, 0x73, 0x7b, 0x69, 0xa0);
    fc.assert(
      fc.property(ci, fc.uint8Array({ minLength: 0, maxLength: 200 }), (c, body) => {
        const b = new Uint8Array(11 + body.length);
        b.set([10 + body.length, 0x44, 0x93, 0x15, 0x78, 0x56, 0x34, 0x12, 0x33, 0x03, c]);
        b.set(body, 11);
        const res = decodeTelegram(b);
        if (!res.ok) expect(res.error).toBeInstanceOf(WmbusError);
        else expect(Array.isArray(res.telegram.records)).toBe(true);
      }),
      { numRuns: 3000 },
    );
  });
});
