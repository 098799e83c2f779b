/**
 * The encoder against standard vectors (protocol-vectors.md): every frame is built from the facts the
 * standard states (addresses, header fields, record values), never from our decoder's output, and must
 * give the standard's bytes: DLL CRCs, mode 5 and mode 7 ciphertext, the AFL CMAC, the wired checksum.
 */
import { describe, expect, it } from "vitest";
import { fromHex, toHex } from "../../firmware/util/hex.js";
import { encodeTelegram, type TelegramFields } from "../../firmware/encoder/encode.js";
import { addressBytes } from "../../firmware/link/dll-encode.js";
import { Writer } from "../../firmware/util/writer.js";
import { writeRecord, type AplItem } from "../../firmware/application/record-encode.js";
import { nodeCipher } from "../../host/aes-node.js";

const cipher = nodeCipher();
const k0 = fromHex("000102030405060708090A0B0C0D0E0F");
const hex = (s: string) => toHex(fromHex(s));
const v = (s: string) => fromHex(s);

/** STD-2/4/8 data: 28504.27 m³ (BCD, VIF 14 = 10⁻² m³), 2008-05-31 23:50 (type F bytes), error flags 0. */
const GAS: AplItem[] = [
  { kind: "record", record: { dataField: 0xc, vib: v("14"), value: 28504.27, exponent: -2 } },
  { kind: "record", record: { dataField: 0x4, vib: v("6D"), data: v("32371F15") } },
  { kind: "record", record: { dataField: 0x2, vib: v("FD17"), value: 0 } },
];
/** STD-1/6/7 data: HCA 1234, storage 1 date 2007-04-30 (type G bytes), storage 1 HCA 23456. */
const HCA: AplItem[] = [
  { kind: "filler", count: 2 },
  { kind: "record", record: { dataField: 0xb, vib: v("6E"), value: 1234 } },
  { kind: "record", record: { dataField: 0x2, storage: 1, vib: v("6C"), data: v("FE04") } },
  { kind: "record", record: { dataField: 0xb, storage: 1, vib: v("6E"), value: 23456 } },
];

describe("encoder against standard vectors", () => {
  it("STD-1 (CEN/TR 17167 F.2): frame A with block CRCs, CI 72 mode 5, plain tail 25 °C", () => {
    const f: TelegramFields = {
      dll: { c: 0x44, address: addressBytes("QDS", "11223344", 0x55, 0x08) },
      tpl: { ci: 0x72, address: addressBytes("QDS", "55667788", 0x55, 0x08), acc: 0, sts: 0x04, cfg: 0x0510, encrypt: true },
      apl: [...HCA, { kind: "record", record: { dataField: 1, vib: v("5B"), value: 25 } }],
      crc: "A",
    };
    expect(toHex(encodeTelegram(f, { cipher, key: k0 }))).toBe(
      hex("29449344443322115508 6CB1 7288776655934455080004100500DFE2 27F9 A782146D1513581CD2F83F3904015B19 6109"),
    );
  });

  it("STD-2 (OMS Vol.2 N.2.1): CI 7A mode 5 with S bit, 2 blocks padded with 2F", () => {
    const f: TelegramFields = {
      dll: { c: 0x44, address: addressBytes("ELS", "12345678", 0x33, 0x03) },
      tpl: { ci: 0x7a, acc: 0x2a, sts: 0, cfg: 0x2520, encrypt: true },
      apl: [{ kind: "filler", count: 2 }, ...GAS, { kind: "filler", count: 13 }],
    };
    expect(toHex(encodeTelegram(f, { cipher, key: fromHex("0102030405060708090A0B0C0D0E0F11") }))).toBe(
      "2E4493157856341233037A2A0020255923C95AAA26D1B2E7493B013EC4A6F6D3529B520EDFF0EA6DEFC99D6D69EBF3",
    );
  });

  it("STD-4 (OMS Vol.2 N.2.2): wired long frame RSP-UD, checksum 89", () => {
    const f: TelegramFields = {
      wired: { c: 0x08, a: 0xfd },
      tpl: { ci: 0x72, address: addressBytes("ELS", "12345678", 0x33, 0x03), acc: 0x2a, sts: 0, cfg: 0 },
      apl: GAS,
    };
    expect(toHex(encodeTelegram(f))).toBe("6820206808FD7278563412931533032A0000000C1427048502046D32371F1502FD1700008916");
  });

  it("STD-7 (OMS Vol.2 N.5.4): wired frame, mode 5 partial encryption, IV from the long header", () => {
    const f: TelegramFields = {
      wired: { c: 0x08, a: 0xfd },
      tpl: { ci: 0x72, address: addressBytes("QDS", "55667788", 0x55, 0x08), acc: 0, sts: 0x04, cfg: 0x0510, encrypt: true },
      apl: [
        ...HCA,
        { kind: "record", record: { dataField: 0xc, vib: v("FD10"), data: v("78563412") } },
        { kind: "record", record: { dataField: 0xc, vib: v("78"), data: v("44332211") } },
      ],
    };
    expect(toHex(encodeTelegram(f, { cipher, key: k0 }))).toBe(
      hex("682C2C6808FD72887766559344550800041005 00DFE2A782146D1513581CD2F83F3904 0CFD10785634120C7844332211 2616"),
    );
  });

  it("STD-8 (CEN/TR 17167 F.3): ELL III, AFL with MCR and CMAC-8, CI 72 mode 7 with KDF-A", () => {
    const f: TelegramFields = {
      dll: { c: 0x08, address: addressBytes("RAD", "11223344", 0x03, 0x37) },
      ell: { ci: 0x8e, cc: 0x80, acc: 0x75, receiver: addressBytes("XYZ", "33445566", 0x0a, 0x31) },
      afl: { fcl: 0x2c00, mcl: 0x25, mcr: 2739 },
      tpl: { ci: 0x72, address: addressBytes("ELS", "12345678", 0x33, 0x03), acc: 0x75, sts: 0, cfg: 0x0720, cfgExt: 0x10, encrypt: true },
      apl: [{ kind: "filler", count: 2 }, ...GAS, { kind: "filler", count: 13 }],
    };
    expect(toHex(encodeTelegram(f, { cipher, key: k0 }))).toBe(
      hex(`53082448443322110337 8E80753A63665544330A31 900F002C25B30A0000AF5D74DF73A600D9
        7278563412931533037500200710 9058475F4BC91DF878B80A1B0F98B629 024AAC727942BFC549233C0140829B93`),
    );
  });

  it("JM-1 (jMBus DecryptionTest): ELL II AES-CTR, payload CRC under the encryption", () => {
    // DLL KAM 63452869 v1B type 16, ELL 8D CC 30 ACC 50, SN bytes 20 9C D6 21 (ENC = 1 in bits 31..29);
    // plaintext after the payload CRC: CI 78, then the records (jMBus DecryptionTest).
    const f: TelegramFields = {
      dll: { c: 0x44, address: addressBytes("KAM", "63452869", 0x1b, 0x16) },
      ell: { ci: 0x8d, cc: 0x30, acc: 0x50, sn: 0x21d69c20, encrypt: true },
      tpl: { ci: 0x78 },
      apl: [{ kind: "raw", bytes: v("02FF2000000413803C070044139F380700") }],
    };
    const out = encodeTelegram(f, { cipher, key: fromHex("4E5508544202058100DFEFA06B0934A5") });
    expect(toHex(out)).toBe("24442D2C692845631B168D3050209CD621B006B1140AEF4953AE5B86FAFC0B00E70705B846");
  });

  it("records: negative BCD, signed integers, reals and DIFEs match EN 13757-3 codings", () => {
    const rec = (f: Parameters<typeof writeRecord>[1]) => {
      const w = new Writer();
      writeRecord(w, f);
      return toHex(w.bytes());
    };
    // JM-6 BCDNegativeTempTest: 0A 5A (flow temp 10⁻¹ °C) data 23 F1 = −12.3 °C
    expect(rec({ dataField: 0xa, vib: v("5A"), value: -12.3, exponent: -1 })).toBe("0A5A23F1");
    expect(rec({ dataField: 0x2, vib: v("5A"), value: -0.5, exponent: -1 })).toBe("025AFBFF");
    // type H real: 1.5 m³ at VIF 13 (10⁻³ m³) is 1500.0 = IEEE 754 0x44BB8000, LSB first
    expect(rec({ dataField: 0x5, vib: v("13"), value: 1.5, exponent: -3 })).toBe("05130080BB44");
    // storage 8 = DIF bit 0 + DIFE nibble 4; tariff 2 and sub-unit 1 in the same DIFE
    expect(rec({ dataField: 0x4, storage: 8, tariff: 2, subunit: 1, vib: v("13"), value: 0.001, exponent: -3 })).toBe("8464" + "13" + "01000000");
    expect(() => rec({ dataField: 0x9, vib: v("13"), value: 123, exponent: 0 })).toThrow(/does not fit/);
  });
});
